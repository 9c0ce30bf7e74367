"""A desk's taxonomy as the judge reads it: topics with their parents resolved, depths, and the text to match.

Pure: :class:`~newsdesk.record.Topic` records in, a checked :class:`TopicTree` out. A topic file's ``parent``
names another topic by ``name`` (as the real taxonomies do: ``parent: AI``) or by ``_id``. Besides the fields
every taxonomy has (``_id``, ``name``, ``shortname``, ``parent``, ``keywords``), the judge reads three optional
ones from the file's text, which other tools ignore:

- ``description``: a sentence or two on what the topic covers (the embedding side reads it);
- ``context_keywords``: words that point to this topic in an article already on the beat, but say nothing about
  the beat on their own (``hospital`` for AI in Healthcare);
- ``examples``: headlines typical of the topic, written by the taxonomy's author (the embedding side reads them);
- ``off_beat_examples`` (on any topic, usually the root): headlines that are *not* the beat although they may
  share its words (a film called "I, Robot", the artist Ai Weiwei, a pop single); an article that reads more like
  one of these than like any topic is kept off the beat whatever its keywords.

A topic's name is one of its keywords, and gives it a context word: the name without the root's name and
joining words at its ends (``Facebook`` for "Facebook AI", ``Healthcare`` for "AI in Healthcare").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from newsdesk.record import Topic
from newsdesk.record.file import RecordError

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Words dropped from a topic's name when it gives the topic context words.
_JOINING = frozenset({"in", "for", "and", "of", "the", "at", "on", "&"})


@dataclass(frozen=True, slots=True)
class TopicProfile:
    """One topic as the judge sees it."""

    id: str
    name: str
    #: The parent's id, ``None`` for a root.
    parent: str | None
    #: 0 for a root, 1 for its children, ...
    depth: int
    keywords: tuple[str, ...]
    context_keywords: tuple[str, ...]
    description: str
    examples: tuple[str, ...]
    off_beat_examples: tuple[str, ...]
    #: The topic file, for error messages.
    source: str

    def prototype_texts(self) -> list[str]:
        """What the embedding side compares an article with: name and description, keywords, examples."""
        described = f"{self.name}: {self.description}" if self.description else self.name
        texts = [described]
        if self.keywords:
            texts.append(f"{self.name}: {', '.join(self.keywords)}")
        return texts + list(self.examples)


class TopicTree:
    """The taxonomy, checked: every parent exists, no cycles; topics in file order."""

    def __init__(self, profiles: Sequence[TopicProfile]) -> None:
        self.profiles = tuple(profiles)
        self._by_id = {p.id: p for p in self.profiles}
        self.roots = tuple(p for p in self.profiles if p.parent is None)

    @classmethod
    def from_topics(cls, topics: Sequence[Topic]) -> TopicTree:
        """Resolve parents (by name or id), compute depths; a bad taxonomy raises :class:`RecordError`."""
        if not topics:
            raise RecordError("taxonomy", "has no topics: a beat needs at least one (_data/topics/*.yaml)")
        by_id: dict[str, Topic] = {}
        by_name: dict[str, Topic] = {}
        for topic in topics:
            if topic.id in by_id:
                raise RecordError(topic.filename, f"topic _id '{topic.id}' is also used by {by_id[topic.id].filename}")
            by_id[topic.id] = topic
            by_name.setdefault(topic.name, topic)
        parents: dict[str, str | None] = {}
        for topic in topics:
            if topic.parent is None or not topic.parent.strip():
                parents[topic.id] = None
                continue
            parent = by_name.get(topic.parent) or by_id.get(topic.parent)
            if parent is None:
                raise RecordError(topic.filename, f"parent '{topic.parent}' is no topic's name or _id")
            if parent.id == topic.id:
                raise RecordError(topic.filename, f"topic '{topic.name}' is its own parent")
            parents[topic.id] = parent.id
        depths: dict[str, int] = {}
        for topic in topics:
            chain = [topic.id]
            current = parents[topic.id]
            while current is not None:
                if current in chain:
                    names = " → ".join(by_id[i].name for i in [*chain, current])
                    raise RecordError(topic.filename, f"parents form a cycle: {names}")
                chain.append(current)
                current = parents[current]
            depths[topic.id] = len(chain) - 1
        roots = [t for t in topics if parents[t.id] is None]
        root_names = {t.name.lower() for t in roots} | {(t.shortname or "").lower() for t in roots}
        profiles = [
            _profile(topic, parents[topic.id], depths[topic.id], root_names - {""}, is_root=parents[topic.id] is None)
            for topic in topics
        ]
        return cls(profiles)

    @property
    def off_beat_examples(self) -> tuple[str, ...]:
        """Every topic's ``off_beat_examples``, in file order."""
        return tuple(text for p in self.profiles for text in p.off_beat_examples)

    def get(self, topic_id: str) -> TopicProfile:
        return self._by_id[topic_id]

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    def __len__(self) -> int:
        return len(self.profiles)

    def ancestors(self, topic_id: str) -> list[str]:
        """The topic's parent, its parent's parent, ... up to the root (ids, nearest first)."""
        out: list[str] = []
        current = self._by_id[topic_id].parent
        while current is not None:
            out.append(current)
            current = self._by_id[current].parent
        return out

    def by_name(self, name: str) -> TopicProfile | None:
        """The topic called ``name`` (or with that id), if any."""
        for profile in self.profiles:
            if profile.name == name:
                return profile
        return self._by_id.get(name)


def _profile(topic: Topic, parent: str | None, depth: int, root_names: set[str], *, is_root: bool) -> TopicProfile:
    fields = _extra_fields(topic)
    context = _strings(fields, "context_keywords", topic.filename)
    if not is_root:
        context = context + _name_words(topic, root_names)
    description = fields.get("description")
    if description is not None and not isinstance(description, str):
        raise RecordError(topic.filename, "description must be text")
    return TopicProfile(
        id=topic.id,
        name=topic.name,
        parent=parent,
        depth=depth,
        keywords=tuple(dict.fromkeys(k.strip() for k in (topic.name, *topic.keywords) if k.strip())),
        context_keywords=tuple(dict.fromkeys(k for k in context if k.strip())),
        description=" ".join((description or "").split()),
        examples=_strings(fields, "examples", topic.filename),
        off_beat_examples=_strings(fields, "off_beat_examples", topic.filename),
        source=topic.filename,
    )


def _extra_fields(topic: Topic) -> dict[str, object]:
    """The topic file's mapping (already checked by ``parse_topic``), or an empty one if it was built in code."""
    if not topic.document.strip():
        return {}
    try:
        documents = [d for d in yaml.load_all(topic.document, Loader=_Loader) if d is not None]
    except yaml.YAMLError as err:  # pragma: no cover - parse_topic has read the same text
        raise RecordError(topic.filename, f"broken YAML: {err}") from None
    return documents[0] if documents and isinstance(documents[0], dict) else {}


def _strings(fields: dict[str, object], key: str, source: str) -> tuple[str, ...]:
    value = fields.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(source, f"{key} must be a list of phrases")
    return tuple(v.strip() for v in value if v.strip())


def _name_words(topic: Topic, root_names: set[str]) -> tuple[str, ...]:
    """The context words a topic's name gives it: the name less the root's name and joining words at its ends.

    "Google AI" → "Google"; "AI in Autos" → "Autos"; "Computer Vision" → nothing (the name is a keyword).
    """
    words = topic.name.split()

    def dropped(word: str) -> bool:
        return word.lower() in root_names or word.lower() in _JOINING

    while words and dropped(words[0]):
        words.pop(0)
    while words and dropped(words[-1]):
        words.pop()
    return (" ".join(words),) if words and len(words) < len(topic.name.split()) else ()
