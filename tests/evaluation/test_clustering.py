"""The clustering evaluation (scores, the report, the live path over a file) and the clustering benchmark."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsdesk.bench.clustering import SyntheticNews, format_clustering_bench, pseudo_word, run_clustering_bench
from newsdesk.evaluation.clustering import (
    format_clustering_report,
    read_articles,
    run_clustering_eval,
    score_clustering,
)
from tests.support.embedders import HashingEmbedder
from tests.support.paths import shared_dir

REPORT_KEYS = {"bcubed_precision", "bcubed_recall", "bcubed_f1", "pairwise_f1", "nmi", "stories", "articles_per_second"}

ROWS = [
    (
        "c1",
        "SpaceX launches Falcon Heavy rocket",
        "Elon Musk watched the Falcon Heavy lift off.",
        "2018-02-06T10:00:00Z",
    ),
    ("c2", "Cubs win the World Series", "The Chicago Cubs beat Cleveland in Game 7.", "2018-02-06T11:00:00Z"),
    ("c1", "Falcon Heavy rocket lifts off", "SpaceX sent the Falcon Heavy up from Florida.", "2018-02-06T12:00:00Z"),
    ("c2", "World Series: Cubs are champions", "Chicago Cubs fans celebrate the World Series.", None),
]


def _write(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number, (cluster, title, lead, published) in enumerate(ROWS):
            row: dict[str, str | None] = {
                "id": f"a{number}",
                "cluster": cluster,
                "title": title,
                "lead": lead,
                "text": lead,
            }
            row.update({"published": published, "source": "example.org", "url": f"https://example.org/{number}"})
            out.write(json.dumps(row) + "\n")
    return path


def test_scores_of_a_perfect_clustering() -> None:
    scores = score_clustering(["a", "a", "b"], [7, 7, 9])
    assert scores.bcubed_f1 == pytest.approx(1.0)
    assert scores.pairwise_f1 == pytest.approx(1.0)
    assert scores.nmi == pytest.approx(1.0)


def test_scores_by_hand() -> None:
    scores = score_clustering(["a", "a", "b", "b"], [1, 1, 1, 2])
    assert scores.bcubed_precision == pytest.approx(2 / 3)
    assert scores.bcubed_recall == pytest.approx(0.75)
    assert scores.bcubed_f1 == pytest.approx(2 * (2 / 3) * 0.75 / (2 / 3 + 0.75))
    # Predicted pairs: (1,2), (1,3), (2,3); gold pairs: (1,2), (3,4); one in common.
    assert scores.pairwise_precision == pytest.approx(1 / 3)
    assert scores.pairwise_recall == pytest.approx(1 / 2)
    assert 0.0 < scores.nmi < 1.0
    with pytest.raises(ValueError, match="labels"):
        score_clustering(["a"], [])


def test_read_articles_numbers_lines_and_parses_times(tmp_path: Path) -> None:
    articles, gold = read_articles(_write(tmp_path / "set.jsonl"))
    assert [a.id for a in articles] == [0, 1, 2, 3]
    assert gold == ["c1", "c2", "c1", "c2"]
    assert articles[0].published is not None
    assert articles[0].published.hour == 10
    assert articles[3].published is None
    assert articles[1].source == "example.org"
    # Without a guesser and without a language field, the language is unknown.
    assert {a.language for a in articles} == {None}


def test_run_and_report(tmp_path: Path) -> None:
    calls: list[int] = []
    report = run_clustering_eval(
        _write(tmp_path / "set.jsonl"), embedder=HashingEmbedder(), progress=lambda: calls.append(1)
    )
    assert len(calls) == 4
    assert report.articles == 4
    assert report.gold_stories == 2
    assert report.stories == 2
    assert report.scores.bcubed_f1 == pytest.approx(1.0)
    lines = format_clustering_report(report)
    figures = json.loads(lines[-1])
    assert set(figures) >= REPORT_KEYS
    assert figures["stories"] == 2
    assert any("embedding" in line for line in lines[:-1])
    # The language of each article was guessed (the file gives none); every one went to the English stream.
    assert "languages: en 4" in lines
    assert figures["en.bcubed_f1"] == 1.0


def test_run_with_given_vectors_skips_embedding(tmp_path: Path) -> None:
    path = _write(tmp_path / "set.jsonl")
    vectors = HashingEmbedder().embed([f"{title} {lead}" for _, title, lead, _ in ROWS])
    report = run_clustering_eval(path, vectors=vectors)
    assert report.embedding_seconds == 0.0
    assert report.stories == 2


@pytest.mark.shared_data
def test_giveme5w1h_with_a_toy_embedder() -> None:
    shared = shared_dir()
    if shared is None:
        pytest.skip("no ../shared")
    path = shared / "data" / "clustering" / "giveme5w1h.jsonl"
    report = run_clustering_eval(path, embedder=HashingEmbedder())
    # The real bar (MiniLM) is B-cubed F1 >= 0.93; hashed bags of words still separate most stories.
    assert report.scores.bcubed_f1 > 0.8
    assert report.articles == 383


def test_synthetic_news_is_deterministic() -> None:
    assert pseudo_word(0) != pseudo_word(1)
    first = SyntheticNews(3, 20).articles(0, np.arange(5), np.zeros(5))
    second = SyntheticNews(3, 20).articles(0, np.arange(5), np.zeros(5))
    assert first[0] == second[0]
    assert np.array_equal(first[1], second[1])
    assert first[2] == [0, 1, 2, 3, 4]


def test_bench_report() -> None:
    report = run_clustering_bench(3_000, seed=1, warmup=1_000, per_day=500, embedder=HashingEmbedder(), embed_sample=16)
    assert report.articles == 3_000
    assert report.warmup == 1_000
    assert report.days == 8.0
    # A quarter of 500 a day start stories (1,000 in 8 days), which close after 3 to 7 quiet days.
    assert 0 < report.stories_open < 0.8 * report.stories
    assert report.bcubed_f1 > 0.95
    assert report.peak_memory_mb > 0
    figures = json.loads(format_clustering_bench(report)[-1])
    assert {"articles_per_second", "peak_memory_mb", "embeddings_per_second"} <= set(figures)
    assert figures["embeddings_per_second"] > 0


def test_cross_validation_reports_tuned_and_held_out_figures_per_set(tmp_path: Path) -> None:
    """Leave one set out: each set's held-out figure comes from the configuration best on the others."""
    from newsdesk.evaluation.clustering_cv import cross_validate, format_cross_validation, load_set

    paths = []
    for name in ("one", "two", "three"):
        paths.append(_write(tmp_path / f"{name}.jsonl"))
    cache = tmp_path / "cache"
    sets = [load_set(path, HashingEmbedder(), cache) for path in paths]
    # The embeddings were kept, one file per set, and are read back (no embedder needed).
    assert len(list(cache.glob("*.npy"))) == 3

    class CacheOnly:
        """The same encoder's name (the cache is named by it), and no way to embed."""

        name = "HashingEmbedder"

        def embed(self, texts: object) -> object:
            raise AssertionError("read from the cache, not embedded again")

    again = load_set(paths[0], CacheOnly(), cache)  # type: ignore[arg-type]
    assert np.array_equal(again.vectors, sets[0].vectors)
    assert len(list(cache.glob("*.npy"))) == 3
    # Other texts (an article edited, or another way of writing them) are another file, never a stale vector.
    edited = paths[0].read_text(encoding="utf-8").replace('"title": "', '"title": "Edited: ', 1)
    paths[0].write_text(edited, encoding="utf-8")
    changed = load_set(paths[0], HashingEmbedder(), cache)
    assert len(list(cache.glob("*.npy"))) == 4
    assert not np.array_equal(changed.vectors, sets[0].vectors)
    paths[0].write_text(paths[0].read_text(encoding="utf-8").replace("Edited: ", "", 1), encoding="utf-8")
    grid = (("dense.threshold", (0.3, 0.99)), ("dense.conflict_weight", (0.0,)))
    report = cross_validate(sets, grid)
    assert report.configs == 2
    # A threshold of 0.99 keeps every article alone; 0.3 finds the two stories on every set.
    assert report.tuned_config == {"dense.threshold": 0.3, "dense.conflict_weight": 0.0}
    for entry in report.sets:
        assert entry.tuned.bcubed_f1 == pytest.approx(1.0)
        assert entry.held_out_config == {"dense.threshold": 0.3, "dense.conflict_weight": 0.0}
    figures = json.loads(format_cross_validation(report)[-1])
    assert figures["one.bcubed_f1"] == 1.0
    assert figures["cv_three.pairwise_precision"] == 1.0
    assert figures["configurations"] == 2
    with pytest.raises(ValueError, match="no clusterer constant 'nope'"):
        cross_validate(sets, (("nope", (1.0,)),))
    # A constant of a part of the configuration is named with a dot.
    life = cross_validate(sets, (("dense.threshold", (0.3,)), ("life.quiet_articles", (0, 500))))
    assert life.tuned_config == {"dense.threshold": 0.3, "life.quiet_articles": 0.0}
    with pytest.raises(ValueError, match=r"no clusterer constant 'dense\.threshold\.nope'"):
        cross_validate(sets, (("dense.threshold.nope", (1.0,)),))
    # Every set run lexically (nothing embedded): the lexical threshold is what the grid turns.
    from newsdesk.evaluation.clustering_cv import REPRESENTATIONS

    lexical_sets = [load_set(path, None, None, embed=False) for path in paths]
    assert not lexical_sets[0].vectors.any()
    lexical = cross_validate(lexical_sets, (("lexical.threshold", (0.1, 0.99)),), base=REPRESENTATIONS["lexical"])
    assert lexical.tuned_config == {"lexical.threshold": 0.1}


def test_cross_validation_command_names_a_missing_file_in_one_line(tmp_path: Path) -> None:
    from tests.support.commandline import newsdesk

    present = _write(tmp_path / "one.jsonl")
    code, _out, err = newsdesk("eval", "clustering-cv", present, tmp_path / "missing.jsonl")
    assert code == 1
    assert err.strip() == f"error: {tmp_path / 'missing.jsonl'}: no such file"
    code, _out, err = newsdesk("eval", "clustering-cv", present)
    assert code == 1
    assert err.strip() == "error: cross-validation needs at least two labelled files"
