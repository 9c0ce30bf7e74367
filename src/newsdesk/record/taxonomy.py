"""The desk's topic taxonomy: ``_data/topics/*.yaml`` files read into :class:`Topic` records.

Pure: bytes in, records out. The file's text is kept on the record so that a
taxonomy written back is exactly what the editor wrote.
"""

from __future__ import annotations

import yaml
from yaml.constructor import SafeConstructor

from newsdesk.record import Topic
from newsdesk.record.file import RecordError, compose_documents, decode_record, one_line, yaml_error


def parse_topic(data: bytes, filename: str, source: str) -> Topic:
    """Read one topic file. Real files may end with a stray ``---``; that is allowed."""
    text = decode_record(data, source)
    # Composed as a record's front matter is (no anchors or aliases, bounded nesting), then built.
    nodes = compose_documents(text, source, first_line=1)
    try:
        documents = [d for d in (SafeConstructor().construct_document(n) for n in nodes) if d is not None]
    except yaml.MarkedYAMLError as err:
        raise yaml_error(source, err, first_line=1) from None
    except (ValueError, OverflowError) as err:  # a 5,000-digit number, a date past year 9999, ...
        raise RecordError(source, f"a value cannot be read: {one_line(str(err))[:200]}") from None
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise RecordError(source, "a topic file holds one mapping (_id, name, parent, keywords, ...)")
    fields = documents[0]
    topic_id, name = fields.get("_id"), fields.get("name")
    if not isinstance(topic_id, str) or not topic_id.strip():
        raise RecordError(source, "topic has no _id")
    if not isinstance(name, str) or not name.strip():
        raise RecordError(source, "topic has no name")
    keywords = fields.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise RecordError(source, "keywords must be a list of phrases")
    parent, shortname = fields.get("parent"), fields.get("shortname")
    return Topic(
        id=topic_id,
        name=name,
        parent=str(parent) if parent is not None else None,
        shortname=str(shortname) if shortname is not None else None,
        keywords=tuple(keywords),
        filename=filename,
        document=text,
    )
