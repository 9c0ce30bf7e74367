"""What a save did."""

from __future__ import annotations

from enum import StrEnum


class Change(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
