"""A desk: a directory with its ``newsdesk.toml`` and (by default) its SQLite database."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsdesk.settings import SETTINGS_FILE, Settings, load_settings, render_settings
from newsdesk.store import Store


@dataclass(frozen=True, slots=True)
class Desk:
    settings: Settings
    store: Store

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def init_desk(path: Path, environ: Mapping[str, str], database_url: str | None = None) -> tuple[Desk, bool]:
    """Create a desk at ``path`` (or open the one there); returns it and whether it is new.

    An existing ``newsdesk.toml`` is never overwritten; its database is brought
    up to the newest schema.
    """
    settings_file = path / SETTINGS_FILE
    created = not settings_file.exists()
    if not created:
        return open_desk(path, environ), False
    made_dir = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(render_settings(database_url), encoding="utf-8")
    try:
        return open_desk(path, environ), True
    except Exception:
        # A desk whose database cannot be opened is not left half-made.
        settings_file.unlink()
        if made_dir:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise


def open_desk(path: Path, environ: Mapping[str, str]) -> Desk:
    """Open the desk at ``path``: its settings, and its store with the schema up to date."""
    settings = load_settings(path, environ)
    return Desk(settings=settings, store=Store.open(settings.database_url))
