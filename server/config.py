"""Settings, read from environment variables with the prefix ``ONSPLAN_``.

Each field documents itself; ``Settings.from_env()`` is the only place that reads the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "var" / "onsplan.sqlite3"


class ConfigError(RuntimeError):
    """The settings do not allow the app to start."""


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


@dataclass(frozen=True)
class Settings:
    # "development" or "production". Production refuses unsafe settings (see ``check``).
    environment: str = "development"
    # Secret for signing cookies and CSRF tokens. Required in production; random per process otherwise.
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    # SQLAlchemy URL. Default: a SQLite file under var/. PostgreSQL: postgresql+asyncpg://user@host/db
    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"
    # Mark cookies Secure (only sent over TLS). Required in production.
    secure_cookies: bool = False
    # The public origin people use, e.g. https://onsplan.woerden.nl. Used for WebAuthn and links.
    origin: str = "http://localhost:8000"
    # WebAuthn relying-party id: the host name of ``origin`` (never an IP address).
    rp_id: str = "localhost"
    # Name shown by the passkey prompt.
    rp_name: str = "Ons Plan"
    # Show the demo sign-in links on the start page. Never allowed in production.
    demo_mode: bool = False
    # Log level for the JSON logs (DEBUG, INFO, WARNING, ERROR).
    log_level: str = "INFO"
    # Idle timeout of a session, in minutes, for household members, network members and volunteers.
    session_idle_minutes: int = 60 * 24 * 7
    # Idle timeout of a session, in minutes, for professionals, team leads and admins.
    session_idle_minutes_professional: int = 30
    # Absolute lifetime of any session, in hours; after it the person signs in again.
    session_max_hours: int = 24 * 30
    # Absolute lifetime of a professional's session, in hours.
    session_max_hours_professional: int = 12
    # Attempts allowed per client and endpoint within a minute on sign-in and enrolment.
    rate_limit_per_minute: int = 20
    # Addresses of the reverse proxies (comma-separated IPs or CIDR ranges) whose X-Forwarded-For names the
    # client. Empty (the default): the client is the address that connects, and the header is ignored, so a
    # client that reaches the app directly cannot pick its own address for the rate limit.
    trusted_proxies: str = ""
    # Warn the household when one helper carries more open actions than this.
    helper_action_limit: int = 3
    # Database connections each process keeps open, and how many more it may open at a peak. Transactions
    # are short (a page ends its transaction before it renders), so a few per process carry the load; size
    # PostgreSQL's max_connections for machines x workers x (both together).
    db_pool_size: int = 5
    db_max_overflow: int = 5
    # Echo SQL statements to the log (development only).
    sql_echo: bool = False
    # Count the SQL statements of each request and send the count in a Server-Timing header (for `make bench`).
    count_statements: bool = False
    # The VAPID key pair for web push (RFC 8292), if you keep it outside the database: the private key as PEM
    # (or its path) and the public key as base64url. Empty (the default): `onsplan` makes a pair once and keeps
    # it in the database, so that every app process and worker signs with the same key.
    vapid_private_key: str = field(default="", repr=False)
    vapid_public_key: str = ""
    # Who the push services can contact about our messages (the VAPID "sub" claim): a mailto: or https: URL.
    # Empty: the origin when it is https, else mailto:beheer@localhost.
    vapid_subject: str = ""

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_tls(self) -> bool:
        return self.origin.startswith("https://")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"ONSPLAN_{f.name.upper()}")
            if raw is None:
                continue
            if f.type in ("bool", bool):
                values[f.name] = _as_bool(raw)
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check(secret_given="ONSPLAN_SECRET_KEY" in env)
        return settings

    def check(self, *, secret_given: bool = True) -> None:
        """Refuse settings that would be unsafe in production."""
        if not self.is_production:
            return
        problems = []
        if not secret_given or len(self.secret_key) < 32:
            problems.append("ONSPLAN_SECRET_KEY must be set to at least 32 characters")
        if not self.secure_cookies:
            problems.append("ONSPLAN_SECURE_COOKIES must be true")
        if self.database_url.startswith("sqlite") and ":memory:" in self.database_url:
            problems.append("ONSPLAN_DATABASE_URL must point to a persistent database")
        if not self.database_url.startswith(("postgresql", "sqlite")):
            problems.append("ONSPLAN_DATABASE_URL must be a PostgreSQL or SQLite URL")
        if self.demo_mode:
            problems.append("ONSPLAN_DEMO_MODE is not allowed in production")
        if not self.uses_tls:
            problems.append("ONSPLAN_ORIGIN must be an https:// address in production")
        if problems:
            raise ConfigError("Production settings refused: " + "; ".join(problems))
