"""The issue's acceptance checks on the real records in ../shared (skipped where it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.commandline import newsdesk
from tests.support.paths import shared_dir

SHARED = shared_dir()
pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(SHARED is None, reason="../shared is not present"),
]


def powerapps() -> Path:
    assert SHARED is not None
    return SHARED / "data" / "records" / "everyday-powerapps"


def test_the_seed_and_all_674_powerapps_records_round_trip() -> None:
    assert SHARED is not None
    code, out, _ = newsdesk("records", "check", SHARED / "seed", powerapps() / "_news")
    assert out.splitlines() == ["checked 675 records: 675 identical"]
    assert code == 0


def test_import_then_export_gives_back_all_674_files_with_their_names(database_url: str, tmp_path: Path) -> None:
    desk, out_dir = tmp_path / "desk", tmp_path / "out"
    assert newsdesk("init", desk, "--database", database_url)[0] == 0
    code, out, _ = newsdesk("import", powerapps(), "--desk", desk)
    assert (code, out.splitlines()[0]) == (0, "stories: 674 created, 0 updated, 0 unchanged")
    code, out, _ = newsdesk("import", powerapps(), "--desk", desk)
    assert out.splitlines()[0] == "stories: 0 created, 0 updated, 674 unchanged"
    assert newsdesk("export", out_dir, "--desk", desk)[0] == 0
    source = sorted(p.name for p in (powerapps() / "_news").glob("*.md"))
    written = sorted(p.name for p in (out_dir / "_news").glob("*.md"))
    assert written == source
    assert len(written) == 674
    for name in source:
        assert (out_dir / "_news" / name).read_bytes() == (powerapps() / "_news" / name).read_bytes(), name
