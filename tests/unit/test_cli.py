"""How ``onsplan run`` serves the app: the client address comes from a proxy only when one is named."""

from __future__ import annotations

from server.cli import build_parser, server_options
from server.config import Settings


def options(argv: list[str], **settings: str) -> dict[str, object]:
    args = build_parser().parse_args(["run", *argv])
    return server_options(Settings(**settings), args)  # type: ignore[arg-type]


def test_by_default_no_forwarded_header_is_trusted() -> None:
    served = options([])
    assert served["proxy_headers"] is False
    assert served["forwarded_allow_ips"] is None


def test_the_proxies_named_in_the_settings_are_trusted() -> None:
    served = options([], trusted_proxies="10.0.0.5, 10.0.0.6")
    assert served["proxy_headers"] is True
    assert served["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"


def test_the_command_line_overrides_the_settings() -> None:
    served = options(["--forwarded-allow-ips", "192.0.2.1"], trusted_proxies="10.0.0.5")
    assert served["forwarded_allow_ips"] == "192.0.2.1"
    assert options(["--forwarded-allow-ips", ""], trusted_proxies="10.0.0.5")["proxy_headers"] is False
