"""Reading ahead in a second process gives the same stories as reading in place (real child processes)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pytest

from newsdesk.bench.clustering import SyntheticNews
from newsdesk.stories.cluster import ClusterConfig, StoryClusterer
from newsdesk.stories.model import StoryArticle
from newsdesk.stories.readahead import ReadAhead, ReadAheadError
from newsdesk.stories.reading import StoryReader


def _stream(count: int) -> tuple[list[StoryArticle], np.ndarray]:
    news = SyntheticNews(5, 40)
    stories = np.random.default_rng(6).integers(0, 40, size=count)
    articles, vectors, _labels = news.articles(0, stories, np.sort(np.random.default_rng(7).random(count)) * 5)
    return articles, vectors


def test_features_read_ahead_place_articles_as_reading_in_place() -> None:
    articles, vectors = _stream(300)
    config = ClusterConfig()
    in_place = StoryClusterer(config)
    expected = [in_place.add(article, vectors[i]) for i, article in enumerate(articles)]
    ahead = StoryClusterer(config)
    chunks = [list(range(start, min(start + 70, len(articles)))) for start in range(0, len(articles), 70)]
    placed = []
    with ReadAhead(StoryReader(config.reading)) as reader:
        for chunk, features in reader.read(chunks, lambda rows: [articles[i] for i in rows]):
            placed += [ahead.add(articles[i], vectors[i], read) for i, read in zip(chunk, features, strict=True)]
    assert placed == expected
    assert len({p.story_id for p in placed}) > 10


def test_one_clusterer_reads_either_in_place_or_ahead_never_both() -> None:
    articles, vectors = _stream(3)
    config = ClusterConfig()
    reader = StoryReader(config.reading)
    clusterer = StoryClusterer(config)
    clusterer.add(articles[0], vectors[0])
    with pytest.raises(ValueError, match="read here and articles read ahead"):
        clusterer.add(articles[1], vectors[1], reader.read(articles[1]))
    # Features read out of order (an article skipped by the clusterer but read by the reader) are refused.
    other = StoryClusterer(config)
    reader = StoryReader(config.reading)
    reader.read(articles[0])
    with pytest.raises(ValueError, match="names before it, but this vocabulary has 0"):
        other.add(articles[1], vectors[1], reader.read(articles[1]))


class Failing:
    """A stage that fails on the second chunk."""

    def __init__(self) -> None:
        self.seen = 0

    def process(self, chunk: Sequence[int]) -> list[int]:
        self.seen += 1
        if self.seen == 2:
            raise ValueError(f"cannot take chunk {list(chunk)}")
        return [2 * n for n in chunk]


class Dying:
    """A stage whose process exits without a word."""

    def process(self, chunk: Sequence[int]) -> list[int]:
        os._exit(3)


class Short:
    """A stage that answers for fewer items than it was given."""

    def process(self, chunk: Sequence[int]) -> list[int]:
        return list(chunk)[:-1]


def test_a_failing_stage_is_reported_with_its_chunk_and_traceback() -> None:
    with ReadAhead(Failing()) as ahead:
        results = ahead.read([[1, 2], [3], [4]], list)
        assert next(results) == ([1, 2], [2, 4])
        with pytest.raises(ReadAheadError) as failed:
            next(results)
    assert "chunk 2 failed in the reading process" in str(failed.value)
    assert "ValueError: cannot take chunk [3]" in str(failed.value)


def test_a_dead_stage_and_a_short_answer_are_errors_not_hangs() -> None:
    with ReadAhead(Dying()) as ahead, pytest.raises(ReadAheadError, match=r"died \(exit code 3\) reading chunk 1"):
        list(ahead.read([[1], [2]], list))
    with ReadAhead(Short()) as ahead, pytest.raises(ReadAheadError, match="chunk 1: 2 items sent, 1 results"):
        list(ahead.read([[1, 2]], list))
    with pytest.raises(ReadAheadError, match="not running"):
        list(ReadAhead(Short()).read([[1]], list))
