"""The taxonomies newsdesk ships: the AI beat, ``taxonomy/ai/*.yaml`` in this package (the default), and a
politics beat, ``taxonomy/politics/*.yaml`` (``newsdesk init DIR --starter politics``), and the politics beat in
Portuguese, ``taxonomy/politics-pt/*.yaml`` (``newsdesk init DIR --starter politics --lang pt``: Brazil first).

A desk starts from it; editors change the beat by editing the YAML (in the package for every desk, or in a
desk's own content tree, ``_data/topics``). Nothing here reads anything but the package's own files.
"""

from __future__ import annotations

from importlib import resources

from newsdesk.record import Topic
from newsdesk.record.taxonomy import parse_topic

#: The package folder that holds the default taxonomy's files.
DEFAULT_TAXONOMY = "taxonomy/ai"
#: The beats newsdesk ships a taxonomy for, the default first.
STARTER_BEATS = ("ai", "politics", "politics-pt")


def default_taxonomy() -> list[Topic]:
    """The AI beat's topics, in file-name order (the root, ``AI``, first)."""
    return starter_taxonomy("ai")


def starter_taxonomy(beat: str) -> list[Topic]:
    """A shipped beat's topics (``ai``, ``politics``, ``politics-pt``), in file-name order (the root first)."""
    if beat not in STARTER_BEATS:
        raise ValueError(f"no starter beat {beat!r} (there are: {', '.join(STARTER_BEATS)})")
    where = f"taxonomy/{beat}"
    folder = resources.files("newsdesk.judge").joinpath(where)
    files = sorted((f for f in folder.iterdir() if f.name.endswith((".yaml", ".yml"))), key=lambda f: f.name)
    return [parse_topic(f.read_bytes(), f.name, f"newsdesk/judge/{where}/{f.name}") for f in files]
