"""``newsdesk keys rotate``: a new current key, and every value of ours re-encrypted under it.

The order makes every step safe to stop at:

1. The rotation is recorded in the store (its key id, state ``running``).
2. The key file is rewritten (atomically, 0600) with the new key added as the
   current one; the old keys stay, so every value stays readable.
3. Stories are walked in id order; each value of ours under another key is
   re-encrypted in its own transaction, together with the rotation's
   progress (the last story id done).
4. The rotation is marked ``done``.

Rerun after a stop, it resumes the running rotation where it stopped. If
the stop came between 1 and 2 (the new key never reached the file, so
nothing was encrypted under it), that rotation is marked ``abandoned`` and a
new one starts. Values from another system are counted, never rewritten.
Old keys are dropped only on request, after a complete pass that left no
value under them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection

from newsdesk.keep.keyring import KeyRing, KeyRingError, make_key, render_keyring, write_keyring
from newsdesk.keep.sealing import value_census
from newsdesk.keep.secured import SecuredError, describe, seal, unseal
from newsdesk.record.secured import parse_secured_text, secured_text
from newsdesk.store import Store
from newsdesk.store.sealing import (
    ABANDONED,
    DONE,
    Rotation,
    finish_rotation,
    record_rotation_step,
    running_rotation,
    start_rotation,
    stored_value,
    stories_after,
    write_value,
)

_BATCH = 200


def rotate_story(
    conn: Connection, rotation: Rotation, story_id: int, ring: KeyRing, iv: Callable[[], bytes]
) -> tuple[str, str | None]:
    """Re-encrypt one story's value under the rotation's key and record the progress, in ``conn``'s transaction.

    Returns the outcome and, for ``unreadable``, why: ``rotated``, ``current`` (already under the key),
    ``foreign`` (another system's value) or ``unreadable`` (a value of ours the ring cannot read). Only a
    ``rotated`` value is written; the others are left exactly as they are.
    """
    slug, stored = stored_value(conn, story_id)
    outcome, problem = "foreign", None
    try:
        value = parse_secured_text(stored) if stored is not None else None
    except ValueError as err:
        value, outcome, problem = None, "unreadable", f"{slug}: the stored value is malformed ({err})"
    sealed = describe(value) if value is not None else None
    if value is not None and sealed is not None:
        key = ring.get(rotation.key_id)
        if key is None:
            raise SecuredError(slug, f"the rotation's key {rotation.key_id} is not on the key ring ({ring.source})")
        if sealed.key_id == key.id:
            outcome = "current"
        else:
            try:
                fresh = seal(unseal(value, ring, slug), key, iv())
            except SecuredError as err:
                outcome, problem = "unreadable", str(err)
            else:
                write_value(conn, story_id, secured_text(fresh))
                outcome = "rotated"
    record_rotation_step(conn, rotation.id, story_id, rotated=outcome == "rotated")
    return outcome, problem


@dataclass(frozen=True, slots=True)
class RotationReport:
    key_id: str
    resumed: bool
    rotated: int
    current: int
    foreign: int
    unreadable: tuple[str, ...]
    retired: tuple[str, ...] = ()


def rotate_keys(
    store: Store,
    key_file: Path,
    ring: KeyRing,
    *,
    new_secret: bytes,
    ivs: Callable[[], bytes],
    now: Callable[[], datetime],
    progress: Callable[[str], None] = lambda _outcome: None,
) -> RotationReport:
    """Rotate to a new key made of ``new_secret`` (or resume the rotation a stop left running).

    ``progress`` is called after each story's transaction with its outcome
    (``rotated``, ``current``, ``foreign``, ``unreadable``).
    """
    if not ring.from_file:
        raise KeyRingError(
            f"the key ring comes from {ring.source}: add a new key to it by hand (last = current); "
            "`newsdesk keys rotate` rotates a key file"
        )
    with store.transaction() as conn:
        rotation = running_rotation(conn)
        if rotation is not None and ring.get(rotation.key_id) is None:
            # Stopped before the key reached the file: nothing is encrypted under it.
            finish_rotation(conn, rotation.id, ABANDONED, now=now())
            rotation = None
    resumed = rotation is not None
    if rotation is None:
        key = make_key(new_secret)
        with store.transaction() as conn:
            rotation = start_rotation(conn, key.id, now=now())
        ring = ring.with_key(key)
        write_keyring(key_file, render_keyring(ring))
    elif ring.current.id != rotation.key_id:
        raise KeyRingError(
            f"{ring.source}: a rotation to key {rotation.key_id} is running, but the current (last) key is "
            f"{ring.current.id}; put key {rotation.key_id} last and rerun"
        )
    counts = {"rotated": 0, "current": 0, "foreign": 0}
    unreadable: list[str] = []
    after = rotation.last_story_id
    while True:
        with store.transaction() as conn:
            ids = stories_after(conn, after, limit=_BATCH)
        if not ids:
            break
        for story_id in ids:
            with store.transaction() as conn:
                outcome, problem = rotate_story(conn, rotation, story_id, ring, ivs)
            if problem is not None:
                unreadable.append(problem)
            else:
                counts[outcome] += 1
            after = story_id
            progress(outcome)
    with store.transaction() as conn:
        finish_rotation(conn, rotation.id, DONE, now=now())
    return RotationReport(
        key_id=rotation.key_id,
        resumed=resumed,
        rotated=counts["rotated"],
        current=counts["current"],
        foreign=counts["foreign"],
        unreadable=tuple(unreadable),
    )


def retire_old_keys(store: Store, key_file: Path, ring: KeyRing) -> tuple[str, ...]:
    """Drop every key but the current one from the key file, once no value of ours needs them.

    Refuses while a rotation is running or while any value is under an old key
    or unreadable (run ``keys rotate`` first). Returns the ids dropped.
    """
    if not ring.from_file:
        raise KeyRingError(f"the key ring comes from {ring.source}; remove old keys there by hand")
    with store.transaction() as conn:
        if running_rotation(conn) is not None:
            raise KeyRingError("a key rotation is still running; rerun `newsdesk keys rotate` to finish it")
        census = value_census(conn, ring)
    left = {name: slugs for name, slugs in census.items() if name not in (f"key {ring.current.id}", "another system")}
    if left:
        name, slugs = next(iter(left.items()))
        count = sum(len(s) for s in left.values())
        raise KeyRingError(
            f"old keys are still needed: {count} value(s) are not under the current key (first: {slugs[0]}, {name})"
        )
    dropped = tuple(k.id for k in ring.keys if k.id != ring.current.id)
    if dropped:
        write_keyring(key_file, render_keyring(ring.only_current()))
    return dropped
