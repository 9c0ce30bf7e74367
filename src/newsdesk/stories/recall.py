"""What a closed story can still be recalled by: its members' links and titles, for a while (``life``).

Each key is a 64-bit hash of a kind and a text (a member's address, an address a member linked to, a member's
title); its entry says which story and member it recalls and until when. Entries are kept in the order
stories close, in numpy columns (about 150 bytes a key with the dictionary that finds them, where Python
tuples took several times that), and expire from the front; a key remembered again points to its newest entry.
"""

from __future__ import annotations

import numpy as np

from newsdesk.stories.sparse import Ids, Weights

_CHUNK = 4096


class RecallKeys:
    """Recall keys of closed stories, each until its expiry time (seconds)."""

    __slots__ = ("_base", "_count", "_expiry", "_find", "_head", "_keys", "_members", "_stories")

    def __init__(self) -> None:
        self._find: dict[int, int] = {}
        self._keys: Ids = np.zeros(_CHUNK, dtype=np.int64)
        self._stories: Ids = np.zeros(_CHUNK, dtype=np.int64)
        self._members: Ids = np.zeros(_CHUNK, dtype=np.int64)
        self._expiry: Weights = np.zeros(_CHUNK)
        #: Entries are numbered from 0 for ever; column row = number - ``_base``; live rows from ``_head``.
        self._base = 0
        self._head = 0
        self._count = 0

    def __len__(self) -> int:
        return len(self._find)

    def remember(self, key: int, story: int, member: int, expires: float) -> None:
        """Recall ``story`` (through ``member``) by ``key`` until ``expires``."""
        row = self._count - self._base
        if row == len(self._keys):
            self._make_room()
            row = self._count - self._base
        self._keys[row] = key
        self._stories[row] = story
        self._members[row] = member
        self._expiry[row] = expires
        self._find[key] = self._count
        self._count += 1

    def find(self, key: int, now: float) -> tuple[int, int] | None:
        """The story and member ``key`` recalls at ``now``, if it still does."""
        number = self._find.get(key)
        if number is None:
            return None
        row = number - self._base
        if self._expiry[row] < now:
            return None
        return int(self._stories[row]), int(self._members[row])

    def expire(self, now: float) -> None:
        """Forget the entries at the front that expired before ``now`` (roughly in closing order)."""
        end = self._count - self._base
        row = self._head
        while row < end and self._expiry[row] < now:
            key = int(self._keys[row])
            if self._find.get(key) == row + self._base:
                del self._find[key]
            row += 1
        self._head = row

    def _make_room(self) -> None:
        live = self._count - self._base - self._head
        size = max(_CHUNK, 2 * live) if live * 2 > len(self._keys) else len(self._keys)
        for name in ("_keys", "_stories", "_members", "_expiry"):
            column = getattr(self, name)
            fresh = np.zeros(size, dtype=column.dtype)
            fresh[:live] = column[self._head : self._head + live]
            setattr(self, name, fresh)
        self._base += self._head
        self._head = 0
