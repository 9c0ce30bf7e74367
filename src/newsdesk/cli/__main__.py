"""``python -m newsdesk.cli``: the command line, as the console script runs it."""

from __future__ import annotations

from newsdesk.cli import run

if __name__ == "__main__":  # pragma: no cover
    run()
