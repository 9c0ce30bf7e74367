"""Articles read by a separate StoryReader place as articles read in place."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.bench.clustering import SyntheticNews
from newsdesk.stories.cluster import ClusterConfig, StoryClusterer
from newsdesk.stories.model import StoryArticle
from newsdesk.stories.reading import StoryReader


def _stream(count: int) -> tuple[list[StoryArticle], np.ndarray]:
    news = SyntheticNews(5, 40)
    stories = np.random.default_rng(6).integers(0, 40, size=count)
    articles, vectors, _labels = news.articles(0, stories, np.sort(np.random.default_rng(7).random(count)) * 5)
    return articles, vectors


def test_features_read_apart_place_articles_as_reading_in_place() -> None:
    articles, vectors = _stream(300)
    config = ClusterConfig()
    in_place = StoryClusterer(config)
    expected = [in_place.add(article, vectors[i]) for i, article in enumerate(articles)]
    apart, reader = StoryClusterer(config), StoryReader(config.reading)
    placed = [apart.add(article, vectors[i], reader.read(article)) for i, article in enumerate(articles)]
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
