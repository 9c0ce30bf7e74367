"""Content trees in and out of a desk: ``newsdesk import`` and ``newsdesk export``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from newsdesk.keep.exportstate import with_cache_state
from newsdesk.keep.imagecache import ImageCache
from newsdesk.publish.api import api_pages
from newsdesk.publish.due import out_now
from newsdesk.publish.recordtree import record_files, record_path
from newsdesk.publish.sitemap import SITEMAP_PATH, news_sitemap
from newsdesk.publish.sitetree import site_files
from newsdesk.record.text import clean_story
from newsdesk.record.tree import ContentTree, remove_files, write_files
from newsdesk.settings import SiteSettings
from newsdesk.store import Store, StoreError
from newsdesk.store.change import Change
from newsdesk.store.engine import one_line_error
from newsdesk.store.newsletters import load_newsletters
from newsdesk.store.published import story_languages
from newsdesk.store.stories import load_stories, save_story
from newsdesk.store.topics import load_topics, save_topic
from newsdesk.store.writerlock import lock_record_writers

IMPORT_ACTOR = "import"


@dataclass(frozen=True, slots=True)
class ImportReport:
    stories: Counter[Change]
    topics: Counter[Change]


def import_tree(
    store: Store,
    tree: ContentTree,
    *,
    now: datetime,
    advance: Callable[[], None] = lambda: None,
) -> ImportReport:
    """Load a tree's stories and topics in one transaction; already-equal ones are left alone.

    The caller decides what to do about ``tree.problems`` before calling this. On PostgreSQL
    concurrent imports run one after the other (:func:`~newsdesk.store.writerlock.lock_record_writers`).
    ``advance`` is called once per story and topic (for a progress bar).
    """
    stories: Counter[Change] = Counter()
    topics: Counter[Change] = Counter()
    try:
        with store.transaction() as conn:
            lock_record_writers(conn)
            for topic in tree.topics:
                topics[save_topic(conn, topic, actor=IMPORT_ACTOR, now=now)] += 1
                advance()
            for story in tree.stories:
                stories[save_story(conn, story, actor=IMPORT_ACTOR, now=now)] += 1
                advance()
    except IntegrityError as err:
        # Another writer (not an import: those wait on the lock) added the same row first.
        message = f"import rolled back: another writer changed the same rows ({one_line_error(err)}); run it again"
        raise StoreError(message) from None
    return ImportReport(stories=stories, topics=topics)


@dataclass(frozen=True, slots=True)
class ExportReport:
    records: int
    #: Records written to ``_held/``: not out, and a generator would build them (no ``published`` key, or dated
    #: ahead).
    held: int
    api_pages: int
    files_changed: int


def export_tree(
    store: Store,
    site: SiteSettings,
    out: Path,
    *,
    now: datetime,
    cache: ImageCache | None = None,
    progress: Callable[[int, int], None] = lambda _done, _total: None,
) -> ExportReport:
    """Write the desk as a content tree under ``out``: records, taxonomy, API pages, sitemap.

    Only what is out at ``now`` (``publish/due.py``) goes into the API pages, feeds and sitemaps. Records are
    written byte for byte as the store holds them: in ``_news/`` the stories out and those whose record says
    ``published: false`` (every site generator skips those), in ``_held/`` the rest held back (no ``published``
    key, or dated ahead), which a generator would otherwise build. A record that moved between the two folders
    since the last export leaves the one it was in.

    With ``cache``, the images of the stories newsdesk formed say ``isCached: true`` exactly where
    the cached copy exists and is readable; imported records are written as they were read. ``progress`` hears
    (files written or found unchanged so far, of how many).
    """
    with store.transaction() as conn:
        stories = load_stories(conn)
        topics = load_topics(conn)
        issues = load_newsletters(conn)
        if cache is not None:
            stories = with_cache_state(conn, stories, cache)
        out_stories = [clean_story(s) for s in out_now(stories, now)]
        languages = story_languages(conn, [s.slug for s in out_stories])
    out_slugs = {s.slug for s in out_stories}
    held = {s.slug for s in stories if s.slug not in out_slugs and s.published is not False}
    files = record_files(stories, topics, held=held)
    pages = api_pages(out_stories, site, languages)
    files.update(pages)
    files[SITEMAP_PATH] = news_sitemap(out_stories, site)
    files.update(site_files(out_stories, topics, issues, site, languages))
    done = [0]

    def advance() -> None:
        done[0] += 1
        progress(done[0], len(files))

    changed = write_files(out, files, advance)
    changed += remove_files(out, [record_path(s, held=s.slug not in held) for s in stories])
    return ExportReport(records=len(stories), held=len(held), api_pages=len(pages), files_changed=changed)
