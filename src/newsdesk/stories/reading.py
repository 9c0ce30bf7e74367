"""Reading an article for the clusterer: its weighted terms, entities, salient keys and event evidence.

Reading depends on the article and on the stream's document frequencies so far (the IDF), never on which
stories exist: a :class:`StoryReader` fed the same articles in the same order gives the same features.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from newsdesk.record import StoryArticle
from newsdesk.stories.events import EventEvidence, evidence
from newsdesk.stories.features import (
    ENTITY_PREFIX,
    DocumentCounts,
    FieldWeights,
    Vocabulary,
    entity_names,
    entity_vector,
    field_tokens,
    salient,
    tfidf,
)
from newsdesk.stories.sparse import Ids, SparseVector, Weights, joined


@dataclass(frozen=True, slots=True)
class ReadingConfig:
    """What reading needs of the clusterer's configuration (``ClusterConfig.reading``)."""

    fields: FieldWeights
    idf_floor: float
    #: Salient keys looked up in the index, and those that point to the article's story.
    query_keys: int
    index_keys: int
    #: Entity weights count this much against term weights when picking salient keys.
    entity_key_weight: float


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What the clusterer read off one article."""

    terms: SparseVector
    entities: SparseVector
    #: Terms and entities in one vector (ids increasing): what the article adds to its story's profile.
    both: SparseVector
    query_keys: Ids
    query_weights: Weights
    index_keys: Ids
    #: Seconds since the epoch; NaN when unknown.
    time: float
    #: What tells this happening from others of its kind: days, places, numbers, quotes, links.
    events: EventEvidence


@dataclass(frozen=True, slots=True)
class ReadElsewhere:
    """An article read by another reader of the same stream (:mod:`newsdesk.stories.readahead`'s process): its
    features, and the names that reader's vocabulary learned reading it, the first of them getting id
    ``first_new``. A reader that follows (:meth:`StoryReader.follow`) ends in the same state as one that read it."""

    article_id: int
    features: ArticleFeatures
    first_new: int
    new_names: tuple[str, ...]


class StoryReader:
    """Reads articles in stream order, counting their terms and entities into the document frequencies."""

    def __init__(self, config: ReadingConfig, background: DocumentCounts | None = None) -> None:
        """``background``: the stream's counts of articles read before this reader (a restart's)."""
        self.config = config
        self.vocabulary = Vocabulary(config.idf_floor, background)

    def read(self, article: StoryArticle) -> ArticleFeatures:
        """The article's features; its terms and entities are counted (the next article sees them)."""
        cfg = self.config
        vocabulary = self.vocabulary
        text_words = cfg.fields.text_words
        term_ids, counts = vocabulary.term_counts(field_tokens(article.title, article.lead, article.text, cfg.fields))
        names = entity_names(article.title, article.lead, article.text, text_words)
        entity_ids = vocabulary.ids([ENTITY_PREFIX + name for name in names])
        vocabulary.count(np.concatenate((term_ids, np.array(entity_ids, dtype=np.int64))))
        terms = tfidf(term_ids, counts, vocabulary)
        ents = entity_vector(entity_ids, vocabulary)
        keys, weights = salient(((terms, 1.0), (ents, cfg.entity_key_weight)), max(cfg.query_keys, cfg.index_keys))
        published = article.published.timestamp() if article.published is not None else math.nan
        events = evidence(
            article.title,
            article.lead,
            article.text,
            article.published,
            article.url,
            article.links,
            language=article.language,
        )
        query = cfg.query_keys
        # Term and entity ids never collide (one vocabulary, entities prefixed), so ``both`` needs no sums.
        return ArticleFeatures(
            terms,
            ents,
            joined(terms, ents),
            keys[:query],
            weights[:query],
            keys[: cfg.index_keys],
            published,
            events,
        )

    def read_noting(self, article: StoryArticle) -> ReadElsewhere:
        """Read the article, noting what the vocabulary learned, for a reader elsewhere to :meth:`follow`."""
        names = self.vocabulary.names
        before = len(names)
        features = self.read(article)
        return ReadElsewhere(article.id, features, before, tuple(names[before:]))

    def follow(self, read: ReadElsewhere) -> ArticleFeatures:
        """Take an article another reader of this stream read: learn its names and count its terms and entities,
        as :meth:`read` would have; its features as they were read there."""
        vocabulary = self.vocabulary
        if read.first_new != len(vocabulary.names):
            raise ValueError(
                f"article {read.article_id} was read by a reader that knew {read.first_new} terms and entities, "
                f"this one knows {len(vocabulary.names)}: the two readers did not read the same articles in order"
            )
        vocabulary.ids(read.new_names)
        vocabulary.count(read.features.both.ids)
        return read.features
