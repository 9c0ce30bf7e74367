"""A desk: a directory with its ``newsdesk.toml`` and (by default) its SQLite database."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsdesk.keep.keyring import ensure_keyring
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


def init_desk(
    path: Path,
    environ: Mapping[str, str],
    database_url: str | None = None,
    locale: str | None = None,
    title: str | None = None,
) -> tuple[Desk, bool]:
    """Create a desk at ``path`` (or open the one there); returns it and whether it is new.

    An existing ``newsdesk.toml`` is never overwritten; its database is brought
    up to the newest schema. A desk without a key ring (and none in the
    environment) gets a key file with one new key, owner-only.
    """
    settings_file = path / SETTINGS_FILE
    created = not settings_file.exists()
    if not created:
        desk = open_desk(path, environ)
        _ensure_key(desk.settings, environ)
        return desk, False
    made_dir = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(render_settings(database_url, locale, title), encoding="utf-8")
    try:
        desk = open_desk(path, environ)
        _ensure_key(desk.settings, environ)
        return desk, True
    except Exception:
        # A desk whose database cannot be opened is not left half-made.
        settings_file.unlink()
        if made_dir:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise


def _ensure_key(settings: Settings, environ: Mapping[str, str]) -> None:
    keep = settings.keep
    ensure_keyring(keep.key_path(settings.desk), keep.key_env, environ, secrets.token_bytes(32))


def open_desk(path: Path, environ: Mapping[str, str]) -> Desk:
    """Open the desk at ``path``: its settings, and its store with the schema up to date."""
    settings = load_settings(path, environ)
    return Desk(settings=settings, store=Store.open(settings.database_url))
