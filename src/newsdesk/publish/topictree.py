"""The taxonomy as a tree: which story topics a topic's page covers (the topic and its descendants)."""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.record import Topic


def find_topic(topics: Sequence[Topic], topic_id: str) -> Topic | None:
    """The topic with this ``_id`` (case-insensitive), if the taxonomy has one."""
    wanted = topic_id.lower()
    return next((t for t in topics if t.id.lower() == wanted), None)


def _is_child(topic: Topic, parent: Topic) -> bool:
    # Records name a parent by its name ("parent: AI"); accept the id too.
    return topic.parent is not None and topic.parent.lower() in {parent.name.lower(), parent.id.lower()}


def descendants(topic: Topic, topics: Sequence[Topic]) -> list[Topic]:
    """Every topic below ``topic``, depth first, in taxonomy order; a cycle stops the walk."""
    found: list[Topic] = []
    seen = {topic.id}
    stack = [topic]
    while stack:
        current = stack.pop()
        children = [t for t in topics if t.id not in seen and _is_child(t, current)]
        for child in children:
            seen.add(child.id)
            found.append(child)
        stack.extend(reversed(children))
    return found


def covered_names(topic: Topic, topics: Sequence[Topic]) -> tuple[str, ...]:
    """The values of a story's ``topics`` that put it on this topic's page.

    Stories name their topics by name (``AI in Robotics``); the topic's id is
    accepted too, for stories tagged by id. Children's stories are the parent's too.
    """
    names: list[str] = []
    for t in (topic, *descendants(topic, topics)):
        for name in (t.name, t.id):
            if name not in names:
                names.append(name)
    return tuple(names)


def topic_of_name(topics: Sequence[Topic], name: str) -> Topic | None:
    """The topic a story's topic value names (by name, else by id; case-insensitive)."""
    wanted = name.lower()
    return next((t for t in topics if t.name.lower() == wanted), None) or next(
        (t for t in topics if t.id.lower() == wanted), None
    )


def nav_topics(topics: Sequence[Topic]) -> list[Topic]:
    """The topics a site's navigation lists: a lone root's children (the beat's subtopics), else the roots."""
    roots = [t for t in topics if t.parent is None or not any(_is_child(t, p) for p in topics if p is not t)]
    if len(roots) == 1:
        children = [t for t in topics if t is not roots[0] and _is_child(t, roots[0])]
        return [roots[0], *children] if children else roots
    return roots
