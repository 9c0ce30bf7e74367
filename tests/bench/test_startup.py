"""`newsdesk bench startup`, and what makes starting fast: the command line loads no heavy library up front."""

from __future__ import annotations

import json
import subprocess
import sys

from newsdesk.bench.startup import format_startup_bench, run_startup_bench

HEAVY = ("sqlalchemy", "alembic", "numpy", "torch", "fastapi", "trafilatura", "lxml", "asyncio")


def test_the_command_line_loads_no_heavy_library_until_a_command_needs_it() -> None:
    probe = f"import sys, newsdesk.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_bench_times_both_commands_in_new_processes() -> None:
    report = run_startup_bench(runs=2)
    assert len(report.version_seconds) == len(report.stats_seconds) == 2
    assert min(report.version_seconds) > 0
    lines = format_startup_bench(report)
    assert lines[0].startswith("newsdesk --version: best ")
    assert set(json.loads(lines[-1])) == {"version_seconds", "stats_seconds"}
