"""The store, on real SQLite and on the real PostgreSQL server: the same tests on both."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, func, select, text

from newsdesk.desk.transfer import import_tree
from newsdesk.record import Article, Provider, Story
from newsdesk.record.file import (
    EXTRA_INT_RANGE,
    HEAT_RANGE,
    MAX_CATEGORY,
    MAX_TYPE,
    PIXELS_RANGE,
    QUALITY_RANGE,
    parse_record,
)
from newsdesk.record.tree import read_tree
from newsdesk.store import Store, StoreError, schema
from newsdesk.store.change import Change
from newsdesk.store.engine import schema_is_current
from newsdesk.store.search import search_stories
from newsdesk.store.stats import counts
from newsdesk.store.stories import load_stories, save_story
from newsdesk.store.topics import load_topics, save_topic
from tests.support.paths import FIXTURE_TREE

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


def test_migrations_build_exactly_the_schema(store: Store) -> None:
    assert schema_is_current(store.engine)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": schema.include_name})
        diff = compare_metadata(context, schema.metadata)
    assert diff == []


def test_opening_twice_migrates_once(database_url: str) -> None:
    with Store.open(database_url):
        pass
    with Store.open(database_url) as again:
        assert schema_is_current(again.engine)


def test_every_fixture_story_comes_back_equal(store: Store) -> None:
    tree = read_tree(FIXTURE_TREE)
    assert tree.problems == ()
    with store.transaction() as conn:
        for story in tree.stories:
            assert save_story(conn, story, actor="test", now=NOW) is Change.CREATED
    with store.transaction() as conn:
        loaded = {s.slug: s for s in load_stories(conn)}
    assert loaded == {s.slug: s for s in tree.stories}


def test_stories_load_newest_first(store: Store) -> None:
    import_tree(store, read_tree(FIXTURE_TREE), now=NOW)
    with store.transaction() as conn:
        dates = [s.primary.published for s in load_stories(conn)]
    assert dates == sorted(dates, reverse=True)


def test_saving_an_equal_story_writes_nothing(store: Store) -> None:
    story = read_tree(FIXTURE_TREE).stories[0]
    with store.transaction() as conn:
        save_story(conn, story, actor="test", now=NOW)
    with store.transaction() as conn:
        before = counts(conn)
        assert save_story(conn, story, actor="test", now=NOW + timedelta(hours=1)) is Change.UNCHANGED
        assert counts(conn) == before


def test_an_edit_replaces_the_story_and_is_audited(store: Store) -> None:
    story = next(s for s in read_tree(FIXTURE_TREE).stories if s.related)
    with store.transaction() as conn:
        save_story(conn, story, actor="import", now=NOW)
    assert story.related is not None
    edited = dataclasses.replace(story, published=False, heat=99, related=story.related[:1])
    with store.transaction() as conn:
        assert save_story(conn, edited, actor="editor", now=NOW + timedelta(minutes=5)) is Change.UPDATED
        assert load_stories(conn, slugs=[story.slug]) == [edited]
        audit = list(conn.execute(select(schema.audit_log).order_by(schema.audit_log.c.id)))
        # The dropped related article is held by no story any more, so it is gone.
        assert conn.execute(select(func.count()).select_from(schema.articles)).scalar_one() == 2
    assert [(a.actor, a.action, a.entity_key) for a in audit] == [
        ("import", "created", story.slug),
        ("editor", "updated", story.slug),
    ]


def test_an_article_met_twice_is_kept_once(store: Store) -> None:
    shared = Article(title="Shared", published=NOW, web_url="https://x.example/a", provider=Provider("X", "x.example"))
    first = Story(slug="2024-06-01-one", primary=shared)
    second = Story(slug="2024-06-01-two", primary=Article(title="Two", published=NOW), related=(shared,))
    with store.transaction() as conn:
        save_story(conn, first, actor="t", now=NOW)
        save_story(conn, second, actor="t", now=NOW)
        assert counts(conn)["articles"] == 2
        assert counts(conn)["providers"] == 1
        assert {s.slug: s for s in load_stories(conn)} == {first.slug: first, second.slug: second}


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    stories = read_tree(FIXTURE_TREE).stories

    def crash_mid_batch() -> None:
        with store.transaction() as conn:
            save_story(conn, stories[0], actor="t", now=NOW)
            raise RuntimeError("crash mid-batch")

    with pytest.raises(RuntimeError):
        crash_mid_batch()
    with store.transaction() as conn:
        assert counts(conn)["stories"] == 0
        assert counts(conn)["audit entries"] == 0


def test_topics_are_saved_once_and_updated_on_change(store: Store) -> None:
    topics = read_tree(FIXTURE_TREE).topics
    with store.transaction() as conn:
        assert [save_topic(conn, t, actor="t", now=NOW) for t in topics] == [Change.CREATED] * 3
        assert [save_topic(conn, t, actor="t", now=NOW) for t in topics] == [Change.UNCHANGED] * 3
        renamed = dataclasses.replace(topics[0], keywords=(*topics[0].keywords, "a.i."))
        assert save_topic(conn, renamed, actor="t", now=NOW) is Change.UPDATED
        assert load_topics(conn)[0] == renamed
        assert [t.filename for t in load_topics(conn)] == [
            "00-ai.yaml",
            "05-ai-hardware.yaml",
            "09-ai-in-robotics.yaml",
        ]


def test_stats_count_what_is_held(store: Store) -> None:
    import_tree(store, read_tree(FIXTURE_TREE), now=NOW)
    with store.transaction() as conn:
        held = counts(conn)
    assert held == {
        "stories": 3,
        "published stories": 1,
        "articles": 5,
        "related articles": 2,
        "providers": 5,
        "images": 5,
        "topics": 3,
        "sources": 0,
        "audit entries": 6,
    }


def test_an_unusable_database_url_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="not usable"):
        Store.open("nosuchdb://x")
    with pytest.raises(StoreError, match="cannot reach the database"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_sqlite_desks_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'wal.db'}") as opened, opened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


# --------------------------------------------------------------------------- the work of saving one story (issue 11)


def _wide_story(slug: str, n: int) -> Story:
    """A story with ``n`` related articles (each from its own outlet) and ``n`` topics."""
    related = tuple(
        Article(title=f"{slug} {i}", published=NOW, web_url=f"https://{slug}-{i}.example/a",
                provider=Provider(f"{slug} outlet {i}", f"{slug}-{i}.example"))
        for i in range(n)
    )  # fmt: skip
    topics = tuple(f"{slug} topic {i}" for i in range(n))
    return Story(slug=slug, primary=Article(title=f"{slug} primary", published=NOW), related=related, topics=topics)


@dataclasses.dataclass
class _Work:
    statements: int = 0  # statements newsdesk sends
    engine: int = 0  # work inside the database: SQLite VM steps (x100), or search rows written on PostgreSQL


def _save_counting(store: Store, story: Story) -> _Work:
    work = _Work()

    def count(*_args: object) -> None:
        work.statements += 1

    def step() -> int:
        work.engine += 1
        return 0

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.transaction() as conn:
            raw: Any = conn.connection.driver_connection
            if store.backend == "sqlite":
                raw.set_progress_handler(step, 100)
            else:
                before = conn.execute(text(_SEARCH_ROWS_WRITTEN)).scalar_one()
            save_story(conn, story, actor="t", now=NOW)
            if store.backend == "sqlite":
                raw.set_progress_handler(None, 100)
            else:
                work.engine = int(conn.execute(text(_SEARCH_ROWS_WRITTEN)).scalar_one() - before)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    work.statements -= 2 if store.backend == "postgresql" else 0  # the counting queries themselves
    return work


_SEARCH_ROWS_WRITTEN = "SELECT pg_stat_get_xact_tuples_inserted('story_search'::regclass)"


def test_saving_a_story_costs_work_linear_in_its_members(store: Store) -> None:
    """Each member written used to rebuild the story's whole search row: n members cost n² (issue 11, item 6)."""
    empty, single, double = (
        _save_counting(store, _wide_story(slug, n)) for slug, n in (("e", 0), ("s", 60), ("d", 120))
    )
    # What newsdesk sends grows by the same amount for each further 60 members ...
    assert double.statements - single.statements == single.statements - empty.statements
    # ... and so does the work the database does for it (its triggers included).
    if store.backend == "sqlite":
        assert double.engine - single.engine <= 1.2 * (single.engine - empty.engine)
    else:
        assert (empty.engine, single.engine, double.engine) == (1, 1, 1)  # one search row written per save
    with store.transaction() as conn:
        assert load_stories(conn, slugs=["d"]) == [_wide_story("d", 120)]


def test_a_story_rewritten_is_found_by_its_new_words(store: Store) -> None:
    """The search row is rebuilt once, at the end of the save, from everything the story now holds."""
    with store.transaction() as conn:
        save_story(conn, dataclasses.replace(_wide_story("w", 3), published=True), actor="t", now=NOW)
        assert [s.slug for s in search_stories(conn, "topic", now=NOW).stories] == ["w"]
    changed = dataclasses.replace(_wide_story("w", 2), topics=("Quantum annealing",), published=True)
    with store.transaction() as conn:
        save_story(conn, changed, actor="t", now=NOW)
    with store.transaction() as conn:
        assert [s.slug for s in search_stories(conn, "annealing", now=NOW).stories] == ["w"]
        assert search_stories(conn, "topic", now=NOW).stories == ()
        assert conn.execute(select(func.count()).select_from(schema.search_hold)).scalar_one() == 0


def test_an_unsupported_database_says_which_are_supported() -> None:
    for url in ("mysql://x", "mssql+pyodbc://u:secret@h/db", "oracle://h/db"):
        with pytest.raises(StoreError) as caught:
            Store.open(url)
        message = str(caught.value)
        assert "is not supported; newsdesk supports sqlite" in message
        assert "postgresql" in message
        assert "secret" not in message
    with pytest.raises(StoreError, match="driver is not installed"):
        Store.open("postgresql+psycopg2://u@127.0.0.1/db")


def test_a_record_at_every_bound_the_parser_allows_is_stored_and_comes_back(store: Store) -> None:
    """What ``records check`` accepts, the store holds: numbers, widths of text columns, the ends of time."""
    front = (
        f'category: {"c" * MAX_CATEGORY}\ntitle: "Edge"\npublishedDateTime: 0001-01-01T00:00:00Z\n'
        f"type: {'t' * MAX_TYPE}\nquality: {QUALITY_RANGE[1]}\nheat: {HEAT_RANGE[0]}\n"
        f"images:\n  - url: x\n    width: {PIXELS_RANGE[1]}\n    height: {PIXELS_RANGE[0]}\n"
        f"big: [{EXTRA_INT_RANGE[0]}, {EXTRA_INT_RANGE[1]}]\n"
        "related:\n  - title: late\n    publishedDateTime: 9999-12-31T23:59:59Z\n    quality: 0\n"
    )
    story = parse_record(f"---\n{front}---\n", "edge.md", "edge")
    hot = parse_record(f"---\n{front.replace('heat: -1', f'heat: {HEAT_RANGE[1]}')}---\n", "hot.md", "hot")
    with store.transaction() as conn:
        save_story(conn, story, actor="t", now=NOW)
        save_story(conn, hot, actor="t", now=NOW)
    with store.transaction() as conn:
        assert {s.slug: s for s in load_stories(conn)} == {"edge": story, "hot": hot}


def test_the_newest_migration_is_read_from_the_files_as_alembic_reads_it(tmp_path: Path) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from newsdesk.store.engine import head_revision

    config = Config()
    config.set_main_option("script_location", str(Path(schema.__file__).parent / "migrations"))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_store_at_the_newest_schema_opens_without_loading_alembic(tmp_path: Path) -> None:
    """Every command opens the store; one that is up to date must not pay for Alembic's import."""
    import subprocess
    import sys

    from newsdesk.store.engine import head_revision

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    Store.open(url).close()  # created: migrated by Alembic
    probe = (
        f"import sys; from newsdesk.store import Store; Store.open({url!r}).close(); print('alembic' in sys.modules)"
    )
    opened = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert opened.stdout.strip() == "False"
    with Store.open(url) as store, store.transaction() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
