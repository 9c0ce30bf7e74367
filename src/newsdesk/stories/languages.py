"""Stories per language: one clustering stream per language, each with the representation measured on it.

An article is compared only with stories of its own language, so no story spans languages by accident (and a
multilingual desk's streams can run apart). Two representations:

- **dense** (MiniLM + TF-IDF + entities + event evidence, ``ClusterConfig``'s defaults): for the languages the
  English sentence encoder was measured on and helps (``dense_languages``: English). On text it cannot read
  it maps everything close together (1,945 Vietnamese articles on 300 events fell into 3 stories), so it is
  never used elsewhere;
- **lexical** (TF-IDF and entities with the IDF learned from the stream itself, no stop-word list: a word in
  every article weighs nothing, ``idf_floor`` 0; event evidence and time as for English): every other
  language, and articles whose language is unknown. Its threshold is chosen by cross-validation over every
  development set run lexically (``newsdesk eval clustering-cv --representation lexical``).

Story ids are article ids, unique across streams, so ``story_of`` needs no language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from newsdesk.encoder.embed import Vectors
from newsdesk.record import UNKNOWN_LANGUAGE, StoryArticle, primary_language
from newsdesk.settings import LifeConfig
from newsdesk.stories.cluster import ClusterConfig, StoryClusterer
from newsdesk.stories.features import DocumentCounts
from newsdesk.stories.model import Placement
from newsdesk.stories.readahead import ReaderStart, worth_reading_ahead
from newsdesk.stories.readahead import read_ahead as read_ahead_of
from newsdesk.stories.reading import ReadElsewhere

#: The lexical representation: no dense signal, IDF without a floor, its own join threshold.
LEXICAL = ClusterConfig(dense_weight=0.0, idf_floor=0.0, threshold=0.12)
#: The stream of articles whose language is unknown.
UNKNOWN = UNKNOWN_LANGUAGE
#: Articles read ahead at a time (:meth:`LanguageStreams.add_many`).
_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class StreamsConfig:
    """Which representation each language gets, and a story's life (shared by every language)."""

    dense: ClusterConfig = field(default_factory=ClusterConfig)
    lexical: ClusterConfig = LEXICAL
    dense_languages: frozenset[str] = frozenset({"en"})
    life: LifeConfig = field(default_factory=LifeConfig)

    def for_language(self, language: str) -> ClusterConfig:
        """The clusterer configuration of ``language``'s stream."""
        chosen = self.dense if language in self.dense_languages else self.lexical
        return replace(chosen, life=self.life)

    def representation(self, language: str) -> str:
        return "dense" if language in self.dense_languages else "lexical"


def stream_of(language: str | None) -> str:
    """The stream an article of ``language`` goes to: its primary subtag (``pt-br`` → ``pt``), or ``und``."""
    return primary_language(language)


class LanguageStreams:
    """One :class:`StoryClusterer` per language, created as articles of that language arrive."""

    def __init__(
        self, config: StreamsConfig | None = None, backgrounds: Mapping[str, DocumentCounts] | None = None
    ) -> None:
        """``backgrounds``: per stream, the document frequencies of articles read before (a restart's)."""
        self.config = config or StreamsConfig()
        self._backgrounds = dict(backgrounds or {})
        self._streams: dict[str, StoryClusterer] = {}
        self._stream_of_article: dict[int, str] = {}

    def add(self, article: StoryArticle, vector: Vectors, read: ReadElsewhere | None = None) -> Placement:
        """Place the article in its language's stream (``read``: as :meth:`StoryClusterer.add`)."""
        language = stream_of(article.language)
        stream = self._streams.get(language)
        if stream is None:
            stream = self._streams[language] = StoryClusterer(
                self.config.for_language(language), self._backgrounds.get(language)
            )
        placement = stream.add(article, vector, read)
        self._stream_of_article[article.id] = language
        return placement

    def add_many(
        self, articles: Sequence[StoryArticle], vectors: Vectors, read_ahead: bool | None = None
    ) -> list[Placement]:
        """Place articles in order: the same placements as :meth:`add` one by one.

        With ``read_ahead`` (by default: when :func:`worth_reading_ahead` and no stream has read an article yet, as
        in a restart's replay) the articles are read in a second process, a batch ahead (:mod:`readahead`).
        """
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(articles):
            raise ValueError(f"{len(articles)} articles but vectors of shape {matrix.shape}")
        if read_ahead is None:
            read_ahead = worth_reading_ahead(len(articles)) and not self._streams
        if not read_ahead:
            return [self.add(article, matrix[i]) for i, article in enumerate(articles)]
        if self._streams:
            raise ValueError("reading ahead needs streams that have read nothing yet (a replay from the start)")

        def start(language: str) -> ReaderStart:
            return self.config.for_language(language).reading, self._backgrounds.get(language)

        batches = [range(i, min(i + _BATCH, len(articles))) for i in range(0, len(articles), _BATCH)]
        placements = []
        for batch, readings in read_ahead_of(
            batches, lambda rows: [(stream_of(articles[i].language), articles[i]) for i in rows], start
        ):
            for i, read in zip(batch, readings, strict=True):
                placements.append(self.add(articles[i], matrix[i], read))
        return placements

    def story_of(self, article_id: int) -> int:
        return self._streams[self._stream_of_article[article_id]].story_of(article_id)

    def close_quiet(self) -> tuple[int, ...]:
        """Close every quiet story in every stream (see :meth:`StoryClusterer.close_quiet`)."""
        return tuple(story for language in sorted(self._streams) for story in self._streams[language].close_quiet())

    def document_counts(self) -> dict[str, DocumentCounts]:
        """Each stream's document frequencies by name (what a restart restores its IDF from)."""
        # A stream with a background but no article since has only its background.
        return self._backgrounds | {language: stream.document_counts() for language, stream in self._streams.items()}

    @property
    def languages(self) -> Iterable[str]:
        return sorted(self._streams)

    @property
    def story_count(self) -> int:
        return sum(s.story_count for s in self._streams.values())

    @property
    def open_story_count(self) -> int:
        return sum(s.open_story_count for s in self._streams.values())
