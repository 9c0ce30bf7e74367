"""Online story clustering: each article, in arrival order, joins the story it belongs to or starts one.

How an article is placed:

1. **Features.** The title, the lead and the text's first words become a TF-IDF vector, weighted by field,
   with the IDF learned online from the articles seen so far; the entities likewise (``features``, read by
   ``reading``).
2. **Candidates.** The article's most salient terms and entities are looked up in an inverted index
   (``index``) that maps each key to the stories holding it, most recent first; the stories with the largest
   summed key weight that are still open (``life``: coverage still arriving) are kept. A story
   that shares no salient key with the article is never looked at.
3. **Score.** Each candidate gets a weighted mean of dense similarity (the embedding's cosine with the story's
   centroid and with its best-matching kept member), TF-IDF cosine with the story's term profile and entity
   cosine, less a time penalty growing (without bound, logarithmically) with the distance from the story's
   time span, plus a bonus when the article and a member link to each other. A signal the article lacks (no
   entities, no text) drops out of the mean, so one configuration serves full articles and bare snippets.
   Then the event evidence (``events``: days, places, numbers, quotes, links) of the article against that of
   the story's first members: each kind that agrees adds, days that conflict and places or numbers that
   conflict take away, evidence either side lacks counts neither way. Topic similarity says "same subject";
   the event evidence says "same happening".
4. **Place.** The best candidate scoring at least ``threshold`` takes the article (ties to the smaller id);
   otherwise the article starts a story whose id is its own.
5. **Merge.** Other candidates that also reached ``threshold`` merge into the article's story when the two
   stories' own similarity reaches ``merge_threshold``; the older (smaller) id survives and the other id
   leads to it from then on.

6. **Close.** Every ``sweep_every`` articles, stories quiet for their quiet period (``life``) close: their
   slots, articles' rows, index postings (by slot generation) and profiles are freed for new stories, and only
   their recall keys stay for ``recall_days``: their members' links and their titles. An article that links to
   a closed story's member (or that a member linked to), or carries a near-identical title, reopens it under
   its id (a fresh start of the same story); nothing else can join it. Memory is bounded by the open stories.

Everything is a pure function of the (article, vector) pairs seen so far, in order: no randomness, no
iteration over unordered collections, ties broken by id. Stories live in dense slots, recycled once closed:
per-slot numpy arrays (centroid sums, norms, times, kept members) and per-slot sparse profiles.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from newsdesk.encoder.embed import DIMENSIONS, Vectors
from newsdesk.record import StoryArticle
from newsdesk.settings import LifeConfig
from newsdesk.stories.events import KINDS, TWO_SIDED, EventEvidence, shared_items
from newsdesk.stories.features import ENTITY_PREFIX, DocumentCounts, FieldWeights
from newsdesk.stories.index import StoryIndex
from newsdesk.stories.life import closed_mask, title_key
from newsdesk.stories.model import Match, Placement
from newsdesk.stories.reading import ArticleFeatures, ReadElsewhere, ReadingConfig, StoryReader
from newsdesk.stories.recall import RecallKeys
from newsdesk.stories.sparse import Ids, SparseVector, Weights, add, compact, distinct, dot, dot_many, norms, shared

_DAY = 86_400.0
_TWO_SIDED = frozenset(KINDS.index(kind) for kind in TWO_SIDED)
_DAYS = KINDS.index("days")
#: The event keys of a story without any (shared: most stories of a bare stream hold none).
_NO_KEYS: frozenset[int] = frozenset()
#: The index names a story by its slot and the slot's generation (low bits), so a recycled slot's old postings
#: are not read as the new story's.
_GENERATION_BITS = 24
_GENERATION_MASK = (1 << _GENERATION_BITS) - 1
#: Kinds of recall key: a member's address, an address a member linked to, a member's title.
_MEMBER, _CITED, _TITLE = "member", "cited", "title"


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """Every knob of the clusterer; the defaults are the one configuration the evaluations use."""

    #: An article joins the best story scoring at least this; otherwise it starts its own.
    threshold: float = 0.32
    #: Two stories that one article matched become one when their own similarity reaches this (chosen with
    #: ``threshold`` by leave-one-set-out cross-validation; 0.6 before: a merge joins two whole stories, so a
    #: wrong one costs many pairs at once, and at 0.6 googlenews-ts's pairwise precision was 0.84, at 0.64 0.92).
    merge_threshold: float = 0.64
    #: Weights of the signals in the score (a weighted mean over the signals the article has).
    dense_weight: float = 0.5
    sparse_weight: float = 0.4
    entity_weight: float = 0.1
    #: Dense similarity = this share of the centroid cosine + the rest of the best kept member's cosine.
    centroid_share: float = 0.7
    #: Added to the score when the article links to a member of the story or a member links to it.
    link_bonus: float = 0.3
    #: Term weights by field, and how many words of the text are read.
    title_weight: float = 3.0
    lead_weight: float = 2.0
    text_weight: float = 1.0
    text_words: int = 80
    #: Salient keys (terms and entities) of an article looked up in the index.
    query_keys: int = 28
    #: Salient keys of an article that point to its story in the index.
    index_keys: int = 48
    #: Entity weights count this much against term weights when picking salient keys.
    entity_key_weight: float = 1.0
    #: Most recent stories read per index key.
    postings_depth: int = 64
    #: Stories scored per article.
    candidates: int = 20
    #: Member vectors each story keeps for the best-member similarity: its first and its latest.
    exemplars: int = 8
    #: Terms (and entities) a story's profile keeps, the heaviest; trimmed when it holds twice as many.
    profile_terms: int = 256
    #: Added to every term's IDF (``features.Vocabulary``).
    idf_floor: float = 1.0
    #: When a story closes (a quiet period) and how long a closed one can be recalled by link or title.
    life: LifeConfig = field(default_factory=LifeConfig)
    #: Quiet stories are closed (and their memory freed) every this many articles.
    sweep_every: int = 64
    #: Time penalty ``time_weight * log2(1 + days outside the story's span / time_scale_days)``: it keeps
    #: growing with the gap (a year apart costs about four times a week apart), never levelling off.
    time_weight: float = 0.03
    time_scale_days: float = 3.0
    #: Event evidence (``events``): added per kind of evidence that agrees with the story (a day mentioned by
    #: both within a day, a place, a number, a quoted phrase, a link); 0: on the development sets agreement
    #: added nothing that topic similarity had not seen (it is still what ``story ID`` shows) ...
    event_weight: float = 0.0
    #: ... and taken when both mention days and none is within a day of the other's: another happening ...
    day_conflict_weight: float = 0.1
    #: ... and per kind both mention where nothing agrees among places and numbers (weaker: a report names
    #: more places and numbers than the happening's own).
    conflict_weight: float = 0.05
    #: Whether the time penalty counts from the span of the story's first ``event_members`` members (its
    #: happening) rather than from its whole span (which a drifting story stretches over months); off: it
    #: helps gva_longtail but costs giveme5w1h's real months-long stories more.
    time_from_core: bool = False
    #: A story's event evidence is that of its first members (the first reports define the happening; a
    #: union over every later follow-up would agree with anything and conflict with nothing).
    event_members: int = 3
    #: The collapse guard: a story holding at least ``guard_share`` of the stream's latest ``guard_window``
    #: articles (50 of 200) takes another only on strong evidence: a link either way, or a score reaching
    #: ``merge_threshold`` (what two stories need to become one). One event is rarely a quarter of a stream's
    #: news; a representation that cannot tell its articles apart makes one story of everything (English MiniLM
    #: on Vietnamese: 1,945 articles, 3 stories). The gold stories of the development sets never come near it
    #: (at most 22 of 200). ``guard_window`` 0: no guard.
    guard_window: int = 200
    guard_share: float = 0.25

    @property
    def guard_articles(self) -> int:
        """How many of the latest ``guard_window`` articles make a story guarded (0: never)."""
        return math.ceil(self.guard_share * self.guard_window) if self.guard_window > 0 else 0

    @property
    def fields(self) -> FieldWeights:
        return FieldWeights(self.title_weight, self.lead_weight, self.text_weight, self.text_words)

    @property
    def reading(self) -> ReadingConfig:
        return ReadingConfig(self.fields, self.idf_floor, self.query_keys, self.index_keys, self.entity_key_weight)


@dataclass(frozen=True, slots=True)
class Signals:
    """Each candidate story's similarity to an article, signal by signal (NaN: not known)."""

    slots: Ids
    centroid: Weights
    member: Weights
    #: The row of each story's best-matching kept member.
    member_rows: Ids
    sparse: Weights
    entity: Weights
    outside_days: Weights
    linked: npt.NDArray[np.bool_]
    #: Kinds of event evidence that agree with the story; whether the days conflict (both mention some, none
    #: within a day); how many of places and numbers conflict (both mention some, none shared).
    agree: Weights
    day_conflict: Weights
    conflict: Weights


_Item = TypeVar("_Item", bound=np.generic)


def _grown(array: npt.NDArray[_Item], size: int, fill: float) -> npt.NDArray[_Item]:
    """``array`` with room for ``size`` rows (new rows ``fill``), grown by half again at least."""
    rows = max(size, len(array) + len(array) // 2)
    out = np.full((rows, *array.shape[1:]), fill, dtype=array.dtype)
    out[: len(array)] = array
    return out


class StoryClusterer:
    """Places articles into stories online, in arrival order (see the module's description)."""

    def __init__(self, config: ClusterConfig | None = None, background: DocumentCounts | None = None) -> None:
        """``background``: the document frequencies of the stream's articles not placed again here (a restart
        replays only the stories that may still be open; the IDF still counts every article the stream read)."""
        self.config = config or ClusterConfig()
        self._reader = StoryReader(self.config.reading, background)
        self._vocabulary = self._reader.vocabulary
        self._index = StoryIndex(self.config.postings_depth, _GENERATION_BITS)
        self._zeros: Weights = np.zeros(1024)
        self._live = 0
        # Articles, by row (arrival order).
        self._row_of: dict[int, int] = {}
        self._article_ids: list[int] = []
        # Single precision: numpy converts half precision element by element (ten times slower to read back), and
        # the open window bounds how many rows there are.
        self._vectors: npt.NDArray[np.float32] = np.zeros((1024, DIMENSIONS), dtype=np.float32)
        self._article_times: Weights = np.full(1024, np.nan)
        self._article_slots: Ids = np.zeros(1024, dtype=np.int64)
        # Stories, by slot (creation order).
        self._slot_of: dict[int, int] = {}
        self._story_ids: Ids = np.zeros(1024, dtype=np.int64)
        self._roots: Ids = np.zeros(1024, dtype=np.int64)
        self._sums: npt.NDArray[np.float32] = np.zeros((1024, DIMENSIONS), dtype=np.float32)
        self._sum_norms: Weights = np.zeros(1024)
        self._profile_norms: Weights = np.zeros(1024)
        self._entity_norms: Weights = np.zeros(1024)
        self._first: Weights = np.full(1024, np.nan)
        self._last: Weights = np.full(1024, np.nan)
        #: The latest time among a story's first ``event_members`` members: the end of its happening's own span.
        self._core_last: Weights = np.full(1024, np.nan)
        self._exemplars: Ids = np.full((1024, self.config.exemplars), -1, dtype=np.int64)
        self._members: list[list[int]] = []
        #: Per slot: the sum of its articles' term and entity vectors (ids never collide: one vocabulary).
        self._profiles: list[SparseVector] = []
        # Links: an article's URL → its row; a linked URL → rows of the articles linking to it.
        self._url_row: dict[str, int] = {}
        self._linked_from: dict[str, list[int]] = {}
        #: Per slot: the event keys of its members (``events``), and how many items of each kind it holds.
        self._event_keys: list[set[int] | frozenset[int]] = []
        self._event_kinds: npt.NDArray[np.int32] = np.zeros((1024, len(KINDS)), dtype=np.int32)
        # A story's life: the stream's clock (the latest publication time placed), articles placed so far, and
        # per slot the count at its latest article; whether the slot holds a story; its generation (bumped when
        # it is freed, so the index's postings of a closed story are not read for the story that reuses it);
        # the slots merged into it (freed with it).
        self._now = math.nan
        self._placed = 0
        self._last_seq: Weights = np.zeros(1024)
        self._used: npt.NDArray[np.bool_] = np.zeros(1024, dtype=bool)
        self._generation: Ids = np.zeros(1024, dtype=np.int64)
        self._absorbed: list[list[int]] = []
        #: The collapse guard: the latest ``guard_window`` articles placed (ids), and per slot how many of them
        #: the story holds.
        self._window: deque[int] = deque()
        self._recent: Ids = np.zeros(1024, dtype=np.int64)
        self._free_slots: list[int] = []
        self._free_rows: list[int] = []
        # Per row: what recalls its story once closed (its URL, its links, its title's key hash).
        self._row_urls: list[str | None] = []
        self._row_links: list[tuple[str, ...]] = []
        self._row_titles: list[int | None] = []
        # Closed stories: their articles' story, and their recall keys (hashes of URLs and titles) → (story id,
        # member id), kept until ``recall_days`` after the story's latest article.
        self._closed_story: dict[int, int] = {}
        self._closed_count = 0
        self._recall = RecallKeys()

    # -- the public API ------------------------------------------------------------------------------------

    def add(self, article: StoryArticle, vector: Vectors, read: ReadElsewhere | None = None) -> Placement:
        """Place one article (with its normalised embedding) and say where it went.

        ``read``: the article as a reader elsewhere read it (:mod:`newsdesk.stories.readahead`), for a clusterer
        whose every article was read there; the same placements as reading it here.
        """
        vec = np.asarray(vector, dtype=np.float32).reshape(-1)
        if vec.shape[0] != DIMENSIONS:
            raise ValueError(f"vector has {vec.shape[0]} dimensions, expected {DIMENSIONS}")
        if article.id in self._row_of:
            raise ValueError(f"article {article.id} was already placed")
        cfg = self.config
        if self._placed and self._placed % cfg.sweep_every == 0:
            self.close_quiet()
        if read is None:
            features = self.features(article)
        elif read.article_id != article.id:
            raise ValueError(f"article {article.id} was given the reading of article {read.article_id}")
        else:
            features = self._reader.follow(read)
        if not features.time <= self._now:
            self._now = features.time if math.isnan(self._now) else max(self._now, features.time)
        related = self._related(article)
        signals = self.signals(features, vec, self._candidates(features, related), related)
        scores = self.scores(signals)
        row = self._new_row(article, vec, features.time)
        if not len(scores) or scores.max() < cfg.threshold:
            recalled = self._recalled(article)
            if recalled is not None:
                return self._reopen(recalled, row, article, features, vec)
            slot = self._new_story(article.id)
            self._join(slot, row, article, features, vec)
            return Placement(article.id, article.id, True)
        ids = self._story_ids[signals.slots]
        best, refused = self._choose(signals, scores, ids)
        if best < 0:
            slot = self._new_story(article.id)
            self._join(slot, row, article, features, vec)
            return Placement(article.id, article.id, True, refused=tuple(int(self._story_ids[s]) for s in refused))
        slot = int(signals.slots[best])
        match = self._match(slot, features, int(signals.member_rows[best]), float(scores[best]))
        self._join(slot, row, article, features, vec)
        reached = scores >= cfg.threshold
        if refused:
            reached &= ~np.isin(signals.slots, refused)
        others = signals.slots[reached][np.argsort(ids[reached], kind="stable")]
        merged = self._merge_into(slot, others.tolist())
        return Placement(
            article.id,
            self.story_of(article.id),
            False,
            match,
            merged,
            tuple(int(self._story_ids[s]) for s in refused),
        )

    def add_batch(self, articles: Sequence[StoryArticle], vectors: Vectors) -> list[Placement]:
        """Place articles in order: the same placements as :meth:`add` one by one."""
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(articles):
            raise ValueError(f"{len(articles)} articles but vectors of shape {matrix.shape}")
        return [self.add(article, matrix[i]) for i, article in enumerate(articles)]

    def story_of(self, article_id: int) -> int:
        """The story the article is in now (merges followed; a closed story's articles keep their story)."""
        row = self._row_of.get(article_id)
        if row is None:
            return self._closed_story[article_id]
        slot = self._article_slots[row]
        return int(self._story_ids[self._roots[slot]])

    def members(self, story_id: int) -> tuple[int, ...]:
        """An open story's articles in arrival order (a merged-away id gives its survivor's)."""
        slot = self._slot_of.get(story_id)
        if slot is None:
            raise KeyError(f"story {story_id} is not open")
        return tuple(self._members[int(self._roots[slot])])

    def is_open(self, story_id: int) -> bool:
        """Whether the story (or the one it was merged into) is open."""
        return story_id in self._slot_of

    @property
    def story_count(self) -> int:
        """How many stories there are, open and closed (merged ones counted once)."""
        return self._live + self._closed_count

    @property
    def open_story_count(self) -> int:
        """How many stories are open (in memory)."""
        return self._live

    def document_counts(self) -> DocumentCounts:
        """The stream's document frequencies by name (every article it read, and its background)."""
        return self._vocabulary.counts()

    @property
    def open_article_count(self) -> int:
        """How many articles the open stories hold (in memory)."""
        return len(self._row_of)

    # -- features, candidates, signals, scores ------------------------------------------------------------

    def features(self, article: StoryArticle) -> ArticleFeatures:
        """Read the article's terms and entities, counting them into the online document frequencies."""
        return self._reader.read(article)

    def _candidates(self, features: ArticleFeatures, related: Ids) -> Ids:
        """Open stories sharing the most salient key weight with the article, and those it is linked with."""
        slots, totals = self._index.lookup(features.query_keys, features.query_weights, self._roots, self._generation)
        if len(related):
            slots = np.concatenate((slots, related))
            totals = np.concatenate((totals, np.full(len(related), np.inf)))
            order = np.argsort(slots, kind="stable")
            slots, totals = slots[order], totals[order]
            keep = np.concatenate(([True], slots[1:] != slots[:-1]))
            slots, totals = slots[keep], totals[keep]
        if len(slots):
            life = self.config.life
            # Only a story quiet for at least the shortest quiet period can be closed: most candidates are not.
            # (A NaN time compares false: an undated story is never stale by time.)
            last = self._last[slots]
            stale = (self._now - last > min(life.quiet_days, life.quiet_max_days) * _DAY).nonzero()[0]
            if len(stale):
                old = slots[stale]
                since = self._placed - self._last_seq[old]
                closed = stale[closed_mask(life, self._first[old], last[stale], since, self._now)]
                if len(closed):
                    open_ = np.ones(len(slots), dtype=bool)
                    open_[closed] = False
                    slots, totals = slots[open_], totals[open_]
        wanted = self.config.candidates
        if len(slots) > wanted:
            # The ``wanted`` largest totals; of those tied at the cut, the smaller slots.
            cut = np.partition(totals, len(totals) - wanted)[len(totals) - wanted]
            above = totals > cut
            tied = (totals == cut).nonzero()[0][: wanted - int(above.sum())]
            above[tied] = True
            slots = slots[above]
        return slots

    def signals(self, features: ArticleFeatures, vec: Vectors, slots: Ids, related: Ids) -> Signals:
        """Each candidate story's similarity to the article, signal by signal; ``related``: linked stories."""
        n = len(slots)
        if not n:
            empty = np.zeros(0)
            return Signals(
                slots, empty, empty, slots, empty, empty, empty, np.zeros(0, dtype=bool), empty, empty, empty
            )
        centroid = (self._sums[slots] @ vec).astype(np.float64) / np.maximum(self._sum_norms[slots], 1e-9)
        rows = self._exemplars[slots]
        # Only filled exemplar places are read (most stories hold fewer members than places); empty ones (-1)
        # score -inf.
        filled = rows >= 0
        sims = np.full(rows.shape, -np.inf)
        sims[filled] = self._vectors[rows[filled]] @ vec
        best = sims.argmax(axis=1)
        member = sims[np.arange(n), best]
        sparse, entity = self._cosines(features, slots)
        # Days from the span of the story's first members (its happening), not from its latest follow-up: a
        # story that drifted for months is not open to anything in those months.
        core_last = self._core_last[slots] if self.config.time_from_core else self._last[slots]
        outside = np.maximum(np.maximum(self._first[slots] - features.time, features.time - core_last), 0.0)
        linked = np.isin(slots, related) if len(related) else np.zeros(n, dtype=bool)
        agree, day_conflict, conflict = self._event_agreement(features.events, slots)
        return Signals(
            slots,
            centroid,
            member,
            rows[np.arange(n), best],
            sparse,
            entity,
            outside / _DAY,
            linked,
            agree,
            day_conflict,
            conflict,
        )

    def _event_agreement(self, events: EventEvidence, slots: Ids) -> tuple[Weights, Weights, Weights]:
        """Per candidate: kinds of event evidence that agree, days in conflict, places/numbers in conflict."""
        n = len(slots)
        agree, day_conflict, conflict = np.zeros(n), np.zeros(n), np.zeros(n)
        present = [kind for kind in range(len(KINDS)) if events.query[kind]]
        if not present:
            return agree, day_conflict, conflict
        held = self._event_kinds[slots]
        for i, slot in enumerate(slots.tolist()):
            profile = self._event_keys[slot]
            for kind in present:
                if not profile.isdisjoint(events.query[kind]):
                    agree[i] += 1.0
                elif kind in _TWO_SIDED and held[i, kind] > 0:
                    if kind == _DAYS:
                        day_conflict[i] = 1.0
                    else:
                        conflict[i] += 1.0
        return agree, day_conflict, conflict

    def _cosines(self, features: ArticleFeatures, slots: Ids) -> tuple[Weights, Weights]:
        """TF-IDF and entity cosines of the article with each slot's profiles; NaN where either side is empty."""
        n = len(slots)
        sparse, entity = np.full(n, np.nan), np.full(n, np.nan)
        if not len(features.terms) and not len(features.entities):
            return sparse, entity
        if len(self._zeros) < len(self._vocabulary):
            self._zeros = np.zeros(2 * len(self._vocabulary))
        profiles = [self._profiles[s] for s in slots.tolist()]
        term_dots, entity_dots = dot_many(features.both, profiles, self._zeros, self._vocabulary.entity)
        for out, values, lengths, present in (
            (sparse, term_dots, self._profile_norms[slots], len(features.terms)),
            (entity, entity_dots, self._entity_norms[slots], len(features.entities)),
        ):
            known = lengths > 0
            if present and known.any():
                out[known] = values[known] / lengths[known]
        return sparse, entity

    def _related(self, article: StoryArticle) -> Ids:
        """Stories (root slots, increasing) holding an article this one links to, or one linking to this one."""
        rows = [self._url_row[u] for u in article.links if u in self._url_row]
        if article.url is not None:
            rows.extend(self._linked_from.get(article.url, ()))
        if not rows:
            return np.zeros(0, dtype=np.int64)
        return distinct(self._roots[self._article_slots[np.array(rows, dtype=np.int64)]])

    def scores(self, signals: Signals) -> Weights:
        """The combined score of each candidate; missing signals drop out of the weighted mean."""
        cfg = self.config
        total = cfg.dense_weight * (cfg.centroid_share * signals.centroid + (1.0 - cfg.centroid_share) * signals.member)
        weights = np.empty(len(total))
        weights.fill(cfg.dense_weight)
        for values, weight in ((signals.sparse, cfg.sparse_weight), (signals.entity, cfg.entity_weight)):
            known = values == values  # not NaN
            total += np.where(known, weight * values, 0.0)
            weights += weight * known
        # No signal at all (the lexical representation, an article without words): no similarity.
        scores: Weights = np.divide(total, weights, out=np.zeros(len(total)), where=weights > 0)
        # The time penalty (none when either time is unknown), the event evidence, the link bonus.
        penalty = cfg.time_weight * np.log2(1.0 + signals.outside_days / cfg.time_scale_days)
        scores -= np.where(penalty == penalty, penalty, 0.0)  # NaN (a time unknown): no penalty
        if cfg.event_weight:
            scores += cfg.event_weight * signals.agree
        scores -= cfg.day_conflict_weight * signals.day_conflict + cfg.conflict_weight * signals.conflict
        scores += cfg.link_bonus * signals.linked
        return scores

    def _choose(self, signals: Signals, scores: Weights, ids: Ids) -> tuple[int, list[int]]:
        """The candidate the article joins (-1: none) and the guarded stories that refused it (their slots).

        The best-scoring candidate reaching ``threshold`` (ties to the smaller id), unless it is guarded (it holds
        ``guard_articles`` of the stream's latest articles) and the evidence is not strong: then the next one.
        """
        cfg = self.config
        order = np.lexsort((ids, -scores))
        guard = cfg.guard_articles
        best = int(order[0])
        if not guard or self._recent[signals.slots[best]] < guard:
            return (best, []) if scores[best] >= cfg.threshold else (-1, [])
        refused: list[int] = []
        for i in order.tolist():
            score = float(scores[i])
            if score < cfg.threshold:
                break
            slot = int(signals.slots[i])
            if self._recent[slot] >= guard and score < cfg.merge_threshold and not signals.linked[i]:
                refused.append(slot)
                continue
            return i, refused
        return -1, refused

    def _match(self, slot: int, features: ArticleFeatures, row: int, score: float) -> Match:
        names = self._vocabulary.names
        common = shared(features.entities, self._profiles[slot]).tolist()
        entities = tuple(sorted(names[i][len(ENTITY_PREFIX) :] for i in common))
        member_time = float(self._article_times[row])
        gap = None if math.isnan(features.time) or math.isnan(member_time) else features.time - member_time
        found = shared_items(features.events, self._event_keys[slot])
        evidence = tuple((kind, item) for kind in KINDS for item in found.get(kind, ()))
        return Match(self._article_ids[row], round(score, 6), entities, gap, evidence)

    # -- updates --------------------------------------------------------------------------------------------

    def _new_row(self, article: StoryArticle, vec: Vectors, time: float) -> int:
        title = title_key(article.title)
        if self._free_rows:
            row = self._free_rows.pop()
            self._article_ids[row] = article.id
            self._row_urls[row] = article.url
            self._row_links[row] = article.links
            self._row_titles[row] = None if title is None else hash((_TITLE, title))
        else:
            row = len(self._article_ids)
            if row == len(self._vectors):
                self._vectors = _grown(self._vectors, row + 1, 0.0)
                self._article_times = _grown(self._article_times, row + 1, math.nan)
                self._article_slots = _grown(self._article_slots, row + 1, 0)
            self._article_ids.append(article.id)
            self._row_urls.append(article.url)
            self._row_links.append(article.links)
            self._row_titles.append(None if title is None else hash((_TITLE, title)))
        self._row_of[article.id] = row
        self._placed += 1
        self._vectors[row] = vec
        self._article_times[row] = time
        return row

    def _new_story(self, story_id: int) -> int:
        if self._free_slots:
            slot = self._free_slots.pop()
            self._sums[slot] = 0.0
            self._sum_norms[slot] = self._profile_norms[slot] = self._entity_norms[slot] = 0.0
            self._first[slot] = self._last[slot] = self._core_last[slot] = math.nan
            self._exemplars[slot] = -1
            self._event_kinds[slot] = 0
            self._recent[slot] = 0
            self._slot_of[story_id] = slot
            self._story_ids[slot] = story_id
            self._roots[slot] = slot
            self._used[slot] = True
            self._live += 1
            return slot
        slot = len(self._members)
        if slot == len(self._roots):
            size = slot + 1
            self._story_ids = _grown(self._story_ids, size, 0)
            self._roots = _grown(self._roots, size, 0)
            self._sums = _grown(self._sums, size, 0.0)
            self._sum_norms = _grown(self._sum_norms, size, 0.0)
            self._profile_norms = _grown(self._profile_norms, size, 0.0)
            self._entity_norms = _grown(self._entity_norms, size, 0.0)
            self._first = _grown(self._first, size, math.nan)
            self._last = _grown(self._last, size, math.nan)
            self._core_last = _grown(self._core_last, size, math.nan)
            self._exemplars = _grown(self._exemplars, size, -1)
            self._event_kinds = _grown(self._event_kinds, size, 0)
            self._last_seq = _grown(self._last_seq, size, 0.0)
            self._used = _grown(self._used, size, False)
            self._generation = _grown(self._generation, size, 0)
            self._recent = _grown(self._recent, size, 0)
        self._slot_of[story_id] = slot
        self._story_ids[slot] = story_id
        self._roots[slot] = slot
        self._used[slot] = True
        self._members.append([])
        self._profiles.append(SparseVector.empty())
        self._event_keys.append(_NO_KEYS)
        self._absorbed.append([])
        self._live += 1
        return slot

    def _join(self, slot: int, row: int, article: StoryArticle, features: ArticleFeatures, vec: Vectors) -> None:
        cfg = self.config
        self._article_slots[row] = slot
        self._members[slot].append(article.id)
        self._last_seq[slot] = self._placed - 1
        if cfg.guard_window > 0:
            self._count_recent(slot, article.id)
        kept = self._exemplars[slot]
        free = np.flatnonzero(kept < 0)
        if len(free):
            kept[free[0]] = row
        else:
            kept[1:-1] = kept[2:].copy()
            kept[-1] = row
        self._sums[slot] += vec
        self._sum_norms[slot] = float(np.linalg.norm(self._sums[slot]))
        self._profiles[slot] = profile = compact(add(self._profiles[slot], features.both, cfg.profile_terms))
        self._profile_norms[slot], self._entity_norms[slot] = norms(profile, self._vocabulary.entity)
        time = features.time
        if not math.isnan(time):
            if not time >= self._first[slot]:
                self._first[slot] = time
            if not time <= self._last[slot]:
                self._last[slot] = time
            if len(self._members[slot]) <= cfg.event_members and not time <= self._core_last[slot]:
                self._core_last[slot] = time
        if article.url:
            self._url_row[article.url] = row
        for link in article.links:
            self._linked_from.setdefault(link, []).append(row)
        self._index.add(self._code(slot), features.index_keys)
        if len(self._members[slot]) <= cfg.event_members and any(features.events.keys):
            keys = self._event_keys[slot]
            if not isinstance(keys, set):
                keys = self._event_keys[slot] = set(keys)
            for kind, found in enumerate(features.events.keys):
                if found:
                    keys.update(found)
                    self._event_kinds[slot, kind] += len(found)

    def _count_recent(self, slot: int, article_id: int) -> None:
        """Count the article in its story's share of the latest ``guard_window``; the oldest one leaves it."""
        self._recent[slot] += 1
        window = self._window
        window.append(article_id)
        if len(window) > self.config.guard_window:
            row = self._row_of.get(window.popleft())
            if row is not None:  # a closed story's articles left its count with it
                self._recent[self._roots[self._article_slots[row]]] -= 1

    def _merge_into(self, slot: int, others: list[int]) -> tuple[int, ...]:
        merged: list[int] = []
        for other in others:
            root, other_root = int(self._roots[slot]), int(self._roots[other])
            if other_root == root or self._story_similarity(root, other_root) < self.config.merge_threshold:
                continue
            keep, gone = sorted((root, other_root), key=lambda s: int(self._story_ids[s]))
            self._absorb(keep, gone)
            merged.append(int(self._story_ids[gone]))
        return tuple(merged)

    def _story_similarity(self, a: int, b: int) -> float:
        cfg = self.config
        dense = float(self._sums[a] @ self._sums[b]) / max(float(self._sum_norms[a] * self._sum_norms[b]), 1e-9)
        total = cfg.dense_weight * dense
        weights = cfg.dense_weight
        term_dot, entity_dot = dot(self._profiles[a], self._profiles[b], self._vocabulary.entity)
        for value, lengths, weight in (
            (term_dot, self._profile_norms, cfg.sparse_weight),
            (entity_dot, self._entity_norms, cfg.entity_weight),
        ):
            if lengths[a] > 0 and lengths[b] > 0:
                total += weight * value / float(lengths[a] * lengths[b])
                weights += weight
        return total / weights if weights > 0 else 0.0

    def _absorb(self, keep: int, gone: int) -> None:
        cfg = self.config
        roots = self._roots[: len(self._members)]
        roots[roots == gone] = keep
        self._members[keep] = sorted(self._members[keep] + self._members[gone], key=self._row_of.__getitem__)
        self._members[gone] = []
        rows = np.sort(np.concatenate((self._exemplars[keep], self._exemplars[gone])))
        rows = rows[rows >= 0]
        if len(rows) > cfg.exemplars:
            rows = np.concatenate((rows[:1], rows[len(rows) - cfg.exemplars + 1 :]))
        self._exemplars[keep] = -1
        self._exemplars[keep, : len(rows)] = rows
        self._exemplars[gone] = -1
        self._sums[keep] += self._sums[gone]
        self._sum_norms[keep] = float(np.linalg.norm(self._sums[keep]))
        self._profiles[keep] = compact(add(self._profiles[keep], self._profiles[gone], cfg.profile_terms))
        self._profile_norms[keep], self._entity_norms[keep] = norms(self._profiles[keep], self._vocabulary.entity)
        self._profiles[gone] = SparseVector.empty()
        self._event_keys[keep] = set(self._event_keys[keep]) | self._event_keys[gone]
        self._event_keys[gone] = _NO_KEYS
        self._event_kinds[keep] += self._event_kinds[gone]
        self._event_kinds[gone] = 0
        self._recent[keep] += self._recent[gone]
        self._recent[gone] = 0
        self._absorbed[keep] += [gone, *self._absorbed[gone]]
        self._absorbed[gone] = []
        self._last_seq[keep] = max(self._last_seq[keep], self._last_seq[gone])
        self._first[keep] = np.fmin(self._first[keep], self._first[gone])
        self._last[keep] = np.fmax(self._last[keep], self._last[gone])
        self._core_last[keep] = np.fmax(self._core_last[keep], self._core_last[gone])
        self._last[gone] = math.nan
        self._live -= 1

    # -- a story's life ---------------------------------------------------------------------------------------

    def _code(self, slot: int) -> int:
        """The index's name for the story in ``slot`` now: the slot and its generation."""
        return (slot << _GENERATION_BITS) | (int(self._generation[slot]) & _GENERATION_MASK)

    def close_quiet(self) -> tuple[int, ...]:
        """Close every story quiet for its quiet period (``life``), freeing its memory; the closed stories' ids.

        Called every ``sweep_every`` articles by :meth:`add`; an article never joins a quiet story in between.
        """
        self._recall.expire(self._now)
        count = len(self._members)
        slots = np.flatnonzero(self._used[:count] & (self._roots[:count] == np.arange(count)))
        if not len(slots):
            return ()
        since = self._placed - self._last_seq[slots]
        closed = slots[closed_mask(self.config.life, self._first[slots], self._last[slots], since, self._now)]
        return tuple(self._close(int(slot)) for slot in closed.tolist())

    def _close(self, slot: int) -> int:
        story = int(self._story_ids[slot])
        life = self.config.life
        expires = float(self._last[slot]) + life.recall_days * _DAY
        recall = self._recall
        for member in self._members[slot]:
            row = self._row_of.pop(member)
            self._closed_story[member] = story
            url = self._row_urls[row]
            if url is not None:
                if self._url_row.get(url) == row:
                    del self._url_row[url]
                recall.remember(hash((_MEMBER, url)), story, member, expires)
            for link in self._row_links[row]:
                rows = self._linked_from.get(link)
                if rows is not None:
                    rows.remove(row)
                    if not rows:
                        del self._linked_from[link]
                recall.remember(hash((_CITED, link)), story, member, expires)
            title = self._row_titles[row]
            if title is not None:
                recall.remember(title, story, member, expires)
            self._row_urls[row] = None
            self._row_links[row] = ()
            self._row_titles[row] = None
            self._free_rows.append(row)
        for gone in (slot, *self._absorbed[slot]):
            if self._slot_of.get(int(self._story_ids[gone])) == gone:
                del self._slot_of[int(self._story_ids[gone])]
            self._members[gone] = []
            self._profiles[gone] = SparseVector.empty()
            self._event_keys[gone] = _NO_KEYS
            self._exemplars[gone] = -1
            self._absorbed[gone] = []
            self._used[gone] = False
            self._generation[gone] += 1
            self._free_slots.append(gone)
        self._live -= 1
        self._closed_count += 1
        return story

    def _recalled(self, article: StoryArticle) -> tuple[int, int, str] | None:
        """The closed story the article reopens, its member and why: a link either way, or the same title."""
        recall, now = self._recall, self._now
        for link in article.links:
            if found := recall.find(hash((_MEMBER, link)), now):
                return (*found, f"links to a member of the closed story: {link}")
        if article.url is not None and (found := recall.find(hash((_CITED, article.url)), now)):
            return (*found, f"a member of the closed story links to it: {article.url}")
        title = title_key(article.title)
        if title is not None and (found := recall.find(hash((_TITLE, title)), now)):
            return (*found, "the same title as a member of the closed story")
        return None

    def _reopen(
        self,
        recalled: tuple[int, int, str],
        row: int,
        article: StoryArticle,
        features: ArticleFeatures,
        vec: Vectors,
    ) -> Placement:
        story, member, why = recalled
        slot = self._slot_of.get(story)
        if slot is None:
            slot = self._new_story(story)
            self._closed_count -= 1
        else:
            slot = int(self._roots[slot])
        self._join(slot, row, article, features, vec)
        match = Match(member, 1.0, (), None, (("recall", why),))
        return Placement(article.id, int(self._story_ids[slot]), False, match)
