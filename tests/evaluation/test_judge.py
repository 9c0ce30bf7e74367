"""The relevance and topics evaluations: figures, reports, the commands, and bad input named by file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli import app
from newsdesk.evaluation.relevance import (
    BeatCounts,
    format_relevance_report,
    read_items,
    read_taxonomy,
    run_relevance_eval,
)
from newsdesk.evaluation.topics import format_topics_report, run_topics_eval, score
from newsdesk.judge.topics import TaggerConfig
from newsdesk.record.file import RecordError
from tests.support.embedders import HashingEmbedder
from tests.support.paths import FIXTURES

TREE = FIXTURES / "judge" / "tree"
KEYWORDS_ONLY = TaggerConfig(similarity_weight=0.0, similarity_below_weight=0.0, nearest_bonus=0.0)

ARTICLES = [
    ("Hospital trains a deep learning model", "The neural network reads scans with artificial intelligence.", True),
    ("DeepMind technique cuts the cost of training", "The new technique cuts the cost of training models.", True),
    ("Football club wins the league", "The team celebrated after a dramatic final day.", False),
    ("Pop star's new single climbs the charts", "Fans love the chorus.", False),
    ("Bakery opens a second shop", "It sells bread and cakes.", False),
]


def _write(path: Path, rows: list[tuple[str, str, bool]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number, (title, text, on_beat) in enumerate(rows):
            row = {"id": f"a{number}", "title": title, "text": text, "on_beat": on_beat, "origin": "fixture"}
            out.write(json.dumps(row) + "\n")
    return path


def _run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"NEWSDESK_DESK": None})
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------- relevance


def test_counts_give_nulls_where_the_file_cannot_tell() -> None:
    assert BeatCounts(tp=3, fp=1, fn=1, tn=5).precision == 0.75
    assert BeatCounts(tp=3, fp=1, fn=1, tn=5).false_positive_rate == pytest.approx(1 / 6)
    only_on = BeatCounts(tp=2, fn=1)
    assert only_on.false_positive_rate is None
    assert only_on.recall == pytest.approx(2 / 3)
    only_off = BeatCounts(tn=4)
    assert only_off.recall is None
    assert only_off.precision is None
    assert only_off.f1 is None
    assert only_off.false_positive_rate == 0.0


def test_relevance_eval_on_a_small_file(tmp_path: Path) -> None:
    ticks: list[None] = []
    report = run_relevance_eval(
        _write(tmp_path / "beat.jsonl", ARTICLES),
        taxonomy=TREE,
        embedder=HashingEmbedder(),
        progress=lambda: ticks.append(None),
    )
    assert len(ticks) == 5
    assert report.counts == BeatCounts(tp=2, fp=0, fn=0, tn=3)
    lines = format_relevance_report(report, errors=True)
    figures = json.loads(lines[-1])
    assert figures["precision"] == 1.0
    assert figures["recall"] == 1.0
    assert figures["f1"] == 1.0
    assert figures["false_positive_rate"] == 0.0
    assert {"articles", "on_beat", "off_beat"} <= figures.keys()
    assert "fixture: 5 of 5 judged right" in "\n".join(lines)
    assert "wrong judgments: 0" in lines


def test_relevance_eval_without_off_beat_articles_reports_null(tmp_path: Path) -> None:
    report = run_relevance_eval(
        _write(tmp_path / "on.jsonl", ARTICLES[:2]),
        taxonomy=TREE,
        embedder=HashingEmbedder(),
        cross_validate=True,
        folds=2,
    )
    figures = json.loads(format_relevance_report(report)[-1])
    assert figures["false_positive_rate"] is None
    assert figures["recall"] == 1.0
    assert "cv_recall" in figures


def test_the_default_taxonomy_is_used_without_taxonomy(tmp_path: Path) -> None:
    report = run_relevance_eval(_write(tmp_path / "beat.jsonl", ARTICLES), embedder=HashingEmbedder())
    assert report.taxonomy == "the default AI taxonomy"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"title": "a", "text": "", "on_beat": true}\n{"title": "b", "on_beat": tru\n', r":2: not JSON"),
        ('{"title": "a", "text": "b"}\n', r":1: no \"on_beat\" \(true or false\)"),
        ('{"text": "b", "on_beat": false}\n', r":1: no \"title\""),
        ('{"title": "a", "text": 5, "on_beat": false}\n', r":1: \"text\" must be text"),
        ("[1, 2]\n", r":1: each line must be a JSON object"),
        ("\n\n", r"beat\.jsonl: holds no articles"),
    ],
)
def test_bad_lines_are_named_by_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "beat.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RecordError, match=message) as caught:
        read_items(path)
    assert str(caught.value).startswith(str(path))


def test_a_missing_or_empty_taxonomy_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="no such directory"):
        read_taxonomy(tmp_path / "nowhere")
    with pytest.raises(RecordError, match="holds no topic files"):
        read_taxonomy(tmp_path)
    assert len(read_taxonomy(TREE)) == len(read_taxonomy(TREE / "_data" / "topics")) == 7


def test_eval_relevance_command(tmp_path: Path) -> None:
    path = _write(tmp_path / "beat.jsonl", ARTICLES)
    code, out, _ = _run("eval", "relevance", path, "--taxonomy", TREE, "--errors", "--require", "precision=0.5")
    assert code == 0, out
    figures = json.loads(out.strip().splitlines()[-1])
    assert {"precision", "recall", "f1", "false_positive_rate"} <= figures.keys()
    assert "on the beat: precision" in out
    code, out, err = _run("eval", "relevance", path, "--taxonomy", TREE, "--require", "recall=1.5")
    assert code == 1
    assert "below the pinned minimum" in err


def test_eval_relevance_command_on_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "beat.jsonl"
    path.write_text('{"title": "a", "text": "", "on_beat": true}\nnot json\n', encoding="utf-8")
    code, _, err = _run("eval", "relevance", path, "--taxonomy", TREE)
    assert code == 1
    assert err.strip() == f"error: {path}:2: not JSON: Expecting value (column 1)"
    topics = tmp_path / "topics"
    topics.mkdir()
    (topics / "00-ai.yaml").write_text("_id: ai\nname: AI\nkeywords: [ai\n", encoding="utf-8")
    _write(path, ARTICLES)
    code, _, err = _run("eval", "relevance", path, "--taxonomy", topics)
    assert code == 1
    assert err.strip().startswith(f"error: {topics / '00-ai.yaml'}:3: broken YAML")
    assert "broken YAML" in err


# --------------------------------------------------------------------------- topics


def test_topic_scores_by_hand() -> None:
    per_topic = score(
        [frozenset({"A", "B"}), frozenset({"A"}), frozenset()],
        [frozenset({"A"}), frozenset({"A", "C"}), frozenset({"C"})],
    )
    assert per_topic["A"].tp == 2
    assert per_topic["B"].fn == 1
    assert per_topic["C"].fp == 2
    assert per_topic["C"].f1 == 0.0
    assert per_topic["A"].f1 == 1.0


def test_topics_eval_on_a_small_tree() -> None:
    report = run_topics_eval(TREE, embedder=HashingEmbedder(), config=KEYWORDS_ONLY, corrections=True)
    assert len(report.records) == 4
    assert report.micro.tp + report.micro.fn == 6  # the root, AI, is left out
    assert report.micro.f1 == pytest.approx(1.0)
    assert report.with_corrections is not None
    lines = format_topics_report(report, errors=True)
    figures = json.loads(lines[-1])
    assert figures["micro_f1"] == 1.0
    assert figures["macro_f1"] == 1.0
    assert "micro_f1_with_corrections" in figures
    assert "records tagged differently from their labels: 0" in lines
    assert any(line.startswith("  TensorFlow: 1 / 1 / 1") for line in lines)


def test_topics_eval_lists_the_errors(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(TREE, tree)
    record = tree / "_news" / "2024-05-04-what-artificial-intelligence-can-and-cannot-do.md"
    record.write_text(record.read_text(encoding="utf-8").replace("  - AI\n", "  - AI Ethics\n  - AI\n"), "utf-8")
    report = run_topics_eval(tree, embedder=HashingEmbedder(), config=KEYWORDS_ONLY, cross_validate=True, folds=2)
    lines = format_topics_report(report, errors=True)
    assert "records tagged differently from their labels: 1" in lines
    assert any("labelled ['AI Ethics'], tagged []; missing ['AI Ethics']" in line for line in lines)
    figures = json.loads(lines[-1])
    assert figures["micro_recall"] == pytest.approx(6 / 7, abs=1e-4)
    assert "cv_micro_f1" in figures


def test_a_bad_record_or_an_empty_tree_is_named(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(TREE, tree)
    bad = tree / "_news" / "2024-05-01-hospital-trains-deep-learning-model-to-spot-cancer.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace("type: article", "type: [article"), "utf-8")
    with pytest.raises(RecordError, match=r"hospital-trains-deep-learning-model-to-spot-cancer\.md:\d+"):
        run_topics_eval(tree, embedder=HashingEmbedder())
    empty = tmp_path / "empty"
    (empty / "_data" / "topics").mkdir(parents=True)
    shutil.copy(TREE / "_data" / "topics" / "00-ai.yaml", empty / "_data" / "topics")
    with pytest.raises(RecordError, match="has no records with topics"):
        run_topics_eval(empty, embedder=HashingEmbedder())


def test_eval_topics_command() -> None:
    code, out, _ = _run("eval", "topics", TREE, "--errors", "--corrections", "--require", "micro_f1=0.5")
    assert code == 0, out
    figures = json.loads(out.strip().splitlines()[-1])
    assert {"micro_f1", "macro_f1", "micro_f1_with_corrections"} <= figures.keys()
    assert "per topic" in out


def test_eval_topics_command_on_a_missing_tree(tmp_path: Path) -> None:
    code, _, err = _run("eval", "topics", tmp_path / "nowhere")
    assert code == 1
    assert err.strip() == f"error: {tmp_path / 'nowhere'}: no such directory"
