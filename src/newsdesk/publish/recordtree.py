"""A desk as a content tree: one record file per story, the taxonomy beside them.

Records live in ``_news/``, which a Jekyll or Hugo site builds (skipping those that say ``published: false``);
the export puts the ones held back that a generator would build (no ``published`` key, or dated ahead: see
``publish/due.py``) in ``_held/``, which neither builds, byte for byte as the store holds them, so the two
folders together are the whole desk and an import of the tree gets every story back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from newsdesk.record import Story, Topic
from newsdesk.record.file import render_record
from newsdesk.record.tree import HELD_DIR, NEWS_DIR


def record_path(story: Story, *, held: bool = False) -> str:
    """Where a story's record lives in a tree: ``_news/YYYY-MM-DD-slug.md`` (``_held/`` when held back)."""
    return f"{HELD_DIR if held else NEWS_DIR}/{story.slug}.md"


def record_files(
    stories: Iterable[Story], topics: Iterable[Topic], *, held: Collection[str] = frozenset()
) -> dict[str, bytes]:
    """Tree path → bytes for every story record (those whose slugs are in ``held`` under ``_held/``) and topic
    file."""
    files = {record_path(s, held=s.slug in held): render_record(s).encode("utf-8") for s in stories}
    files.update({f"_data/topics/{t.filename}": t.document.encode("utf-8") for t in topics})
    return files
