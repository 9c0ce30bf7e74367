"""What the beat evaluations read: one labelled article (``BeatItem``) and JSON Lines files read safely.

Shared by the relevance evaluation (``relevance.py``) and the sets it assembles (``beatsets.py``), so that
neither imports the other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.record.file import RecordError


@dataclass(frozen=True, slots=True)
class BeatItem:
    """One labelled article of the file."""

    line: int
    id: str
    title: str
    text: str
    on_beat: bool
    origin: str


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of a JSON Lines file with its number; a line that is not a JSON object, or a file that
    cannot be read as UTF-8, raises :class:`RecordError` naming the file (and the line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise RecordError(str(path), f"is not UTF-8 text ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise RecordError(str(path), f"cannot be read: {err.strerror}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise RecordError(str(path), f"not JSON: {err.msg} (column {err.colno})", number) from None
        if not isinstance(row, dict):
            raise RecordError(str(path), "each line must be a JSON object", number)
        yield number, row
