"""Content trees on disk: ``_news/*.md`` records (``_held/*.md``: those held back) and ``_data/topics/*.yaml``
taxonomy.

The edge where record files meet the file system: reading (with a size cap,
so a 50 MB file is refused without being read) and writing (each file
atomically, untouched when its bytes are already right).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsdesk.plainfiles import NotPlainFile, read_plain_file
from newsdesk.record import Story, Topic
from newsdesk.record.file import MAX_RECORD_BYTES, RecordError, parse_record
from newsdesk.record.taxonomy import parse_topic

#: Where a content tree keeps its published records, and the held ones (unpublished, kept out of the site).
NEWS_DIR = "_news"
HELD_DIR = "_held"

TOPICS_DIR = "_data/topics"
#: File name endings taken as records when a directory is given.
RECORD_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True, slots=True)
class ContentTree:
    """What a tree holds, and what in it could not be read."""

    stories: tuple[Story, ...]
    topics: tuple[Topic, ...]
    problems: tuple[RecordError, ...]


def read_capped(path: Path, cap: int = MAX_RECORD_BYTES) -> bytes:
    """A regular file's bytes, refusing (without reading it all) one larger than ``cap``.

    Anything but a regular file is refused before it is read (:func:`~newsdesk.plainfiles.read_plain_file`):
    a FIFO or a device would block the reader (an import, ``records check``) forever.
    """
    try:
        return read_plain_file(path, limit=cap)
    except NotPlainFile as err:
        if err.mode is not None and stat.S_ISDIR(err.mode):
            problem = "is a directory, not a record file"
        elif err.mode is not None:
            problem = "is not a regular file (a FIFO, socket or device); it is not read"
        elif err.size is not None:
            problem = f"file is {err.size:,} bytes; a record may be at most {cap:,} bytes"
        else:
            problem = f"cannot be read: {err.cause}"
        raise RecordError(str(path), problem) from None
    except OSError as err:
        raise RecordError(str(path), f"cannot be read: {err.strerror}") from None


def read_record_file(path: Path) -> Story:
    """One record file as a story; its slug is the file's name without its ending."""
    return parse_record(read_capped(path), str(path), path.stem)


def record_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Record files named directly, and those directly inside named directories, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.iterdir() if p.suffix in RECORD_SUFFIXES and p.is_file() and not p.name.startswith(".")
            )
        else:
            yield path


def read_tree(root: Path) -> ContentTree:
    """Every record (published and held back) and topic of a content tree; bad files are listed, not fatal."""
    news, held, topics_dir = root / NEWS_DIR, root / HELD_DIR, root / TOPICS_DIR
    if not root.is_dir():
        raise RecordError(str(root), "no such directory")
    if not news.is_dir() and not held.is_dir() and not topics_dir.is_dir():
        raise RecordError(str(root), f"not a content tree: it has neither {NEWS_DIR}/ nor {TOPICS_DIR}/")
    stories: list[Story] = []
    topics: list[Topic] = []
    problems: list[RecordError] = []
    for folder in (news, held):
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
            try:
                stories.append(read_record_file(path))
            except RecordError as err:
                problems.append(err)
    if topics_dir.is_dir():
        for path in sorted(topics_dir.glob("*.y*ml")):
            try:
                topics.append(parse_topic(read_capped(path), path.name, str(path)))
            except RecordError as err:
                problems.append(err)
    seen: dict[str, str] = {}
    for topic in topics:
        if topic.id in seen:
            problems.append(RecordError(topic.filename, f"topic _id '{topic.id}' is also used by {seen[topic.id]}"))
        seen[topic.id] = topic.filename
    return ContentTree(tuple(stories), tuple(topics), tuple(problems))


def write_files(root: Path, files: Mapping[str, bytes], advance: Callable[[], None] = lambda: None) -> int:
    """Write ``files`` (relative path → bytes) under ``root``; returns how many changed. ``advance`` is called
    after each file (written or found unchanged).

    Each file is written to a temporary file beside it and renamed into place,
    so a crash leaves either the old file or the new one, never half of one.
    """
    changed = 0
    for relative, data in files.items():
        target = root / relative
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            advance()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        changed += 1
        advance()
    return changed


def remove_files(root: Path, relatives: Iterable[str]) -> int:
    """Remove the files at these paths under ``root`` where they exist; how many went."""
    removed = 0
    for relative in relatives:
        target = root / relative
        if target.is_file():
            target.unlink()
            removed += 1
    return removed
