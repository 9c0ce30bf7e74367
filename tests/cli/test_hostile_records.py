"""`records check`, `import --skip-bad` and `init` facing hostile input: one line per bad file, then on (issue 11)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from newsdesk.record.file import MAX_RELATED, MAX_TOPICS
from tests.support.commandline import newsdesk
from tests.support.paths import FIXTURE_TREE

HEAD = 'title: "A title"\npublishedDateTime: 2024-01-01T00:00:00Z\n'
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)

#: Each record the probes of issue 11 sent, by name, with the words its one line must carry.
HOSTILE = {
    "laughs": (HEAD + LAUGHS, "YAML anchor &a"),
    "deep": (HEAD + "x: " + "[" * 500 + "]" * 500 + "\n", "nested more than 32 levels deep"),
    "selfref": (HEAD + "x: &s [*s]\n", "YAML anchor &s"),
    "quality": (HEAD + "quality: " + "7" * 5000 + "\n", "quality must be a whole number from 0 to 1,000"),
    "heat": (HEAD + "heat: 9223372036854775808\n", "heat must be a whole number from -1 to 1,000"),
    "early": ('title: "t"\npublishedDateTime: 0001-01-01T00:00:00+01:00\n', "outside the years 1-9999"),
    "late": ('title: "t"\npublishedDateTime: 9999-12-31T23:59:59-01:00\n', "outside the years 1-9999"),
    "width": (HEAD + "images:\n  - url: x\n    width: " + "1" + "0" * 23 + "\n", "width must be a whole number"),
}


def _write_hostile(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, (front, _words) in HOSTILE.items():
        (directory / f"2024-01-01-{name}.md").write_text(f"---\n{front}---\n", encoding="utf-8")


def test_records_check_gives_each_hostile_file_one_line_and_goes_on(tmp_path: Path) -> None:
    _write_hostile(tmp_path)
    good = sorted((FIXTURE_TREE / "_news").glob("*.md"))[0]
    shutil.copy(good, tmp_path / good.name)
    code, out, err = newsdesk("records", "check", tmp_path)
    lines = out.splitlines()
    assert code == 1
    assert err == ""
    assert lines[-1] == f"checked {len(HOSTILE) + 1} records: 1 identical"
    assert len(lines) == len(HOSTILE) + 1
    for name, (_front, words) in HOSTILE.items():
        [line] = [line for line in lines if f"2024-01-01-{name}.md" in line]
        assert line.startswith(str(tmp_path / f"2024-01-01-{name}.md:")), line
        assert words in line, line


def test_import_skip_bad_imports_the_good_and_lists_each_bad_once(
    tree: Path, tmp_path: Path, database_url: str
) -> None:
    _write_hostile(tree / "_news")
    desk = tmp_path / "desk"
    assert newsdesk("init", desk, "--database", database_url)[0] == 0
    code, out, err = newsdesk("import", tree, "--desk", desk)
    assert code == 1
    assert err.splitlines()[-1] == f"imported nothing: {len(HOSTILE)} bad file(s); fix them or use --skip-bad"
    code, out, err = newsdesk("import", tree, "--desk", desk, "--skip-bad")
    assert code == 0
    assert out.splitlines()[0] == "stories: 3 created, 0 updated, 0 unchanged"
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == len(HOSTILE)
    for name, (_front, words) in HOSTILE.items():
        assert any(f"2024-01-01-{name}.md:" in line and words in line for line in skipped), name


def _wide_record(related: int, topics: int) -> str:
    lines = ["---", 'title: "Everyone covers it"', "publishedDateTime: 2024-01-01T00:00:00Z", "", "topics:"]
    lines += [f"  - Topic {i}" for i in range(topics)]
    lines += ["", "related:"]
    for i in range(related):
        lines += [f'  - title: "Coverage {i}"', "    publishedDateTime: 2024-01-01T01:00:00Z",
                  f'    webUrl: "https://outlet-{i}.example/story"', "    type: article",
                  "    provider:", f"      name: Outlet {i}", f"      domain: outlet-{i}.example"]  # fmt: skip
    return "\n".join([*lines, "---", ""])


def test_a_record_at_the_caps_imports_and_one_past_them_is_refused(tmp_path: Path, database_url: str) -> None:
    desk, tree = tmp_path / "desk", tmp_path / "tree"
    (tree / "_news").mkdir(parents=True)
    assert newsdesk("init", desk, "--database", database_url)[0] == 0
    (tree / "_news" / "2024-01-01-wide.md").write_text(_wide_record(MAX_RELATED, MAX_TOPICS), encoding="utf-8")
    code, out, _ = newsdesk("import", tree, "--desk", desk)
    assert (code, out.splitlines()[0]) == (0, "stories: 1 created, 0 updated, 0 unchanged")
    (tree / "_news" / "2024-01-01-wide.md").write_text(_wide_record(MAX_RELATED + 1, 1), encoding="utf-8")
    code, _, err = newsdesk("import", tree, "--desk", desk)
    assert code == 1
    assert err.splitlines()[0] == (
        f"bad record: {tree / '_news' / '2024-01-01-wide.md'}:9: related holds 1,001 entries; "
        "a record may hold at most 1,000"
    )


@pytest.mark.parametrize("url", ["mysql://x", "mysql+pymysql://u:secret@db.example/news", "mssql://h/db"])
def test_init_with_an_unsupported_database_says_which_are_supported(tmp_path: Path, url: str) -> None:
    code, _out, err = newsdesk("init", tmp_path / "d", "--database", url)
    assert code == 1
    assert len(err.splitlines()) == 1
    assert "is not supported; newsdesk supports sqlite (sqlite:///PATH) and postgresql" in err
    assert "secret" not in err
    assert not (tmp_path / "d").exists()


def test_a_fifo_among_the_records_is_refused_not_read(tree: Path, tmp_path: Path) -> None:
    """Opening a FIFO to read it blocks until a writer comes: records check and import hung on one."""
    fifo = tree / "_news" / "2024-01-01-fifo.md"
    os.mkfifo(fifo)
    code, out, _ = newsdesk("records", "check", fifo, tree / "_news")
    assert code == 1
    assert out.splitlines() == [
        f"{fifo}: is not a regular file (a FIFO, socket or device); it is not read",
        "checked 4 records: 3 identical",
    ]
    assert newsdesk("init", tmp_path / "desk")[0] == 0
    code, out, err = newsdesk("import", tree, "--desk", tmp_path / "desk", "--skip-bad")
    assert code == 0
    assert f"skipped: {fifo}: is not a regular file" in err
    assert out.splitlines()[0] == "stories: 3 created, 0 updated, 0 unchanged"
