"""A desk as a content tree: one record file per story, the taxonomy beside them."""

from __future__ import annotations

from collections.abc import Iterable

from newsdesk.record import Story, Topic
from newsdesk.recordfile import render_record


def record_path(story: Story) -> str:
    """Where a story's record lives in a tree: ``_news/YYYY-MM-DD-slug.md``."""
    return f"_news/{story.slug}.md"


def record_files(stories: Iterable[Story], topics: Iterable[Topic]) -> dict[str, bytes]:
    """Tree path → bytes for every story record and topic file."""
    files = {record_path(s): render_record(s).encode("utf-8") for s in stories}
    files.update({f"_data/topics/{t.filename}": t.document.encode("utf-8") for t in topics})
    return files
