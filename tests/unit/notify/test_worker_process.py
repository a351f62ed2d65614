"""`onsplan run --with-worker`: the worker starts beside the web server and stops when the server stops."""

from __future__ import annotations

import sys
from pathlib import Path

from server.cli import WorkerProcess, build_parser, worker_command

# A stand-in for the worker: writes that it stopped when asked to (SIGTERM), or ignores the request.
POLITE = """
import signal, sys, time
def stop(*_):
    open(sys.argv[1], "w").write("stopped")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
time.sleep(60)
"""
STUBBORN = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
time.sleep(60)
"""


def test_run_offers_to_start_the_worker_too() -> None:
    assert build_parser().parse_args(["run", "--with-worker"]).with_worker is True
    assert build_parser().parse_args(["run"]).with_worker is False
    assert worker_command()[-3:] == ["-m", "server.cli", "worker"]


def test_the_worker_is_asked_to_stop_when_the_server_stops(tmp_path: Path) -> None:
    marker = tmp_path / "stopped"
    with WorkerProcess([sys.executable, "-c", POLITE, str(marker)]) as child:
        assert child.process is not None and child.process.poll() is None
    assert child.process.returncode == 0
    assert marker.read_text() == "stopped"


def test_a_worker_that_does_not_stop_is_ended() -> None:
    with WorkerProcess([sys.executable, "-c", STUBBORN], grace=0.5) as child:
        pass
    assert child.process is not None
    assert child.process.returncode is not None and child.process.returncode != 0
