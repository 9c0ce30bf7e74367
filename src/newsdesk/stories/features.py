"""What story clustering reads off an article: terms, named entities, online IDF, TF-IDF vectors.

Pure and deterministic: the same text gives the same terms in the same order. Terms are lowercased words with
stop words dropped and a light plural stemming; entities are capitalised word sequences, acronyms and numbers
with units, read from the original-case lead and text (and the title unless it is in title case). Terms and
entities get ids in a :class:`Vocabulary` in order of first sight, which also counts document frequencies as
articles arrive, so IDF is learned online from what has been seen so far.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from newsdesk.stories.sparse import Flags, Ids, SparseVector, Weights, group_sums, normalised

_STOP_TEXT = """
a about above after again against ago all almost also although always am among an and another any are around
as at be because been before being below between both but by can cannot could did do does doing done down
during each either else even ever every few for from further had has have having he her here hers herself him
himself his how however i if in into is it its itself just last least less like made make many may me might
more most much must my myself near need neither never new no nor not now of off often on once one only or
other others our ours ourselves out over own per perhaps put rather really said same say says see seen several
shall she should since so some still such than that the their theirs them themselves then there these they
this those though three through thus till to too two under until up upon us use used very via was way we well
were what whatever when where whether which while who whom whose why will with within without would year years
yet you your yours yourself yourselves monday tuesday wednesday thursday friday saturday sunday today
yesterday tomorrow week weeks day days mr mrs ms dr according told time times including news reported report
reports photo image video getty images reuters ap afp cnn comment comments share email print read click
subscribe newsletter
"""
_MONTHS_TEXT = "january february march april may june july august september october november december st"
#: English function words and newsroom boilerplate that say nothing about which story an article tells.
STOP_WORDS = frozenset(_STOP_TEXT.split())
#: Words trimmed from the ends of a capitalised sequence: they open sentences without naming anything.
_ENTITY_STOP = (STOP_WORDS - {"new"}) | frozenset(_MONTHS_TEXT.split())
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_NAME_WORD = r"[A-Z](?:(?:\.[A-Z])+\.?|[\w’'-]*)"
_CAPITALISED = re.compile(rf"\b{_NAME_WORD}(?:[ \t]+(?:(?:of|de|la|van|von|al|bin|the)[ \t]+)?{_NAME_WORD})*")
_MONEY = re.compile(r"[$£€¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|bn|m|k)\b)?", re.IGNORECASE)
_QUANTITY = re.compile(
    r"\d[\d,.]*\s?(?:million|billion|trillion|percent|per cent|%|people|dead|killed|deaths|km|miles|kilometres|"
    r"kilometers|tons|tonnes|feet|metres|meters|dollars|euros|pounds|yuan|rupees)\b",
    re.IGNORECASE,
)
#: Entities live in the same vocabulary as terms, marked by this prefix.
ENTITY_PREFIX = "\x00"


def stem(word: str) -> str:
    """A light, deterministic English stemmer: plural and possessive endings only."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 18)
def _token_terms(token: str) -> tuple[str, ...]:
    """The terms one whitespace-separated, lowercased token counts as (often none, usually one)."""
    out: list[str] = []
    for word in _WORD.findall(token):
        word = word.replace("’", "'")
        if len(word) < 2 or word in STOP_WORDS or (word.isdigit() and len(word) < 4):
            continue
        out.append(stem(word))
    return tuple(out)


def terms(text: str) -> list[str]:
    """The text's content terms, in order: lowercased, stemmed; stop words, one-letter words, short numbers dropped."""
    return [term for token in text.lower().split() for term in _token_terms(token)]


def entities(text: str) -> list[str]:
    """Named things in original-case text: capitalised sequences, acronyms and numbers with units, normalised.

    Stop words are trimmed from both ends of a sequence (so a sentence's capitalised first word rarely counts).
    Entities are lowercased with inner whitespace collapsed; amounts keep their digits (``$11 million``).
    """
    found = [_entity(phrase) for phrase in _CAPITALISED.findall(text)]
    found += [" ".join(amount.lower().split()) for amount in _MONEY.findall(text) + _QUANTITY.findall(text)]
    return [name for name in found if name]


@lru_cache(maxsize=1 << 18)
def _entity(phrase: str) -> str:
    """A capitalised sequence as an entity, or ``""`` when only stop words were capitalised."""
    words = phrase.split()
    while words and words[0].lower().strip(".") in _ENTITY_STOP:
        words.pop(0)
    while words and words[-1].lower().strip(".") in _ENTITY_STOP:
        words.pop()
    name = " ".join(words).replace("’", "'")
    if name.endswith("'s"):
        name = name[:-2]
    return name.lower() if len(name) >= 2 else ""


def title_case(title: str) -> bool:
    """Whether most of the title's longer words are capitalised (so capitals there name nothing)."""
    words = [w for w in title.split() if len(w) > 3 and w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) > 0.6 * len(words)


@dataclass(frozen=True, slots=True)
class FieldWeights:
    """How much a term counts by where it appears, and how much of the text is read."""

    title: float = 3.0
    lead: float = 2.0
    text: float = 1.0
    #: Only the first words of the text are read: the inverted pyramid puts the story there.
    text_words: int = 200


def entity_names(title: str, lead: str, text: str, text_words: int) -> list[str]:
    """The distinct entities (sorted) of the lead, the text's first ``text_words`` words and a sentence-case title."""
    found = entities(lead) + entities(" ".join(text.split(maxsplit=text_words)[:text_words]))
    if not title_case(title):
        found += entities(title)
    return sorted(set(found))


@dataclass(frozen=True, slots=True)
class DocumentCounts:
    """A stream's document frequencies by name: how many articles it counted, and how many held each key.

    What a stream's IDF is made of, kept apart from its ids (which follow the order of first sight), so it can be
    stored, restored, added and taken away.
    """

    documents: int = 0
    counts: Mapping[str, int] = field(default_factory=dict)

    def plus(self, other: DocumentCounts, sign: int = 1) -> DocumentCounts:
        """These counts with ``other``'s added (``sign`` -1: taken away; never below zero)."""
        counts = dict(self.counts)
        for name, count in other.counts.items():
            value = counts.get(name, 0) + sign * count
            if value > 0:
                counts[name] = value
            else:
                counts.pop(name, None)
        return DocumentCounts(max(0, self.documents + sign * other.documents), counts)


class Vocabulary:
    """Ids for terms and entities in order of first sight, and how many articles so far held each.

    Lowercased tokens are remembered with the term they count as, so an article's terms are counted with
    one dictionary lookup per token after the first sight.
    """

    __slots__ = (
        "_background",
        "_frequencies",
        "_ids",
        "_multi",
        "_tokens",
        "documents",
        "entity",
        "idf_floor",
        "names",
    )

    def __init__(self, idf_floor: float = 1.0, background: DocumentCounts | None = None) -> None:
        """``background``: articles counted before this vocabulary's first (a restart's stored counts of the
        articles it does not read again); a key gets its count when first seen."""
        #: Added to every IDF: 1 keeps words in every article weighing (English drops its stop words before);
        #: 0 lets a word every article holds weigh nothing (a language whose stop words nobody listed).
        self.idf_floor = idf_floor
        self._ids: dict[str, int] = {}
        self._tokens: dict[str, int] = {}
        self._multi: dict[str, tuple[int, ...]] = {}
        self.names: list[str] = []
        self._frequencies = np.zeros(1024, dtype=np.int64)
        #: By id: whether the key is an entity (not a term).
        self.entity: Flags = np.zeros(1024, dtype=bool)
        self._background: Mapping[str, int] = background.counts if background is not None else {}
        self.documents = background.documents if background is not None else 0

    def __len__(self) -> int:
        return len(self.names)

    def ids(self, keys: Iterable[str]) -> list[int]:
        """The keys' ids, new keys getting the next ones."""
        table = self._ids
        out: list[int] = []
        new: list[int] = []
        for key in keys:
            found = table.get(key)
            if found is None:
                found = table[key] = len(self.names)
                self.names.append(key)
                new.append(found)
            out.append(found)
        if len(self.names) > len(self._frequencies):
            size = max(len(self.names), 2 * len(self._frequencies))
            frequencies = np.zeros(size, dtype=np.int64)
            frequencies[: len(self._frequencies)] = self._frequencies
            self._frequencies = frequencies
            entity = np.zeros(size, dtype=bool)
            entity[: len(self.entity)] = self.entity
            self.entity = entity
        background = self._background
        for found in new:
            name = self.names[found]
            if name.startswith(ENTITY_PREFIX):
                self.entity[found] = True
            if background:
                self._frequencies[found] = background.get(name, 0)
        return out

    def counts(self) -> DocumentCounts:
        """The document frequencies by name (keys no article held left out), with the background's."""
        frequencies = self._frequencies[: len(self.names)].tolist()
        held = {name: count for name, count in zip(self.names, frequencies, strict=True) if count > 0}
        unseen = {name: count for name, count in self._background.items() if name not in self._ids}
        return DocumentCounts(self.documents, held | unseen)

    def _learn(self, token: str) -> int:
        """The id of the one term ``token`` counts as; -1 for none, -2 for several (kept apart)."""
        found = _token_terms(token)
        if not found:
            code = -1
        elif len(found) == 1:
            code = self.ids(found)[0]
        else:
            self._multi[token] = tuple(self.ids(found))
            code = -2
        self._tokens[token] = code
        return code

    def term_counts(self, fields: Sequence[tuple[list[str], float]]) -> tuple[Ids, Weights]:
        """Weighted counts of the terms of several fields' lowercased tokens: ids (increasing) and counts."""
        tokens = [token for field, _ in fields for token in field]
        codes = list(map(self._tokens.get, tokens))
        if None in codes:
            codes = [self._learn(t) if c is None else c for t, c in zip(tokens, codes, strict=True)]
        weights = np.array([w for _, w in fields]).repeat([len(field) for field, _ in fields])
        found = np.array(codes, dtype=np.int64)
        if -2 in codes:
            many = found == -2
            extra = [
                (i, w)
                for t, c, w in zip(tokens, codes, weights.tolist(), strict=True)
                if c == -2
                for i in self._multi[t]
            ]
            found = np.concatenate((found[~many], np.array([i for i, _ in extra], dtype=np.int64)))
            weights = np.concatenate((weights[~many], np.array([w for _, w in extra])))
        counted = found >= 0
        counts = group_sums(found[counted], weights[counted])
        return counts.ids, counts.weights

    def count(self, ids: Ids) -> None:
        """Count one more article holding each of ``ids`` (distinct)."""
        self.documents += 1
        self._frequencies[ids] += 1

    def idf(self, ids: Ids) -> Weights:
        """Smoothed inverse document frequencies: ``ln((1 + N) / (1 + df)) + idf_floor``."""
        idf: Weights = np.log((1.0 + self.documents) / (1.0 + self._frequencies[ids])) + self.idf_floor
        return idf


def field_tokens(title: str, lead: str, text: str, weights: FieldWeights) -> list[tuple[list[str], float]]:
    """The lowercased tokens of title, lead and the text's first ``text_words`` words, with their weights.

    When the text starts with the lead (or equals it) the lead's words are not counted twice.
    """
    lead_tokens = lead.lower().split()
    text_tokens = text.lower().split(maxsplit=weights.text_words)[: weights.text_words]
    if lead_tokens and text_tokens[: len(lead_tokens)] == lead_tokens:
        text_tokens = text_tokens[len(lead_tokens) :]
    return [(title.lower().split(), weights.title), (lead_tokens, weights.lead), (text_tokens, weights.text)]


def tfidf(ids: Ids, counts: Weights, vocabulary: Vocabulary) -> SparseVector:
    """Sublinear TF (``1 + ln tf`` for tf >= 1) times the current IDF, L2-normalised; ``ids`` increasing."""
    if not len(ids):
        return SparseVector.empty()
    tf = np.where(counts >= 1.0, 1.0 + np.log(np.maximum(counts, 1.0)), counts)
    return normalised(SparseVector(ids, tf * vocabulary.idf(ids)))


def entity_vector(ids: list[int], vocabulary: Vocabulary) -> SparseVector:
    """Entities (their ids) as a binary vector weighted by IDF, L2-normalised, ids sorted."""
    if not ids:
        return SparseVector.empty()
    keys = np.array(sorted(ids), dtype=np.int64)
    return normalised(SparseVector(keys, vocabulary.idf(keys)))


def salient(vectors: Iterable[tuple[SparseVector, float]], limit: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``limit`` heaviest keys over several vectors (each weighted by its factor): ids and weights.

    Heavier first, ties by smaller id, so the choice never depends on anything but the values.
    """
    ids = [v.ids for v, _ in vectors]
    weights = [v.weights * factor for v, factor in vectors]
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    all_ids = np.concatenate(ids)
    all_weights = np.concatenate(weights)
    order = np.lexsort((all_ids, -all_weights))[:limit]
    return all_ids[order], all_weights[order]
