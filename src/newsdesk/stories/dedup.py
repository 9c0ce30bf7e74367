"""Syndicated and lightly edited copies: MinHash signatures of word shingles, found through an LSH index.

A text is its title, lead and body, NFKC-normalised, lower-cased, with everything
but letters, digits and ``_`` turned into spaces; its shingles are the distinct
runs of ``shingle_words`` consecutive words. Each word gets a stable 64-bit
value from its bytes, each shingle a polynomial of its words' values passed
through the SplitMix64 finaliser (never Python's salted ``hash()``), all in numpy.

The signature is MinHash by one-permutation hashing with optimal densification
(Shrivastava, ICML 2017): the top bits of a shingle's hash pick one of
``num_perm`` bins, each bin keeps its smallest hash, and an empty bin takes the
value of the first non-empty bin in its own fixed, data-independent probe order.
Each slot of two signatures is then equal with probability equal to the two
shingle sets' Jaccard similarity, as with ``num_perm`` independent permutations,
at the cost of one hash per shingle instead of ``num_perm``.

LSH banding (``bands`` bands of ``num_perm // bands`` slots, each band hashed
to one 64-bit key; a sorted array of keys plus a dictionary of recent ones, so
never all pairs) gives the candidates; the estimated Jaccard similarity (the
share of equal slots) decides, and the smallest id among the originals that
pass is the one copied. Only originals are indexed, so every copy points at the
first article of its kind.
"""

from __future__ import annotations

import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import blake2b

import numpy as np
import numpy.typing as npt

from newsdesk.record import StoryArticle
from newsdesk.stories.model import CopyOf

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

_MASK64 = (1 << 64) - 1
#: Odd multipliers: a word's head and tail, and the word-to-shingle polynomial.
_HEAD_FACTOR = np.uint64(0x9E3779B97F4A7C15)
_TAIL_FACTOR = np.uint64(0xC2B2AE3D27D4EB4F)
_WORD_BASE = np.uint64(0xFF51AFD7ED558CCD)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S27, _S30, _S31 = np.uint64(27), np.uint64(30), np.uint64(31)
_ONE = np.uint64(1)
_SPACE = 0x20
_PAD = b" " * 8
#: Bit shifts that keep a word's first (or last) ``n`` bytes of an 8-byte window, for n = 0..8.
_SHIFTS = np.array([64 - 8 * n if n else 0 for n in range(9)], dtype=np.uint64)
#: ASCII letters, digits and ``_`` stay, other ASCII becomes a space; bytes of
#: multi-byte UTF-8 characters stay (the only non-ASCII characters left are word characters).
_TABLE = bytes(b if (b >= 0x80 or chr(b).isalnum() or b == 0x5F) else _SPACE for b in range(256))
_ASCII = bytes(range(0x80))
#: Characters that sit inside words without separating them: soft hyphen, zero-width no-break space (BOM).
_INVISIBLE = frozenset("\xad\ufeff")
#: Signature layout: settings fingerprint, shingle count, then ``num_perm`` little-endian uint32 values.
_HEADER = struct.Struct("<4sI")
_FORMAT_VERSION = 1
_EMPTY_SLOT = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Settings for near-duplicate detection.

    ``threshold`` is the estimated Jaccard similarity of the two texts' shingle
    sets at or above which an article is a copy. At 0.7: AP stories re-run by
    other outlets with their own headline and a trimmed or edited paragraph
    score 0.71-0.92 in giveme5w1h, and no two different stories there score
    above 0.40. Texts with fewer than ``min_shingles`` distinct shingles are
    never called copies (or indexed). ``bands`` × ``num_perm // bands`` LSH
    bands find a pair at Jaccard 0.7 with probability 0.9998 (at 0.4: 0.56).
    ``shingle_words``, ``num_perm`` and ``seed`` shape the signature, so
    stored signatures are only valid for the same three values.
    """

    threshold: float = 0.7
    shingle_words: int = 5
    num_perm: int = 128
    bands: int = 32
    min_shingles: int = 20
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"dedup threshold must be in (0, 1], not {self.threshold}")
        if self.shingle_words < 1:
            raise ValueError(f"dedup shingle_words must be at least 1, not {self.shingle_words}")
        if self.num_perm < 16 or self.num_perm > 1024 or self.num_perm & (self.num_perm - 1):
            raise ValueError(f"dedup num_perm must be a power of two from 16 to 1024, not {self.num_perm}")
        if self.bands < 1 or self.num_perm % self.bands:
            raise ValueError(f"dedup bands must divide num_perm ({self.num_perm}), not {self.bands}")
        if self.min_shingles < 1:
            raise ValueError(f"dedup min_shingles must be at least 1, not {self.min_shingles}")
        if not 0 <= self.seed <= _MASK64:
            raise ValueError(f"dedup seed must be a 64-bit unsigned integer, not {self.seed}")

    @property
    def rows(self) -> int:
        """Signature slots per LSH band."""
        return self.num_perm // self.bands

    def fingerprint(self) -> bytes:
        """Four bytes naming the signature format and the settings that shape it."""
        spec = f"newsdesk-minhash:{_FORMAT_VERSION}:{self.shingle_words}:{self.num_perm}:{self.seed}"
        return blake2b(spec.encode("ascii"), digest_size=4).digest()


@dataclass(frozen=True, slots=True)
class _Signature:
    shingles: int
    values: U32
    #: Prepared in a batch: the band keys, and the ids the band table's sorted arrays held for them when
    #: the table was at ``generation`` (its recent additions are looked up at ``add`` time).
    keys: U64 | None = None
    stored: set[int] | None = None
    generation: int = -1


class NearDuplicateIndex:
    """Originals seen so far, indexed by LSH bands of their MinHash signatures.

    Deterministic: the same articles added in the same order give the same
    answers, in any process, and ``add_signature`` with stored signatures
    rebuilds the same index without the texts. Memory is about 1 KiB per
    indexed original with the default settings (its signature and its band keys).
    """

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        k = self.config.num_perm
        self._bits = k.bit_length() - 1
        self._bin_edges = np.arange(k, dtype=np.uint64) << np.uint64(64 - self._bits)
        self._seed = _splitmix64_int(self.config.seed)
        self._seed_u64 = np.uint64(self._seed)
        # Densification: bin i's probe order is a fixed pseudo-random permutation of all bins.
        keys = _mix(np.arange(k * k, dtype=np.uint64) ^ np.uint64(_splitmix64_int(self._seed ^ 1))).reshape(k, k)
        self._probes = np.argsort(keys, axis=1, kind="stable").astype(np.intp)
        # Band keys: a random linear combination of the band's slots, salted per band, then mixed.
        self._row_factors = _mix(np.arange(self.config.rows, dtype=np.uint64) ^ np.uint64(self._seed ^ 2)) | _ONE
        self._band_salts = _mix(np.arange(self.config.bands, dtype=np.uint64) ^ np.uint64(self._seed ^ 3))
        self._signatures = _SignatureRows(k)
        self._bands = _BandTable()
        self._last: tuple[StoryArticle, _Signature] | None = None
        self._prepared: dict[int, tuple[StoryArticle, _Signature]] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._signatures

    def check(self, article: StoryArticle) -> CopyOf | None:
        """The earliest indexed original that ``article`` is a copy of, or ``None``; indexes nothing."""
        computed = self._compute(article)
        if computed.shingles < self.config.min_shingles:
            return None
        keys, stored = self._keys_of(computed)
        return self._find(article.id, computed.values, keys, stored)

    def add(self, article: StoryArticle) -> CopyOf | None:
        """``check``, then index ``article`` if it is an original; a copy is returned and not indexed.

        Adding an id that is already indexed replaces its signature.
        """
        computed = self._compute(article)
        self.remove(article.id)
        if computed.shingles < self.config.min_shingles:
            return None
        keys, stored = self._keys_of(computed)
        copy = self._find(article.id, computed.values, keys, stored)
        if copy is None:
            self._index(article.id, computed.values, keys)
        return copy

    def _keys_of(self, computed: _Signature) -> tuple[U64, set[int] | None]:
        """The band keys, and what the sorted band arrays hold for them if a batch looked that up still valid."""
        if computed.keys is None:
            return self._band_keys(computed.values), None
        if computed.generation != self._bands.generation:
            return computed.keys, None
        return computed.keys, computed.stored

    def signature(self, article: StoryArticle) -> bytes:
        """The article's signature as bytes to persist (fingerprint, shingle count, slots)."""
        computed = self._compute(article)
        header = _HEADER.pack(self.config.fingerprint(), min(computed.shingles, 0xFFFFFFFF))
        return header + computed.values.astype("<u4").tobytes()

    def add_signature(self, article_id: int, signature: bytes) -> None:
        """Index an original from its stored signature, as ``add`` did (texts too short are skipped).

        Only originals' signatures belong here; a copy's is not checked again.
        Raises ``ValueError`` for a signature made with other settings.
        """
        expected = _HEADER.size + 4 * self.config.num_perm
        if len(signature) != expected:
            raise ValueError(f"dedup signature of article {article_id} has {len(signature)} bytes, not {expected}")
        fingerprint, shingles = _HEADER.unpack_from(signature)
        if fingerprint != self.config.fingerprint():
            raise ValueError(f"dedup signature of article {article_id} was made with other settings")
        self.remove(article_id)
        if shingles < self.config.min_shingles:
            return
        values = np.frombuffer(signature, dtype="<u4", offset=_HEADER.size).astype(np.uint32)
        self._index(article_id, values, self._band_keys(values))

    def remove(self, article_id: int) -> None:
        """Forget an indexed original (to keep a window); nothing happens for an id not indexed."""
        values = self._signatures.pop(article_id)
        if values is not None:
            self._bands.discard(article_id, self._band_keys(values).tolist())

    def similarity(self, first: bytes, second: bytes) -> float:
        """Estimated Jaccard similarity of the texts of two signatures from ``signature``."""
        a = np.frombuffer(first, dtype="<u4", offset=_HEADER.size)
        b = np.frombuffer(second, dtype="<u4", offset=_HEADER.size)
        if a.shape != b.shape:
            raise ValueError("dedup signatures of different sizes")
        return float(np.count_nonzero(a == b)) / a.size

    def _find(self, article_id: int, values: U32, keys: U64, stored: set[int] | None = None) -> CopyOf | None:
        candidates = self._bands.lookup(keys, stored)
        candidates.discard(article_id)
        live = sorted(c for c in candidates if c in self._signatures)
        if not live:
            return None
        k = self.config.num_perm
        for candidate, equal in zip(live, self._signatures.agreement(live, values).tolist(), strict=True):
            similarity = equal / k
            if similarity >= self.config.threshold:
                return CopyOf(article_id=article_id, original_id=candidate, similarity=similarity)
        return None

    def _index(self, article_id: int, values: U32, keys: U64) -> None:
        self._signatures.put(article_id, values)
        # Within a prepared batch the sorted arrays stay as they were looked up; the next batch merges.
        self._bands.add(article_id, keys.tolist(), merge=not self._prepared)

    def _band_keys(self, values: U32) -> U64:
        """One 64-bit key per LSH band: equal keys mean (all but certainly) equal slots in that band."""
        keys: U64 = self._band_keys_many(values.reshape(1, -1))[0]
        return keys

    def _band_keys_many(self, values: U32) -> U64:
        """``_band_keys`` of each row of a matrix of signatures."""
        rows = values.reshape(values.shape[0], self.config.bands, self.config.rows).astype(np.uint64)
        rows *= self._row_factors
        keys: U64 = rows.sum(axis=2, dtype=np.uint64)
        keys ^= self._band_salts
        return _mix(keys)

    def prepare(self, articles: Sequence[StoryArticle]) -> None:
        """Compute the signatures of a batch of articles at once, for the ``add``, ``check`` and ``signature`` calls
        that follow (each still one article at a time, in order).

        The same signatures as one article at a time, bit for bit, in one set of
        array operations over the whole batch instead of one per article. Replaces
        the previous batch; an article is recognised by identity, so a changed
        copy with the same id is computed afresh.
        """
        self._prepared = {}
        self._bands.merge_if_due()
        if not articles:
            return
        signatures = self._batch_signatures([_normalised(a) for a in articles])
        done = [c if c is not None else self._single(_normalised(a)) for a, c in zip(articles, signatures, strict=True)]
        # Every band key of the batch looked up in the sorted arrays at once (the recent ones: at add time).
        keys = self._band_keys_many(np.stack([c.values for c in done]))
        stored = self._bands.search_arrays(keys)
        generation = self._bands.generation
        for i, (article, computed) in enumerate(zip(articles, done, strict=True)):
            self._prepared[article.id] = (
                article,
                _Signature(computed.shingles, computed.values, keys[i], stored.get(i, set()), generation),
            )

    def _compute(self, article: StoryArticle) -> _Signature:
        last = self._last
        if last is not None and last[0] is article:
            return last[1]
        prepared = self._prepared.get(article.id)
        if prepared is not None and prepared[0] is article:
            return prepared[1]
        computed = self._single(_normalised(article))
        self._last = (article, computed)
        return computed

    def _single(self, data: bytes) -> _Signature:
        hashes = self._shingle_hashes(data)
        return _Signature(hashes.size, self._minhash(hashes))

    def _batch_signatures(self, texts: list[bytes]) -> list[_Signature | None]:
        """Signatures of many normalised texts at once; ``None`` for a text of fewer words than a shingle."""
        k = self.config.num_perm
        n = len(texts)
        size = self.config.shingle_words
        # Texts joined by a space: no word spans two texts, and each word's text is found by its start offset.
        words, starts = _word_hashes_and_starts(b" ".join(texts))
        offsets = np.cumsum([0, *(len(t) + 1 for t in texts)])[:-1]
        owner = np.searchsorted(offsets, starts, side="right") - 1
        counts = np.bincount(owner, minlength=n) if words.size else np.zeros(n, dtype=np.intp)
        out: list[_Signature | None] = [None] * n
        for i in np.flatnonzero(counts == 0).tolist():
            out[i] = _Signature(0, np.full(k, _EMPTY_SLOT, dtype=np.uint32))
        if words.size < size:
            return out
        count = words.size - size + 1
        # A shingle belongs to a text when its first and last word do.
        valid = owner[:count] == owner[size - 1 :]
        shingles = words[:count].copy()
        for offset in range(1, size):
            shingles *= _WORD_BASE
            shingles += words[offset : offset + count]
        shingles = shingles[valid]
        text_of = owner[:count][valid]
        shingles ^= self._seed_u64
        hashes = _mix(shingles)
        # Sorted by text, then hash: a quick sort of the hashes, then a stable (radix) sort of their texts.
        by_hash = np.argsort(hashes)
        text_type = np.int16 if n <= np.iinfo(np.int16).max else np.int32
        order = by_hash[np.argsort(text_of[by_hash].astype(text_type), kind="stable")]
        hashes, text_of = hashes[order], text_of[order]
        distinct = np.ones(hashes.size, dtype=bool)
        distinct[1:] = (hashes[1:] != hashes[:-1]) | (text_of[1:] != text_of[:-1])
        hashes, text_of = hashes[distinct], text_of[distinct]
        shingle_counts = np.bincount(text_of, minlength=n)
        # Each (text, bin)'s smallest hash is the first of its run in the sorted order.
        bins = (hashes >> np.uint64(64 - self._bits)).astype(np.intp)
        cell = text_of * k + bins
        first = np.ones(cell.size, dtype=bool)
        first[1:] = cell[1:] != cell[:-1]
        values = np.full(n * k, _EMPTY_SLOT, dtype=np.uint32)
        filled = np.zeros(n * k, dtype=bool)
        values[cell[first]] = ((hashes[first] << np.uint64(self._bits)) >> np.uint64(32)).astype(np.uint32)
        filled[cell[first]] = True
        matrix, slots = values.reshape(n, k), filled.reshape(n, k)
        has = shingle_counts > 0
        # Densification, one probe step at a time for the bins still empty (most are done in a step or two).
        rows, empty_bins = np.nonzero(~slots & has[:, None])
        for step in range(k):
            if not rows.size:
                break
            donors = self._probes[empty_bins, step]
            found = slots[rows, donors]
            matrix[rows[found], empty_bins[found]] = matrix[rows[found], donors[found]]
            rows, empty_bins = rows[~found], empty_bins[~found]
        for i in np.flatnonzero(has).tolist():
            out[i] = _Signature(int(shingle_counts[i]), matrix[i].copy())
        return out

    def _shingle_hashes(self, data: bytes) -> U64:
        """The sorted distinct 64-bit hashes of the text's word shingles."""
        words, _starts = _word_hashes_and_starts(data)
        if words.size == 0:
            return words
        size = min(self.config.shingle_words, words.size)
        count = words.size - size + 1
        shingles = words[:count].copy()
        for offset in range(1, size):
            shingles *= _WORD_BASE
            shingles += words[offset : offset + count]
        shingles ^= self._seed_u64
        hashes = _mix(shingles)
        hashes.sort()
        if hashes.size > 1:
            hashes = hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]
        return hashes

    def _minhash(self, hashes: U64) -> U32:
        """One-permutation MinHash with optimal densification over sorted distinct hashes."""
        k = self.config.num_perm
        if hashes.size == 0:
            return np.full(k, _EMPTY_SLOT, dtype=np.uint32)
        first = np.searchsorted(hashes, self._bin_edges)
        filled = first < np.append(first[1:], hashes.size)
        # Each bin's value: the 32 bits after the bin-number bits of its smallest hash.
        smallest = hashes[np.minimum(first, hashes.size - 1)]
        values = ((smallest << np.uint64(self._bits)) >> np.uint64(32)).astype(np.uint32)
        empty = np.flatnonzero(~filled)
        if empty.size:
            probes = self._probes[empty]
            donors = probes[np.arange(empty.size), np.argmax(filled[probes], axis=1)]
            values[empty] = values[donors]
        return values


class _SignatureRows:
    """Signatures by article id, as rows of one growing uint32 matrix."""

    def __init__(self, width: int) -> None:
        self._matrix: U32 = np.zeros((16, width), dtype=np.uint32)
        self._row: dict[int, int] = {}
        self._ids: list[int] = []

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._row

    def put(self, article_id: int, values: U32) -> None:
        row = self._row.get(article_id)
        if row is None:
            row = len(self._ids)
            if row == self._matrix.shape[0]:
                self._matrix = np.concatenate((self._matrix, np.zeros_like(self._matrix)))
            self._row[article_id] = row
            self._ids.append(article_id)
        self._matrix[row] = values

    def pop(self, article_id: int) -> U32 | None:
        row = self._row.pop(article_id, None)
        if row is None:
            return None
        values: U32 = self._matrix[row].copy()
        last = len(self._ids) - 1
        if row != last:
            moved = self._ids[last]
            self._matrix[row] = self._matrix[last]
            self._ids[row] = moved
            self._row[moved] = row
        self._ids.pop()
        return values

    def agreement(self, article_ids: list[int], values: U32) -> npt.NDArray[np.intp]:
        """For each id, how many slots of its signature equal ``values``."""
        rows = [self._row[i] for i in article_ids]
        counts: npt.NDArray[np.intp] = np.count_nonzero(self._matrix[rows] == values, axis=1)
        return counts


class _BandTable:
    """A multimap from 64-bit band keys to article ids: a sorted array, plus a dictionary of recent additions.

    The dictionary is merged into the arrays once it is large (at least a
    sixteenth of them), so adding is cheap and the arrays hold 16 bytes an
    entry. Removed ids are dropped from the arrays at the next merge; until
    then a lookup may return them (callers check that an id is still indexed).
    """

    _MIN_MERGE = 1 << 15

    def __init__(self) -> None:
        self._keys: U64 = np.zeros(0, dtype=np.uint64)
        self._ids: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._recent: dict[int, int | list[int]] = {}
        self._recent_size = 0
        # The recent additions in order too, for a quick merge (unless one of them was discarded since).
        self._recent_keys: list[int] = []
        self._recent_ids: list[int] = []
        self._recent_discarded = False
        self._removed: set[int] = set()
        #: Changes whenever the sorted arrays do, so a lookup in them can be known to be current.
        self.generation = 0

    def add(self, article_id: int, keys: list[int], *, merge: bool = True) -> None:
        recent = self._recent
        for key in keys:
            held = recent.get(key)
            if held is None:
                recent[key] = article_id
            elif isinstance(held, int):
                recent[key] = [held, article_id]
            else:
                held.append(article_id)
        self._recent_size += len(keys)
        self._recent_keys.extend(keys)
        self._recent_ids.extend([article_id] * len(keys))
        if merge:
            self.merge_if_due()

    def merge_if_due(self) -> None:
        """Merge the recent additions into the sorted arrays once they are large enough."""
        if self._recent_size >= max(self._MIN_MERGE, self._keys.size >> 4):
            self._merge()

    def discard(self, article_id: int, keys: list[int]) -> None:
        for key in keys:
            held = self._recent.get(key)
            if held == article_id:
                del self._recent[key]
                self._recent_size -= 1
                self._recent_discarded = True
            elif isinstance(held, list) and article_id in held:
                held.remove(article_id)
                self._recent_size -= 1
                self._recent_discarded = True
                if len(held) == 1:
                    self._recent[key] = held[0]
        if self._keys.size:
            self._removed.add(article_id)

    def search_arrays(self, keys: U64) -> dict[int, set[int]]:
        """For each row of a matrix of keys, the ids the sorted arrays file under any of them (rows with none left out).

        One sorted search for all the keys at once; valid while ``generation`` stays the same.
        """
        found: dict[int, set[int]] = {}
        size = self._keys.size
        if not size or not keys.size:
            return found
        flat = keys.ravel()
        # Sorted queries walk the arrays in order (far fewer cache misses than random ones).
        order = np.argsort(flat)
        queries = flat[order]
        at = np.searchsorted(self._keys, queries)
        width = keys.shape[1]
        for i in np.flatnonzero(self._keys[np.minimum(at, size - 1)] == queries).tolist():
            position = int(at[i])
            ids = found.setdefault(int(order[i]) // width, set())
            while position < size and self._keys[position] == queries[i]:
                ids.add(int(self._ids[position]))
                position += 1
        return found

    def lookup(self, keys: U64, stored: set[int] | None = None) -> set[int]:
        """The ids filed under any of ``keys``; ``stored``: what ``search_arrays`` found for them, if current."""
        found: set[int] = set(stored) if stored is not None else set()
        size = self._keys.size
        if size and stored is None:
            at = np.searchsorted(self._keys, keys)
            for i in np.flatnonzero(self._keys[np.minimum(at, size - 1)] == keys).tolist():
                position = int(at[i])
                while position < size and self._keys[position] == keys[i]:
                    found.add(int(self._ids[position]))
                    position += 1
        recent = self._recent
        if recent:
            for key in keys.tolist():
                held = recent.get(key)
                if held is None:
                    continue
                if isinstance(held, int):
                    found.add(held)
                else:
                    found.update(held)
        return found

    def _merge(self) -> None:
        if self._recent_discarded:
            keys: list[int] = []
            ids: list[int] = []
            for key, held in self._recent.items():
                if isinstance(held, int):
                    keys.append(key)
                    ids.append(held)
                else:
                    keys.extend([key] * len(held))
                    ids.extend(held)
        else:
            keys, ids = self._recent_keys, self._recent_ids
        new_keys = np.array(keys, dtype=np.uint64)
        new_ids = np.array(ids, dtype=np.int64)
        order = np.argsort(new_keys, kind="stable")
        new_keys, new_ids = new_keys[order], new_ids[order]
        if self._removed:
            keep = ~np.isin(self._ids, np.fromiter(self._removed, dtype=np.int64, count=len(self._removed)))
            self._keys, self._ids = self._keys[keep], self._ids[keep]
            self._removed.clear()
        at = np.searchsorted(self._keys, new_keys, side="right")
        self._keys = np.insert(self._keys, at, new_keys)
        self._ids = np.insert(self._ids, at, new_ids)
        self._recent = {}
        self._recent_size = 0
        self._recent_keys, self._recent_ids = [], []
        self._recent_discarded = False
        self.generation += 1


def _normalised(article: StoryArticle) -> bytes:
    """Title, lead and text as UTF-8 bytes of lower-case words separated by spaces (NFKC; \\w is a word character)."""
    text = f"{article.title}\n{article.lead}\n{article.text}"
    if text.isascii():
        return text.encode("ascii").lower().translate(_TABLE)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    data = text.encode("utf-8", "replace").lower()
    # General Punctuation and super/subscripts (U+2000-U+207F: E2 80 xx, E2 81 xx) hold no word characters once
    # NFKC-normalised: quotes, dashes, spaces and bullets, the bulk of non-ASCII in news text, go in one pass.
    codes = np.frombuffer(data, dtype=np.uint8).copy()
    marks = np.flatnonzero(codes == 0xE2)
    marks = marks[(codes[marks + 1] & 0xFE) == 0x80]
    if marks.size:
        for offset in range(3):
            codes[marks + offset] = _SPACE
        data = codes.tobytes()
    if not data.isascii():
        # The rest, one distinct character at a time: word characters lower-cased, soft hyphens and byte order
        # marks dropped, others a space.
        for char in sorted(set(data.translate(None, _ASCII).decode("utf-8"))):
            folded = "" if char in _INVISIBLE else "".join(c if c.isalnum() else " " for c in char.lower())
            if folded != char:
                data = data.replace(char.encode("utf-8"), folded.encode("utf-8"))
    return data.translate(_TABLE)


def _word_hashes_and_starts(data: bytes) -> tuple[U64, npt.NDArray[np.intp]]:
    """A 64-bit value per word of ``data`` (words separated by spaces), from its first and last 8 bytes and length.

    Exact (before mixing) for words of up to 16 bytes; longer words differ by
    their ends and length. Depends on the word alone, not its neighbours.
    """
    buffer = _PAD + data + _PAD
    codes = np.frombuffer(buffer, dtype=np.uint8)
    inside = codes != _SPACE
    bounds = np.flatnonzero(inside[1:] != inside[:-1])
    starts = bounds[0::2] + 1
    ends = bounds[1::2] + 1
    # Every 8-byte little-endian window of the buffer, one per byte offset.
    windows: U64 = np.ndarray(shape=(len(buffer) - 7,), dtype="<u8", buffer=buffer, strides=(1,))
    lengths = ends - starts
    shift = _SHIFTS[np.minimum(lengths, 8)]
    head: U64 = (windows[starts] << shift) >> shift
    tail = (windows[ends - 8] >> shift) << shift
    head *= _HEAD_FACTOR
    tail *= _TAIL_FACTOR
    head += tail
    head += lengths.astype(np.uint64)
    return head, starts - len(_PAD)


def _mix(x: U64) -> U64:
    """SplitMix64's finaliser, element-wise (a bijection of 64-bit values)."""
    x = x ^ (x >> _S30)
    x *= _MIX1
    x ^= x >> _S27
    x *= _MIX2
    x ^= x >> _S31
    return x


def _splitmix64_int(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)
