"""The judging stage: where the pure judge meets the store.

Articles are judged as story formation takes them, before they are placed:
their relevance to the beat and their topics are stored, and an off-beat
article is kept but never placed in a story (so it never reaches a record or
the publishing queue). A formed story is judged whenever it is written: each
member's quality (its originality depends on its role in the story), the
story's heat, its topics from its members', and the gate. Editors' decisions
(``story_decisions``) always win: the judge never writes a field an editor
decided, and an editor's topic correction becomes a training example the
tagger learns from the next time the desk loads its judge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Connection

from newsdesk.encoder.embed import Embedder, Vectors
from newsdesk.judge.gate import GateDecision, decide
from newsdesk.judge.heat import Coverage, Heat, HeatSettings, story_heat
from newsdesk.judge.quality import ArticleEvidence, Quality, QualityWeights, judge_quality, role_of
from newsdesk.judge.relevance import BeatJudge, glance_text
from newsdesk.judge.semantic import TopicSpace
from newsdesk.judge.topics import TopicExample, TopicScore, TopicTagger, story_topics
from newsdesk.judge.tree import TopicTree
from newsdesk.pageurls import normalise_url
from newsdesk.record import UNKNOWN_LANGUAGE, StoryArticle, primary_language
from newsdesk.settings import JudgeSettings
from newsdesk.store.judgements import (
    ArticleJudgement,
    ArticleTopic,
    Decision,
    article_judgements,
    decisions,
    outlet_records,
    save_quality,
    save_relevance,
    story_state,
    story_topic_names,
    topic_corrections,
    write_story_judgement,
)
from newsdesk.store.placements import formed_members, resolve_key, story_articles, story_member_ids
from newsdesk.store.topics import load_topics


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the judge made of one article: relevance to the beat, with evidence, and its topics."""

    relevance: float
    on_beat: bool
    evidence: tuple[str, ...]
    topics: tuple[TopicScore, ...]
    #: Settled at a glance (title and lead) and never embedded in full.
    glanced: bool = False


@dataclass(frozen=True, slots=True)
class StoryVerdict:
    """What the judge made of a story: its members' quality, heat, topics and the gate's decision."""

    quality: Mapping[int, int]
    heat: Heat
    topics: tuple[str, ...]
    gate: GateDecision
    #: Whether ``topics`` are the editors' (then the judge's own are not stored).
    topics_decided: bool = False


@dataclass(frozen=True, slots=True)
class StoryEvidence:
    """What judging a formed story reads from the store besides its members, loaded at once
    (:func:`load_story_evidence`)."""

    #: Per outlet: how many of its articles' stories editors published and unpublished.
    records: Mapping[str, tuple[int, int]]
    #: Per member: its relevance and topics as judged when it arrived.
    judged: Mapping[int, ArticleJudgement]
    #: The editors' decisions on the story.
    decided: Mapping[str, Decision]


def load_story_evidence(
    conn: Connection, members: Mapping[int, StoryArticle], decided: Mapping[str, Decision]
) -> StoryEvidence:
    """The evidence :meth:`DeskJudge.score_members` and :meth:`DeskJudge.judge_story` read, in one place."""
    records = outlet_records(conn, [m.source or "" for m in members.values()])
    return StoryEvidence(records, article_judgements(conn, list(members)), decided)


def save_story_verdict(
    conn: Connection, key: int, qualities: Mapping[int, Quality], verdict: StoryVerdict, now: datetime
) -> None:
    """Store each member's quality (with its signals) and the story's heat, gate and topics (not the topics when
    the editors decided them)."""
    for article_id, quality in qualities.items():
        save_quality(conn, article_id, quality=quality.score, lines=quality.lines())
    write_story_judgement(
        conn,
        key,
        heat=verdict.heat.value,
        published=verdict.gate.published,
        topics=None if verdict.topics_decided else verdict.topics,
        now=now,
    )


class DeskJudge:
    """The desk's judgment, built from its taxonomy and its editors' topic corrections in the store.

    A desk without a taxonomy has no beat to keep: every article is on it and has no topics.
    """

    def __init__(self, settings: JudgeSettings, beat: BeatJudge | None = None, tagger: TopicTagger | None = None):
        self.settings = settings
        self.beat = beat
        self.tagger = tagger
        self.weights = QualityWeights.of(settings)
        self.heat_settings = HeatSettings.of(settings)

    @classmethod
    def load(cls, conn: Connection, settings: JudgeSettings, embedder: Embedder) -> DeskJudge:
        topics = load_topics(conn)
        if not topics:
            return cls(settings)
        space = TopicSpace(TopicTree.from_topics(topics), embedder)
        examples = [TopicExample(c.title, c.text, c.topics) for c in topic_corrections(conn)]
        return cls(settings, BeatJudge(space), TopicTagger(space, examples))

    @property
    def tree(self) -> TopicTree | None:
        return self.beat.tree if self.beat is not None else None

    def assess(self, article: StoryArticle, vector: Vectors) -> Assessment:
        """An article's relevance to the beat and, when on it, its topics (pure: nothing is stored)."""
        early = self._early(article)
        if early is not None or self.beat is None or self.tagger is None:
            return early or Assessment(1.0, True, (), ())
        text = _body(article)
        unit = np.asarray(vector, dtype=np.float32)
        relevance = self.beat.judge(article.title, text, unit)
        tags = self.tagger.tag(article.title, text, unit) if relevance.on_beat else []
        return Assessment(relevance.score, relevance.on_beat, relevance.evidence, tuple(tags))

    def glance_plan(self, articles: Sequence[StoryArticle]) -> list[int]:
        """The articles a glance may judge (:meth:`BeatJudge.glance`): those judged at all, with no keyword of the
        beat in their title, lead or text."""
        if self.beat is None or self.tagger is None:
            return []
        judged = [i for i, article in enumerate(articles) if self._early(article) is None]
        found = self.beat.glance_candidates([(articles[i].title, _body(articles[i])) for i in judged])
        return [judged[k] for k in found]

    def glance_text(self, article: StoryArticle) -> str:
        """What a glance embeds of the article: its title and lead."""
        return glance_text(article.title, article.lead, article.text, self.beat.config if self.beat else None)

    def glance(self, articles: Sequence[StoryArticle], vectors: Vectors) -> list[Assessment | None]:
        """Articles of :meth:`glance_plan` judged from ``vectors`` (their :meth:`glance_text` embedded): an
        off-beat assessment for each one the glance settles, ``None`` for each to read in full."""
        if self.beat is None or not articles:
            return [None] * len(articles)
        verdicts = self.beat.glance([(a.title, _body(a)) for a in articles], vectors)
        return [None if v is None else Assessment(v.score, v.on_beat, v.evidence, (), glanced=True) for v in verdicts]

    def assess_many(self, articles: Sequence[StoryArticle], vectors: Vectors) -> list[Assessment]:
        """:meth:`assess` for many articles at once: the beat's second look (each text without its keywords) is
        embedded in one batch, which is what makes judging a round of articles cheap."""
        if len(articles) != len(vectors):
            raise ValueError(f"{len(articles)} articles but {len(vectors)} vectors")
        out: list[Assessment | None] = [None] * len(articles)
        judged: list[int] = []
        for i, article in enumerate(articles):
            early = self._early(article)
            if early is None:
                judged.append(i)
            else:
                out[i] = early
        if judged and self.beat is not None and self.tagger is not None:
            items = [(articles[i].title, _body(articles[i])) for i in judged]
            matrix = np.asarray(vectors, dtype=np.float32)[judged]
            verdicts = self.beat.judge_many(items, matrix)
            on = [k for k, verdict in enumerate(verdicts) if verdict.on_beat]
            tags = self.tagger.tag_many([items[k] for k in on], matrix[on]) if on else []
            tags_of = dict(zip(on, tags, strict=True))
            for k, (i, verdict) in enumerate(zip(judged, verdicts, strict=True)):
                out[i] = Assessment(verdict.score, verdict.on_beat, verdict.evidence, tuple(tags_of.get(k, [])))
        return [a for a in out if a is not None]

    def _early(self, article: StoryArticle) -> Assessment | None:
        """The verdict that needs no reading: an article in a language the desk does not cover, or every article
        of a desk without a taxonomy; ``None`` otherwise."""
        wanted = self.settings.language_codes
        language = primary_language(article.language)
        if wanted and language != UNKNOWN_LANGUAGE and language not in wanted:
            why = f"in {language}, not one of the desk's languages ({', '.join(sorted(wanted))}: judge.languages)"
            return Assessment(0.0, False, (why,), ())
        if self.beat is None or self.tagger is None:
            return Assessment(1.0, True, ("the desk has no taxonomy: every article is on its beat",), ())
        return None

    def as_copy(self, assessment: Assessment, article: StoryArticle, vector: Vectors, original_id: int) -> Assessment:
        """A syndicated copy follows its original onto the beat: the same text is the same news."""
        text = _body(article)
        unit = np.asarray(vector, dtype=np.float32)
        tags = self.tagger.tag(article.title, text, unit) if self.tagger is not None else []
        why = f"on the beat as a copy of article {original_id}, which is on it (its own score alone: off)"
        return Assessment(assessment.relevance, True, (why, *assessment.evidence), tuple(tags))

    def save(self, conn: Connection, article_id: int, assessment: Assessment, now: datetime) -> None:
        save_relevance(
            conn,
            article_id,
            relevance=assessment.relevance,
            on_beat=assessment.on_beat,
            evidence=assessment.evidence,
            topics=[ArticleTopic(t.topic_id, t.score, t.evidence) for t in assessment.topics],
            now=now,
        )

    def judge_articles(
        self, conn: Connection, articles: Sequence[StoryArticle], vectors: Vectors, now: datetime
    ) -> list[bool]:
        """Judge and store each article's relevance and topics; whether each is on the beat."""
        out: list[bool] = []
        for article, vector in zip(articles, vectors, strict=True):
            assessment = self.assess(article, vector)
            self.save(conn, article.id, assessment, now)
            out.append(assessment.on_beat)
        return out

    def score_members(
        self,
        members: Mapping[int, StoryArticle],
        copies: Mapping[int, int],
        primary_id: int,
        records: Mapping[str, tuple[int, int]],
    ) -> dict[int, Quality]:
        """Each member's quality in its role in the story (``records``: each outlet's track record, yes and no)."""
        urls = {normalise_url(m.url): m.id for m in members.values() if m.url}
        copy_of = dict(copies)
        out: dict[int, Quality] = {}
        for article_id, member in members.items():
            linked = [
                urls[u] for u in (normalise_url(link) for link in member.links) if urls.get(u, article_id) != article_id
            ]
            role = role_of(article_id, primary_id, copy_of, linked, len(member.text.split()))
            yes, no = records.get(member.source or "", (0, 0))
            track = (yes + 1) / (yes + no + 2) if yes + no else None
            out[article_id] = judge_quality(
                ArticleEvidence(
                    title=member.title,
                    lead=member.lead,
                    text=member.text,
                    url=member.url or "",
                    outlet=member.source or "",
                    links=member.links,
                    role=role,
                    track_record=track,
                ),
                self.weights,
            )
        return out

    def judge_story(
        self,
        members: Mapping[int, StoryArticle],
        copies: Mapping[int, int],
        primary_id: int,
        now: datetime,
        evidence: StoryEvidence,
    ) -> StoryVerdict:
        """Heat, topics and the gate of a formed story whose members are scored (their ``quality`` set). The
        topics are the editors' when they decided them (``StoryVerdict.topics_decided``)."""
        heat = self.heat_now(members, copies, now)
        judged, decided = evidence.judged, evidence.decided
        tree = self.tree
        topics: tuple[str, ...] = ()
        if tree is not None:
            member_topics = [
                [
                    TopicScore(t.topic_id, tree.get(t.topic_id).name, t.score, t.evidence)
                    for t in j.topics
                    if t.topic_id in tree
                ]
                for article_id, j in judged.items()
                if article_id not in copies
            ]
            topics = tuple(t.name for t in story_topics(member_topics, tree))
        gate = self.gate(decided, judged.get(primary_id), members[primary_id].quality)
        editors = decided.get("topics")
        return StoryVerdict(
            {i: m.quality or 0 for i, m in members.items()},
            heat,
            tuple(editors.value) if editors is not None else topics,
            gate,
            editors is not None,
        )

    def gate(
        self, decided: Mapping[str, Decision], primary: ArticleJudgement | None, primary_quality: int | None
    ) -> GateDecision:
        """The gate's decision on a story: an editor's publish or unpublish, else the beat and the threshold."""
        published = decided.get("published")
        return decide(
            on_beat=primary is None or primary.on_beat is not False,
            primary_quality=primary_quality,
            threshold=self.settings.threshold,
            editor=bool(published.value) if published is not None else None,
            editor_name=published.actor if published is not None else None,
        )

    def heat_now(self, members: Mapping[int, StoryArticle], copies: Mapping[int, int], now: datetime) -> Heat:
        coverage = [
            Coverage(
                outlet=m.source or m.url or str(m.id),
                arrived=min(m.published, now) if m.published is not None else now,
                quality=m.quality,
                copy=m.id in copies,
            )
            for m in members.values()
        ]
        return story_heat(coverage, now, self.heat_settings)


def explain_article(conn: Connection, article_id: int) -> list[str] | None:
    """Every signal the judge stored for an article: relevance, topics with evidence, quality's signals."""
    judged = article_judgements(conn, [article_id]).get(article_id)
    if judged is None:
        return None
    members = story_articles(conn, [article_id])
    title = members[article_id].title if article_id in members else ""
    lines = [f"article {article_id}: {title}"]
    if judged.relevance is None:
        lines.append("  relevance: not judged yet (`newsdesk stories form` judges articles as it takes them)")
    else:
        lines.append(f"  relevance {judged.relevance:.2f}: {'on' if judged.on_beat else 'off'} the beat")
        lines += [f"    {line}" for line in judged.relevance_evidence]
    if judged.topics:
        lines.append("  topics:")
        for topic in judged.topics:
            lines.append(f"    {topic.topic_id} ({topic.score:.2f})")
            lines += [f"      {line}" for line in topic.evidence]
    elif judged.on_beat:
        lines.append("  topics: none")
    if judged.quality_lines:
        lines.append("  quality (signal value x weight, penalties):")
        lines += [f"    {line}" for line in judged.quality_lines]
    else:
        lines.append(f"  quality: {judged.quality if judged.quality is not None else 'not scored yet'}")
    return lines


def explain_story_judgement(
    conn: Connection, key: int, judge: DeskJudge, now: datetime, life: str | None = None
) -> list[str] | None:
    """A formed story's gate, heat (at ``now``), topics and its members' judgements; ``life``: whether it is open
    or why it closed."""
    key = resolve_key(conn, key)
    state = story_state(conn, key)
    rows, members, copies = formed_members(conn, key)
    if state is None or not rows:
        return None
    decided = decisions(conn, key)
    order = story_member_ids(conn, key)
    primary_id = order[0] if order else rows[0].article_id
    primary = article_judgements(conn, [primary_id]).get(primary_id)
    gate = judge.gate(decided, primary, members[primary_id].quality)
    lines = [f"story {key}: {members[primary_id].title}"]
    if life is not None:
        lines.append(f"  {life}")
    lines.append(f"  gate: {'published' if state['published'] else 'not published'}: {gate.reason}")
    heat = judge.heat_now(members, copies, now)
    lines.append(f"  heat now {heat.value} (stored {state['heat']}):")
    lines += [f"    {line}" for line in heat.lines()]
    topics = story_topic_names(conn, key)
    source = f"set by {decided['topics'].actor}" if "topics" in decided else "from its members' topics"
    lines.append(f"  topics ({source}): {', '.join(topics) if topics else 'none'}")
    for field, decision in sorted(decided.items()):
        lines.append(f"  editor's decision: {field} = {decision.value!r} by {decision.actor} at {decision.decided_at}")
    for article_id in order + sorted(copies):
        role = "primary" if article_id == primary_id else ("copy" if article_id in copies else "related")
        lines.append(f"  [{role}]")
        lines += [f"  {line}" for line in explain_article(conn, article_id) or []]
    return lines


def _body(article: StoryArticle) -> str:
    """What the judge reads after the title: the lead, then the text."""
    return f"{article.lead}\n{article.text}".strip()
