"""Where the tests' files are: the fixtures, the fixture content tree, the repository."""

from __future__ import annotations

from pathlib import Path

#: The repository's root (``tests/`` is in it).
REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_TREE = FIXTURES / "tree"
