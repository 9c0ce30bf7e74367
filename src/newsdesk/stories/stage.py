"""The story-forming stage: where the pure story modules meet the store.

Articles are placed one at a time, oldest first: a copy joins its original's
story; any other article goes through the online clusterer. Each placement
is stored in its own transaction together with the story it changed, so a
run stopped anywhere leaves the store consistent. The clusterer's memory is
rebuilt by replaying the stored placements in their order (with their
stored vectors and signatures), so a restarted backfill gives the stories an
uninterrupted one would. Only stories that may still be open or recalled are
replayed (:func:`replayed_stories`): a closed story left the clusterer's
memory, and a restart does not bring it back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sqlalchemy import Connection

from newsdesk.clock import Clock
from newsdesk.encoder.embed import DIMENSIONS, Embedder, Vectors
from newsdesk.encoder.text import embedding_text
from newsdesk.ingest.read import LanguageGuesser
from newsdesk.judge.quality import Quality
from newsdesk.judge.stage import (
    Assessment,
    DeskJudge,
    StoryEvidence,
    StoryVerdict,
    load_story_evidence,
    save_story_verdict,
)
from newsdesk.record import StoryArticle
from newsdesk.settings import LifeConfig, StoriesSettings
from newsdesk.store import Store
from newsdesk.store.articles import fill_languages
from newsdesk.store.audit import GUARDED, SUSPICIOUS, log_change
from newsdesk.store.judgements import Decision, decisions, formed_story_keys
from newsdesk.store.placements import (
    PlacementRow,
    formed_members,
    load_placements,
    merges_into,
    move_story,
    next_seq,
    resolve_key,
    save_placement,
    story_articles,
    story_key_of,
    stream_position,
    unplaced_articles,
    write_formed_story,
)
from newsdesk.store.vocabularies import DamagedVocabulary, load_vocabularies, save_vocabularies
from newsdesk.stories.dedup import NearDuplicateIndex
from newsdesk.stories.explain import explain_story
from newsdesk.stories.features import DocumentCounts
from newsdesk.stories.languages import LanguageStreams, StreamsConfig, stream_of
from newsdesk.stories.life import story_life
from newsdesk.stories.model import CopyOf, Match, Placement
from newsdesk.stories.primary import PrimaryChoice, choose_primary
from newsdesk.stories.reading import StoryReader


def cluster_config(stories: StoriesSettings) -> StreamsConfig:
    """The clusterer's configuration for a desk's ``[stories]`` settings (a story's life)."""
    return StreamsConfig(life=stories)


def replayed_stories(rows: Sequence[PlacementRow], published: dict[int, datetime | None], life: LifeConfig) -> set[int]:
    """The stories whose placements a restart replays: those that may still be open or be recalled.

    A story is replayed when its latest article is at most ``max(quiet_max_days, recall_days)`` older than the
    desk's latest, or it is among the stories of the last ``10 × quiet_articles`` placements (a story without
    times closes by count), so every story the clusterer would still hold is rebuilt.
    """
    latest: dict[int, float] = {}
    newest = -np.inf
    for row in rows:
        when = published.get(row.article_id)
        stamp = when.timestamp() if when is not None else -np.inf
        latest[row.story_key] = max(latest.get(row.story_key, -np.inf), stamp)
        newest = max(newest, stamp)
    horizon = newest - max(life.quiet_max_days, life.recall_days) * 86_400.0
    recent = {row.story_key for row in rows[len(rows) - 10 * life.quiet_articles :]} if life.quiet_articles else set()
    return {key for key, stamp in latest.items() if stamp >= horizon} | recent


def idf_backgrounds(
    config: StreamsConfig,
    stored: Mapping[str, DocumentCounts],
    *,
    replayed: Sequence[StoryArticle],
    unreplayed: Sequence[StoryArticle],
) -> dict[str, DocumentCounts]:
    """Per stream, the document frequencies of the articles a restart does not place again.

    ``stored``: the streams' counts as saved after a run (through some placement); ``replayed``: the articles
    placed up to then that the restart places again (they count themselves, in order, as they did the first
    time); ``unreplayed``: those placed after it (a run stopped before saving) that it does not place again.
    So the restarted IDF counts every article the streams read, and when everything is replayed it is exactly
    the IDF of an uninterrupted run.
    """
    backgrounds = dict(stored)
    for articles, sign in ((replayed, -1), (unreplayed, 1)):
        readers: dict[str, StoryReader] = {}
        for article in articles:
            language = stream_of(article.language)
            reader = readers.get(language)
            if reader is None:
                reader = readers[language] = StoryReader(config.for_language(language).reading)
            reader.read(article)
        for language, reader in readers.items():
            base = backgrounds.get(language, DocumentCounts())
            backgrounds[language] = base.plus(reader.vocabulary.counts(), sign)
    return {language: counts for language, counts in backgrounds.items() if counts.documents > 0}


@dataclass(frozen=True, slots=True)
class FormationReport:
    placed: int
    copies: int
    new_stories: int
    merges: int
    seconds: float
    #: Articles judged off the beat: kept, never placed in a story.
    off_beat: int = 0
    #: Stories that took a suspicious share of this run's clustered articles: (story id, articles, of how many).
    suspicious: tuple[tuple[int, int, int], ...] = ()
    #: Stories the collapse guard kept from growing in this run: (story id, articles it refused).
    guarded: tuple[tuple[int, int], ...] = ()
    #: Of ``seconds``: embedding the articles (batched), judging them (relevance, topics, quality) and placing
    #: them in the clusterer; the rest is reading and writing the store and rewriting the stories they changed.
    embed_seconds: float = 0.0
    judge_seconds: float = 0.0
    cluster_seconds: float = 0.0
    #: Of ``off_beat``: articles a glance (title and lead) settled, never embedded in full.
    glanced: int = 0

    def warnings(self) -> list[str]:
        """What an editor should look at: a story that absorbed a large share of the run's articles, and one
        the collapse guard stopped."""
        return [
            f"suspicious: story {story} took {count} of the {total} articles placed in this run "
            f"({count / total:.0%}); check that it is one event (`newsdesk story {story}`)"
            for story, count, total in self.suspicious
        ] + [
            f"guarded: story {story} refused {count} article{'s' if count != 1 else ''} that scored high enough to "
            "join it, without strong evidence (a link, or a score two stories need to merge): it already held a "
            "quarter of its language's latest articles; they started stories of their own "
            f"(`newsdesk story {story}`)"
            for story, count in self.guarded
        ]


#: A story that takes at least this many of a run's clustered articles, and at least this share of them, is
#: reported as suspicious: one event rarely is a quarter of a desk's news, a collapsed representation is.
SUSPICIOUS_ARTICLES = 10
SUSPICIOUS_SHARE = 0.25


def suspicious_stories(stories: Sequence[int]) -> tuple[tuple[int, int, int], ...]:
    """The stories (each clustered article's story, in order) holding a suspicious share of them."""
    total = len(stories)
    counts: dict[int, int] = {}
    for story in stories:
        counts[story] = counts.get(story, 0) + 1
    return tuple(
        (story, count, total)
        for story, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if count >= SUSPICIOUS_ARTICLES and count >= SUSPICIOUS_SHARE * total
    )


class StoryFormation:
    """The desk's story-forming memory, rebuilt from the store, and the stage that extends it."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        config: StreamsConfig | None = None,
        judge: DeskJudge | None = None,
    ) -> None:
        """``judge``: the desk's judgment; without one every article is placed and stories are not judged."""
        self.store = store
        self.embedder = embedder
        self.judge = judge
        self.config = config or StreamsConfig()
        self._guesser = LanguageGuesser()
        self.dedup = NearDuplicateIndex()
        self.clusterer = self._replay()
        self._cluster_seconds = 0.0

    def _replay(self) -> LanguageStreams:
        """The clusterer as the stored placements left it: the stories that may still be open placed again, in
        order, over the IDF of every article the streams read (:func:`idf_backgrounds`)."""
        with self.store.transaction() as conn:
            rows = load_placements(conn)
            articles = story_articles(conn, [r.article_id for r in rows]) if rows else {}
            try:
                through, stored = load_vocabularies(conn)
            except DamagedVocabulary:
                through, stored = 0, {}  # rebuilt from the articles themselves
        published = {i: a.published for i, a in articles.items()}
        wanted = replayed_stories(rows, published, self.config.life)
        # A copy dedup found was never clustered; one an editor marked later was, and is replayed as placed.
        clustered = [
            (row, self._with_language(articles[row.article_id]))
            for row in rows
            if not (row.copy_of is not None and row.vector is None)
        ]
        backgrounds = idf_backgrounds(
            self.config,
            {language: DocumentCounts(documents, counts) for language, (documents, counts) in stored.items()},
            replayed=[a for row, a in clustered if row.story_key in wanted and row.seq <= through],
            unreplayed=[a for row, a in clustered if row.story_key not in wanted and row.seq > through],
        )
        clusterer = LanguageStreams(self.config, backgrounds)
        replayed = [(row, article) for row, article in clustered if row.story_key in wanted]
        vectors = np.zeros((len(replayed), DIMENSIONS), dtype=np.float32)
        for i, (row, _article) in enumerate(replayed):
            if row.signature is not None:
                self.dedup.add_signature(row.article_id, row.signature)
            vector = np.frombuffer(row.vector or b"", dtype=np.float32)
            if vector.shape == (DIMENSIONS,):
                vectors[i] = vector
        # A long replay reads its articles in a second process (``LanguageStreams.add_many``).
        clusterer.add_many([article for _row, article in replayed], vectors)
        clusterer.close_quiet()
        return clusterer

    def run(
        self,
        clock: Clock,
        *,
        limit: int | None = None,
        batch: int = 64,
        progress: Callable[[int], None] = lambda _n: None,
        stop: Callable[[], bool] = lambda: False,
    ) -> FormationReport:
        """Place every unplaced article (or at most ``limit``), oldest first; ``stop`` is asked before each
        article (each is stored in its own transaction, so stopping never leaves one half-placed)."""
        start = time.perf_counter()
        placed = copies = new_stories = merges = off_beat = glanced = 0
        clustered: list[int] = []
        refused: dict[int, int] = {}
        spent = {"embed": 0.0, "judge": 0.0}
        self._cluster_seconds = 0.0
        while (limit is None or placed + off_beat < limit) and not stop():
            size = batch if limit is None else min(batch, limit - placed - off_beat)
            with self.store.transaction() as conn:
                unplaced = unplaced_articles(conn, limit=size)
                articles = [self._with_language(a) for a in unplaced]
                # The guesses are kept, so the site, the feeds and the API can say and filter by language.
                fill_languages(
                    conn,
                    {
                        a.id: a.language
                        for a, b in zip(articles, unplaced, strict=True)
                        if a.language and not b.language
                    },
                )
            if not articles:
                break
            vectors, assessments = self._read(articles, spent)
            glanced += sum(1 for a in assessments or () if a.glanced)
            self.dedup.prepare(articles)
            for k, (article, vector) in enumerate(zip(articles, vectors, strict=True)):
                if stop():
                    break
                began = time.perf_counter()
                on_beat = (
                    self.judge is None
                    or assessments is None
                    or self._judge(self.judge, article, vector, assessments[k], clock)
                )
                spent["judge"] += time.perf_counter() - began
                if not on_beat:
                    off_beat += 1
                    continue
                outcome = self._place(article, vector, clock)
                placed += 1
                copies += isinstance(outcome, CopyOf)
                if isinstance(outcome, Placement):
                    new_stories += outcome.new_story
                    merges += len(outcome.merged)
                    clustered.append(article.id)
                    for story in outcome.refused:
                        refused[story] = refused.get(story, 0) + 1
            progress(len(articles))
        if clustered:
            with self.store.transaction() as conn:
                counts = {k: (v.documents, v.counts) for k, v in self.clusterer.document_counts().items()}
                save_vocabularies(conn, counts, through_seq=stream_position(conn)[1], now=clock.now())
        suspicious = suspicious_stories([self.clusterer.story_of(i) for i in clustered])
        guarded = tuple(sorted(refused.items()))
        if suspicious or guarded:
            self._flag(suspicious, guarded, clock)
        return FormationReport(
            placed,
            copies,
            new_stories,
            merges,
            time.perf_counter() - start,
            off_beat,
            suspicious,
            guarded,
            spent["embed"],
            spent["judge"],
            self._cluster_seconds,
            glanced,
        )

    def _read(
        self, articles: Sequence[StoryArticle], spent: dict[str, float]
    ) -> tuple[Vectors, list[Assessment] | None]:
        """Embed and judge a batch: the articles a glance settles off the beat (:meth:`DeskJudge.glance`) are
        embedded from their title and lead only; every other article in full, once, for the judge and the
        clusterer. Each article's vector (its glance's, where the glance settled it) and assessment."""
        judge = self.judge
        settled: dict[int, tuple[Assessment, Vectors]] = {}  # article -> its glance's verdict and vector
        if judge is not None:
            began = time.perf_counter()
            plan = judge.glance_plan(articles)  # keyword matching: judging's time
            spent["judge"] += time.perf_counter() - began
            if plan:
                began = time.perf_counter()
                glance_vectors = self.embedder.embed([judge.glance_text(articles[i]) for i in plan])
                spent["embed"] += time.perf_counter() - began
                began = time.perf_counter()
                verdicts = judge.glance([articles[i] for i in plan], glance_vectors)
                pairs = enumerate(zip(plan, verdicts, strict=True))
                settled = {i: (v, glance_vectors[k]) for k, (i, v) in pairs if v is not None}
                spent["judge"] += time.perf_counter() - began
        rest = [i for i in range(len(articles)) if i not in settled]
        began = time.perf_counter()
        full = self.embedder.embed([embedding_text(a.title, a.lead, a.text) for a in (articles[i] for i in rest)])
        spent["embed"] += time.perf_counter() - began
        vectors = np.zeros((len(articles), DIMENSIONS), dtype=np.float32)
        vectors[rest] = full
        for i, (_, row) in settled.items():
            vectors[i] = row
        if judge is None:
            return vectors, None
        began = time.perf_counter()
        judged = judge.assess_many([articles[i] for i in rest], full)
        spent["judge"] += time.perf_counter() - began
        out = {i: verdict for i, (verdict, _) in settled.items()} | dict(zip(rest, judged, strict=True))
        return vectors, [out[i] for i in range(len(articles))]

    def _flag(
        self, suspicious: Sequence[tuple[int, int, int]], guarded: Sequence[tuple[int, int]], clock: Clock
    ) -> None:
        """Log each suspicious or guarded story in the audit log, where the editors' desk shows it."""
        entries = [(story, SUSPICIOUS, {"articles": count, "of": total}) for story, count, total in suspicious]
        entries += [(story, GUARDED, {"refused": count}) for story, count in guarded]
        with self.store.transaction() as conn:
            for story, action, detail in entries:
                log_change(
                    conn,
                    at=clock.now(),
                    actor="formation",
                    action=action,
                    entity="story",
                    key=str(resolve_key(conn, story)),
                    detail=detail,
                )

    def _with_language(self, article: StoryArticle) -> StoryArticle:
        """The article with its language: as its page or feed said, else guessed from its text (the guess is
        stored by :meth:`run`; a replay guesses the same)."""
        if article.language:
            return article
        return replace(article, language=self._guesser.guess_article(article.title, article.lead, article.text))

    def _judge(
        self, judge: DeskJudge, article: StoryArticle, vector: Vectors, assessment: Assessment, clock: Clock
    ) -> bool:
        """Store the article's relevance and topics (``assessment``, judged with its batch); whether it goes on
        to be placed.

        An article judged off the beat that is a copy of an original already placed (so on the beat) follows
        its original: the same text is the same news whatever its headline says.
        """
        if not assessment.on_beat:
            copy = self.dedup.check(article)
            if copy is not None:
                assessment = judge.as_copy(assessment, article, vector, copy.original_id)
        with self.store.transaction() as conn:
            judge.save(conn, article.id, assessment, clock.now())
        return assessment.on_beat

    def _place(self, article: StoryArticle, vector: Vectors, clock: Clock) -> CopyOf | Placement:
        now = clock.now()
        signature = self.dedup.signature(article)
        copy = self.dedup.add(article)
        with self.store.transaction() as conn:
            seq = next_seq(conn)
            if copy is not None:
                # The original's story as stored (an editor may have moved or merged it), else the clusterer's.
                key = resolve_key(
                    conn, story_key_of(conn, copy.original_id) or self.clusterer.story_of(copy.original_id)
                )
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
            began = time.perf_counter()
            placement = self.clusterer.add(article, np.asarray(vector, dtype=np.float32))
            self._cluster_seconds += time.perf_counter() - began
            match = placement.match
            # Stories merged since (by the clusterer or an editor) lead to the story that took them.
            story_key = resolve_key(conn, placement.story_id)
            save_placement(
                conn,
                PlacementRow(
                    article_id=article.id,
                    seq=seq,
                    story_key=story_key,
                    new_story=placement.new_story,
                    vector=np.asarray(vector, dtype=np.float32).tobytes(),
                    signature=signature,
                    match_article_id=match.article_id if match else None,
                    similarity=match.similarity if match else None,
                    shared_entities=match.shared_entities if match else (),
                    time_gap_seconds=match.time_gap_seconds if match else None,
                    shared_evidence=match.shared_evidence if match else (),
                ),
                now=now,
            )
            for absorbed in placement.merged:
                absorbed_key = resolve_key(conn, absorbed)
                if absorbed_key != story_key:
                    move_story(conn, absorbed_key, story_key, by_article=article.id, now=now)
            self._write_story(conn, story_key, now)
            return placement

    def _write_story(self, conn: Connection, key: int, now: datetime) -> None:
        rewrite_story(conn, key, now, self.judge)

    def rejudge(
        self,
        now: datetime,
        *,
        since: datetime | None = None,
        stop: Callable[[], bool] = lambda: False,
        progress: Callable[[int, int], None] = lambda _done, _total: None,
    ) -> int:
        """Judge every formed story (whose primary is from ``since`` on) again at ``now``: heat cools as time
        passes. How many were judged; ``progress`` hears (judged so far, of how many) after each."""
        if self.judge is None:
            return 0
        with self.store.transaction() as conn:
            keys = formed_story_keys(conn, since=since)
        judged = 0
        for key in keys:
            if stop():
                break
            with self.store.transaction() as conn:
                self._write_story(conn, key, now)
            judged += 1
            progress(judged, len(keys))
        return judged


@dataclass(frozen=True, slots=True)
class FormedStory:
    """What rewriting a formed story decides: its members in order (the primary first) and, when judged, each
    member's quality and the story's verdict."""

    primary: StoryArticle
    ordered: tuple[int, ...]
    qualities: Mapping[int, Quality]
    verdict: StoryVerdict | None


def rewrite_story(conn: Connection, key: int, now: datetime, judge: DeskJudge | None = None) -> None:
    """Rewrite a formed story's row and membership (primary first, then related in order), and judge it when a
    judge is given: one load, one decision, one save. Story formation calls it after each placement; editors'
    edits (``editing.py``) after theirs."""
    rows, members, copies = formed_members(conn, key)
    decided = decisions(conn, key)
    evidence = load_story_evidence(conn, members, decided) if judge is not None else None
    formed = form_story(rows, members, copies, decided, now, judge, evidence)
    published = formed.primary.published
    if published is None:  # the store requires a time of every article
        raise ValueError(f"article {formed.primary.id}, story {key}'s primary, has no publication time")
    write_formed_story(conn, key, formed.primary.title, published, formed.ordered, now=now)
    if formed.verdict is not None:
        save_story_verdict(conn, key, formed.qualities, formed.verdict, now)


def form_story(
    rows: Sequence[PlacementRow],
    members: dict[int, StoryArticle],
    copies: dict[int, int],
    decided: Mapping[str, Decision],
    now: datetime,
    judge: DeskJudge | None = None,
    evidence: StoryEvidence | None = None,
) -> FormedStory:
    """Who broke the story and the related order, and with a judge (and its ``evidence``) each member's quality
    and the story's verdict. Pure: the store is read before and written after."""
    choice = _choice(rows, members, copies, decided.get("primary"))
    if judge is None or evidence is None:
        return FormedStory(members[choice.primary_id], (choice.primary_id, *choice.related_ids), {}, None)
    # Quality depends on each member's role, and related are ordered by quality: choose, score, order.
    qualities = judge.score_members(members, copies, choice.primary_id, evidence.records)
    members = {i: replace(m, quality=qualities[i].score) for i, m in members.items()}
    choice = _choice(rows, members, copies, decided.get("primary"))
    verdict = judge.judge_story(members, copies, choice.primary_id, now, evidence)
    return FormedStory(members[choice.primary_id], (choice.primary_id, *choice.related_ids), qualities, verdict)


def _choice(
    rows: Sequence[PlacementRow],
    members: dict[int, StoryArticle],
    copies: dict[int, int],
    decided: Decision | None,
) -> PrimaryChoice:
    """Who broke it and the related order; an editor's choice of primary wins while it is still a member."""
    choice = choose_primary([members[r.article_id] for r in rows], copies)
    if decided is None or decided.value == choice.primary_id or decided.value not in members:
        return choice
    chosen = int(decided.value)
    related = [choice.primary_id, *choice.related_ids]
    if chosen in related:
        related.remove(chosen)
    position = {article_id: n for n, article_id in enumerate(related)}
    ranked = sorted(related, key=lambda i: (-(members[i].quality or -1), position[i]))
    return PrimaryChoice(
        primary_id=chosen,
        related_ids=tuple(ranked),
        reason=f"chosen by {decided.actor}; editors' decisions always win",
        copy_ids=tuple(c for c in choice.copy_ids if c != chosen),
    )


@dataclass(frozen=True, slots=True)
class StoryExplanation:
    key: int
    lines: list[str]


def explain(store: Store, key: int, life: LifeConfig | None = None) -> StoryExplanation | None:
    """The story an id leads to, with why each member is in it, why the primary is primary, and whether it is
    still open (``life``: the desk's quiet period) or why it closed."""
    with store.transaction() as conn:
        key = resolve_key(conn, key)
        rows, members, copy_of = formed_members(conn, key)
        if not rows:
            return None
        state = _life_line(conn, rows, members, life or LifeConfig())
        merged = [absorbed for absorbed, _by in merges_into(conn, key)]
        choice = _choice(rows, members, copy_of, decisions(conn, key).get("primary"))
    copies = {r.article_id: CopyOf(r.article_id, r.copy_of, r.copy_similarity or 0.0) for r in rows if r.copy_of}
    placements = {
        r.article_id: Placement(
            article_id=r.article_id,
            story_id=key,
            new_story=r.new_story,
            match=None
            if r.match_article_id is None
            else Match(
                r.match_article_id, r.similarity or 0.0, r.shared_entities, r.time_gap_seconds, r.shared_evidence
            ),
        )
        for r in rows
        if r.copy_of is None
    }
    ordered: Sequence[StoryArticle] = [members[r.article_id] for r in rows]
    return StoryExplanation(key, explain_story(key, ordered, placements, choice, copies, merged, state))


def life_line(conn: Connection, key: int, life: LifeConfig) -> str | None:
    """Whether the story an id leads to is open and until when, or when and why it closed."""
    rows, members, _copies = formed_members(conn, resolve_key(conn, key))
    return _life_line(conn, rows, members, life) if rows else None


def _life_line(
    conn: Connection, rows: Sequence[PlacementRow], members: dict[int, StoryArticle], life: LifeConfig
) -> str:
    now, placed = stream_position(conn)
    # The clusterer's view: copies never reach it (dedup places them), so they do not keep a story open.
    times = [t for r in rows if r.copy_of is None and (t := members[r.article_id].published) is not None]
    since = placed - max(r.seq for r in rows)
    return story_life(life, min(times, default=None), max(times, default=None), now, since).describe(life)
