"""Articles per second through dedup and story clustering with many stories open (``newsdesk bench clustering``).

The articles are synthetic and deterministic (numpy's PCG64 seeded with ``seed``):

- a vocabulary of 30,000 pronounceable pseudo-words (syllables chosen by the word's number, no randomness),
  drawn Zipf-like (weight ``1 / (rank + 10)``) for background words, and 20,000 capitalised pseudo-names;
- each story has six topic words (from the rarer 27,000), two two-word names, a start time and a random unit
  vector in 384 dimensions;
- an article of a story has a title (three topic words, three background words, a name), a lead of 26 words
  (a name, six topic words) and a text of 200 words in sentences of 20 (a fifth of them topic words, the
  names in two sentences), and as vector its story's vector plus Gaussian noise, renormalised (cosine about
  0.8 with the story's);
- one article in fifty is a syndicated copy of a recent one (same text, another title), for dedup to find.

The articles come as a stream in publication order, ``per_day`` a day (5,000 by default: a large beat, or a
tenth of the world's news): a quarter start a story, the rest follow a story that started earlier, its age
drawn from an exponential distribution with a mean of 1.5 days (most coverage comes in a story's first days,
some a week or more later). Stories close after their quiet period, at most ``open_days`` (7 by default), so
memory holds about a week of stories: the first ``warmup`` articles (as many as are timed, by default: 20
days at 5,000 a day) fill that window, then ``articles`` more are timed. Each chunk's MinHash signatures are
computed at once (:meth:`NearDuplicateIndex.prepare`, timed as dedup), then each article goes through
:class:`NearDuplicateIndex` (a copy joins its original's story, as the desk does; signatures older than the
stories' recall period are dropped) and otherwise :meth:`StoryClusterer.add`. Articles are generated in chunks
outside the timed code. Embedding is not in the timed path (the desk stores vectors); MiniLM's own rate is
measured apart on a sample of the same articles' embedding texts.

As a restart's replay does (:meth:`LanguageStreams.add_many`), the articles are read in a second process one
chunk ahead (:mod:`newsdesk.stories.readahead`) when the machine has a second core: dedup runs on chunk ``k + 1``
and that process reads it while this one places chunk ``k``. The timed seconds are this process's wall time
(each chunk charged its own dedup, the generator's time left out), so any wait for the reader is in them.

Peak memory is this process's peak resident set size plus the reading process's (``ru_maxrss`` of
``RUSAGE_SELF`` and ``RUSAGE_CHILDREN``), read after clustering and before MiniLM is loaded; it includes the
interpreters, numpy and the generator's chunks.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from newsdesk.encoder.embed import DIMENSIONS, Embedder, MiniLM, Vectors
from newsdesk.encoder.text import embedding_text
from newsdesk.evaluation.clustering import score_clustering
from newsdesk.record import StoryArticle
from newsdesk.stories.cluster import ClusterConfig, StoryClusterer
from newsdesk.stories.dedup import NearDuplicateIndex
from newsdesk.stories.readahead import read_ahead as read_ahead_of
from newsdesk.stories.readahead import worth_reading_ahead
from newsdesk.stories.reading import ReadElsewhere

VOCABULARY = 30_000
NAMES = 20_000
_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr", "sh")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_START = datetime(2024, 1, 1, tzinfo=UTC)
_CHUNK = 2_000


def pseudo_word(number: int) -> str:
    """The ``number``-th pseudo-word: syllables spelled out from its digits, so each is distinct."""
    syllables = []
    number += len(_ONSETS) * len(_VOWELS)
    while number:
        number, digit = divmod(number, len(_ONSETS) * len(_VOWELS))
        syllables.append(_ONSETS[digit % len(_ONSETS)] + _VOWELS[digit // len(_ONSETS)])
    return "".join(syllables)


@dataclass(slots=True)
class _Stories:
    topics: np.ndarray
    names: np.ndarray
    vectors: np.ndarray
    starts: np.ndarray


class SyntheticNews:
    """Deterministic pseudo-stories and their articles (see the module's description)."""

    def __init__(self, seed: int, stories: int) -> None:
        self._rng = np.random.default_rng(seed)
        self._words = np.array([pseudo_word(i) for i in range(VOCABULARY)])
        self._names = np.array([pseudo_word(VOCABULARY + i).capitalize() for i in range(NAMES)])
        weights = 1.0 / (np.arange(VOCABULARY) + 10.0)
        self._cumulative = np.cumsum(weights / weights.sum())
        self._stories = self._make_stories(stories)
        self._texts: list[tuple[str, str, str, int]] = []

    def _make_stories(self, count: int) -> _Stories:
        rng = self._rng
        vectors = rng.standard_normal((count, DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        # Half precision: the generator's own memory stays small beside the clusterer's it measures.
        vectors = vectors.astype(np.float16)
        return _Stories(
            topics=rng.integers(3_000, VOCABULARY, size=(count, 6)),
            names=rng.integers(0, NAMES, size=(count, 4)),
            vectors=vectors,
            starts=np.sort(rng.uniform(0.0, 30.0, size=count)),
        )

    def grow(self, count: int, starts: np.ndarray | None = None) -> None:
        """Add ``count`` more stories (starting after the existing ones, or at ``starts``, in days)."""
        more = self._make_stories(count)
        if starts is not None:
            more.starts = np.asarray(starts, dtype=np.float64)
        else:
            more.starts += float(self._stories.starts[-1]) if len(self._stories.starts) else 0.0
        s = self._stories
        self._stories = _Stories(
            np.concatenate((s.topics, more.topics)),
            np.concatenate((s.names, more.names)),
            np.concatenate((s.vectors, more.vectors)),
            np.concatenate((s.starts, more.starts)),
        )

    @property
    def story_count(self) -> int:
        return len(self._stories.starts)

    @property
    def starts(self) -> np.ndarray:
        """Each story's start, in days after the stream's first day."""
        return self._stories.starts

    def articles(
        self, first_id: int, stories: np.ndarray, days: np.ndarray
    ) -> tuple[list[StoryArticle], Vectors, list[int]]:
        """Articles of the given stories (one each), with their vectors and story labels (a copy: its original's)."""
        rng = self._rng
        n = len(stories)
        background = np.searchsorted(self._cumulative, rng.random((n, 3 + 19 + 160)))
        background = np.minimum(background, VOCABULARY - 1)
        topic_picks = rng.integers(0, 6, size=(n, 3 + 6 + 40))
        copies = rng.random(n) < 0.02
        sources = rng.random(n)
        noise = rng.standard_normal((n, DIMENSIONS)).astype(np.float32) * (0.75 / np.sqrt(DIMENSIONS))
        vectors = self._stories.vectors[stories].astype(np.float32) + noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        words = self._words
        out: list[StoryArticle] = []
        labels: list[int] = []
        for i in range(n):
            s = int(stories[i])
            topic = words[self._stories.topics[s][topic_picks[i]]]
            first, second = self._names[self._stories.names[s][:2]], self._names[self._stories.names[s][2:]]
            name_a, name_b = f"{first[0]} {first[1]}", f"{second[0]} {second[1]}"
            bg = words[background[i]]
            title = " ".join([*topic[:3], *bg[:3]]).capitalize() + f": {name_a}"
            lead = f"{name_a} " + " ".join([*topic[3:9], *bg[3:22]]) + "."
            body = [*topic[9:], *bg[22:]]
            sentences = [" ".join(body[j : j + 20]).capitalize() + "." for j in range(0, len(body), 20)]
            sentences[1] = f"{name_b} said " + sentences[1]
            sentences[4] = f"{name_a} and {name_b} " + sentences[4]
            text = " ".join(sentences)
            if copies[i] and self._texts:
                title, lead, text, s = self._texts[int(sources[i] * len(self._texts))]
                title = f"{title} | outlet{(first_id + i) % 97}"
            else:
                self._texts.append((title, lead, text, s))
                if len(self._texts) > 4_000:
                    del self._texts[:2_000]
            labels.append(s)
            published = _START + timedelta(days=float(self._stories.starts[int(stories[i])] + days[i]))
            article_id = first_id + i
            out.append(
                StoryArticle(
                    id=article_id,
                    title=title,
                    lead=lead,
                    text=text,
                    published=published,
                    source=f"outlet{article_id % 97}.example",
                    url=f"https://outlet{article_id % 97}.example/{article_id}",
                )
            )
        return out, vectors.astype(np.float32), labels


@dataclass(frozen=True, slots=True)
class ClusteringBenchReport:
    """Rates, memory and sizes of one benchmark run."""

    #: Articles before the timed ones (filling the open window), and the most stories open at once.
    warmup: int
    stories_open: int
    articles: int
    warmup_seconds: float
    seconds: float
    #: Of ``seconds``, the time spent in dedup.
    dedup_seconds: float
    copies: int
    stories: int
    peak_memory_mb: float
    bcubed_f1: float
    embed_sample: int
    embed_seconds: float
    #: Days the whole stream covers, and the longest quiet period a story gets.
    days: float = 0.0
    open_days: float = 0.0

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else 0.0

    @property
    def clustering_articles_per_second(self) -> float:
        """Timed articles per second of clustering alone (dedup's share taken out)."""
        rest = self.seconds - self.dedup_seconds
        return self.articles / rest if rest > 0 else 0.0

    @property
    def warmup_articles_per_second(self) -> float:
        return self.warmup / self.warmup_seconds if self.warmup_seconds > 0 else 0.0

    @property
    def embeddings_per_second(self) -> float:
        return self.embed_sample / self.embed_seconds if self.embed_seconds > 0 else 0.0


def _peak_memory_mb() -> float:
    """This process's peak resident set plus that of its largest finished child (the reading process)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@dataclass(slots=True)
class _Chunk:
    phase: str
    batch: list[StoryArticle]
    vectors: Vectors
    gold: list[int]
    dedup_seconds: float = 0.0


def _chunks(total: int) -> Iterator[int]:
    done = 0
    while done < total:
        size = min(_CHUNK, total - done)
        yield size
        done += size


def run_clustering_bench(
    articles: int = 100_000,
    *,
    seed: int = 0,
    warmup: int | None = None,
    per_day: int = 5_000,
    open_days: float = 7.0,
    config: ClusterConfig | None = None,
    embedder: Embedder | None = None,
    embed_sample: int = 256,
    read_ahead: bool | None = None,
) -> ClusteringBenchReport:
    """Stream ``warmup`` articles (default: as many as ``articles``), then time ``articles`` more (see above).

    ``open_days`` caps a story's quiet period (``config``'s, the desk's default otherwise);
    ``embed_sample`` articles' embedding texts are embedded apart (``embedder``, MiniLM by default; 0 skips).
    """
    warm = articles if warmup is None else warmup
    base = config or ClusterConfig()
    config = replace(base, life=replace(base.life, quiet_max_days=min(base.life.quiet_max_days, open_days)))
    ahead = worth_reading_ahead(warm + articles) if read_ahead is None else read_ahead
    news = SyntheticNews(seed, 0)
    rng = np.random.default_rng(seed + 1)
    clusterer = StoryClusterer(config)
    dedup = NearDuplicateIndex()
    recall = config.life.recall_days * per_day
    labels: dict[int, int] = {}
    copy_of: dict[int, int] = {}
    most_open = 0
    sample: list[str] = []
    clock = time.perf_counter
    # Time spent outside the timed work in each step of the loop: making the next chunk, and its dedup (each
    # chunk is charged its own dedup, whichever step ran it).
    aside = {"generate": 0.0, "dedup": 0.0}

    def chunks() -> Iterator[_Chunk]:
        next_id = 0
        new_per_day = per_day / 4
        for phase, total in (("warmup", warm), ("timed", articles)):
            for size in _chunks(total):
                started = clock()
                times = (next_id + np.arange(size)) / per_day
                new = rng.random(size) < 0.25
                new[0] |= news.story_count == 0
                first_new = news.story_count
                news.grow(int(new.sum()), starts=times[new])
                # Each follow-up picks a story by age: exponential, mean 1.5 days' worth of new stories.
                started_before = first_new + np.cumsum(new) - new
                back = np.floor(rng.exponential(1.5 * new_per_day, size=size)).astype(np.int64)
                chosen = np.maximum(started_before - 1 - back, 0)
                chosen[new] = np.arange(first_new, first_new + int(new.sum()))
                days = np.maximum(times - news.starts[chosen], 0.0)
                batch, vectors, gold = news.articles(next_id, chosen, days)
                next_id += size
                aside["generate"] += clock() - started
                yield _Chunk(phase, batch, vectors, gold)

    def deduplicated(chunk: _Chunk) -> list[tuple[str, StoryArticle]]:
        """Dedup the chunk (a copy joins its original's story, as the desk does); the articles left to cluster."""
        started = clock()
        dedup.prepare(chunk.batch)
        # Signatures older than the recall period go (a copy of an older story would only start a new one).
        first = chunk.batch[0].id
        for old in range(max(0, first - len(chunk.batch) - int(recall)), max(0, first - int(recall))):
            if old in dedup:
                dedup.remove(old)
        kept = []
        for article in chunk.batch:
            copy = dedup.add(article)
            if copy is None:
                kept.append(("", article))
            else:
                copy_of[article.id] = copy.original_id
        chunk.dedup_seconds = clock() - started
        aside["dedup"] += chunk.dedup_seconds
        return kept

    readings: Iterator[tuple[_Chunk, Sequence[ReadElsewhere | None]]]
    if ahead:
        readings = read_ahead_of(chunks(), deduplicated, lambda _stream: (config.reading, None))
    else:
        readings = ((chunk, [None] * len(deduplicated(chunk))) for chunk in chunks())
    seconds = {"warmup": 0.0, "timed": 0.0}
    dedup_seconds = {"warmup": 0.0, "timed": 0.0}
    step = clock()
    before = dict(aside)
    for chunk, read in readings:
        kept = iter(read)
        for article, vector in zip(chunk.batch, chunk.vectors, strict=True):
            if article.id not in copy_of:
                clusterer.add(article, vector, next(kept))
        now = clock()
        spent = now - step - (aside["generate"] - before["generate"]) - (aside["dedup"] - before["dedup"])
        seconds[chunk.phase] += spent + chunk.dedup_seconds
        dedup_seconds[chunk.phase] += chunk.dedup_seconds
        step, before = now, dict(aside)
        most_open = max(most_open, clusterer.open_story_count)
        for article, label in zip(chunk.batch, chunk.gold, strict=True):
            labels[article.id] = label
            if len(sample) < embed_sample:
                sample.append(embedding_text(article.title, article.lead, article.text))
        step += clock() - now  # the bookkeeping above is not the desk's work
    peak = _peak_memory_mb()
    ids = sorted(labels)
    predicted = [clusterer.story_of(copy_of.get(i, i)) for i in ids]
    scores = score_clustering([labels[i] for i in ids], predicted)
    embed_seconds = 0.0
    if embed_sample and sample:
        model = embedder or MiniLM()
        model.embed(sample[:8])
        started = time.perf_counter()
        model.embed(sample)
        embed_seconds = time.perf_counter() - started
    return ClusteringBenchReport(
        warmup=warm,
        stories_open=most_open,
        articles=articles,
        warmup_seconds=seconds["warmup"],
        seconds=seconds["timed"],
        dedup_seconds=dedup_seconds["timed"],
        copies=len(copy_of),
        stories=clusterer.story_count,
        peak_memory_mb=peak,
        bcubed_f1=scores.bcubed_f1,
        embed_sample=len(sample) if embed_sample else 0,
        embed_seconds=embed_seconds,
        days=(warm + articles) / per_day,
        open_days=config.life.quiet_max_days,
    )


def format_clustering_bench(report: ClusteringBenchReport) -> list[str]:
    """Readable lines, the last one a JSON object of the figures."""
    figures = {
        "articles_per_second": round(report.articles_per_second, 1),
        "peak_memory_mb": round(report.peak_memory_mb, 1),
        "embeddings_per_second": round(report.embeddings_per_second, 1),
        "clustering_articles_per_second": round(report.clustering_articles_per_second, 1),
        "dedup_seconds": round(report.dedup_seconds, 1),
        "articles": report.articles,
        "stories_open": report.stories_open,
        "warmup": report.warmup,
        "days": round(report.days, 1),
        "warmup_articles_per_second": round(report.warmup_articles_per_second, 1),
        "copies": report.copies,
        "stories": report.stories,
        "synthetic_bcubed_f1": round(report.bcubed_f1, 4),
    }
    return [
        f"stream: {report.warmup + report.articles} articles over {report.days:.0f} days; stories close after at "
        f"most {report.open_days:g} quiet days; at most {report.stories_open} open at once",
        f"warm-up: {report.warmup} articles at {report.warmup_articles_per_second:.0f} articles/s",
        f"timed: {report.articles} articles through dedup and clustering in {report.seconds:.1f} s: "
        f"{report.articles_per_second:.0f} articles/s ({report.copies} copies found by dedup)",
        f"  of which dedup {report.dedup_seconds:.1f} s; "
        f"clustering alone {report.clustering_articles_per_second:.0f} articles/s",
        f"stories: {report.stories}; B-cubed F1 against the synthetic stories {report.bcubed_f1:.4f}",
        f"peak memory (ru_maxrss, before MiniLM is loaded): {report.peak_memory_mb:.0f} MB",
        f"embedding (MiniLM, apart, {report.embed_sample} articles): {report.embeddings_per_second:.1f} articles/s",
        json.dumps(figures),
    ]
