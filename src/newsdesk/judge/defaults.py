"""The taxonomy newsdesk ships: the AI beat, ``taxonomy/ai/*.yaml`` in this package.

A desk starts from it; editors change the beat by editing the YAML (in the package for every desk, or in a
desk's own content tree, ``_data/topics``). Nothing here reads anything but the package's own files.
"""

from __future__ import annotations

from importlib import resources

from newsdesk.record import Topic
from newsdesk.taxonomy import parse_topic

#: The package folder that holds the default taxonomy's files.
DEFAULT_TAXONOMY = "taxonomy/ai"


def default_taxonomy() -> list[Topic]:
    """The AI beat's topics, in file-name order (the root, ``AI``, first)."""
    folder = resources.files("newsdesk.judge").joinpath(DEFAULT_TAXONOMY)
    files = sorted((f for f in folder.iterdir() if f.name.endswith((".yaml", ".yml"))), key=lambda f: f.name)
    return [parse_topic(f.read_bytes(), f.name, f"newsdesk/judge/{DEFAULT_TAXONOMY}/{f.name}") for f in files]
