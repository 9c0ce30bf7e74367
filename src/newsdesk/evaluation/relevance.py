"""How well the judge keeps a desk on its beat (``newsdesk eval relevance FILE.jsonl``).

FILE holds one article a line: ``{"id", "title", "text", "on_beat", "origin"}`` (``../shared/data/topics/
ai-beat.jsonl``: 162 A.I. Every Day articles on the AI beat, 600 AG News and BBC articles off it). Each article
is embedded (MiniLM over :func:`~newsdesk.stories.features.embedding_text`, as the desk does) and judged by
:class:`~newsdesk.judge.relevance.BeatJudge` with the desk's default AI taxonomy, or the ``_data/topics`` folder
given (or the shipped beat named: ``--taxonomy politics``). FILE may instead be the shared ``data`` folder: the
politics set is then assembled from it (:mod:`newsdesk.evaluation.beatsets`). Reported:
precision, recall and F1 of "on the beat", the false-positive rate, counts per ``origin``, and the articles
judged wrongly. A figure the file cannot give (recall without on-beat articles, the false-positive rate without
off-beat ones, precision when nothing was judged on the beat) is ``null``.

``cross_validate`` also reports a held-out figure for the judge's constants: the file is dealt into ``folds``
parts (every ``folds``-th article); for each, the constants of a small grid around the shipped ones that score
the best F1 on the other parts judge it. That is what the shipped constants would score had they been chosen
without the part they are measured on.
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

from newsdesk.encoder.embed import Embedder, MiniLM, Vectors
from newsdesk.evaluation.beatitems import BeatItem, json_lines
from newsdesk.judge.defaults import STARTER_BEATS, default_taxonomy, starter_taxonomy
from newsdesk.judge.relevance import BeatConfig, BeatJudge, BeatSignals, Relevance, glance_text
from newsdesk.judge.semantic import TopicSpace
from newsdesk.judge.tree import TopicTree
from newsdesk.record import Topic
from newsdesk.record.file import RecordError
from newsdesk.record.taxonomy import parse_topic
from newsdesk.record.tree import TOPICS_DIR, read_capped

#: The constants tried by the cross-validation, around the shipped ones.
GRID: dict[str, tuple[float, ...]] = {
    "prior": (-2.5, -2.0, -1.5),
    "semantic_weight": (14.0, 20.0, 30.0),
    "no_keyword": (-1.0, -2.0, -3.0),
    "contrast_tolerance": (0.0, 0.05, 0.10),
    "contrast_weight": (30.0, 60.0, 90.0),
}


@dataclass(frozen=True, slots=True)
class BeatCounts:
    """Outcomes of "on the beat" against the labels, and the figures derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_positive_rate(self) -> float | None:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else None


@dataclass(frozen=True, slots=True)
class RelevanceEvalReport:
    """Scores of one run, the judgments, and the held-out figure when asked for."""

    path: Path
    taxonomy: str
    items: tuple[BeatItem, ...]
    judgments: tuple[Relevance, ...]
    counts: BeatCounts
    seconds: float
    cross_validated: BeatCounts | None = None
    folds: int = 0
    #: Articles a glance (title and lead) settled off the beat, and of them, those the full reading puts on it.
    glance_settled: int = 0
    glance_dropped: int = 0

    @property
    def judged_on_beat(self) -> int:
        """Articles the full reading puts on the beat."""
        return sum(j.on_beat for j in self.judgments)

    @property
    def glance_recall(self) -> float | None:
        """Of the articles the full reading puts on the beat, the share a glance leaves to that reading."""
        on = self.judged_on_beat
        return 1.0 - self.glance_dropped / on if on else None


def count(items: Sequence[BeatItem], judgments: Sequence[Relevance]) -> BeatCounts:
    """Outcomes of the judgments against the items' labels."""
    outcomes = Counter((item.on_beat, judged.on_beat) for item, judged in zip(items, judgments, strict=True))
    return BeatCounts(
        tp=outcomes[True, True], fp=outcomes[False, True], fn=outcomes[True, False], tn=outcomes[False, False]
    )


def read_items(path: Path) -> list[BeatItem]:
    """The file's articles; a line that is not an article raises :class:`RecordError` naming the line."""
    items: list[BeatItem] = []
    for number, row in json_lines(path):
        title, body, on_beat = row.get("title"), row.get("text", ""), row.get("on_beat")
        if not isinstance(title, str):
            raise RecordError(str(path), 'no "title" (text) in this article', number)
        if body is None:
            body = ""
        if not isinstance(body, str):
            raise RecordError(str(path), '"text" must be text', number)
        if not isinstance(on_beat, bool):
            raise RecordError(str(path), 'no "on_beat" (true or false) in this article', number)
        items.append(
            BeatItem(
                line=number,
                id=str(row.get("id", number)),
                title=title,
                text=body,
                on_beat=on_beat,
                origin=str(row.get("origin") or "unknown"),
            )
        )
    if not items:
        raise RecordError(str(path), "holds no articles")
    return items


def read_taxonomy(folder: Path) -> list[Topic]:
    """The topics of a ``_data/topics`` folder (or of a content tree's); a bad file raises :class:`RecordError`."""
    if (folder / TOPICS_DIR).is_dir():
        folder = folder / TOPICS_DIR
    if not folder.is_dir():
        raise RecordError(str(folder), "no such directory (a _data/topics folder or a content tree)")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise RecordError(str(folder), "holds no topic files (*.yaml)")
    return [parse_topic(read_capped(p), p.name, str(p)) for p in files]


def run_relevance_eval(
    path: Path,
    *,
    taxonomy: Path | None = None,
    embedder: Embedder | None = None,
    config: BeatConfig | None = None,
    vectors: Vectors | None = None,
    cross_validate: bool = False,
    folds: int = 5,
    progress: Callable[[], None] | None = None,
) -> RelevanceEvalReport:
    """Judge every article of the file and score the judgments against its labels.

    ``vectors`` (one row per article, in file order) skip embedding the articles; ``progress`` is called once
    per article judged.
    """
    if path.is_dir():
        from newsdesk.evaluation.beatsets import politics_items, politics_pt_items

        items = politics_pt_items(path) if str(taxonomy) == "politics-pt" else politics_items(path)
    else:
        items = read_items(path)
    if taxonomy is not None and not taxonomy.exists() and str(taxonomy) in STARTER_BEATS:
        topics = starter_taxonomy(str(taxonomy))
    else:
        topics = read_taxonomy(taxonomy) if taxonomy is not None else default_taxonomy()
    started = time.perf_counter()
    space = TopicSpace(TopicTree.from_topics(topics), embedder or MiniLM())
    if vectors is None:
        vectors = space.embed_articles([(item.title, item.text) for item in items])
    if len(vectors) != len(items):
        raise ValueError(f"{len(items)} articles but {len(vectors)} vectors")
    judge = BeatJudge(space, config)
    signals = judge.signals_many([(item.title, item.text) for item in items], vectors)
    judgments: list[Relevance] = []
    for one in signals:
        judgments.append(judge.decide(one))
        if progress is not None:
            progress()
    counts = count(items, judgments)
    pairs = [(item.title, item.text) for item in items]
    candidates = judge.glance_candidates(pairs)
    glances = judge.glance(
        [pairs[i] for i in candidates],
        space.embed_texts([glance_text(pairs[i][0], "", pairs[i][1], judge.config) for i in candidates]),
    )
    settled = [i for i, verdict in zip(candidates, glances, strict=True) if verdict is not None]
    held_out = None
    if cross_validate:
        held_out = _cross_validate(space, items, signals, judge.config, folds)
    return RelevanceEvalReport(
        path=path,
        taxonomy=str(taxonomy) if taxonomy is not None else "the default AI taxonomy",
        items=tuple(items),
        judgments=tuple(judgments),
        counts=counts,
        seconds=time.perf_counter() - started,
        cross_validated=held_out,
        folds=folds if cross_validate else 0,
        glance_settled=len(settled),
        glance_dropped=sum(judgments[i].on_beat for i in settled),
    )


def _cross_validate(
    space: TopicSpace, items: Sequence[BeatItem], signals: Sequence[BeatSignals], base: BeatConfig, folds: int
) -> BeatCounts:
    """Held-out outcomes: each of ``folds`` parts judged by the grid's best constants on the other parts."""
    changes: list[dict[str, Any]] = [
        dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    configs = [dataclasses.replace(base, **change) for change in changes]
    verdicts: list[list[bool]] = []
    for config in configs:
        judge = BeatJudge(space, config)
        verdicts.append([judge.decide(one).on_beat for one in signals])
    totals = Counter[tuple[bool, bool]]()
    for k in range(folds):
        test = [i for i in range(len(items)) if i % folds == k]
        train = [i for i in range(len(items)) if i % folds != k]

        def f1_on(indices: Sequence[int], verdict: list[bool]) -> float:
            c = Counter((items[i].on_beat, verdict[i]) for i in indices)
            tp, fp, fn = c[True, True], c[False, True], c[True, False]
            return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

        best = max(range(len(configs)), key=lambda j: (f1_on(train, verdicts[j]), -j))
        totals.update((items[i].on_beat, verdicts[best][i]) for i in test)
    return BeatCounts(tp=totals[True, True], fp=totals[False, True], fn=totals[True, False], tn=totals[False, False])


def _figure(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _shown(value: float | None) -> str:
    return f"{value:.4f}" if value is not None else "n/a"


def format_relevance_report(report: RelevanceEvalReport, *, errors: bool = False) -> list[str]:
    """Readable lines, the last one a JSON object of the figures; ``errors`` lists the wrong judgments."""
    c = report.counts
    on = sum(item.on_beat for item in report.items)
    lines = [
        f"{report.path.name}: {len(report.items)} articles, {on} on the beat, {len(report.items) - on} off "
        f"(taxonomy: {report.taxonomy})",
        f"on the beat: precision {_shown(c.precision)}, recall {_shown(c.recall)}, F1 {_shown(c.f1)}",
        f"false-positive rate {_shown(c.false_positive_rate)} ({c.fp} of {c.fp + c.tn} off-beat articles "
        f"judged on it); {c.fn} of {c.tp + c.fn} on-beat articles missed",
    ]
    by_origin: dict[str, list[int]] = {}
    for item, judged in zip(report.items, report.judgments, strict=True):
        tally = by_origin.setdefault(item.origin, [0, 0])
        tally[0] += int(judged.on_beat == item.on_beat)
        tally[1] += 1
    for origin, (right, total) in sorted(by_origin.items()):
        lines.append(f"  {origin}: {right} of {total} judged right")
    held = report.cross_validated
    if held is not None:
        lines.append(
            f"held out ({report.folds}-fold, constants re-chosen on the other folds): precision "
            f"{_shown(held.precision)}, recall {_shown(held.recall)}, F1 {_shown(held.f1)}"
        )
    lines.append(
        f"at a glance (title and lead): {report.glance_settled} of {len(report.items)} settled off the beat, never "
        f"read in full; {report.glance_dropped} of the {report.judged_on_beat} the full reading puts on the beat "
        "among them "
        f"(kept: {_shown(report.glance_recall)})"
    )
    lines.append(f"judged in {report.seconds:.1f} s (embedding included)")
    if errors:
        wrong = [(i, j) for i, j in zip(report.items, report.judgments, strict=True) if i.on_beat != j.on_beat]
        lines.append(f"wrong judgments: {len(wrong)}")
        for item, judged in wrong:
            kind = "false positive" if judged.on_beat else "missed"
            lines.append(f"  {kind}: line {item.line} ({item.origin}): {item.title!r}")
            lines.extend(f"    {line}" for line in judged.evidence)
    figures: dict[str, object] = {
        "precision": _figure(c.precision),
        "recall": _figure(c.recall),
        "f1": _figure(c.f1),
        "false_positive_rate": _figure(c.false_positive_rate),
        "articles": len(report.items),
        "on_beat": on,
        "off_beat": len(report.items) - on,
        "true_positives": c.tp,
        "false_positives": c.fp,
        "false_negatives": c.fn,
        "glance_settled_share": round(report.glance_settled / len(report.items), 4) if report.items else None,
        "glance_recall": _figure(report.glance_recall),
    }
    if held is not None:
        figures.update(
            {
                "cv_precision": _figure(held.precision),
                "cv_recall": _figure(held.recall),
                "cv_f1": _figure(held.f1),
            }
        )
    lines.append(json.dumps(figures, sort_keys=False))
    return lines
