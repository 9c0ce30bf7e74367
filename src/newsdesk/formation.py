"""The story-forming stage: where the pure story modules meet the store.

Articles are placed one at a time, oldest first: a copy joins its original's
story; any other article goes through the online clusterer. Each placement
is stored in its own transaction together with the story it changed, so a
run stopped anywhere leaves the store consistent. The clusterer's memory is
rebuilt by replaying the stored placements in their order (with their
stored vectors and signatures), so a restarted backfill gives exactly the
stories an uninterrupted one would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Connection

from newsdesk.fetch.clock import Clock
from newsdesk.store import Store
from newsdesk.store.articles import load_articles
from newsdesk.store.placements import (
    PlacementRow,
    load_placements,
    merges_into,
    move_story,
    next_seq,
    resolve_key,
    save_placement,
    story_articles,
    unplaced_articles,
    write_formed_story,
)
from newsdesk.stories.cluster import ClusterConfig, StoryClusterer
from newsdesk.stories.dedup import NearDuplicateIndex
from newsdesk.stories.embed import DIMENSIONS, Embedder, Vectors
from newsdesk.stories.explain import explain_story
from newsdesk.stories.features import embedding_text
from newsdesk.stories.model import CopyOf, Match, Placement, StoryArticle
from newsdesk.stories.primary import PrimaryChoice, choose_primary


@dataclass(frozen=True, slots=True)
class FormationReport:
    placed: int
    copies: int
    new_stories: int
    merges: int
    seconds: float


class StoryFormation:
    """The desk's story-forming memory, rebuilt from the store, and the stage that extends it."""

    def __init__(self, store: Store, embedder: Embedder, config: ClusterConfig | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.clusterer = StoryClusterer(config)
        self.dedup = NearDuplicateIndex()
        self._replay()

    def _replay(self) -> None:
        with self.store.transaction() as conn:
            rows = load_placements(conn)
            articles = story_articles(conn, [r.article_id for r in rows]) if rows else {}
        for row in rows:
            if row.copy_of is not None:
                continue
            if row.signature is not None:
                self.dedup.add_signature(row.article_id, row.signature)
            vector = np.frombuffer(row.vector or b"", dtype=np.float32)
            if vector.shape != (DIMENSIONS,):
                vector = np.zeros(DIMENSIONS, dtype=np.float32)
            self.clusterer.add(articles[row.article_id], vector)

    def run(
        self,
        clock: Clock,
        *,
        limit: int | None = None,
        batch: int = 64,
        progress: Callable[[int], None] = lambda _n: None,
    ) -> FormationReport:
        """Place every unplaced article (or at most ``limit``), oldest first."""
        start = time.perf_counter()
        placed = copies = new_stories = merges = 0
        while limit is None or placed < limit:
            size = batch if limit is None else min(batch, limit - placed)
            with self.store.transaction() as conn:
                articles = unplaced_articles(conn, limit=size)
            if not articles:
                break
            vectors = self.embedder.embed([embedding_text(a.title, a.lead, a.text) for a in articles])
            self.dedup.prepare(articles)
            for article, vector in zip(articles, vectors, strict=True):
                outcome = self._place(article, vector, clock)
                placed += 1
                copies += isinstance(outcome, CopyOf)
                if isinstance(outcome, Placement):
                    new_stories += outcome.new_story
                    merges += len(outcome.merged)
            progress(len(articles))
        return FormationReport(placed, copies, new_stories, merges, time.perf_counter() - start)

    def _place(self, article: StoryArticle, vector: Vectors, clock: Clock) -> CopyOf | Placement:
        now = clock.now()
        signature = self.dedup.signature(article)
        copy = self.dedup.add(article)
        with self.store.transaction() as conn:
            seq = next_seq(conn)
            if copy is not None:
                key = self.clusterer.story_of(copy.original_id)
                save_placement(
                    conn,
                    PlacementRow(
                        article_id=article.id,
                        seq=seq,
                        story_key=key,
                        new_story=False,
                        copy_of=copy.original_id,
                        copy_similarity=copy.similarity,
                    ),
                    now=now,
                )
                self._write_story(conn, key, now)
                return copy
            placement = self.clusterer.add(article, np.asarray(vector, dtype=np.float32))
            match = placement.match
            save_placement(
                conn,
                PlacementRow(
                    article_id=article.id,
                    seq=seq,
                    story_key=placement.story_id,
                    new_story=placement.new_story,
                    vector=np.asarray(vector, dtype=np.float32).tobytes(),
                    signature=signature,
                    match_article_id=match.article_id if match else None,
                    similarity=match.similarity if match else None,
                    shared_entities=match.shared_entities if match else (),
                    time_gap_seconds=match.time_gap_seconds if match else None,
                ),
                now=now,
            )
            for absorbed in placement.merged:
                move_story(conn, absorbed, placement.story_id, by_article=article.id, now=now)
            self._write_story(conn, placement.story_id, now)
            return placement

    def _write_story(self, conn: Connection, key: int, now: datetime) -> None:
        """Rewrite a formed story's row and membership: primary first, then related in order."""
        rows = load_placements(conn, story_keys=[key])
        members = story_articles(conn, [r.article_id for r in rows])
        copies = {r.article_id: r.copy_of for r in rows if r.copy_of is not None}
        choice = choose_primary([members[r.article_id] for r in rows], copies)
        ordered = [choice.primary_id, *choice.related_ids]
        primary = load_articles(conn, [choice.primary_id])[choice.primary_id]
        write_formed_story(conn, key, primary, ordered, now=now)


@dataclass(frozen=True, slots=True)
class StoryExplanation:
    key: int
    lines: list[str]


def explain(store: Store, key: int) -> StoryExplanation | None:
    """The story an id leads to, with why each member is in it and why the primary is primary."""
    with store.transaction() as conn:
        key = resolve_key(conn, key)
        rows = load_placements(conn, story_keys=[key])
        if not rows:
            return None
        members = story_articles(conn, [r.article_id for r in rows])
        merged = [absorbed for absorbed, _by in merges_into(conn, key)]
    copies = {r.article_id: CopyOf(r.article_id, r.copy_of, r.copy_similarity or 0.0) for r in rows if r.copy_of}
    placements = {
        r.article_id: Placement(
            article_id=r.article_id,
            story_id=key,
            new_story=r.new_story,
            match=None
            if r.match_article_id is None
            else Match(r.match_article_id, r.similarity or 0.0, r.shared_entities, r.time_gap_seconds),
        )
        for r in rows
        if r.copy_of is None
    }
    choice: PrimaryChoice = choose_primary(
        [members[r.article_id] for r in rows], {c.article_id: c.original_id for c in copies.values()}
    )
    ordered: Sequence[StoryArticle] = [members[r.article_id] for r in rows]
    return StoryExplanation(key, explain_story(key, ordered, placements, choice, copies, merged))
