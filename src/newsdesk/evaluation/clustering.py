"""How well online story clustering recovers gold stories (``newsdesk eval clustering FILE.jsonl``).

FILE is one of ``../shared/data/clustering/*.jsonl``: one article a line, oldest first, with its gold story in
``cluster``. Every article is embedded (MiniLM on :func:`~newsdesk.stories.features.embedding_text`), then fed
in file order, one at a time, through :meth:`StoryClusterer.add`, the live code path; the line number is the
article id. The clusterer never sees the gold labels. Reported: B-cubed precision, recall and F1 (per article,
averaged over articles), pairwise precision, recall and F1 (over pairs of articles in one story), NMI
(arithmetic-mean normalisation), the story counts, the clustering rate (articles per second, embedding not
included) and the embedding rate, timed on its own.
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

from newsdesk.stories.cluster import ClusterConfig, StoryClusterer
from newsdesk.stories.embed import Embedder, MiniLM, Vectors
from newsdesk.stories.features import embedding_text
from newsdesk.stories.model import StoryArticle


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


def read_articles(path: Path) -> tuple[list[StoryArticle], list[str]]:
    """The file's articles (ids are line numbers) and their gold story labels, in file order."""
    articles: list[StoryArticle] = []
    gold: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if not line.strip():
                continue
            row = json.loads(line)
            published = row.get("published")
            articles.append(
                StoryArticle(
                    id=number,
                    title=row.get("title") or "",
                    lead=row.get("lead") or "",
                    text=row.get("text") or "",
                    published=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
                    source=row.get("source"),
                    url=row.get("url"),
                )
            )
            gold.append(str(row["cluster"]))
    return articles, gold


def run_clustering_eval(
    path: Path,
    *,
    embedder: Embedder | None = None,
    config: ClusterConfig | None = None,
    progress: Callable[[], None] | None = None,
    vectors: Vectors | None = None,
) -> ClusteringEvalReport:
    """Embed and cluster the file's articles in order and score the stories against the gold ones.

    ``vectors`` (one row per article, in file order) skips the embedding, for callers that cached it;
    ``progress`` is called once per article clustered.
    """
    articles, gold = read_articles(path)
    embedding_seconds = 0.0
    if vectors is None:
        started = time.perf_counter()
        vectors = (embedder or MiniLM()).embed([embedding_text(a.title, a.lead, a.text) for a in articles])
        embedding_seconds = time.perf_counter() - started
    matrix = np.asarray(vectors, dtype=np.float32)
    clusterer = StoryClusterer(config)
    merges = 0
    started = time.perf_counter()
    for i, article in enumerate(articles):
        placement = clusterer.add(article, matrix[i])
        merges += len(placement.merged)
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
        "articles_per_second": round(report.articles_per_second, 1),
        "embeddings_per_second": round(report.embeddings_per_second, 1),
    }
    return [
        f"{report.path.name}: {report.articles} articles, {report.gold_stories} gold stories",
        f"B-cubed: precision {s.bcubed_precision:.4f}, recall {s.bcubed_recall:.4f}, F1 {s.bcubed_f1:.4f}",
        f"pairwise: precision {s.pairwise_precision:.4f}, recall {s.pairwise_recall:.4f}, F1 {s.pairwise_f1:.4f}",
        f"NMI: {s.nmi:.4f}",
        f"stories: {report.stories} ({report.merges} merges)",
        f"clustering: {report.articles_per_second:.1f} articles/s ({report.clustering_seconds:.2f} s)",
        f"embedding (MiniLM, timed apart): {report.embeddings_per_second:.1f} articles/s "
        f"({report.embedding_seconds:.2f} s)",
        json.dumps(figures, sort_keys=False),
    ]
