"""`make bench`: how fast the pages are, measured from outside with wrk against `onsplan run`.

Two runs, one after the other. First SQLite with the Woerden demo; then PostgreSQL with the demo and a bulk
set of 100,000 households (tools/bulkdata.py), on a PostgreSQL server of its own whose data directory is
kept under var/bench/ and reused while the migrations and the generator stay the same. Each run signs in
a household member, a regisseur and a volunteer without a browser (a software passkey), measures the bare
endpoint and six pages side by side, alternating, for a few rounds, then checks the access-log chains of
the households it touched and weighs the plan page's first load and an htmx tick. On PostgreSQL it also
counts the lock waits in the server's log. Prints a table per run and writes JSON under var/bench/. Not a
test: figures depend on the machine, and nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gzip
import hashlib
import html.parser
import json
import os
import platform
import re
import shutil
import signal
import socket
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.soft_authenticator import SoftPasskey  # noqa: E402
from tools import bulkdata  # noqa: E402

BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "var" / "bench"
LINK = re.compile(r"^\s+(\S[^(]*?) \([^)]*\)\s+(http://\S+/aanmelden/\S+)$", re.M)
# wrk prints this line (from the Lua script below) with the figures the table needs.
WRK_SCRIPT = """
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
wrk.method = method
if body and body ~= "" then wrk.body = body end
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") or ""
wrk.headers["Accept-Encoding"] = "gzip"
local extra = os.getenv("BENCH_HEADERS") or ""
for name, value in string.gmatch(extra, "([^:;]+):([^;]*)") do wrk.headers[name] = value end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout))
end
"""
# DESIGN.md, section 7.
FIRST_LOAD_BUDGET = 60 * 1024
HTMX_BUDGET = 10 * 1024
# The plan page at a steady load: p95 at most 30 ms at 50 requests per second (DESIGN.md section 7).
STEADY_RATE = 50
STEADY_P95_BUDGET_MS = 30.0

# PostgreSQL while the bulk set is loaded. A crash during loading only means loading again, so nothing waits
# for the disk; the data directory is synced once at the end (initdb --sync-only) before the marker file
# says the cluster is complete. max_wal_size keeps its default, so that no more than 1 GB of WAL is left
# behind in the kept data directory (checkpoints are cheap with fsync off).
PG_LOAD_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "autovacuum": "off",
    "shared_buffers": "1GB",
    "maintenance_work_mem": "512MB",
}
# PostgreSQL while measuring: as a small production server would run (2 cores, a few GB of memory, SSD).
# Commits are durable (fsync, synchronous_commit and full-page writes keep their defaults, on), because
# the bench measures production-like behaviour, writes included (sessions, the access log, ticks). Every
# wait for a lock longer than deadlock_timeout is logged, and the report counts them.
PG_BENCH_SETTINGS = {
    "shared_buffers": "1GB",
    "effective_cache_size": "4GB",
    "work_mem": "16MB",
    "random_page_cost": "1.1",
    "log_lock_waits": "on",
    "deadlock_timeout": "10ms",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Target:
    name: str
    path: str
    cookie: str = ""
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p95: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    errors: int = 0
    # Windows in which wrk saw no answer at all (the app stalled on this page).
    stalled: int = 0
    statements: int | None = None
    bytes_gzip: int = 0


class Server:
    """`onsplan run` in a subprocess, with its own settings."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.origin = f"http://localhost:{self.port}"
        self.env = {
            **os.environ,
            "ONSPLAN_DATABASE_URL": database_url,
            "ONSPLAN_ORIGIN": self.origin,
            "ONSPLAN_RP_ID": "localhost",
            "ONSPLAN_DEMO_MODE": "true",
            "ONSPLAN_SECRET_KEY": "bench-secret-key-that-is-long-enough-for-this",
            "ONSPLAN_LOG_LEVEL": "WARNING",
            "ONSPLAN_RATE_LIMIT_PER_MINUTE": "100000",
            "ONSPLAN_COUNT_STATEMENTS": "true",
        }
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own command, with our own arguments
            [str(BIN / "onsplan"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"onsplan {' '.join(args)} failed:\n{done.stderr.strip()[-3000:]}")
        return done.stdout

    def last_error(self) -> str:
        """The last error the app logged, with the last line of its traceback."""
        log = self.workdir / "server.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        # A crash before logging is set up leaves a plain traceback: its last line says what went wrong.
        found = next((line for line in reversed(lines) if line.strip()), "nothing")
        for line in lines:
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict) and entry.get("level") == "ERROR":
                    trace = str(entry.get("exception", "")).strip().splitlines()
                    found = f"{entry.get('message', '')} ({trace[-1] if trace else ''})"
        return found

    @contextlib.contextmanager
    def running(self) -> Iterator[Server]:
        log = (self.workdir / "server.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [str(BIN / "onsplan"), "run", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(300):
                if self.process.poll() is not None:
                    raise RuntimeError(f"the app stopped at start: {self.last_error()}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{self.origin}/health/ready", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            else:
                raise RuntimeError("the app did not start; see " + str(self.workdir / "server.log"))
            yield self
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            log.close()


# --------------------------------------------------------------------------------------------------------
# PostgreSQL: a server of our own, on a data directory that is kept between runs
# --------------------------------------------------------------------------------------------------------


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian package 'postgresql'); `make bench` installs it.")
    return found[-1].parent


class Cluster:
    """A PostgreSQL cluster in ``directory`` (data directory, logs, socket, marker). PostgreSQL refuses to
    run as root; as root its commands run as the `postgres` user, who then owns the directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.marker = directory / "bench-data.json"
        self.bin = postgres_bin()
        self.major = self.bin.parent.name
        self.as_root = os.geteuid() == 0
        self.port = free_port()
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/onsplan"

    def command(self, name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        owner = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        return subprocess.run(  # noqa: S603 - PostgreSQL's own programs, with our own arguments
            [*owner, str(self.bin / name), *args], capture_output=True, text=True, check=check
        )

    def make_reachable(self) -> None:
        """The postgres user must be able to walk down to the data directory."""
        for parent in self.directory.parents:
            mode = parent.stat().st_mode
            if mode & stat.S_IXOTH:
                continue
            if parent == ROOT or ROOT in parent.parents:
                parent.chmod(mode | stat.S_IXOTH)
            else:
                raise RuntimeError(f"{parent} is not open to other users (o+x); PostgreSQL cannot reach {self.data}")

    def create(self) -> None:
        if self.directory.exists():
            self.stop_leftover()
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        self.make_reachable()
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")
        self.command("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def stop_leftover(self) -> None:
        """A server left running by an interrupted run would hold the data directory."""
        if (self.data / "postmaster.pid").exists() and self.command(
            "pg_ctl", "-D", str(self.data), "status", check=False
        ).returncode == 0:
            self.command("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    @contextlib.contextmanager
    def running(self, settings: dict[str, str], log: Path) -> Iterator[Cluster]:
        self.stop_leftover()
        log.unlink(missing_ok=True)
        options = " ".join(
            [f"-p {self.port}", f"-k {self.directory}", "-c listen_addresses=127.0.0.1"]
            + [f"-c {name}={value}" for name, value in settings.items()]
        )
        started = self.command(
            "pg_ctl", "-D", str(self.data), "-l", str(log), "-w", "-s", "-t", "120", "-o", options, "start", check=False
        )
        if started.returncode != 0:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()}\n{tail}")
        try:
            yield self
        finally:
            self.command("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "120", "stop", check=False)

    def expected_marker(self, households: int) -> dict[str, Any]:
        return {
            "generator_version": bulkdata.GENERATOR_VERSION,
            "alembic_head": alembic_head(),
            "households": households,
            "seed": bulkdata.DEFAULT_SEED,
            "postgres": self.major,
        }

    def is_complete(self, households: int) -> bool:
        if not self.marker.exists() or not (self.data / "PG_VERSION").exists():
            return False
        try:
            found = json.loads(self.marker.read_text())
        except ValueError:
            return False
        expected = self.expected_marker(households)
        return all(found.get(key) == value for key, value in expected.items())


def alembic_head() -> str:
    from alembic.script import ScriptDirectory

    from server.migrate import alembic_config

    return ",".join(sorted(ScriptDirectory.from_config(alembic_config("")).get_heads()))


def cluster_directory(households: int) -> Path:
    size = f"{households // 1000}k" if households % 1000 == 0 else str(households)
    return OUT / f"pg-{size}"


def prepare_cluster(households: int) -> tuple[Cluster, dict[str, Any]]:
    """The bulk cluster for ``households``: reused when its marker matches, otherwise made afresh (migrate,
    the Woerden demo, the bulk set, VACUUM ANALYZE, a clean stop and a sync, then the marker)."""
    cluster = Cluster(cluster_directory(households))
    if cluster.is_complete(households):
        marker = json.loads(cluster.marker.read_text())
        print(f"Reusing the PostgreSQL cluster in {cluster.directory.relative_to(ROOT)} (made {marker.get('made')})")
        return cluster, {"reused": True, "seconds": marker.get("generation_seconds")}
    print(f"Making a PostgreSQL cluster with {households:,} households in {cluster.directory.relative_to(ROOT)}")
    started = time.monotonic()
    cluster.create()
    with cluster.running(PG_LOAD_SETTINGS, cluster.directory / "postgres-load.log"):
        cluster.command("createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "onsplan")
        loader = Server(cluster.url, cluster.directory)
        loader.cli("db", "upgrade")
        loader.cli("demo")
        summary = asyncio.run(bulkdata.generate(cluster.url, households))
    cluster.command("initdb", "-D", str(cluster.data), "--sync-only")
    seconds = time.monotonic() - started
    marker = {
        **cluster.expected_marker(households),
        "made": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "generation_seconds": round(seconds, 1),
        "rows": summary.rows,
    }
    cluster.marker.write_text(json.dumps(marker, indent=2))
    rows = sum(summary.rows.values())
    print(f"Loaded {rows:,} rows in {summary.seconds:.0f} s; the whole cluster took {seconds:.0f} s")
    return cluster, {"reused": False, "seconds": round(seconds, 1), "load_seconds": round(summary.seconds, 1)}


def count_in_log(log: Path, text: str) -> int:
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text(errors="replace").splitlines() if text in line)


LOG_PROCESS = re.compile(r"\[(\d+)\] (LOG|STATEMENT):\s+(.*)")


def lock_wait_statements(log: Path) -> dict[str, int]:
    """Which statements waited for a lock: the STATEMENT line that follows each "still waiting for" line of
    the same server process."""
    waiting: set[str] = set()
    counts: dict[str, int] = {}
    if not log.exists():
        return counts
    for line in log.read_text(errors="replace").splitlines():
        found = LOG_PROCESS.search(line)
        if found is None:
            continue
        process, kind, message = found.groups()
        if kind == "LOG" and "still waiting for" in message:
            waiting.add(process)
        elif kind == "STATEMENT" and process in waiting:
            waiting.discard(process)
            statement = " ".join(message.split())[:160]
            counts[statement] = counts.get(statement, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


# --------------------------------------------------------------------------------------------------------
# Signing in and measuring
# --------------------------------------------------------------------------------------------------------


def sign_in_with_link(server: Server, link: str) -> httpx.Client:
    """Enrol a software passkey with a one-time link, as a phone would, and keep the signed-in cookies."""
    client = httpx.Client(base_url=server.origin, follow_redirects=False, timeout=30)
    client.get("/")
    token = link.rsplit("/aanmelden/", 1)[1]
    headers = {"x-csrftoken": client.cookies["onsplan_csrf"]}
    options = client.post("/passkeys/registratie/opties", json={"token": token}, headers=headers)
    options.raise_for_status()
    passkey = SoftPasskey(rp_id="localhost", origin=server.origin)
    answer = client.post(
        "/passkeys/registratie",
        json={"credential": passkey.register(options.json()["publicKey"]), "name": "bench"},
        headers=headers,
    )
    answer.raise_for_status()
    return client


def cookie_header(client: httpx.Client) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def body_on_the_wire(response: httpx.Response) -> int:
    """The body's bytes as they came over the wire: compressed when the server compressed them."""
    response.read()
    return int(response.num_bytes_downloaded)


def header_bytes(response: httpx.Response) -> int:
    status_line = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n")
    return status_line + sum(len(name) + len(value) + 4 for name, value in response.headers.raw) + 2


def statements_and_size(client: httpx.Client, target: Target) -> tuple[int | None, int]:
    headers = {"Accept-Encoding": "gzip", "Cookie": target.cookie, **target.headers}
    with httpx.Client(base_url=str(client.base_url), timeout=30) as probe:
        response = probe.request(target.method, target.path, headers=headers, content=target.body or None)
        on_the_wire = body_on_the_wire(response)
    if response.status_code >= 400:
        raise RuntimeError(f"{target.name}: {target.path} answered {response.status_code}")
    timing = response.headers.get("server-timing", "")
    found = re.search(r'sql;desc="(\d+) statements"', timing)
    compressed = response.headers.get("content-encoding") == "gzip"
    size = on_the_wire if compressed else len(gzip.compress(response.content))
    return (int(found.group(1)) if found else None), size


def run_wrk(server: Server, target: Target, seconds: int, connections: int, script: Path) -> tuple[float, ...]:
    env = {
        **os.environ,
        "BENCH_COOKIE": target.cookie,
        "BENCH_METHOD": target.method,
        "BENCH_BODY": target.body,
        "BENCH_HEADERS": ";".join(f"{k}:{v}" for k, v in target.headers.items()),
    }
    wrk = shutil.which("wrk") or "wrk"
    done = subprocess.run(  # noqa: S603 - wrk from Debian, with our own arguments
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"{server.origin}{target.path}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    requests, duration_us, p50, p95, p99, status_errors, socket_errors, timeouts = (int(x) for x in line.split()[1:])
    rps = requests / (duration_us / 1_000_000)
    return rps, p50 / 1000, p95 / 1000, p99 / 1000, float(status_errors + socket_errors + timeouts)


def measure(server: Server, targets: list[Target], rounds: int, seconds: int, connections: int) -> dict[str, Result]:
    script = server.workdir / "bench.lua"
    script.write_text(WRK_SCRIPT)
    results = {t.name: Result() for t in targets}
    with httpx.Client(base_url=server.origin) as client:
        for target in targets:
            # wrk repeats one request, so a tick is a repeat of an earlier tick after the first one: send each
            # request once before the probe, so that its statements are those of what wrk measures, whether
            # the database is new or reused.
            statements_and_size(client, target)
            try:
                results[target.name].statements, results[target.name].bytes_gzip = statements_and_size(client, target)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}; the app says: {server.last_error()}") from exc
    for round_number in range(rounds):
        # Alternate the order each round, so that no page always runs on a warm or a tired machine.
        order = targets if round_number % 2 == 0 else list(reversed(targets))
        for target in order:
            rps, p50, p95, p99, errors = run_wrk(server, target, seconds, connections, script)
            result = results[target.name]
            result.rps.append(rps)
            result.p50.append(p50)
            result.p95.append(p95)
            result.p99.append(p99)
            result.errors += int(errors)
            stalled = ""
            if rps == 0:
                result.stalled += 1
                stalled = "  no request was answered in this window"
            line = f"  round {round_number + 1}: {target.name:<22} {rps:8.1f} req/s  p95 {p95:7.1f} ms{stalled}"
            print(line, flush=True)
    return results


@dataclass
class Session:
    """The signed-in people and the six pages, as the run measures them."""

    targets: list[Target]
    household_path: str
    anouk: httpx.Client


def demo_targets(server: Server) -> Session:
    output = server.cli("demo")
    links = {name.strip(): url for name, url in LINK.findall(output)}
    anouk = sign_in_with_link(server, links["Anouk"])
    fatima = sign_in_with_link(server, links["Fatima"])
    sem = sign_in_with_link(server, links["Sem"])
    household = re.search(r'href="/huishoudens/([0-9a-f-]{36})"', anouk.get("/mijn").text)
    assert household, "Anouk's household is not on her page"
    home = f"/huishoudens/{household.group(1)}"
    plan = anouk.get(f"{home}/plan").text
    tick = re.search(r'hx-post="(' + home + r'/plan/acties/[0-9a-f-]{36}/afvinken)"', plan)
    assert tick, "no action to tick on the plan page"
    csrf = anouk.cookies["onsplan_csrf"]
    targets = [
        Target("bare /health/live", "/health/live"),
        Target("plan page", f"{home}/plan", cookie_header(anouk)),
        Target("scores page", f"{home}/scores", cookie_header(anouk)),
        Target("household overview", home, cookie_header(fatima)),
        Target("caseload (/mijn)", "/mijn", cookie_header(fatima)),
        Target("volunteer task board", "/taken", cookie_header(sem)),
        Target(
            "htmx tick",
            tick.group(1),
            cookie_header(anouk),
            method="POST",
            body="gedaan=ja",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "x-csrftoken": csrf,
            },
        ),
    ]
    return Session(targets, home, anouk)


# --------------------------------------------------------------------------------------------------------
# Page weight
# --------------------------------------------------------------------------------------------------------


class AssetFinder(html.parser.HTMLParser):
    """What a browser fetches for a page on its own: stylesheets, icons, the manifest, preloads, scripts and
    images. Links to other pages are not assets."""

    FETCHED_LINKS = frozenset(
        {"stylesheet", "icon", "shortcut", "apple-touch-icon", "manifest", "preload", "modulepreload", "mask-icon"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and set(values.get("rel", "").lower().split()) & self.FETCHED_LINKS:
            self.urls.append(values.get("href", ""))
        elif tag in ("script", "img", "source", "audio", "video") and values.get("src"):
            self.urls.append(values["src"])
        if tag in ("img", "source") and values.get("srcset"):
            # A browser picks one candidate; the first stands for it.
            self.urls.append(values["srcset"].split(",")[0].split()[0])


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
SERVICE_WORKER = re.compile(r"""serviceWorker\.register\(\s*['"]([^'"]+)['"]""")


def page_weight(server: Server, session: Session, tick: Target) -> dict[str, Any]:
    """The plan page's first load with everything it makes the browser fetch (compressed as sent, headers
    included), and the answer to one htmx tick, against the budgets of DESIGN.md section 7."""
    headers = {"Accept-Encoding": "gzip", "Cookie": cookie_header(session.anouk)}
    items: list[dict[str, Any]] = []
    with httpx.Client(base_url=server.origin, timeout=30, headers=headers) as client:
        queue = [f"{session.household_path}/plan"]
        seen: set[str] = set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            body = body_on_the_wire(response)
            items.append(
                {
                    "url": path,
                    "status": response.status_code,
                    "type": response.headers.get("content-type", "").split(";")[0],
                    "encoding": response.headers.get("content-encoding", ""),
                    "body_bytes": body,
                    "header_bytes": header_bytes(response),
                }
            )
            kind = response.headers.get("content-type", "")
            found: list[str] = []
            if "html" in kind:
                finder = AssetFinder()
                finder.feed(response.text)
                found = finder.urls
            elif "css" in kind:
                found = [a or b for a, b in CSS_URL.findall(response.text)]
            elif "javascript" in kind:
                found = SERVICE_WORKER.findall(response.text)
            for url in found:
                if url.startswith("data:"):
                    continue
                absolute = urllib.parse.urljoin(server.origin + path, url)
                parsed = urllib.parse.urlsplit(absolute)
                if f"{parsed.scheme}://{parsed.netloc}" != server.origin:
                    items.append(
                        {"url": absolute, "status": None, "type": "elsewhere", "body_bytes": 0, "header_bytes": 0}
                    )
                    continue
                queue.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    first_load = sum(i["body_bytes"] + i["header_bytes"] for i in items)
    tick_headers = {"Accept-Encoding": "gzip", "Cookie": tick.cookie, **tick.headers}
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        answer = client.request(tick.method, tick.path, headers=tick_headers, content=tick.body)
        tick_body = body_on_the_wire(answer)
        tick_total = tick_body + header_bytes(answer)
    return {
        "first_load_bytes": first_load,
        "first_load_budget": FIRST_LOAD_BUDGET,
        "first_load_within_budget": first_load <= FIRST_LOAD_BUDGET,
        "first_load_items": items,
        "htmx_tick_bytes": tick_total,
        "htmx_tick_body_bytes": tick_body,
        "htmx_tick_status": answer.status_code,
        "htmx_budget": HTMX_BUDGET,
        "htmx_within_budget": tick_total <= HTMX_BUDGET,
    }


def print_weight(weight: dict[str, Any]) -> None:
    items = weight["first_load_items"]
    html_bytes = items[0]["body_bytes"] + items[0]["header_bytes"] if items else 0
    verdict = "within budget" if weight["first_load_within_budget"] else "OVER BUDGET"
    print(
        f"page weight: plan page first load {weight['first_load_bytes'] / 1024:.1f} KB "
        f"(HTML {html_bytes / 1024:.1f} KB + {len(items) - 1} assets), budget "
        f"{weight['first_load_budget'] / 1024:.0f} KB: {verdict}"
    )
    for item in items:
        print(
            f"  {item['url'][:60]:<60} {item['type'][:24]:<24} {item['encoding'] or '-':<5} "
            f"{item['body_bytes'] + item['header_bytes']:>7} B"
        )
    verdict = "within budget" if weight["htmx_within_budget"] else "OVER BUDGET"
    print(
        f"page weight: htmx tick {weight['htmx_tick_bytes'] / 1024:.1f} KB (status {weight['htmx_tick_status']}), "
        f"budget {weight['htmx_budget'] / 1024:.0f} KB: {verdict}"
    )


# --------------------------------------------------------------------------------------------------------
# Access-log chains
# --------------------------------------------------------------------------------------------------------


async def _check_chains(database_url: str, since: dt.datetime) -> dict[str, Any]:
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession

    from server.config import Settings
    from server.db import make_engine
    from server.domain.access_log import chain_is_intact
    from server.domain.demo_people import demo_people
    from server.domain.models import AccessLogEntry, Role, Trajectory

    engine = make_engine(Settings(database_url=database_url))
    try:
        async with AsyncSession(engine) as db:
            written = await db.scalar(
                select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.created_at >= since)
            )
            touched = set(
                await db.scalars(
                    select(AccessLogEntry.household_id).where(AccessLogEntry.created_at >= since).distinct()
                )
            )
            # The regisseur's caseload too, so that chains the bulk generator made are checked as well.
            regisseur = next((p for role, p in await demo_people(db) if role is Role.REGISSEUR), None)
            caseload: set[uuid.UUID] = set()
            if regisseur is not None:
                caseload = set(
                    await db.scalars(select(Trajectory.household_id).where(Trajectory.regisseur_id == regisseur.id))
                )
            households = sorted(touched | caseload)
            broken = [str(h) for h in households if not await chain_is_intact(db, h)]
            longest = 0
            if touched:
                longest = (
                    await db.scalar(
                        select(func.count())
                        .select_from(AccessLogEntry)
                        .where(AccessLogEntry.household_id.in_(touched))
                        .group_by(AccessLogEntry.household_id)
                        .order_by(func.count().desc())
                        .limit(1)
                    )
                    or 0
                )
    finally:
        await engine.dispose()
    return {
        "intact": not broken,
        "households_checked": len(households),
        "households_touched": len(touched),
        "entries_written_during_run": int(written or 0),
        "longest_touched_chain": int(longest or 0),
        "broken": broken,
    }


def check_chains(database_url: str, since: dt.datetime) -> dict[str, Any]:
    chains = asyncio.run(_check_chains(database_url, since))
    print(
        f"access-log chains intact: {'yes' if chains['intact'] else 'NO'} ({chains['households_checked']} households"
        f" checked; {chains['entries_written_during_run']:,} entries written during the run on "
        f"{chains['households_touched']} households)"
    )
    return chains


# --------------------------------------------------------------------------------------------------------
# Runs and the report
# --------------------------------------------------------------------------------------------------------


def table(label: str, results: dict[str, Result]) -> dict[str, Any]:
    bare = statistics.median(results["bare /health/live"].rps)
    print(f"\n{label}")
    print(
        f"{'page':<22} {'req/s':>8} {'of bare':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'stmts':>6} {'gzip B':>8}"
    )
    rows: dict[str, dict[str, Any]] = {}
    for name, result in results.items():
        rps = statistics.median(result.rps)
        row: dict[str, Any] = {
            "requests_per_second": round(rps, 1),
            "ratio_to_bare": round(rps / bare, 3) if bare else None,
            "p50_ms": round(statistics.median(result.p50), 1),
            "p95_ms": round(statistics.median(result.p95), 1),
            "p99_ms": round(statistics.median(result.p99), 1),
            "statements": result.statements,
            "bytes_gzip": result.bytes_gzip,
            "errors": result.errors,
            "stalled_windows": result.stalled,
        }
        rows[name] = row
        print(
            f"{name:<22} {row['requests_per_second']:>8} {row['ratio_to_bare'] * 100:>7.1f}% {row['p50_ms']:>8} "
            f"{row['p95_ms']:>8} {row['p99_ms']:>8} {row['statements'] if row['statements'] is not None else '-':>6} "
            f"{row['bytes_gzip']:>8}"
        )
    errors = sum(r["errors"] for r in rows.values())
    if errors:
        print(f"errors (non-2xx/3xx answers, socket errors, timeouts): {errors}")
    stalled = {name: r["stalled_windows"] for name, r in rows.items() if r["stalled_windows"]}
    if stalled:
        print(f"windows without a single answer (the median hides nothing else): {stalled}")
    return rows


def keep_app_log(server: Server, name: str) -> None:
    """The app's log of the last run on each database stays under var/bench/, for when something was odd."""
    log = server.workdir / "server.log"
    if log.exists():
        shutil.copyfile(log, OUT / f"app-{name}.log")


async def _steady(server: Server, target: Target, rate: int, seconds: int) -> list[float]:
    """Requests at a fixed rate, each sent on time whether or not the one before has come back (an open
    loop, as many people's phones would), and the time each answer took, in milliseconds."""
    headers = {"Accept-Encoding": "gzip", "Cookie": target.cookie, **target.headers}
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=server.origin, timeout=30, limits=limits) as client:

        async def one() -> None:
            started = time.perf_counter()
            response = await client.request(target.method, target.path, headers=headers)
            await response.aread()
            if response.status_code < 400:
                latencies.append((time.perf_counter() - started) * 1000)

        loop = asyncio.get_running_loop()
        start = loop.time()
        pending = []
        for number in range(rate * seconds):
            await asyncio.sleep(max(0.0, start + number / rate - loop.time()))
            pending.append(asyncio.create_task(one()))
        await asyncio.gather(*pending)
    return latencies


def steady_rate(server: Server, target: Target, rate: int = STEADY_RATE, seconds: int = 10) -> dict[str, Any]:
    """The plan page at a steady rate (the budget: p95 at most 30 ms at 50 requests per second)."""
    asyncio.run(_steady(server, target, rate, 2))  # warm up
    latencies = sorted(asyncio.run(_steady(server, target, rate, seconds)))
    answered = len(latencies)

    def percentile(share: float) -> float:
        return round(latencies[min(answered - 1, int(share * answered))], 1) if answered else float("nan")

    p95 = percentile(0.95)
    result: dict[str, Any] = {
        "page": target.name,
        "rate_per_second": rate,
        "seconds": seconds,
        "answered": answered,
        "sent": rate * seconds,
        "p50_ms": percentile(0.50),
        "p95_ms": p95,
        "p99_ms": percentile(0.99),
        "p95_budget_ms": STEADY_P95_BUDGET_MS,
    }
    verdict = "within" if p95 <= STEADY_P95_BUDGET_MS and answered == rate * seconds else "OVER"
    print(
        f"\n{target.name} at a steady {rate} requests/s for {seconds} s: p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms ({answered}/{rate * seconds} answered; "
        f"{verdict} the budget of p95 <= {STEADY_P95_BUDGET_MS} ms)"
    )
    return result


def bench_run(server: Server, label: str, args: argparse.Namespace) -> dict[str, Any]:
    """Sign in, measure, weigh; the chains are checked by the caller once the app has stopped."""
    code = code_fingerprint()
    session = demo_targets(server)
    print(label)
    results = measure(server, session.targets, args.rounds, args.seconds, args.connections)
    pages = table(label, results)
    if any(result.stalled or result.errors for result in results.values()):
        print(f"the app's last error: {server.last_error()[:400]}")
    weight = page_weight(server, session, session.targets[-1])
    print_weight(weight)
    plan = next(target for target in session.targets if target.name == "plan page")
    steady = steady_rate(server, plan)
    changed = code_fingerprint() != code
    if changed:
        print("note: the server code changed during this run; the app kept running the code it started with")
    return {
        "code": code,
        "code_changed_during_run": changed,
        "pages": pages,
        "page_weight": weight,
        "steady_plan_page": steady,
    }


def run_sqlite(args: argparse.Namespace) -> dict[str, Any]:
    label = "SQLite, the Woerden demo, one process"
    with tempfile.TemporaryDirectory(prefix="onsplan-bench-") as tmp:
        workdir = Path(tmp)
        server = Server(f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}", workdir)
        server.cli("db", "upgrade")
        since = dt.datetime.now(dt.UTC)
        try:
            with server.running():
                run = bench_run(server, label, args)
            run["access_log_chains"] = check_chains(server.database_url, since)
        finally:
            keep_app_log(server, "sqlite")
    return {"database": "sqlite", "households": "demo", "app_log": "var/bench/app-sqlite.log", **run}


def run_postgres(args: argparse.Namespace) -> dict[str, Any]:
    label = f"PostgreSQL, the Woerden demo and {args.households:,} households, one process"
    cluster, generation = prepare_cluster(args.households)
    log = cluster.directory / "postgres-bench.log"
    run: dict[str, Any] = {}
    with cluster.running(PG_BENCH_SETTINGS, log):
        server = Server(cluster.url, cluster.directory)
        since = dt.datetime.now(dt.UTC)
        try:
            with server.running():
                run = bench_run(server, label, args)
            run["access_log_chains"] = check_chains(cluster.url, since)
        finally:
            keep_app_log(server, "postgres")
    lock_waits = count_in_log(log, "still waiting for")
    deadlocks = count_in_log(log, "deadlock detected")
    errors = count_in_log(log, "ERROR:")
    waited = lock_wait_statements(log)
    print(
        f"lock waits: {lock_waits} (waits longer than {PG_BENCH_SETTINGS['deadlock_timeout']}; "
        f"deadlocks: {deadlocks}; errors in the server log: {errors})"
    )
    for statement, count in list(waited.items())[:5]:
        print(f"  {count:>6}  {statement}")
    return {
        "database": f"postgresql {cluster.major}",
        "households": args.households,
        "cluster": str(cluster.directory.relative_to(ROOT)),
        "generation": generation,
        "settings": PG_BENCH_SETTINGS,
        "lock_waits": lock_waits,
        "lock_wait_statements": waited,
        "deadlocks": deadlocks,
        "log_errors": errors,
        "server_log": str(log.relative_to(ROOT)),
        "app_log": "var/bench/app-postgres.log",
        **run,
    }


def compare_statements(runs: dict[str, dict[str, Any]]) -> None:
    """Statements per request should not depend on the database; say so when they do."""
    if len(runs) < 2:
        return
    (first_name, first), (second_name, second) = list(runs.items())[:2]
    differ = False
    for page, row in first["pages"].items():
        other = second["pages"].get(page, {}).get("statements")
        if row["statements"] != other:
            differ = True
            print(f"statements differ for {page}: {row['statements']} ({first_name}) and {other} ({second_name})")
    if differ and first.get("code") != second.get("code"):
        print("  (the server code changed between the two runs, so the runs measured different code)")


def code_fingerprint() -> str:
    """A short hash of the app's code and templates as they are now: pages can change under a long run when
    someone edits the server meanwhile, and the report should say so."""
    digest = hashlib.sha256()
    for folder in ("server", "web/templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".json"):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def stop_on_terminate(_signal: int, _frame: FrameType | None) -> None:
    # Turn `kill` into an exception, so that the servers are stopped on the way out.
    raise SystemExit(143)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--households", type=int, default=100_000, help="size of the PostgreSQL bulk set")
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="measure PostgreSQL only")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian package 'wrk'); `make bench` installs it.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, stop_on_terminate)
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "runs": {},
    }
    if not args.no_sqlite:
        report["runs"]["sqlite_demo"] = run_sqlite(args)
    if not args.no_postgres:
        size = f"{args.households // 1000}k" if args.households % 1000 == 0 else str(args.households)
        print()
        report["runs"][f"postgres_{size}"] = run_postgres(args)
    compare_statements(report["runs"])
    path = OUT / f"bench-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2))
    (OUT / "latest.json").write_text(json.dumps(report, indent=2))
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
