"""Datetimes in and out of the database, always timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def from_db(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_db(value: datetime) -> datetime:
    return value.astimezone(UTC)
