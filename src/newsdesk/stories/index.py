"""The inverted index that finds candidate stories: key (term or entity id) → stories that held it, in order.

Only the ``depth`` most recent postings of a key are ever read, so older ones are dropped as lists grow:
memory stays bounded by keys × depth and nothing read is lost. Stories are named by codes: a dense slot number
in the high bits and the slot's generation in the low ``bits`` (a slot freed by a closed story and reused
gets a new generation, so the closed story's postings are skipped); merged stories are resolved through a
``roots`` array (slot → surviving slot) the caller keeps.
"""

from __future__ import annotations

from array import array

import numpy as np

from newsdesk.stories.sparse import Ids, Weights, distinct


class StoryIndex:
    """Postings per key, most recent last."""

    __slots__ = ("_postings", "bits", "depth")

    def __init__(self, depth: int, bits: int) -> None:
        self.depth = depth
        self.bits = bits
        self._postings: list[array[int] | None] = []

    def add(self, slot: int, keys: Ids) -> None:
        """Record that the story coded ``slot`` (slot and generation) holds ``keys`` (not repeated if it was last)."""
        postings = self._postings
        needed = int(keys.max()) + 1 if len(keys) else 0
        if needed > len(postings):
            postings.extend([None] * (needed - len(postings)))
        depth = self.depth
        for key in keys.tolist():
            entries = postings[key]
            if entries is None:
                postings[key] = array("q", (slot,))
            elif entries[-1] != slot:
                entries.append(slot)
                if len(entries) > 2 * depth:
                    del entries[: len(entries) - depth]

    def lookup(self, keys: Ids, weights: Weights, roots: Ids, generations: Ids) -> tuple[Ids, Weights]:
        """Stories (root slots) holding any of ``keys`` among each key's ``depth`` latest, with summed key weights.

        A story counts once per key even if it (or a story merged into it) appears there several times; a
        posting whose generation is not its slot's current one (the slot was freed since) is skipped.
        Returned in increasing slot order.
        """
        postings = self._postings
        depth = self.depth
        found = array("q")
        lengths: list[int] = []
        which: list[int] = []
        known = len(postings)
        for i, key in enumerate(keys.tolist()):
            if key < known and (entries := postings[key]):
                if len(entries) > depth:
                    entries = entries[-depth:]
                found += entries
                lengths.append(len(entries))
                which.append(i)
        if not which:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        count = len(which)
        codes = np.frombuffer(found, dtype=np.int64)
        slots = codes >> self.bits
        current = generations[slots] == (codes & ((1 << self.bits) - 1))
        key_of = np.arange(count).repeat(lengths)
        pairs = distinct(roots[slots[current]] * count + key_of[current])
        if not len(pairs):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        slots, key_of = np.divmod(pairs, count)
        first = np.empty(len(slots), dtype=bool)
        first[0] = True
        np.not_equal(slots[1:], slots[:-1], out=first[1:])
        starts = first.nonzero()[0]
        key_weights = weights[np.array(which, dtype=np.int64)]
        return slots[starts], np.add.reduceat(key_weights[key_of], starts)
