"""A faster encoder beside PyTorch float32 MiniLM (``newsdesk bench encoder FILE.jsonl... --precision P``).

The same full news articles (title, lead and text, as story formation embeds them) are embedded by
all-MiniLM-L6-v2 at float32 (the model's own vectors, the anchor, the desk's default) and at ``precision``
(bfloat16 by default: the ``[embedding]`` setting a desk on a CPU with native bfloat16 can choose), one after
the other in one process, each after a warm-up batch. Reports both rates, their ratio and the cosine agreement
between the two vectors of each article.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsdesk.encoder.embed import MiniLM
from newsdesk.encoder.text import embedding_text
from newsdesk.evaluation.clustering import read_articles


@dataclass(frozen=True, slots=True)
class EncoderBenchReport:
    articles: int
    anchor: str
    chosen: str
    anchor_seconds: float
    chosen_seconds: float
    mean_cosine: float
    min_cosine: float

    @property
    def anchor_per_second(self) -> float:
        return self.articles / self.anchor_seconds

    @property
    def chosen_per_second(self) -> float:
        return self.articles / self.chosen_seconds


def _timed(model: MiniLM, texts: Sequence[str]) -> tuple[np.ndarray, float]:
    model.embed(texts[:8])
    started = time.perf_counter()
    vectors = model.embed(texts)
    return vectors, time.perf_counter() - started


def run_encoder_bench(paths: Sequence[Path], articles: int = 500, precision: str = "bfloat16") -> EncoderBenchReport:
    texts: list[str] = []
    for path in paths:
        found, _gold = read_articles(path)
        texts += [embedding_text(a.title, a.lead, a.text) for a in found if a.text][: articles - len(texts)]
    if not texts:
        raise ValueError("no article with a text in " + ", ".join(str(p) for p in paths))
    anchor, chosen = MiniLM(precision="float32"), MiniLM(precision=precision)
    reference, anchor_seconds = _timed(anchor, texts)
    vectors, chosen_seconds = _timed(chosen, texts)
    cosines = (reference * vectors).sum(axis=1)
    return EncoderBenchReport(
        len(texts),
        anchor.name,
        chosen.name,
        anchor_seconds,
        chosen_seconds,
        float(cosines.mean()),
        float(cosines.min()),
    )


def format_encoder_bench(report: EncoderBenchReport) -> list[str]:
    """Readable lines, the last one a JSON object of the figures."""
    ratio = report.chosen_per_second / report.anchor_per_second
    figures = {
        "articles": report.articles,
        "anchor_articles_per_second": round(report.anchor_per_second, 1),
        "articles_per_second": round(report.chosen_per_second, 1),
        "ratio": round(ratio, 2),
        "mean_cosine": round(report.mean_cosine, 6),
        "min_cosine": round(report.min_cosine, 6),
    }
    return [
        f"{report.articles} full articles",
        f"{report.anchor}: {report.anchor_per_second:.1f} articles/s (the anchor)",
        f"{report.chosen}: {report.chosen_per_second:.1f} articles/s ({ratio:.2f}x)",
        f"cosine between their vectors: mean {report.mean_cosine:.6f}, lowest {report.min_cosine:.6f}",
        json.dumps(figures),
    ]
