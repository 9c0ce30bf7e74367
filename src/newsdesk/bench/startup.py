"""How fast commands start (``newsdesk bench startup``): ``newsdesk --version`` and ``newsdesk stats``.

Each command runs as a user runs it (the installed ``newsdesk`` script, a new process each time) ``runs``
times; the figure is the best run, the machine's own noise taken out. ``stats`` runs on a new desk made in a
temporary directory (SQLite), so it pays for opening the settings and the store and nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class StartupReport:
    runs: int
    version_seconds: tuple[float, ...]
    stats_seconds: tuple[float, ...]


def _command() -> list[str]:
    """The installed ``newsdesk`` script beside this interpreter, else the module."""
    script = Path(sys.executable).parent / "newsdesk"
    if script.is_file():
        return [str(script)]
    found = shutil.which("newsdesk")
    return [found] if found else [sys.executable, "-m", "newsdesk.cli"]


def _timed(argv: Sequence[str], environ: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=environ)
    return time.perf_counter() - started


def run_startup_bench(runs: int = 5) -> StartupReport:
    command = _command()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-startup-") as scratch:
        desk = str(Path(scratch) / "desk")
        subprocess.run([*command, "init", desk], check=True, capture_output=True, env=environ)
        version = tuple(_timed([*command, "--version"], environ) for _ in range(runs))
        stats = tuple(_timed([*command, "stats", "--desk", desk], environ) for _ in range(runs))
    return StartupReport(runs, version, stats)


def format_startup_bench(report: StartupReport) -> list[str]:
    """Readable lines, the last one a JSON object of the figures."""
    import json

    def line(name: str, seconds: tuple[float, ...]) -> str:
        return f"{name}: best {min(seconds):.3f} s of {report.runs} ({', '.join(f'{s:.3f}' for s in seconds)})"

    figures = {
        "version_seconds": round(min(report.version_seconds), 3),
        "stats_seconds": round(min(report.stats_seconds), 3),
    }
    return [line("newsdesk --version", report.version_seconds), line("newsdesk stats", report.stats_seconds),
            json.dumps(figures)]  # fmt: skip
