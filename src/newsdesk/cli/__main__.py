"""``python -m newsdesk.cli``: the command line, as the console script runs it."""

from __future__ import annotations

import sys

from newsdesk.cli import app

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
