"""The command line, end to end: real desks, real databases, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk import __version__
from tests.support.commandline import newsdesk, stats
from tests.support.paths import FIXTURE_TREE


@pytest.fixture
def desk(tmp_path: Path, database_url: str) -> Path:
    """An initialised desk on each backend."""
    path = tmp_path / "desk"
    code, _out, _ = newsdesk("init", path, "--database", database_url)
    assert code == 0
    assert (path / "newsdesk.toml").is_file()
    return path


def test_init_makes_an_sqlite_desk_and_prints_what_it_holds(tmp_path: Path) -> None:
    code, out, _ = newsdesk("init", tmp_path / "d")
    assert code == 0
    assert out.splitlines()[0] == f"created desk {tmp_path / 'd'} (sqlite)"
    assert "stories: 0" in out.splitlines()
    assert (tmp_path / "d" / "newsdesk.db").is_file()
    code, out, _ = newsdesk("init", tmp_path / "d")
    assert code == 0
    assert out.startswith("opened existing desk")


def test_import_then_export_gives_the_tree_back_byte_for_byte(desk: Path, tmp_path: Path) -> None:
    code, out, _ = newsdesk("import", FIXTURE_TREE, "--desk", desk)
    assert code == 0
    assert out.splitlines() == [
        "stories: 3 created, 0 updated, 0 unchanged",
        "topics: 3 created, 0 updated, 0 unchanged",
    ]
    held = stats(desk)
    code, out, _ = newsdesk("import", FIXTURE_TREE, "--desk", desk)
    assert out.splitlines()[0] == "stories: 0 created, 0 updated, 3 unchanged"
    assert stats(desk) == held

    exported = tmp_path / "out"
    code, out, _ = newsdesk("export", exported, "--desk", desk)
    assert code == 0
    originals = sorted(p.relative_to(FIXTURE_TREE) for p in FIXTURE_TREE.rglob("*") if p.is_file())
    for relative in originals:
        written = exported / relative
        if relative.parts[0] == "_news" and b"\npublished:" not in (FIXTURE_TREE / relative).read_bytes():
            assert not written.exists()  # held back: a site generator would build a record without the key
            written = exported / "_held" / relative.name
        assert written.read_bytes() == (FIXTURE_TREE / relative).read_bytes(), relative
    page = json.loads((exported / "api/news/index.json").read_text(encoding="utf-8"))
    assert page["page"] == 1
    assert page["nextPage"] is None
    assert [e["path"] for e in page["value"]] == [
        "_news/2024-05-02-robotics-lab-unveils-a-warehouse-arm-that-learns-a-new-grip-in-minutes.md"
    ]
    sitemap = (exported / "news-sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<url>") == 1
    code, out, _ = newsdesk("export", exported, "--desk", desk)
    assert out.endswith("(0 file(s) written)\n")


BAD_FILES: dict[str, bytes] = {
    "broken-yaml": b'---\ntitle: "unclosed\npublishedDateTime: 2024-01-01T00:00:00Z\n---\n',
    "no-front-matter": b"just some text\n",
    "missing-title": b"---\ncategory: news\npublishedDateTime: 2024-01-01T00:00:00Z\n---\n",
    "impossible-date": b'---\ntitle: "t"\npublishedDateTime: 2024-13-01T00:00:00Z\n---\n',
    "bad-secured": b'---\ntitle: "t"\npublishedDateTime: 2024-01-01T00:00:00Z\nsecured: "x;y"\n---\n',
    "not-utf8": b'---\ntitle: "\xff"\npublishedDateTime: 2024-01-01T00:00:00Z\n---\n',
    "binary": bytes(range(256)),
    "duplicate-keys": b'---\ntitle: "a"\ntitle: "b"\npublishedDateTime: 2024-01-01T00:00:00Z\n---\n',
}


@pytest.mark.parametrize("kind", [*BAD_FILES, "fifty-megabytes"])
def test_a_bad_record_stops_the_import_with_one_line(desk: Path, tree: Path, kind: str) -> None:
    bad = tree / "_news" / f"2024-01-01-{kind}.md"
    if kind == "fifty-megabytes":
        with bad.open("wb") as handle:
            handle.truncate(50 * 1024 * 1024)
    else:
        bad.write_bytes(BAD_FILES[kind])
    code, out, err = newsdesk("import", tree, "--desk", desk)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"bad record: {bad}")
    assert lines[1] == "imported nothing: 1 bad file(s); fix them or use --skip-bad"
    assert "Traceback" not in out + err
    assert stats(desk)["stories"] == 0

    code, out, err = newsdesk("import", tree, "--desk", desk, "--skip-bad")
    assert code == 0
    assert err.splitlines()[0].startswith(f"skipped: {bad}")
    assert out.splitlines()[0] == "stories: 3 created, 0 updated, 0 unchanged"
    assert out.splitlines()[-1] == "skipped: 1"


def test_records_check_lists_what_differs_and_counts_last(tmp_path: Path) -> None:
    code, out, _ = newsdesk("records", "check", FIXTURE_TREE / "_news")
    assert (code, out) == (0, "checked 3 records: 3 identical\n")
    odd = tmp_path / "odd.md"
    odd.write_text("---\ntitle: bare title\npublishedDateTime: 2024-01-01T00:00:00Z\n---\n", encoding="utf-8")
    broken = tmp_path / "broken.md"
    broken.write_bytes(BAD_FILES["duplicate-keys"])
    code, out, _ = newsdesk("records", "check", FIXTURE_TREE / "_news", odd, broken)
    assert code == 1
    assert out.splitlines() == [
        f"{odd}: line 2 is written back as 'category: news', was 'title: bare title'",
        f"{broken}:3: duplicate key 'title' (first on line 2)",
        "checked 5 records: 3 identical",
    ]


def test_user_errors_are_one_line_without_a_traceback(tmp_path: Path) -> None:
    code, _, err = newsdesk("stats", "--desk", tmp_path / "nowhere")
    assert code == 1
    nowhere = tmp_path / "nowhere"
    assert err == f"error: {nowhere}: not a desk (no newsdesk.toml); create one with `newsdesk init {nowhere}`\n"
    code, _, err = newsdesk("import", tmp_path / "nowhere", "--desk", tmp_path)
    assert (code, err) == (1, f"error: {tmp_path / 'nowhere'}: no such directory\n")
    (tmp_path / "empty").mkdir()
    code, _, err = newsdesk("import", tmp_path / "empty")
    assert "not a content tree" in err
    code, _, err = newsdesk("init", tmp_path / "pg", "--database", "nosuch://db")
    assert code == 1
    assert err.startswith("error: database URL 'nosuch://db' is not usable")
    assert not (tmp_path / "pg").exists()


def test_the_console_script_runs() -> None:
    bindir = Path(sys.executable).parent
    result = subprocess.run(
        [str(bindir / "newsdesk"), "--version"], capture_output=True, text=True, check=True, env=dict(os.environ)
    )
    assert result.stdout == f"newsdesk {__version__}\n"


def test_pinned_bars_fail_the_command_when_missed() -> None:
    from newsdesk.cli import print_figures

    print_figures([], {"f": 0.93, "mb": 100}, ["f=0.92", "mb<=200"])
    import typer

    with pytest.raises(typer.Exit):
        print_figures([], {"f": 0.91}, ["f=0.92"])
    with pytest.raises(typer.Exit):
        print_figures([], {"mb": 300}, ["mb<=200"])
    with pytest.raises(typer.Exit):
        print_figures([], {"f": 0.93}, ["g=0.5"])


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """`newsdesk sources list | head` once printed `error: Broken pipe`."""
    from datetime import UTC, datetime

    from newsdesk.desk import open_desk
    from newsdesk.record import Source
    from newsdesk.store.sources import add_source

    desk = tmp_path / "desk"
    assert newsdesk("init", desk)[0] == 0
    with open_desk(desk, {}) as opened, opened.store.transaction() as conn:
        for n in range(3000):  # far more than a pipe's buffer holds
            add_source(conn, Source(url=f"https://outlet-{n}.example/feed.xml", kind="feed"), now=datetime.now(UTC))
    command = [sys.executable, "-m", "newsdesk.cli", "sources", "list", "--desk", str(desk)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    assert process.stdout is not None
    assert process.stderr is not None
    assert process.stdout.readline().startswith(b"1  feed  https://outlet-0.example/feed.xml")
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    process.wait(timeout=60)
    assert err == ""
    assert process.returncode != 0


def test_loading_the_model_shows_no_library_progress_bar(tmp_path: Path) -> None:
    """A "Loading weights 0%|" bar from transformers once appeared in `make demo` and `stories judge`."""
    desk = tmp_path / "desk"
    assert newsdesk("init", desk, "--starter")[0] == 0
    command = [sys.executable, "-m", "newsdesk.cli", "stories", "judge", "--desk", str(desk)]
    result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "judged 0 stories\n"
    assert "Loading weights" not in result.stderr
    assert "%|" not in result.stderr


def test_progress_shows_count_and_rate_on_stderr_when_asked_and_stays_quiet_in_a_pipe(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    command = [sys.executable, "-m", "newsdesk.cli"]
    subprocess.run([*command, "init", tmp_path / "desk"], check=True, capture_output=True, env=environ)
    quiet = subprocess.run([*command, "export", tmp_path / "out", "--desk", tmp_path / "desk"],
                           check=True, capture_output=True, text=True, env=environ)  # fmt: skip
    assert quiet.stderr == ""
    shown = subprocess.run([*command, "--progress", "export", tmp_path / "out2", "--desk", tmp_path / "desk"],
                           check=True, capture_output=True, text=True, env=environ)  # fmt: skip
    assert "writing files" in shown.stderr
    assert re.search(r"\d+/\d+ [\d.]+/s", shown.stderr), shown.stderr
    assert shown.stdout.startswith("exported 0 records")
