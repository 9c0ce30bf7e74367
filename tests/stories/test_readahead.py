"""Reading ahead in a second process: the same stories, bit for bit, as reading in the clusterer's own."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import numpy as np
import pytest

from newsdesk.bench.clustering import SyntheticNews
from newsdesk.record import StoryArticle
from newsdesk.stories.cluster import ClusterConfig, StoryClusterer
from newsdesk.stories.languages import LanguageStreams
from newsdesk.stories.readahead import ReadAhead, ReadAheadError, read_ahead
from newsdesk.stories.reading import StoryReader


def _stream(count: int, stories: int) -> tuple[list[StoryArticle], np.ndarray]:
    """``count`` synthetic articles on ``stories`` stories, some in Portuguese (a second stream), in time order."""
    news = SyntheticNews(seed=7, stories=0)
    news.grow(stories, starts=np.linspace(0.0, 3.0, stories))
    rng = np.random.default_rng(3)
    chosen = np.sort(rng.integers(0, stories, size=count))
    articles, vectors, _gold = news.articles(0, chosen, rng.random(count))
    articles = [replace(a, language="pt" if a.id % 5 == 0 else "en") for a in articles]
    return articles, np.asarray(vectors)


def test_a_clusterer_following_the_reading_process_places_every_article_as_one_reading_itself() -> None:
    articles, vectors = _stream(900, 120)
    config = ClusterConfig()
    alone = StoryClusterer(config)
    expected = [alone.add(a, vectors[i]) for i, a in enumerate(articles)]
    follower = StoryClusterer(config)
    batches = [range(i, min(i + 250, len(articles))) for i in range(0, len(articles), 250)]
    placed = []
    for batch, readings in read_ahead(
        batches, lambda rows: [("en", articles[i]) for i in rows], lambda _stream: (config.reading, None)
    ):
        placed += [follower.add(articles[i], vectors[i], read) for i, read in zip(batch, readings, strict=True)]
    assert placed == expected
    assert follower.document_counts() == alone.document_counts()
    # The follower goes on reading by itself from where the other process left off.
    more, more_vectors = _stream(40, 10)
    more = [replace(a, id=a.id + 10_000) for a in more]
    assert [follower.add(a, more_vectors[i]) for i, a in enumerate(more)] == [
        alone.add(a, more_vectors[i]) for i, a in enumerate(more)
    ]


def test_the_streams_place_a_replay_read_ahead_as_one_by_one_each_language_apart() -> None:
    articles, vectors = _stream(700, 90)
    one_by_one = LanguageStreams()
    expected = [one_by_one.add(a, vectors[i]) for i, a in enumerate(articles)]
    ahead = LanguageStreams()
    assert ahead.add_many(articles, vectors, read_ahead=True) == expected
    assert sorted(ahead.languages) == ["en", "pt"]
    assert ahead.document_counts() == one_by_one.document_counts()
    with pytest.raises(ValueError, match="read nothing yet"):
        ahead.add_many(articles[:1], vectors[:1], read_ahead=True)


def test_a_reading_from_another_stream_position_is_refused_with_the_article_named() -> None:
    articles, _vectors = _stream(3, 2)
    config = ClusterConfig().reading
    there = StoryReader(config)
    there.read(articles[0])
    read = there.read_noting(articles[1])
    with pytest.raises(ValueError, match=f"article {articles[1].id} was read by a reader that knew"):
        StoryReader(config).follow(read)
    clusterer = StoryClusterer()
    with pytest.raises(ValueError, match=f"article {articles[2].id} was given the reading of article"):
        clusterer.add(articles[2], np.ones(384, dtype=np.float32) / np.sqrt(384), read)


def test_a_failure_in_the_reading_process_comes_back_with_its_traceback() -> None:
    articles, _vectors = _stream(2, 1)
    broken = replace(articles[1], title=cast(str, None))  # a record no reader can read
    with ReadAhead(lambda _stream: (ClusterConfig().reading, None)) as reader:
        reader.submit([("en", articles[0])])
        with pytest.raises(RuntimeError, match="take it first"):
            reader.submit([("en", articles[0])])
        assert [r.article_id for r in reader.take()] == [articles[0].id]
        with pytest.raises(RuntimeError, match="no batch"):
            reader.take()
        reader.submit([("en", broken)])
        with pytest.raises(ReadAheadError, match=r"the reading process failed:(.|\n)*AttributeError"):
            reader.take()
        # It keeps serving after a failed batch.
        reader.submit([("en", articles[1])])
        assert [r.article_id for r in reader.take()] == [articles[1].id]
