"""Two imports at once on PostgreSQL: the second waits for the first, then finishes (issue 11, item 9).

Without a lock both read that a story is missing, both insert it, and the
second fails on the unique name with a ``UniqueViolation`` traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import func, select

from newsdesk.desk.transfer import import_tree
from newsdesk.record.tree import read_tree
from newsdesk.store import Store, schema
from tests.support.paths import FIXTURE_TREE, REPO

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.postgres


def _wait_until_waiting_on_a_lock(admin: sqlalchemy.Engine, application: str, deadline_s: float = 60.0) -> None:
    """Poll until the session named ``application`` is blocked on a lock (a condition, not a guess at time)."""
    query = sqlalchemy.text("SELECT wait_event_type FROM pg_stat_activity WHERE application_name = :name")
    give_up = time.monotonic() + deadline_s
    while time.monotonic() < give_up:
        with admin.connect() as conn:
            if "Lock" in [r.wait_event_type for r in conn.execute(query, {"name": application})]:
                return
        time.sleep(0.02)
    pytest.fail(f"the second import never waited on a lock within {deadline_s:.0f} s")


def test_a_second_import_waits_for_the_first_and_then_finds_its_stories(postgres_schema_url: str) -> None:
    """The second import starts while the first holds uncommitted rows, and blocks; the first commits."""
    tree = read_tree(FIXTURE_TREE)
    application = f"newsdesk-second-{uuid.uuid4().hex[:8]}"
    first, second = Store.open(postgres_schema_url), Store.open(f"{postgres_schema_url}&application_name={application}")
    admin = sqlalchemy.create_engine(postgres_schema_url)
    failure: list[BaseException] = []
    outcome: list[object] = []

    def run_second() -> None:
        try:
            outcome.append(import_tree(second, tree, now=NOW))
        except BaseException as err:  # handed to the test's thread
            failure.append(err)

    other = threading.Thread(target=run_second)

    def advance() -> None:  # called inside the first import's transaction, after each row it wrote
        if not other.is_alive() and not outcome and not failure:
            other.start()
            _wait_until_waiting_on_a_lock(admin, application)

    try:
        report = import_tree(first, tree, now=NOW, advance=advance)
        other.join(timeout=120)
        assert not other.is_alive()
        assert failure == []
        assert sum(report.stories.values()) == 3
        with first.transaction() as conn:
            slugs = [r.slug for r in conn.execute(select(schema.stories.c.slug))]
            assert sorted(slugs) == sorted(s.slug for s in tree.stories)
            assert conn.execute(select(func.count()).select_from(schema.topics)).scalar_one() == 3
    finally:
        first.close()
        second.close()
        admin.dispose()


def _tree_of(target: Path, records: list[Path]) -> Path:
    (target / "_news").mkdir(parents=True)
    for record in records:
        shutil.copy(record, target / "_news" / record.name)
    shutil.copytree(FIXTURE_TREE / "_data", target / "_data")
    return target


def test_two_cli_imports_of_overlapping_trees_both_finish(postgres_schema_url: str, tmp_path: Path) -> None:
    records = sorted((FIXTURE_TREE / "_news").glob("*.md"))
    trees = [_tree_of(tmp_path / "one", records[:2]), _tree_of(tmp_path / "two", records[1:])]
    desk = tmp_path / "desk"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("NEWSDESK_DESK", None)
    command = [sys.executable, "-m", "newsdesk.cli"]
    subprocess.run([*command, "init", str(desk), "--database", postgres_schema_url], env=env, check=True,
                   capture_output=True)  # fmt: skip
    runs = [
        subprocess.Popen(
            [*command, "import", str(tree), "--desk", str(desk)],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tree in trees
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    results = [(run.returncode, out, err) for run, (out, err) in zip(runs, outputs, strict=True)]
    for code, out, err in results:
        assert (code, err.strip()) == (0, ""), out
    created = sum(int(out.split()[1]) for _code, out, _err in results)
    assert created == 3  # each story created by one of the two, found unchanged by the other
    engine = sqlalchemy.create_engine(postgres_schema_url)
    try:
        with engine.connect() as conn:
            slugs = [r.slug for r in conn.execute(select(schema.stories.c.slug))]
    finally:
        engine.dispose()
    assert sorted(slugs) == [r.stem for r in records]


def test_an_import_beaten_to_a_row_by_another_writer_fails_in_one_line(postgres_schema_url: str) -> None:
    """A writer that takes no lock (here: raw SQL) commits the same topic first: one line, nothing half-done."""
    tree = read_tree(FIXTURE_TREE)
    application = f"newsdesk-import-{uuid.uuid4().hex[:8]}"
    importer = Store.open(f"{postgres_schema_url}&application_name={application}")
    other = sqlalchemy.create_engine(postgres_schema_url)
    failure: list[BaseException] = []

    def run_import() -> None:
        try:
            import_tree(importer, tree, now=NOW)
        except BaseException as err:  # handed to the test's thread
            failure.append(err)

    thread = threading.Thread(target=run_import)
    try:
        with other.begin() as conn:
            conn.execute(
                sqlalchemy.insert(schema.topics).values(
                    topic_id=tree.topics[0].id, name="first", keywords="[]", filename="x.yaml", document=""
                )
            )
            thread.start()
            _wait_until_waiting_on_a_lock(other, application)
        thread.join(timeout=120)
        [error] = failure
        assert type(error).__name__ == "StoreError"
        assert str(error).startswith("import rolled back: another writer changed the same rows (")
        assert str(error).endswith("; run it again")
        assert "\n" not in str(error)
        with importer.transaction() as conn:
            assert conn.execute(select(func.count()).select_from(schema.stories)).scalar_one() == 0
    finally:
        importer.close()
        other.dispose()
