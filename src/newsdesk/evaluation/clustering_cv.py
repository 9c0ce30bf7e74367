"""Leave-one-set-out cross-validation of the clusterer's constants (``newsdesk eval clustering-cv FILE...``).

The clusterer runs with one configuration on every kind of news. Its constants that matter most (the join
threshold, the weight of a day conflict, how many articles must pass before a quiet story closes and what two
stories need to merge) are
chosen on a small, coarse grid (:data:`GRID`, 24 configurations) against every development set together:
each configuration clusters every set (the live code path, as ``eval clustering``) and is scored by the mean
B-cubed F1 over the sets; the other constants keep the values the first sweeps found (``ClusterConfig``'s defaults).

- The **tuned** figure of a set is what the configuration best over *all* sets scores on it.
- The **held-out** (``cv_``) figure of a set is what the configuration best over the *other* sets scores on
  it: the figure a new set would see, since the set had no say in the choice.

Embeddings are the expensive part (MiniLM on the CPU); with ``cache`` they are computed once and kept as
``.npy`` files named by the set, a hash of the very texts embedded (a changed file or a changed way of writing
an article's embedding text is a new name, never a stale vector) and the encoder, so a sweep re-reads them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.encoder.embed import DIMENSIONS, Embedder, MiniLM, Vectors
from newsdesk.encoder.text import embedding_text
from newsdesk.evaluation.clustering import ClusteringScores, read_articles, score_clustering
from newsdesk.ingest.read import LanguageGuesser
from newsdesk.record import StoryArticle
from newsdesk.stories.languages import LanguageStreams, StreamsConfig

#: The knobs swept and their coarse values; every other constant keeps its default.
GRID: tuple[tuple[str, tuple[float, ...]], ...] = (
    ("dense.threshold", (0.32, 0.36)),
    ("dense.day_conflict_weight", (0.0, 0.1)),
    ("life.quiet_articles", (200, 1000)),
    ("dense.merge_threshold", (0.6, 0.64, 0.68)),
)
#: The lexical representation's knob (``--representation lexical``: every set, whatever its language, lexical).
LEXICAL_GRID: tuple[tuple[str, tuple[float, ...]], ...] = (("lexical.threshold", (0.10, 0.12, 0.14)),)
#: The representations a cross-validation can run every set with: each language its own (the desk's), or all
#: lexical (to choose the lexical path's constants on every set, English ones included).
REPRESENTATIONS = {"languages": StreamsConfig(), "lexical": StreamsConfig(dense_languages=frozenset())}


@dataclass(frozen=True, slots=True)
class DevelopmentSet:
    name: str
    articles: list[StoryArticle]
    gold: list[str]
    vectors: Vectors


@dataclass(frozen=True, slots=True)
class SetFigures:
    """One set's scores with the tuned configuration and with the one chosen without it."""

    name: str
    articles: int
    tuned: ClusteringScores
    held_out: ClusteringScores
    held_out_config: dict[str, float]


@dataclass(frozen=True, slots=True)
class CrossValidationReport:
    configs: int
    tuned_config: dict[str, float]
    sets: list[SetFigures]


def texts_hash(texts: Sequence[str]) -> str:
    """A short hash of a list of texts (their order and boundaries included)."""
    digest = hashlib.sha256()
    for text in texts:
        encoded = text.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "little"))
        digest.update(encoded)
    return digest.hexdigest()[:16]


def load_set(
    path: Path,
    embedder: Embedder | None,
    cache: Path | None,
    guesser: LanguageGuesser | None = None,
    *,
    embed: bool = True,
) -> DevelopmentSet:
    """A set's articles (languages as given or guessed), gold labels and embeddings (read from ``cache`` when
    there, written there when not; zeros without ``embed``, for the lexical representation)."""
    articles, gold = read_articles(path, guesser or LanguageGuesser())
    if not embed:
        return DevelopmentSet(path.stem, articles, gold, np.zeros((len(articles), DIMENSIONS), dtype=np.float32))
    model = embedder or MiniLM()
    texts = [embedding_text(a.title, a.lead, a.text) for a in articles]
    # Named by the texts embedded and the encoder (its device and precision give slightly different vectors).
    tag = re.sub(r"[^a-z0-9]+", "-", str(getattr(model, "name", type(model).__name__)).lower()).strip("-")
    cached = cache / f"{path.stem}-{texts_hash(texts)}-{tag}.npy" if cache is not None else None
    if cached is not None and cached.is_file():
        vectors = np.load(cached).astype(np.float32)
        if vectors.shape[0] != len(articles):
            raise ValueError(f"{cached}: {vectors.shape[0]} vectors for {len(articles)} articles")
    else:
        vectors = model.embed(texts)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            np.save(cached, vectors)
    return DevelopmentSet(path.stem, articles, gold, vectors)


def _with(config: Any, name: str, value: float, whole: str | None = None) -> Any:
    """``config`` with the constant ``name`` (``life.quiet_articles``: a constant of a part) set to ``value``."""
    head, _, rest = name.partition(".")
    if head not in {f.name for f in fields(config)}:
        raise ValueError(f"no clusterer constant {whole or name!r}")
    current = getattr(config, head)
    if rest:
        if not hasattr(current, "__dataclass_fields__"):
            raise ValueError(f"no clusterer constant {whole or name!r}")
        return replace(config, **{head: _with(current, rest, value, whole or name)})
    return replace(config, **{head: type(current)(value)})


def _value(config: Any, name: str) -> float:
    for part in name.split("."):
        config = getattr(config, part)
    return float(config)


def configurations(
    grid: Sequence[tuple[str, Sequence[float]]] = GRID, base: StreamsConfig | None = None
) -> list[StreamsConfig]:
    """Every combination of the grid's values over ``base`` (the desk's default), in a fixed order."""
    default = base or StreamsConfig()
    for name, values in grid:
        _with(default, name, values[0])
    out = []
    for values in itertools.product(*(values for _, values in grid)):
        config = default
        for (name, _), value in zip(grid, values, strict=True):
            config = _with(config, name, value)
        out.append(config)
    return out


def cluster_set(dataset: DevelopmentSet, config: StreamsConfig) -> ClusteringScores:
    """Cluster the set's articles in order with ``config`` and score the stories against the gold ones."""
    clusterer = LanguageStreams(config)
    for i, article in enumerate(dataset.articles):
        clusterer.add(article, dataset.vectors[i])
    return score_clustering(dataset.gold, [clusterer.story_of(a.id) for a in dataset.articles])


def _knobs(config: StreamsConfig, grid: Sequence[tuple[str, Sequence[float]]]) -> dict[str, float]:
    return {name: _value(config, name) for name, _ in grid}


def cross_validate(
    sets: Sequence[DevelopmentSet],
    grid: Sequence[tuple[str, Sequence[float]]] = GRID,
    progress: Callable[[], None] | None = None,
    base: StreamsConfig | None = None,
) -> CrossValidationReport:
    """Score every configuration of the grid on every set; pick the tuned and the held-out ones (see above)."""
    if len(sets) < 2:
        raise ValueError("cross-validation needs at least two sets")
    configs = configurations(grid, base)
    table: list[list[ClusteringScores]] = []
    for config in configs:
        table.append([cluster_set(dataset, config) for dataset in sets])
        if progress is not None:
            progress()
    f1 = np.array([[s.bcubed_f1 for s in row] for row in table])

    def best(columns: list[int]) -> int:
        # The first best (grid order) on the mean B-cubed F1 of the given sets.
        return int(np.argmax(f1[:, columns].mean(axis=1)))

    everything = list(range(len(sets)))
    tuned = best(everything)
    figures = []
    for i, dataset in enumerate(sets):
        chosen = best([j for j in everything if j != i])
        figures.append(
            SetFigures(
                dataset.name, len(dataset.articles), table[tuned][i], table[chosen][i], _knobs(configs[chosen], grid)
            )
        )
    return CrossValidationReport(len(configs), _knobs(configs[tuned], grid), figures)


_SCORES = (
    ("bcubed_precision", "B3 P"),
    ("bcubed_recall", "B3 R"),
    ("bcubed_f1", "B3 F1"),
    ("pairwise_precision", "pair P"),
    ("nmi", "NMI"),
)


def format_cross_validation(report: CrossValidationReport) -> list[str]:
    """Readable lines, the last one a JSON object: ``SET.KEY`` (tuned) and ``cv_SET.KEY`` (held out)."""
    knobs = ", ".join(f"{k} {v:g}" for k, v in report.tuned_config.items())
    lines = [f"{report.configs} configurations, {len(report.sets)} sets; tuned on all sets: {knobs}"]
    header = "set".ljust(16) + "".join(f"{label:>9}" for _, label in _SCORES)
    lines.append(header + "   (tuned / held out)")
    figures: dict[str, float] = {}
    for entry in report.sets:
        for kind, scores in (("tuned", entry.tuned), ("held out", entry.held_out)):
            values = [getattr(scores, key) for key, _ in _SCORES]
            lines.append(
                f"{entry.name if kind == 'tuned' else '':<16}" + "".join(f"{v:>9.4f}" for v in values) + f"   {kind}"
            )
        chosen = ", ".join(f"{k} {v:g}" for k, v in entry.held_out_config.items())
        lines.append(f"{'':<16}held out with: {chosen}")
        for key, _ in _SCORES:
            figures[f"{entry.name}.{key}"] = round(getattr(entry.tuned, key), 4)
            figures[f"cv_{entry.name}.{key}"] = round(getattr(entry.held_out, key), 4)
    figures["configurations"] = report.configs
    lines.append(json.dumps(figures, sort_keys=True))
    return lines
