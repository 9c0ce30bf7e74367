"""How well the judge tags topics, against a real site's own labels (``newsdesk eval topics TREE``).

TREE is a content tree (``../shared/data/records/everyday-ai``): its records (``_news/*.md``, read with the
project's record reader) and its taxonomy (``_data/topics``). Every record that carries ``topics`` is tagged by
:class:`~newsdesk.judge.topics.TopicTagger` with that tree's own taxonomy, from its title and excerpt only, and
the topics below the root are compared with the record's own (the root, which every record has, left out).
Reported: micro precision, recall and F1 over (record, topic) pairs, macro F1 (the mean of the per-topic F1 over
topics that are in the labels or the predictions), per-topic counts and scores, and the records tagged wrongly.

Two more figures, on request:

- ``cross_validate``: a held-out micro F1 for the tagger's constants. The records, in file (date) order, are cut
  into ``folds`` consecutive parts (so copies of one story mostly stay together); each part is tagged with the
  constants of a small grid around the shipped ones that score the best micro F1 on the other parts.
- ``corrections``: micro F1 when editors correct as they go. Records are tagged in file (date) order, each by a
  tagger that has every earlier record's labels as editors' corrections (:class:`TopicExample`); a record is
  tagged before its own labels are seen.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsdesk.encoder.embed import Embedder, MiniLM, Vectors
from newsdesk.evaluation.counts import Counts
from newsdesk.judge.semantic import Closeness, TopicSpace
from newsdesk.judge.topics import TaggerConfig, TopicExample, TopicScore, TopicTagger
from newsdesk.judge.tree import TopicTree
from newsdesk.record.file import RecordError
from newsdesk.record.tree import read_tree

#: The constants tried by the cross-validation, around the shipped ones.
GRID: dict[str, tuple[float, ...]] = {
    "prior": (-3.5, -3.0, -2.5),
    "similarity_center": (0.30, 0.35, 0.40),
    "similarity_below_weight": (3.0, 5.0, 10.0),
    "nearest_bonus": (0.0, 1.0, 2.0),
}


@dataclass(frozen=True, slots=True)
class LabelledRecord:
    """One record's text and its own topics below the root."""

    slug: str
    title: str
    excerpt: str
    gold: frozenset[str]


@dataclass(frozen=True, slots=True)
class TopicCounts(Counts):
    """Per topic: right, extra and missing tags."""

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


@dataclass(frozen=True, slots=True)
class TopicsEvalReport:
    """Scores of one run, the predictions, and the extra figures when asked for."""

    path: Path
    records: tuple[LabelledRecord, ...]
    unlabelled: int
    predictions: tuple[tuple[TopicScore, ...], ...]
    root_names: frozenset[str]
    per_topic: dict[str, TopicCounts]
    seconds: float
    cross_validated: TopicCounts | None = None
    folds: int = 0
    with_corrections: TopicCounts | None = None

    @property
    def micro(self) -> TopicCounts:
        return _micro(self.per_topic)

    @property
    def macro_f1(self) -> float:
        scores = [c.f1 for c in self.per_topic.values()]
        return sum(scores) / len(scores) if scores else 0.0

    def predicted(self, index: int) -> frozenset[str]:
        return frozenset(t.name for t in self.predictions[index]) - self.root_names


def _micro(per_topic: dict[str, TopicCounts]) -> TopicCounts:
    return TopicCounts(
        tp=sum(c.tp for c in per_topic.values()),
        fp=sum(c.fp for c in per_topic.values()),
        fn=sum(c.fn for c in per_topic.values()),
    )


def score(golds: Sequence[frozenset[str]], predicted: Sequence[frozenset[str]]) -> dict[str, TopicCounts]:
    """Per-topic counts of predicted topic sets against gold ones (one set per record)."""
    tally: dict[str, Counter[str]] = {}
    for gold, found in zip(golds, predicted, strict=True):
        for name in gold | found:
            entry = tally.setdefault(name, Counter())
            entry["tp" if name in gold and name in found else "fn" if name in gold else "fp"] += 1
    return {name: TopicCounts(c["tp"], c["fp"], c["fn"]) for name, c in sorted(tally.items())}


def read_labelled(root: Path) -> tuple[TopicTree, list[LabelledRecord], int]:
    """The tree's checked taxonomy, its records that carry topics, and how many carry none.

    A bad record or topic file raises :class:`RecordError` (naming the file and line), as does a tree without
    a taxonomy or without records.
    """
    tree = read_tree(root)
    if tree.problems:
        raise tree.problems[0]
    if not tree.topics:
        raise RecordError(str(root), "has no taxonomy (_data/topics/*.yaml) to tag with")
    taxonomy = TopicTree.from_topics(tree.topics)
    roots = {r.name for r in taxonomy.roots}
    records: list[LabelledRecord] = []
    unlabelled = 0
    for story in tree.stories:
        if story.topics is None:
            unlabelled += 1
            continue
        records.append(
            LabelledRecord(
                slug=story.slug,
                title=story.primary.title,
                excerpt=story.primary.excerpt or "",
                gold=frozenset(story.topics) - roots,
            )
        )
    if not records:
        raise RecordError(str(root), "has no records with topics (_news/*.md) to compare with")
    return taxonomy, records, unlabelled


def run_topics_eval(
    root: Path,
    *,
    embedder: Embedder | None = None,
    config: TaggerConfig | None = None,
    vectors: Vectors | None = None,
    cross_validate: bool = False,
    folds: int = 5,
    corrections: bool = False,
    progress: Callable[[], None] | None = None,
) -> TopicsEvalReport:
    """Tag every labelled record of the tree from its title and excerpt and score against its own topics."""
    taxonomy, records, unlabelled = read_labelled(root)
    started = time.perf_counter()
    space = TopicSpace(taxonomy, embedder or MiniLM())
    items = [(r.title, r.excerpt) for r in records]
    if vectors is None:
        vectors = space.embed_articles(items)
    if len(vectors) != len(records):
        raise ValueError(f"{len(records)} records but {len(vectors)} vectors")
    matrix = np.asarray(vectors, dtype=np.float32)
    closeness = [space.closeness(matrix[i]) for i in range(len(records))]
    tagger = TopicTagger(space, config=config)
    roots = frozenset(r.name for r in taxonomy.roots)
    predictions: list[tuple[TopicScore, ...]] = []
    for i, (title, excerpt) in enumerate(items):
        predictions.append(tuple(tagger.tag_closeness(title, excerpt, closeness[i], matrix[i])))
        if progress is not None:
            progress()
    golds = [r.gold for r in records]
    per_topic = score(golds, [frozenset(t.name for t in p) - roots for p in predictions])
    held_out = _cross_validate(space, records, closeness, matrix, tagger.config, folds) if cross_validate else None
    corrected = _with_corrections(space, records, closeness, matrix, tagger.config) if corrections else None
    return TopicsEvalReport(
        path=root,
        records=tuple(records),
        unlabelled=unlabelled,
        predictions=tuple(predictions),
        root_names=roots,
        per_topic=per_topic,
        seconds=time.perf_counter() - started,
        cross_validated=held_out,
        folds=folds if cross_validate else 0,
        with_corrections=corrected,
    )


def _names(predicted: Sequence[TopicScore], roots: frozenset[str]) -> frozenset[str]:
    return frozenset(t.name for t in predicted) - roots


def _cross_validate(
    space: TopicSpace,
    records: Sequence[LabelledRecord],
    closeness: Sequence[Closeness],
    matrix: np.ndarray,
    base: TaggerConfig,
    folds: int,
) -> TopicCounts:
    roots = frozenset(r.name for r in space.tree.roots)
    changes: list[dict[str, Any]] = [
        dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    configs = [dataclasses.replace(base, **change) for change in changes]
    tagged: list[list[frozenset[str]]] = []
    for config in configs:
        tagger = TopicTagger(space, config=config)
        tagged.append(
            [
                _names(tagger.tag_closeness(r.title, r.excerpt, closeness[i], matrix[i]), roots)
                for i, r in enumerate(records)
            ]
        )
    size = len(records)
    bounds = [round(size * k / folds) for k in range(folds + 1)]
    held: list[frozenset[str]] = [frozenset()] * size
    for k in range(folds):
        train = [i for i in range(size) if not bounds[k] <= i < bounds[k + 1]]

        def micro_f1(j: int, train: list[int] = train) -> float:
            counts = score([records[i].gold for i in train], [tagged[j][i] for i in train])
            return _micro(counts).f1

        best = max(range(len(configs)), key=lambda j: (micro_f1(j), -j))
        for i in range(bounds[k], bounds[k + 1]):
            held[i] = tagged[best][i]
    return _micro(score([r.gold for r in records], held))


def _with_corrections(
    space: TopicSpace,
    records: Sequence[LabelledRecord],
    closeness: Sequence[Closeness],
    matrix: np.ndarray,
    config: TaggerConfig,
) -> TopicCounts:
    roots = frozenset(r.name for r in space.tree.roots)
    found: list[frozenset[str]] = []
    examples: list[TopicExample] = []
    for i, record in enumerate(records):
        tagger = TopicTagger(space, examples, config, example_vectors=matrix[:i] if examples else None)
        found.append(_names(tagger.tag_closeness(record.title, record.excerpt, closeness[i], matrix[i]), roots))
        examples.append(TopicExample(record.title, record.excerpt, tuple(sorted(record.gold))))
    return _micro(score([r.gold for r in records], found))


def format_topics_report(report: TopicsEvalReport, *, errors: bool = False) -> list[str]:
    """Readable lines, the last one a JSON object of the figures; ``errors`` lists the records tagged wrongly."""
    micro = report.micro
    lines = [
        f"{report.path.name}: {len(report.records)} records with topics ({report.unlabelled} without, skipped); "
        f"tagged from title and excerpt with the tree's own taxonomy; root ({', '.join(sorted(report.root_names))}) "
        "left out",
        f"micro: precision {micro.precision:.4f}, recall {micro.recall:.4f}, F1 {micro.f1:.4f} "
        f"({micro.tp} right, {micro.fp} extra, {micro.fn} missing)",
        f"macro F1 {report.macro_f1:.4f} over {len(report.per_topic)} topics",
        "per topic (labelled / tagged / right: precision, recall, F1):",
    ]
    for name, c in report.per_topic.items():
        lines.append(f"  {name}: {c.tp + c.fn} / {c.tp + c.fp} / {c.tp}: {c.precision:.2f}, {c.recall:.2f}, {c.f1:.2f}")
    if report.cross_validated is not None:
        lines.append(
            f"held out ({report.folds} consecutive folds, constants re-chosen on the other folds): micro F1 "
            f"{report.cross_validated.f1:.4f}"
        )
    if report.with_corrections is not None:
        c = report.with_corrections
        lines.append(
            f"with editors' corrections as they go (each record tagged before its labels join the examples): "
            f"micro precision {c.precision:.4f}, recall {c.recall:.4f}, F1 {c.f1:.4f}"
        )
    lines.append(f"tagged in {report.seconds:.1f} s (embedding included)")
    if errors:
        wrong = [i for i, r in enumerate(report.records) if report.predicted(i) != r.gold]
        lines.append(f"records tagged differently from their labels: {len(wrong)}")
        for i in wrong:
            record, found = report.records[i], report.predicted(i)
            missing, extra = sorted(record.gold - found), sorted(found - record.gold)
            lines.append(
                f"  {record.slug}: labelled {sorted(record.gold)}, tagged {sorted(found)}"
                + (f"; missing {missing}" if missing else "")
                + (f"; extra {extra}" if extra else "")
            )
            lines.append(f"    title: {record.title!r}")
            for topic in report.predictions[i]:
                if topic.name in extra:
                    lines.append(f"    why {topic.name!r} ({topic.score:.2f}): {'; '.join(topic.evidence[:3])}")
    figures: dict[str, object] = {
        "micro_precision": round(micro.precision, 4),
        "micro_recall": round(micro.recall, 4),
        "micro_f1": round(micro.f1, 4),
        "macro_f1": round(report.macro_f1, 4),
        "records": len(report.records),
        "labels": micro.tp + micro.fn,
        "tags": micro.tp + micro.fp,
    }
    if report.cross_validated is not None:
        figures["cv_micro_f1"] = round(report.cross_validated.f1, 4)
    if report.with_corrections is not None:
        figures["micro_f1_with_corrections"] = round(report.with_corrections.f1, 4)
    lines.append(json.dumps(figures, sort_keys=False))
    return lines
