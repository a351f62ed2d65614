"""`make bench`: how fast the pages are, measured from outside with wrk against `onsplan run`.

Starts the app on SQLite with the Woerden demo (and, with --postgres, on a PostgreSQL server with a bulk data
set), signs in a household member, a regisseur and a volunteer without a browser (a software passkey), and
measures the bare endpoint and the pages side by side, alternating, for a few rounds. Prints a table and
writes JSON under var/bench/. Not a test: figures depend on the machine, and nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.soft_authenticator import SoftPasskey  # noqa: E402

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
    statements: int | None = None
    bytes_gzip: int = 0


class Server:
    """`onsplan run` in a subprocess, with its own settings."""

    def __init__(self, database_url: str, workdir: Path) -> None:
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
            [str(BIN / "onsplan"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout

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
            for _ in range(200):
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{self.origin}/health/ready", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            else:
                raise RuntimeError("the app did not start; see " + str(self.workdir / "server.log"))
            yield self
        finally:
            self.process.terminate()
            self.process.wait(timeout=20)
            log.close()


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


def statements_and_size(client: httpx.Client, target: Target) -> tuple[int | None, int]:
    headers = {"Accept-Encoding": "gzip", "Cookie": target.cookie, **target.headers}
    with httpx.Client(base_url=str(client.base_url), timeout=30) as probe:
        response = probe.request(target.method, target.path, headers=headers, content=target.body or None)
        raw = response.read()
    if response.status_code >= 400:
        raise RuntimeError(f"{target.name}: {target.path} answered {response.status_code}")
    timing = response.headers.get("server-timing", "")
    found = re.search(r'sql;desc="(\d+) statements"', timing)
    size = len(gzip.compress(raw)) if response.headers.get("content-encoding") != "gzip" else len(raw)
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
            results[target.name].statements, results[target.name].bytes_gzip = statements_and_size(client, target)
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
            print(f"  round {round_number + 1}: {target.name:<22} {rps:8.1f} req/s  p95 {p95:7.1f} ms", flush=True)
    return results


def demo_targets(server: Server) -> list[Target]:
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
    return [
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


def table(label: str, results: dict[str, Result]) -> dict[str, Any]:
    bare = statistics.median(results["bare /health/live"].rps)
    print(f"\n{label}")
    print(
        f"{'page':<22} {'req/s':>8} {'of bare':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'stmts':>6} {'gzip B':>8}"
    )
    rows = {}
    for name, result in results.items():
        rps = statistics.median(result.rps)
        row = {
            "requests_per_second": round(rps, 1),
            "ratio_to_bare": round(rps / bare, 3) if bare else None,
            "p50_ms": round(statistics.median(result.p50), 1),
            "p95_ms": round(statistics.median(result.p95), 1),
            "p99_ms": round(statistics.median(result.p99), 1),
            "statements": result.statements,
            "bytes_gzip": result.bytes_gzip,
            "errors": result.errors,
        }
        rows[name] = row
        print(
            f"{name:<22} {row['requests_per_second']:>8} {row['ratio_to_bare'] * 100:>7.1f}% {row['p50_ms']:>8} "
            f"{row['p95_ms']:>8} {row['p99_ms']:>8} {row['statements'] if row['statements'] is not None else '-':>6} "
            f"{row['bytes_gzip']:>8}"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian package 'wrk'); `make bench` installs it.", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "runs": {},
    }
    with tempfile.TemporaryDirectory(prefix="onsplan-bench-") as tmp:
        workdir = Path(tmp)
        server = Server(f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}", workdir)
        server.cli("db", "upgrade")
        with server.running():
            targets = demo_targets(server)
            print("SQLite, the Woerden demo, one process")
            results = measure(server, targets, args.rounds, args.seconds, args.connections)
        report["runs"]["sqlite_demo"] = table("SQLite, the Woerden demo, one process", results)
    path = OUT / f"bench-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2))
    (OUT / "latest.json").write_text(json.dumps(report, indent=2))
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
