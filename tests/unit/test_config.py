"""Production refuses unsafe settings; development starts with sensible defaults."""

from __future__ import annotations

import pytest

from server.config import ConfigError, Settings

SAFE = {
    "ONSPLAN_ENVIRONMENT": "production",
    "ONSPLAN_SECRET_KEY": "x" * 40,
    "ONSPLAN_SECURE_COOKIES": "true",
    "ONSPLAN_DATABASE_URL": "postgresql+asyncpg://onsplan@db/onsplan",
    "ONSPLAN_ORIGIN": "https://onsplan.woerden.nl",
    "ONSPLAN_RP_ID": "onsplan.woerden.nl",
}


def test_production_with_safe_settings_starts() -> None:
    settings = Settings.from_env(SAFE)
    assert settings.is_production and settings.uses_tls and settings.secure_cookies


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"ONSPLAN_SECRET_KEY": None}, "ONSPLAN_SECRET_KEY"),
        ({"ONSPLAN_SECURE_COOKIES": "false"}, "ONSPLAN_SECURE_COOKIES"),
        ({"ONSPLAN_DATABASE_URL": "sqlite+aiosqlite:///:memory:"}, "persistent database"),
        ({"ONSPLAN_DEMO_MODE": "true"}, "ONSPLAN_DEMO_MODE"),
        ({"ONSPLAN_ORIGIN": "http://onsplan.woerden.nl"}, "https://"),
    ],
)
def test_production_refuses_unsafe_settings(change: dict[str, str | None], complaint: str) -> None:
    env = {**SAFE, **change}
    env = {k: v for k, v in env.items() if v is not None}
    with pytest.raises(ConfigError, match=complaint):
        Settings.from_env(env)  # type: ignore[arg-type]


def test_development_defaults_to_sqlite_file() -> None:
    settings = Settings.from_env({})
    assert settings.is_sqlite and "var/onsplan.sqlite3" in settings.database_url
    assert not settings.is_production
