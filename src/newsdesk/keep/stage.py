"""Where keeping meets a desk: the desk's image cache and key ring (from its settings), its formed stories
sealed, a record's secured content opened for its owner, an editor's note sealed into a story.

The CLI and the runner call these; each reads the store and decides in ``keep/`` (``sealing``, ``secured``),
in its own transactions.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from newsdesk.keep.imagecache import ImageCache
from newsdesk.keep.keyring import KeyRing, keyring_available, load_keyring
from newsdesk.keep.sealing import SealReport, seal_formed_stories, seal_story
from newsdesk.keep.secured import SecuredError, unseal
from newsdesk.record.secured import parse_secured_text
from newsdesk.record.tree import read_record_file
from newsdesk.settings import Settings
from newsdesk.store import Store
from newsdesk.store.sealing import add_note, find_story


def new_iv() -> bytes:
    """A fresh 16-byte IV for one sealing."""
    return secrets.token_bytes(16)


def image_cache(settings: Settings) -> ImageCache:
    """The desk's image cache (``keep.cache_dir``)."""
    return ImageCache(settings.keep.cache_path(settings.desk))


def desk_keyring(settings: Settings, environ: Mapping[str, str]) -> KeyRing:
    """The desk's key ring, from its key file or ``keep.key_env``; a clear error when there is none."""
    keep = settings.keep
    return load_keyring(keep.key_path(settings.desk), keep.key_env, environ)


def optional_keyring(settings: Settings, environ: Mapping[str, str]) -> KeyRing | None:
    """The desk's key ring, or ``None`` when the desk has none (a desk made before keys, or its key withheld)."""
    keep = settings.keep
    if not keyring_available(keep.key_path(settings.desk), keep.key_env, environ):
        return None
    return desk_keyring(settings, environ)


#: What sealing says of a desk without a key ring.
NO_KEY_RING = "note: no key ring (run `newsdesk init` on the desk): formed stories carry no secured content"


def seal_desk(
    settings: Settings, store: Store, environ: Mapping[str, str], note: Callable[[str], None]
) -> SealReport | None:
    """Bring every formed story's secured value up to date, noting each story left unsealed (``not sealed: ...``);
    ``None``, noted as :data:`NO_KEY_RING`, when the desk has no key ring."""
    ring = optional_keyring(settings, environ)
    if ring is None:
        note(NO_KEY_RING)
        return None
    report = seal_formed_stories(store, ring, new_iv)
    for problem in report.problems:
        note(f"not sealed: {problem}")
    return report


def open_secured(settings: Settings, store: Store, environ: Mapping[str, str], record: str) -> dict[str, Any]:
    """The secured content of ``record`` (a record file, a story's slug or a formed story's id), decrypted."""
    ring = desk_keyring(settings, environ)
    path = Path(record)
    if path.is_file():
        name, secured = str(path), read_record_file(path).secured
    else:
        with store.transaction() as conn:
            found = find_story(conn, record)
        if found is None:
            raise SecuredError(record, "no such record file, story slug or story id in the desk")
        name = found.slug
        try:
            secured = parse_secured_text(found.secured) if found.secured is not None else None
        except ValueError as error:
            raise SecuredError(name, f"the stored secured value is malformed ({error})") from None
    if secured is None:
        raise SecuredError(name, "carries no secured content")
    return unseal(secured, ring, name)


def add_secured_note(
    settings: Settings, store: Store, environ: Mapping[str, str], story: str, text: str, *, actor: str, now: datetime
) -> str:
    """Add an editor's private note to a formed story (id or slug) and reseal it; returns the story's slug."""
    ring = desk_keyring(settings, environ)
    with store.transaction() as conn:
        found = find_story(conn, story)
        if found is None or found.cluster_key is None:
            raise SecuredError(story, "no story newsdesk formed by that id or slug")
        add_note(conn, found.cluster_key, text, actor=actor, now=now)
        seal_story(conn, found.id, ring, new_iv())
    return found.slug
