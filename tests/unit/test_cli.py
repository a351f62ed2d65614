"""How ``onsplan run`` serves the app: the client address comes from a proxy only when one is named, and
several worker processes share one app factory and one secret key."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from server import cli
from server.cli import build_parser, server_options, share_secret_key
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


def test_by_default_one_worker_serves_the_app_built_here() -> None:
    served = options([])
    assert served["workers"] == 1
    assert served["factory"] is False


def test_several_workers_each_build_the_app_from_the_factory() -> None:
    served = options(["--workers", "4"])
    assert served["workers"] == 4
    assert served["factory"] is True


@pytest.mark.parametrize("workers", ["0", "-2", "twee", "1.5"])
def test_a_number_of_workers_below_one_or_not_a_number_is_refused(
    workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["run", "--workers", workers])
    assert stopped.value.code == 2
    assert "--workers" in capsys.readouterr().err


def test_without_a_secret_key_one_is_made_for_all_workers() -> None:
    environ: dict[str, str] = {}
    assert share_secret_key(environ) is True
    key = environ["ONSPLAN_SECRET_KEY"]
    assert len(key) >= 32
    # The workers read the settings from this environment: all get the same key.
    assert Settings.from_env(environ).secret_key == Settings.from_env(environ).secret_key == key
    assert share_secret_key(environ) is False
    assert environ["ONSPLAN_SECRET_KEY"] == key


def test_a_secret_key_that_is_set_is_kept() -> None:
    environ = {"ONSPLAN_SECRET_KEY": "k" * 40}
    assert share_secret_key(environ) is False
    assert environ == {"ONSPLAN_SECRET_KEY": "k" * 40}


def run_with_fake_uvicorn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str]) -> dict[str, Any]:
    served: dict[str, Any] = {}

    def fake_run(app: object, **kwargs: Any) -> None:
        served.update(kwargs, app=app)

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setattr(gc, "freeze", lambda: served.setdefault("frozen", True))
    monkeypatch.setenv("ONSPLAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'onsplan.sqlite3'}")
    # Registered with monkeypatch first, so that the key the command puts in the environment goes again.
    monkeypatch.setenv("ONSPLAN_SECRET_KEY", "")
    monkeypatch.delenv("ONSPLAN_SECRET_KEY")
    assert cli.main(["run", *argv]) == 0
    return served


def test_run_with_workers_hands_uvicorn_the_factory_and_a_shared_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    served = run_with_fake_uvicorn(monkeypatch, tmp_path, ["--workers", "2", "--port", "8123"])
    assert served["app"] == "server.cli:app_for_server"
    assert served["factory"] is True and served["workers"] == 2 and served["port"] == 8123
    assert len(os.environ["ONSPLAN_SECRET_KEY"]) >= 32
    said = capsys.readouterr().err.strip().splitlines()
    assert said == ["ONSPLAN_SECRET_KEY is not set: made one for this run, shared by its 2 workers."]


def test_run_with_one_worker_leaves_the_environment_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    served = run_with_fake_uvicorn(monkeypatch, tmp_path, [])
    assert served["factory"] is False and served["workers"] == 1
    assert isinstance(served["app"], Litestar)
    assert served["frozen"] is True  # the objects of the start are left out of later garbage collections
    assert "ONSPLAN_SECRET_KEY" not in os.environ


def test_several_workers_cannot_share_an_in_memory_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *_args, **_kwargs: pytest.fail("uvicorn must not start"))
    monkeypatch.setenv("ONSPLAN_DATABASE_URL", "sqlite+aiosqlite:///:memory:")
    assert cli.main(["run", "--workers", "2"]) == 2
    assert "in-memory" in capsys.readouterr().err
