"""Sealing formed stories: every story newsdesk formed gets its ``secured`` value, up to date.

Run after story formation and before an export; each story is sealed in its
own transaction. A story whose value is already current is not touched
(its content is compared, decrypted); a value of ours the key ring cannot
read is reported and left alone, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from newsdesk.keep.keyring import KeyRing
from newsdesk.keep.secured import SecuredError
from newsdesk.store import Store
from newsdesk.store.sealing import formed_story_ids, seal_story


@dataclass(frozen=True, slots=True)
class SealReport:
    sealed: int
    unchanged: int
    problems: tuple[str, ...] = field(default=())


def seal_formed_stories(store: Store, ring: KeyRing, ivs: Callable[[], bytes]) -> SealReport:
    """(Re)seal every formed story whose ``secured`` value is missing or out of date."""
    with store.transaction() as conn:
        ids = formed_story_ids(conn)
    sealed = unchanged = 0
    problems: list[str] = []
    for story_id in ids:
        try:
            with store.transaction() as conn:
                wrote = seal_story(conn, story_id, ring, ivs())
        except SecuredError as err:
            problems.append(str(err))
            continue
        sealed += wrote
        unchanged += not wrote
    return SealReport(sealed=sealed, unchanged=unchanged, problems=tuple(problems))
