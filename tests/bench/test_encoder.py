"""`newsdesk bench encoder`: the desk's encoder beside float32 MiniLM on the same articles (no timing asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.bench.encoder import format_encoder_bench, run_encoder_bench
from newsdesk.encoder.runtime import BF16_FLAGS, read_cpu_flags
from tests.support.benchdata import write_articles


def test_the_bench_embeds_the_same_articles_with_both_and_compares_the_vectors(tmp_path: Path) -> None:
    write_articles(tmp_path / "set.jsonl")
    precision = "bfloat16" if read_cpu_flags() & BF16_FLAGS else "float32"
    report = run_encoder_bench([tmp_path / "set.jsonl"], articles=4, precision=precision)
    assert report.chosen == f"all-MiniLM-L6-v2 (cpu, {precision})"
    assert report.articles == 4
    assert report.anchor == "all-MiniLM-L6-v2 (cpu, float32)"
    assert report.min_cosine > 0.999
    figures = json.loads(format_encoder_bench(report)[-1])
    assert figures["ratio"] == pytest.approx(report.chosen_per_second / report.anchor_per_second, abs=0.01)
    (tmp_path / "empty.jsonl").write_text(
        json.dumps({"id": 1, "cluster": "a", "title": "t", "lead": "", "text": "", "published": None}) + "\n"
    )
    with pytest.raises(ValueError, match="no article with a text"):
        run_encoder_bench([tmp_path / "empty.jsonl"])
