"""What the judge decided and what editors decided: article relevance, topics and quality; story heat, topics and
the gate; editors' decisions by field; topic corrections as training examples."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from newsdesk.store import schema
from newsdesk.store.audit import log_change
from newsdesk.store.timestamps import from_db, to_db

#: The fields of a formed story an editor can decide; the pipeline never overwrites them.
DECISION_FIELDS = ("published", "topics", "title", "excerpt", "category", "primary")


@dataclass(frozen=True, slots=True)
class ArticleTopic:
    topic_id: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleJudgement:
    article_id: int
    relevance: float | None
    on_beat: bool | None
    relevance_evidence: tuple[str, ...]
    topics: tuple[ArticleTopic, ...]
    quality: int | None
    quality_lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    field: str
    value: Any
    actor: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class TopicCorrection:
    """An editor's topic edit, kept as a training example for the tagger."""

    title: str
    text: str
    topics: tuple[str, ...]


def save_relevance(
    conn: Connection,
    article_id: int,
    *,
    relevance: float,
    on_beat: bool,
    evidence: Sequence[str],
    topics: Sequence[ArticleTopic],
    now: datetime,
) -> None:
    """An article's relevance to the beat and its topics (most specific first), replacing earlier ones."""
    signals = _signals(conn, article_id)
    signals["relevance"] = list(evidence)
    conn.execute(
        update(schema.articles)
        .where(schema.articles.c.id == article_id)
        .values(relevance=relevance, on_beat=on_beat, judged_at=to_db(now), quality_signals=json.dumps(signals))
    )
    conn.execute(delete(schema.article_topics).where(schema.article_topics.c.article_id == article_id))
    for position, topic in enumerate(topics):
        conn.execute(
            insert(schema.article_topics).values(
                article_id=article_id,
                position=position,
                topic_id=topic.topic_id,
                score=topic.score,
                evidence=json.dumps(list(topic.evidence), ensure_ascii=False),
            )
        )


def save_quality(conn: Connection, article_id: int, *, quality: int, lines: Sequence[str]) -> None:
    signals = _signals(conn, article_id)
    signals["quality"] = list(lines)
    conn.execute(
        update(schema.articles)
        .where(schema.articles.c.id == article_id)
        .values(quality=quality, quality_signals=json.dumps(signals, ensure_ascii=False))
    )


def _signals(conn: Connection, article_id: int) -> dict[str, Any]:
    raw = conn.execute(select(schema.articles.c.quality_signals).where(schema.articles.c.id == article_id)).scalar()
    loaded = json.loads(raw) if raw else {}
    return loaded if isinstance(loaded, dict) else {}


def article_judgements(conn: Connection, article_ids: Sequence[int]) -> dict[int, ArticleJudgement]:
    """What the judge stored for each article."""
    a, t = schema.articles, schema.article_topics
    ids = sorted(set(article_ids))
    topics: dict[int, list[ArticleTopic]] = {}
    for r in conn.execute(select(t).where(t.c.article_id.in_(ids)).order_by(t.c.article_id, t.c.position)):
        topics.setdefault(int(r.article_id), []).append(
            ArticleTopic(r.topic_id, float(r.score), tuple(json.loads(r.evidence)))
        )
    out: dict[int, ArticleJudgement] = {}
    query = select(a.c.id, a.c.relevance, a.c.on_beat, a.c.quality, a.c.quality_signals).where(a.c.id.in_(ids))
    for r in conn.execute(query):
        signals = json.loads(r.quality_signals) if r.quality_signals else {}
        out[int(r.id)] = ArticleJudgement(
            article_id=int(r.id),
            relevance=r.relevance,
            on_beat=r.on_beat,
            relevance_evidence=tuple(signals.get("relevance", ())),
            topics=tuple(topics.get(int(r.id), ())),
            quality=r.quality,
            quality_lines=tuple(signals.get("quality", ())),
        )
    return out


def decisions(conn: Connection, key: int) -> dict[str, Decision]:
    """Editors' decisions on the formed story ``key``, by field."""
    d = schema.story_decisions
    return {
        r.field: Decision(r.field, json.loads(r.value), r.actor, from_db(r.decided_at))
        for r in conn.execute(select(d).where(d.c.cluster_key == key))
    }


def decide(conn: Connection, key: int, field: str, value: Any, *, actor: str, now: datetime) -> None:
    """Record an editor's decision on a story's field (replacing an earlier one), with an audit entry."""
    if field not in DECISION_FIELDS:
        raise ValueError(f"editors decide {', '.join(DECISION_FIELDS)}, not {field!r}")
    d = schema.story_decisions
    before = decisions(conn, key).get(field)
    conn.execute(delete(d).where(d.c.cluster_key == key, d.c.field == field))
    conn.execute(
        insert(d).values(
            cluster_key=key,
            field=field,
            value=json.dumps(value, ensure_ascii=False),
            actor=actor,
            decided_at=to_db(now),
        )
    )
    log_change(
        conn,
        at=now,
        actor=actor,
        action="decide",
        entity="story",
        key=str(key),
        detail={"field": field, "before": before.value if before else None, "after": value},
    )


def add_topic_correction(
    conn: Connection, *, article_id: int | None, title: str, text: str, topics: Sequence[str], actor: str, now: datetime
) -> None:
    conn.execute(
        insert(schema.topic_examples).values(
            article_id=article_id,
            title=title,
            text=text,
            topics=json.dumps(list(topics), ensure_ascii=False),
            actor=actor,
            created_at=to_db(now),
        )
    )


def topic_corrections(conn: Connection) -> list[TopicCorrection]:
    """Every topic correction, oldest first."""
    e = schema.topic_examples
    return [
        TopicCorrection(r.title, r.text, tuple(json.loads(r.topics))) for r in conn.execute(select(e).order_by(e.c.id))
    ]


def outlet_records(conn: Connection, domains: Iterable[str]) -> dict[str, tuple[int, int]]:
    """For each outlet, (published, unpublished): editors' publishing decisions on stories it was part of."""
    wanted = sorted({d for d in domains if d})
    if not wanted:
        return {}
    d, s, sa, a, p = (
        schema.story_decisions,
        schema.stories,
        schema.story_articles,
        schema.articles,
        schema.providers,
    )
    query = (
        select(p.c.domain, d.c.value, func.count(func.distinct(s.c.id)).label("n"))
        .select_from(
            d.join(s, s.c.cluster_key == d.c.cluster_key)
            .join(sa, sa.c.story_id == s.c.id)
            .join(a, a.c.id == sa.c.article_id)
            .join(p, p.c.id == a.c.provider_id)
        )
        .where(d.c.field == "published", p.c.domain.in_(wanted))
        .group_by(p.c.domain, d.c.value)
    )
    out: dict[str, tuple[int, int]] = {}
    for r in conn.execute(query):
        yes, no = out.get(r.domain, (0, 0))
        if json.loads(r.value) is True:
            yes += int(r.n)
        else:
            no += int(r.n)
        out[r.domain] = (yes, no)
    return out


def write_story_judgement(
    conn: Connection,
    key: int,
    *,
    heat: int,
    published: bool,
    topics: Sequence[str] | None,
    now: datetime,
) -> None:
    """A formed story's heat and gate, and its topic names unless ``topics`` is ``None`` (kept as they are)."""
    s = schema.stories
    story_id = conn.execute(select(s.c.id).where(s.c.cluster_key == key)).scalar()
    if story_id is None:
        return
    conn.execute(update(s).where(s.c.id == story_id).values(heat=heat, heat_at=to_db(now), published=published))
    if topics is not None:
        write_story_topics(conn, int(story_id), topics)


def write_story_topics(conn: Connection, story_id: int, topics: Sequence[str]) -> None:
    conn.execute(delete(schema.story_topics).where(schema.story_topics.c.story_id == story_id))
    for position, name in enumerate(topics):
        conn.execute(insert(schema.story_topics).values(story_id=story_id, position=position, name=name))


def story_topic_names(conn: Connection, key: int) -> list[str]:
    s, t = schema.stories, schema.story_topics
    query = select(t.c.name).select_from(t.join(s, s.c.id == t.c.story_id)).where(s.c.cluster_key == key)
    return [str(r.name) for r in conn.execute(query.order_by(t.c.position))]


def story_state(conn: Connection, key: int) -> Mapping[str, Any] | None:
    """The stored heat, gate and slug of a formed story."""
    s = schema.stories
    row = conn.execute(select(s.c.id, s.c.slug, s.c.heat, s.c.published).where(s.c.cluster_key == key)).first()
    return None if row is None else dict(row._mapping)


def formed_story_keys(conn: Connection, *, since: datetime | None = None) -> list[int]:
    """Formed stories (newest coverage since ``since``, if given), by key."""
    s = schema.stories
    query = select(s.c.cluster_key).where(s.c.cluster_key.is_not(None))
    if since is not None:
        query = query.where(s.c.published_at >= to_db(since))
    return [int(k) for k in conn.execute(query.order_by(s.c.cluster_key)).scalars()]


def judge_inputs(conn: Connection) -> str:
    """A fingerprint of what the desk's judge is built from (the taxonomy, editors' topic corrections): a judge
    built when it was different is out of date."""
    digest = hashlib.sha256()
    for row in conn.execute(
        select(schema.topics.c.topic_id, schema.topics.c.document).order_by(schema.topics.c.topic_id)
    ):
        digest.update(f"{row.topic_id}\0{row.document}\0".encode())
    e = schema.topic_examples
    count, last = conn.execute(select(func.count(), func.max(e.c.id)).select_from(e)).one()
    digest.update(f"examples {count} {last}".encode())
    return digest.hexdigest()
