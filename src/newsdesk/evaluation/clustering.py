"""How well online story clustering recovers gold stories (``newsdesk eval clustering FILE.jsonl``).

FILE is one of ``../shared/data/clustering/*.jsonl``: one article a line, oldest first, with its gold story in
``cluster`` and its ``language`` if known (else it is guessed from its title, lead and first words, as the desk
does for a page that does not say). Every article is embedded (MiniLM on
:func:`~newsdesk.stories.features.embedding_text`), then fed in file order, one at a time, through
:meth:`LanguageStreams.add` (the live code path: each language its own stream and representation); the line
number is the article id. The clusterer never sees the gold labels. Reported: B-cubed precision, recall and F1
(per article, averaged over articles), pairwise precision, recall and F1 (over pairs of articles in one story),
NMI (arithmetic-mean normalisation), the story counts, the language mix with each language's figures, the
clustering rate (articles per second, embedding not included) and the embedding rate, timed on its own.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from newsdesk.encoder.embed import Embedder, MiniLM, Vectors
from newsdesk.encoder.text import embedding_text
from newsdesk.ingest.read import LanguageGuesser
from newsdesk.record import StoryArticle
from newsdesk.stories.languages import LanguageStreams, StreamsConfig, stream_of


@dataclass(frozen=True, slots=True)
class ClusteringScores:
    """Agreement of a predicted clustering with the gold one."""

    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    nmi: float


@dataclass(frozen=True, slots=True)
class ClusteringEvalReport:
    """Scores, sizes and rates of one evaluation run."""

    path: Path
    articles: int
    gold_stories: int
    stories: int
    merges: int
    scores: ClusteringScores
    clustering_seconds: float
    embedding_seconds: float
    #: Per language stream: its articles and their scores against the gold stories.
    languages: tuple[tuple[str, int, ClusteringScores], ...] = ()
    #: Articles the collapse guard kept out of a story (``ClusterConfig.guard_window``).
    refused: int = 0

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.clustering_seconds if self.clustering_seconds > 0 else 0.0

    @property
    def embeddings_per_second(self) -> float:
        return self.articles / self.embedding_seconds if self.embedding_seconds > 0 else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def score_clustering(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> ClusteringScores:
    """B-cubed, pairwise and NMI scores of ``predicted`` against ``gold`` (one label per article)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predicted")
    n = len(gold)
    if n == 0:
        return ClusteringScores(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    joint = Counter(zip(gold, predicted, strict=True))
    gold_sizes = Counter(gold)
    predicted_sizes = Counter(predicted)
    precision = sum(c * c / predicted_sizes[p] for (_, p), c in joint.items()) / n
    recall = sum(c * c / gold_sizes[g] for (g, _), c in joint.items()) / n

    def pairs(count: int) -> int:
        return count * (count - 1) // 2

    together = sum(pairs(c) for c in joint.values())
    predicted_pairs = sum(pairs(c) for c in predicted_sizes.values())
    gold_pairs = sum(pairs(c) for c in gold_sizes.values())
    pair_precision = together / predicted_pairs if predicted_pairs else 1.0
    pair_recall = together / gold_pairs if gold_pairs else 1.0

    def entropy(sizes: Counter[Hashable]) -> float:
        return -sum(c / n * math.log(c / n) for c in sizes.values())

    mutual = sum(c / n * math.log(c * n / (gold_sizes[g] * predicted_sizes[p])) for (g, p), c in joint.items())
    h_gold, h_predicted = entropy(gold_sizes), entropy(predicted_sizes)
    nmi = 2 * mutual / (h_gold + h_predicted) if h_gold + h_predicted > 0 else 1.0
    return ClusteringScores(
        precision,
        recall,
        _f1(precision, recall),
        pair_precision,
        pair_recall,
        _f1(pair_precision, pair_recall),
        nmi,
    )


def read_articles(path: Path, guesser: LanguageGuesser | None = None) -> tuple[list[StoryArticle], list[str]]:
    """The file's articles (ids are line numbers) and their gold story labels, in file order.

    An article's language is its ``language`` field, else ``guesser``'s guess from its text (else unknown).
    """
    articles: list[StoryArticle] = []
    gold: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if not line.strip():
                continue
            row = json.loads(line)
            published = row.get("published")
            title, lead, text = row.get("title") or "", row.get("lead") or "", row.get("text") or ""
            language = row.get("language") or (guesser.guess_article(title, lead, text) if guesser else None)
            articles.append(
                StoryArticle(
                    id=number,
                    title=title,
                    lead=lead,
                    text=text,
                    published=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
                    source=row.get("source"),
                    url=row.get("url"),
                    language=language,
                )
            )
            gold.append(str(row["cluster"]))
    return articles, gold


def run_clustering_eval(
    path: Path,
    *,
    embedder: Embedder | None = None,
    config: StreamsConfig | None = None,
    progress: Callable[[], None] | None = None,
    vectors: Vectors | None = None,
) -> ClusteringEvalReport:
    """Embed and cluster the file's articles in order and score the stories against the gold ones.

    ``vectors`` (one row per article, in file order) skips the embedding, for callers that cached it;
    ``progress`` is called once per article clustered.
    """
    articles, gold = read_articles(path, LanguageGuesser())
    embedding_seconds = 0.0
    if vectors is None:
        started = time.perf_counter()
        vectors = (embedder or MiniLM()).embed([embedding_text(a.title, a.lead, a.text) for a in articles])
        embedding_seconds = time.perf_counter() - started
    matrix = np.asarray(vectors, dtype=np.float32)
    clusterer = LanguageStreams(config)
    merges = refused = 0
    started = time.perf_counter()
    for i, article in enumerate(articles):
        placement = clusterer.add(article, matrix[i])
        merges += len(placement.merged)
        refused += bool(placement.refused)
        if progress is not None:
            progress()
    clustering_seconds = time.perf_counter() - started
    predicted = [clusterer.story_of(a.id) for a in articles]
    return ClusteringEvalReport(
        path=path,
        articles=len(articles),
        gold_stories=len(set(gold)),
        stories=len(set(predicted)),
        merges=merges,
        scores=score_clustering(gold, predicted),
        clustering_seconds=clustering_seconds,
        embedding_seconds=embedding_seconds,
        languages=per_language(articles, gold, predicted),
        refused=refused,
    )


def per_language(
    articles: Sequence[StoryArticle], gold: Sequence[str], predicted: Sequence[int]
) -> tuple[tuple[str, int, ClusteringScores], ...]:
    """Each language stream's articles and their scores (a gold story told in two languages counts in each)."""
    streams: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        streams.setdefault(stream_of(article.language), []).append(i)
    return tuple(
        (language, len(rows), score_clustering([gold[i] for i in rows], [predicted[i] for i in rows]))
        for language, rows in sorted(streams.items(), key=lambda item: (-len(item[1]), item[0]))
    )


def format_clustering_report(report: ClusteringEvalReport) -> list[str]:
    """Readable lines, the last one a JSON object of the figures."""
    s = report.scores
    figures = {
        "bcubed_precision": round(s.bcubed_precision, 4),
        "bcubed_recall": round(s.bcubed_recall, 4),
        "bcubed_f1": round(s.bcubed_f1, 4),
        "pairwise_precision": round(s.pairwise_precision, 4),
        "pairwise_recall": round(s.pairwise_recall, 4),
        "pairwise_f1": round(s.pairwise_f1, 4),
        "nmi": round(s.nmi, 4),
        "articles": report.articles,
        "gold_stories": report.gold_stories,
        "stories": report.stories,
        "merges": report.merges,
        "refused": report.refused,
        "articles_per_second": round(report.articles_per_second, 1),
        "embeddings_per_second": round(report.embeddings_per_second, 1),
    }
    mix = ", ".join(f"{language} {count}" for language, count, _ in report.languages)
    by_language = [
        f"  {language} ({count} articles): B-cubed F1 {scores.bcubed_f1:.4f}, pairwise precision "
        f"{scores.pairwise_precision:.4f}"
        for language, count, scores in report.languages
    ]
    for language, _count, scores in report.languages:
        figures[f"{language}.bcubed_f1"] = round(scores.bcubed_f1, 4)
    return [
        f"{report.path.name}: {report.articles} articles, {report.gold_stories} gold stories",
        f"B-cubed: precision {s.bcubed_precision:.4f}, recall {s.bcubed_recall:.4f}, F1 {s.bcubed_f1:.4f}",
        f"pairwise: precision {s.pairwise_precision:.4f}, recall {s.pairwise_recall:.4f}, F1 {s.pairwise_f1:.4f}",
        f"NMI: {s.nmi:.4f}",
        f"languages: {mix or 'none'}",
        *by_language,
        f"stories: {report.stories} ({report.merges} merges; {report.refused} articles kept out by the collapse guard)",
        f"clustering: {report.articles_per_second:.1f} articles/s ({report.clustering_seconds:.2f} s)",
        f"embedding (MiniLM, timed apart): {report.embeddings_per_second:.1f} articles/s "
        f"({report.embedding_seconds:.2f} s)",
        json.dumps(figures, sort_keys=False),
    ]
