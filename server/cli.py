"""The ``onsplan`` command: run the server (and the notification worker), migrate the database, load demo data,
create an admin, print the VAPID public key."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import subprocess
import sys
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from server.config import ConfigError, Settings

if TYPE_CHECKING:
    from litestar import Litestar

# What each worker process imports and calls to build its app (from the environment) when there are several.
APP_FACTORY = "server.cli:app_for_server"
SECRET_KEY_VAR = "ONSPLAN_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(2) from exc


def server_options(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    """How uvicorn serves the app. X-Forwarded-For is read only from the proxies named in the settings (or
    on the command line); otherwise the connecting address is the client, whatever headers it sends.

    With more than one worker uvicorn starts each worker as a new process, which builds its own app:
    uvicorn gets the factory's import path instead of an app, and each worker reads the settings from the
    environment (see ``share_secret_key``)."""
    proxies = args.forwarded_allow_ips if args.forwarded_allow_ips is not None else settings.trusted_proxies
    proxies = ",".join(part.strip() for part in proxies.split(",") if part.strip())
    return {
        "host": args.host,
        "port": args.port,
        "workers": args.workers,
        "factory": args.workers > 1,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,
        "access_log": False,
        "log_level": "warning",
    }


def app_for_server(settings: Settings | None = None) -> Litestar:
    """The app as one server process serves it: built from ``settings`` (or, in a worker, the environment),
    with WeasyPrint loaded and the objects of the start frozen.

    A full garbage collection walks every object the process holds; with the app, its libraries and
    WeasyPrint that took 150-230 ms, and a PDF download, which makes many objects, set one off each time,
    in whichever thread: meanwhile no request was answered. Objects made at the start live as long as the
    process, so ``gc.freeze`` takes them out of those walks (the same PDF beside a health check: longest
    answer 20-30 ms instead of about 200 ms). WeasyPrint is imported first so that its many objects are among
    them, and so that the first download does not wait for the import."""
    import gc

    import weasyprint  # noqa: F401 - imported for its side effect, see above

    from server.app import create_app

    app = create_app(settings)
    gc.collect()
    gc.freeze()
    return app


def share_secret_key(environ: MutableMapping[str, str]) -> bool:
    """Give all workers one secret key. Without ONSPLAN_SECRET_KEY each process makes a random one (fine
    in development with one process), and a CSRF token made by one worker would then be refused by the
    next. So the parent makes one and puts it in the environment its workers start with. Production
    refuses to start without the variable, so this happens only in development. True when a key was made."""
    if environ.get(SECRET_KEY_VAR):
        return False
    environ[SECRET_KEY_VAR] = secrets.token_urlsafe(32)
    return True


def worker_command() -> list[str]:
    """How ``onsplan run --with-worker`` starts the notification worker: this Python, this command."""
    return [sys.executable, "-m", "server.cli", "worker"]


class WorkerProcess:
    """The notification worker as a child of the web server (``onsplan run --with-worker``, ``make run``): it
    starts with the server and stops when the server stops. Ctrl+C reaches both (one process group); the
    worker then finishes its step. Any other way the server ends, the worker is asked to stop (SIGTERM), and
    killed if it does not within ``grace`` seconds."""

    def __init__(self, command: list[str] | None = None, *, grace: float = 15.0) -> None:
        self.command = command or worker_command()
        self.grace = grace
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> WorkerProcess:
        self.process = subprocess.Popen(self.command, env=os.environ.copy())  # noqa: S603 - our own command
        return self

    def __exit__(self, *_exc: object) -> None:
        process = self.process
        if process is None:
            return
        try:
            # After Ctrl+C the worker got the signal too: let it end its step by itself first.
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=self.grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def cmd_run(args: argparse.Namespace) -> int:
    import uvicorn

    settings = _settings()  # checked once here, so that bad settings stop before any worker starts
    options = server_options(settings, args)
    in_memory = settings.is_sqlite and ":memory:" in settings.database_url
    if in_memory and (options["factory"] or args.with_worker):
        print("An in-memory SQLite database cannot be shared by several processes; use a file.", file=sys.stderr)
        return 2
    with WorkerProcess() if args.with_worker else contextlib.nullcontext():
        if not options["factory"]:
            uvicorn.run(app_for_server(settings), **options)
            return 0
        if share_secret_key(os.environ):
            print(
                f"{SECRET_KEY_VAR} is not set: made one for this run, shared by its {args.workers} workers.",
                file=sys.stderr,
            )
        uvicorn.run(APP_FACTORY, **options)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from server.middleware import configure_logging
    from server.notify.worker import main as worker_main

    settings = _settings()
    configure_logging(settings.log_level)
    return asyncio.run(worker_main(settings, once=args.once))


async def vapid_public_key(settings: Settings) -> str:
    """The server's VAPID public key, made (and stored in the database) when there is none yet."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from server.db import make_engine
    from server.notify import vapid

    engine = make_engine(settings)
    try:
        async with async_sessionmaker(engine)() as db, db.begin():
            return (await vapid.keys(db, settings)).public_key
    finally:
        await engine.dispose()


def cmd_vapid(_args: argparse.Namespace) -> int:
    print(asyncio.run(vapid_public_key(_settings())))
    return 0


def _workers(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {value!r}")
    return number


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
    run.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="worker processes (default 1; in production one per CPU core, see the README)",
    )
    run.add_argument(
        "--with-worker",
        action="store_true",
        help="also start the notification worker (`onsplan worker`) and stop it with the server",
    )
    run.set_defaults(func=cmd_run)

    worker = sub.add_parser("worker", help="send notifications: the outbox, evaluation reminders, web push")
    worker.add_argument("--once", action="store_true", help="do what is due now, then stop (for cron and tests)")
    worker.set_defaults(func=cmd_worker)

    vapid = sub.add_parser("vapid", help="print the VAPID public key for web push (made once if there is none)")
    vapid.set_defaults(func=cmd_vapid)

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
