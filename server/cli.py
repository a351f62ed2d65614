"""The ``onsplan`` command: run the server, migrate the database, load demo data, create an admin."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from server.config import ConfigError, Settings


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(2) from exc


def server_options(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    """How uvicorn serves the app. X-Forwarded-For is read only from the proxies named in the settings (or
    on the command line); otherwise the connecting address is the client, whatever headers it sends."""
    proxies = args.forwarded_allow_ips if args.forwarded_allow_ips is not None else settings.trusted_proxies
    proxies = ",".join(part.strip() for part in proxies.split(",") if part.strip())
    return {
        "host": args.host,
        "port": args.port,
        "workers": 1,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,
        "access_log": False,
        "log_level": "warning",
    }


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings()
    from server.app import create_app

    uvicorn.run(create_app(settings), **server_options(settings, args))
    return 0


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from server.migrate import upgrade

    upgrade(_settings().database_url)
    print("Database is up to date.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from server.demo import load_demo

    settings = _settings()
    result = asyncio.run(load_demo(settings, only_if_empty=args.if_empty))
    print(result.describe(settings.origin))
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    from server.demo import create_admin

    settings = _settings()
    link = asyncio.run(create_admin(settings, municipality_name=args.gemeente, name=args.name))
    print(f"Functioneel beheerder aangemaakt: {args.name} ({args.gemeente})")
    print(f"Eenmalige link om een passkey te maken (7 dagen geldig): {link}")
    return 0


def cmd_instrument(args: argparse.Namespace) -> int:
    """Load a gemeente's own set of leefgebieden (a JSON file) and optionally start using it."""
    import json
    from pathlib import Path

    from server.demo import load_instrument
    from server.domain.errors import InvalidInput

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        name = asyncio.run(load_instrument(_settings(), gemeente=args.gemeente, data=data, use=args.use))
    except (OSError, ValueError) as exc:
        print(f"Kan {args.file} niet lezen: {exc}", file=sys.stderr)
        return 2
    except InvalidInput as exc:
        for field, message in exc.errors.items():
            print(f"{field}: {message}", file=sys.stderr)
        return 2
    print(f"Set geladen: {name}" + (" (in gebruik)" if args.use else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onsplan", description="Ons Plan")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="serve the app")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="proxies whose X-Forwarded-For to trust (default: ONSPLAN_TRUSTED_PROXIES, else none)",
    )
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="database commands")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_up = db_sub.add_parser("upgrade", help="apply all migrations")
    db_up.set_defaults(func=cmd_db_upgrade)

    demo = sub.add_parser("demo", help="load the Woerden demo data (idempotent)")
    demo.add_argument("--if-empty", action="store_true", help="only when the database has no gemeente yet")
    demo.set_defaults(func=cmd_demo)

    admin = sub.add_parser("create-admin", help="create a gemeente's first functional admin")
    admin.add_argument("--gemeente", required=True)
    admin.add_argument("--name", required=True)
    admin.set_defaults(func=cmd_create_admin)
    instrument = sub.add_parser("instrument", help="load a gemeente's own set of leefgebieden from a JSON file")
    instrument.add_argument("file", help='JSON: {"key", "name", "scale": [{"score", "label"}], "domains": [...]}')
    instrument.add_argument("--gemeente", required=True, help="the gemeente's slug, e.g. woerden")
    instrument.add_argument("--use", action="store_true", help="make it the set this gemeente uses")
    instrument.set_defaults(func=cmd_instrument)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
