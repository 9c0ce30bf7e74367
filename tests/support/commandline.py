"""The ``newsdesk`` command run in process (Typer's runner), as the tests call it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from newsdesk.cli import app


def newsdesk(*args: str | Path) -> tuple[int, str, str]:
    """Run ``newsdesk ARGS``: its exit status, stdout and stderr (a crash, not an exit, fails the test)."""
    result = CliRunner().invoke(app, [str(a) for a in args], env={"NEWSDESK_DESK": None})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def stats(desk: Path) -> dict[str, int]:
    """``newsdesk stats`` as numbers by name."""
    code, out, _ = newsdesk("stats", "--desk", desk)
    assert code == 0
    return {name: int(value) for name, value in (line.split(": ") for line in out.splitlines())}
