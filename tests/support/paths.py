"""Where the tests' files are: the fixtures, the fixture content tree, the repository."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository's root (``tests/`` is in it).
REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_TREE = FIXTURES / "tree"


def shared_dir() -> Path | None:
    """The project's ``../shared`` (real data), wherever this checkout lives."""
    candidates = [os.environ.get("NEWSDESK_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "seed").is_dir():
            return Path(candidate)
    return None
