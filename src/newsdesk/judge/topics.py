"""Topics: which of the desk's topics an on-beat article is about, most specific first, then their parents.

Pure: the taxonomy's :class:`TopicSpace`, editors' corrections (:class:`TopicExample`) and an article's title,
text and vector in; a list of :class:`TopicScore` out, each with its score in [0, 1] and readable evidence. The
root topic (``AI``) comes last: every on-beat article is about it.

For each topic below the root, evidence adds up as log-odds (weights in :class:`TaggerConfig`, one setting for
every desk):

- **keywords**: one of the topic's ``keywords`` (or its name) in the title counts ``title_keyword``, in the
  text ``text_keyword``; a ``context_keywords`` word (or the topic's name less the root's, "Facebook" for
  "Facebook AI") ``title_context`` / ``text_context``; each further distinct phrase ``more``; at most
  ``keyword_cap``. A keyword of a topic's descendant counts for the topic too (TensorFlow → Google AI).
- **similarity**: ``similarity_weight × (s − similarity_center)`` where ``s`` is the article's best cosine to
  the topic's prototypes (name and description, keywords, example headlines), plus ``nearest_bonus`` for the
  topic the article is nearest of all.
- **corrections**: the ``neighbours`` editors' examples nearest the article (cosine at least
  ``example_similarity``) vote: each votes for the topics the editor gave it and against the others, weighted by
  its cosine; the share of votes for the topic, from −1 (all against) to +1 (all for), times
  ``example_weight`` and the nearest example's closeness (a fifth at ``example_similarity``, all of it from
  ``example_full_similarity``). So once an editor adds or removes a topic on an article,
  the next article like it is tagged the editor's way.

A topic is chosen when ``sigmoid(sum) >= threshold``; at most ``max_topics`` are (the best). Their ancestors are
added (scored as their best descendant, unless their own score is higher); the list is ordered most specific
first (deepest first, then by score). :func:`story_topics` gives a story's topics from its members'.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsdesk.encoder.embed import Vectors
from newsdesk.judge.keywords import Hit, PhraseMatcher, phrases_of, short_quote
from newsdesk.judge.semantic import Closeness, TopicSpace
from newsdesk.judge.tree import TopicTree

KEYWORD = "keyword"
CONTEXT = "context"


@dataclass(frozen=True, slots=True)
class TopicExample:
    """An editor's word on an article's topics: its title and text and the topics it is about (ids or names).

    Every topic edit in the editors' desk becomes one. The root topic need not be listed; unknown topics are
    ignored (the taxonomy may have changed since).
    """

    title: str
    text: str
    topic_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicScore:
    """One topic of an article or story: its id and name, score in [0, 1], and why."""

    topic_id: str
    name: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TaggerConfig:
    """The weights of the evidence (log-odds), the threshold and limits; one setting for every desk."""

    prior: float = -3.0
    title_keyword: float = 3.5
    text_keyword: float = 2.5
    title_context: float = 1.5
    text_context: float = 1.0
    more: float = 0.5
    keyword_cap: float = 5.0
    similarity_center: float = 0.35
    similarity_weight: float = 10.0
    #: Below the center a low similarity counts less: a thin taxonomy's prototypes are far from most articles.
    similarity_below_weight: float = 5.0
    nearest_bonus: float = 1.0
    neighbours: int = 5
    example_similarity: float = 0.5
    #: An example this close (or closer) votes with its full weight; one at ``example_similarity`` with a fifth.
    example_full_similarity: float = 0.8
    example_weight: float = 6.0
    threshold: float = 0.5
    max_topics: int = 3


class TopicTagger:
    """Tags on-beat articles with a taxonomy's topics, learning from editors' corrections."""

    def __init__(
        self,
        space: TopicSpace,
        examples: Sequence[TopicExample] = (),
        config: TaggerConfig | None = None,
        example_vectors: Vectors | None = None,
    ) -> None:
        """``example_vectors`` (one row per example, as :meth:`TopicSpace.embed_articles` makes them) skip
        embedding the examples."""
        self.space = space
        self.tree: TopicTree = space.tree
        self.config = config or TaggerConfig()
        owned: list[tuple[str, str, Sequence[str]]] = []
        for profile in self.tree.profiles:
            if profile.parent is None:
                continue
            owned.append((profile.id, KEYWORD, profile.keywords))
            owned.append((profile.id, CONTEXT, profile.context_keywords))
        self._matcher = PhraseMatcher(phrases_of(owned))
        self._index = {p.id: i for i, p in enumerate(self.tree.profiles)}
        self._examples: list[tuple[TopicExample, frozenset[str]]] = []
        for example in examples:
            ids = frozenset(self._resolve(example.topic_ids))
            self._examples.append((example, ids))
        if self._examples:
            if example_vectors is None:
                example_vectors = space.embed_articles([(e.title, e.text) for e, _ in self._examples])
            self._example_vectors = np.asarray(example_vectors, dtype=np.float32)
            if len(self._example_vectors) != len(self._examples):
                raise ValueError(f"{len(self._examples)} examples but {len(self._example_vectors)} vectors")
        else:
            self._example_vectors = np.zeros((0, 1), dtype=np.float32)

    def _resolve(self, names: Sequence[str]) -> list[str]:
        """Topic ids for ids or names, with every ancestor; unknown ones dropped."""
        out: list[str] = []
        for name in names:
            profile = self.tree.by_name(name)
            if profile is None:
                continue
            out.append(profile.id)
            out.extend(self.tree.ancestors(profile.id))
        return out

    def tag(self, title: str, text: str, vector: Vectors | None = None) -> list[TopicScore]:
        """The article's topics, most specific first, then their parents, the root last."""
        if vector is None:
            vector = self.space.embed_articles([(title, text)])
        row = np.asarray(vector, dtype=np.float32).reshape(-1)
        return self.tag_closeness(title, text, self.space.closeness(row), row)

    def tag_many(self, items: Sequence[tuple[str, str]], vectors: Vectors | None = None) -> list[list[TopicScore]]:
        """Tag ``(title, text)`` articles, embedding them in one batch unless ``vectors`` are given."""
        if vectors is None:
            vectors = self.space.embed_articles(items)
        return [
            self.tag_closeness(title, text, self.space.closeness(vectors[i]), np.asarray(vectors[i]).reshape(-1))
            for i, (title, text) in enumerate(items)
        ]

    def tag_closeness(self, title: str, text: str, closeness: Closeness, vector: np.ndarray) -> list[TopicScore]:
        """Tag an article whose closeness to the topics is already known (``vector``: its embedding)."""
        config = self.config
        logits, evidence = self._keyword_evidence(title, text)
        nearest = int(np.argmax(closeness.topics)) if len(closeness.topics) else -1
        for index, profile in enumerate(self.tree.profiles):
            if profile.parent is None:
                continue
            sim = float(closeness.topics[index])
            weight = config.similarity_weight if sim >= config.similarity_center else config.similarity_below_weight
            points = weight * (sim - config.similarity_center)
            line = f"similarity {sim:.2f} (nearest: {short_quote(closeness.nearest[index])}) ({points:+.2f})"
            if index == nearest:
                points += config.nearest_bonus
                line += f"; the nearest topic (+{config.nearest_bonus:.2f})"
            logits[profile.id] += points
            evidence[profile.id].append(line)
        self._example_evidence(vector, logits, evidence)
        scored = {
            topic_id: 1.0 / (1.0 + math.exp(-(config.prior + logit)))
            for topic_id, logit in logits.items()
            if self.tree.get(topic_id).parent is not None
        }
        chosen = sorted(
            (t for t, s in scored.items() if s >= config.threshold), key=lambda t: (-scored[t], self._index[t])
        )
        chosen = chosen[: config.max_topics]
        return self._with_parents(chosen, scored, evidence, closeness)

    def _keyword_evidence(self, title: str, text: str) -> tuple[dict[str, float], dict[str, list[str]]]:
        config = self.config
        logits: dict[str, float] = defaultdict(float)
        evidence: dict[str, list[str]] = defaultdict(list)
        for profile in self.tree.profiles:
            logits[profile.id] = 0.0
        found: dict[str, list[tuple[Hit, str]]] = defaultdict(list)
        for hit in self._matcher.find(title, "title") + self._matcher.find(text, "text"):
            for topic_id, kind in hit.phrase.owners:
                for owner in (topic_id, *self.tree.ancestors(topic_id)):
                    found[owner].append((hit, kind if owner == topic_id else f"{kind} of {topic_id}"))
        for topic_id, hits in found.items():
            if self.tree.get(topic_id).parent is None:
                continue
            gains: list[tuple[float, Hit, str]] = []
            for hit, kind in hits:
                strong = kind.startswith(KEYWORD)
                if hit.field == "title":
                    gains.append((config.title_keyword if strong else config.title_context, hit, kind))
                else:
                    gains.append((config.text_keyword if strong else config.text_context, hit, kind))
            points = 0.0
            seen: set[str] = set()
            for gain, hit, kind in sorted(gains, key=lambda g: (-g[0], g[1].start)):
                key = hit.phrase.text.lower()
                if key in seen:
                    continue
                counted = gain if not seen else config.more
                seen.add(key)
                points += counted
                evidence[topic_id].append(f"{kind} in {hit.field}: {hit.context} (+{counted:.2f})")
            if points > config.keyword_cap:
                evidence[topic_id].append(f"keywords count at most +{config.keyword_cap:.2f}")
                points = config.keyword_cap
            logits[topic_id] += points
        return logits, evidence

    def _example_evidence(self, vector: np.ndarray, logits: dict[str, float], evidence: dict[str, list[str]]) -> None:
        config = self.config
        if not self._examples:
            return
        row = vector / (float(np.linalg.norm(vector)) or 1.0)
        sims = self._example_vectors @ row.astype(np.float32)
        order = np.argsort(-sims)[: config.neighbours]
        near = [int(i) for i in order if sims[i] >= config.example_similarity]
        if not near:
            return
        total = float(sum(sims[i] for i in near))
        span = max(config.example_full_similarity - config.example_similarity, 1e-6)
        closeness = (float(sims[near[0]]) - config.example_similarity) / span
        strength = config.example_weight * max(0.2, min(1.0, closeness))
        for profile in self.tree.profiles:
            if profile.parent is None:
                continue
            votes = sum(float(sims[i]) * (1.0 if profile.id in self._examples[i][1] else -1.0) for i in near)
            share = votes / total
            points = strength * share
            logits[profile.id] += points
            if abs(points) >= 0.5:
                first = self._examples[near[0]][0].title
                evidence[profile.id].append(
                    f"editors' examples: {share:+.2f} of {len(near)} near ones (nearest {sims[near[0]]:.2f}: "
                    f"{short_quote(first)}) ({points:+.2f})"
                )

    def _with_parents(
        self, chosen: list[str], scored: dict[str, float], evidence: dict[str, list[str]], closeness: Closeness
    ) -> list[TopicScore]:
        out: dict[str, TopicScore] = {}
        for topic_id in chosen:
            profile = self.tree.get(topic_id)
            out[topic_id] = TopicScore(topic_id, profile.name, scored[topic_id], tuple(evidence[topic_id]))
        for topic_id in chosen:
            for ancestor in self.tree.ancestors(topic_id):
                profile = self.tree.get(ancestor)
                child = out[topic_id]
                if profile.parent is None:
                    continue
                own = scored.get(ancestor, 0.0)
                if ancestor in out and out[ancestor].score >= child.score:
                    continue
                if own >= child.score:
                    out[ancestor] = TopicScore(ancestor, profile.name, own, tuple(evidence[ancestor]))
                else:
                    line = f"parent of {child.name!r} ({child.score:.2f})"
                    out[ancestor] = TopicScore(ancestor, profile.name, child.score, (line, *evidence[ancestor]))
        roots = {r for t in out for r in [*self.tree.ancestors(t), t] if self.tree.get(r).parent is None}
        if not roots and self.tree.roots:
            roots = {max(self.tree.roots, key=lambda r: float(closeness.topics[self._index[r.id]])).id}
        ordered = sorted(out.values(), key=lambda s: (-self.tree.get(s.topic_id).depth, -s.score))
        for root_id in sorted(roots, key=lambda r: self._index[r]):
            profile = self.tree.get(root_id)
            ordered.append(TopicScore(root_id, profile.name, 1.0, ("the beat's root topic: every on-beat article",)))
        return ordered


def story_topics(members: Sequence[Sequence[TopicScore]], tree: TopicTree, min_share: float = 0.3) -> list[TopicScore]:
    """A story's topics from its articles' topics: those at least ``min_share`` of the articles have.

    A topic's score is the mean of its score over all the story's articles (0 where an article lacks it); the
    ancestors of a kept topic are kept; ordered most specific first, the root last (as :meth:`TopicTagger.tag`).
    """
    if not members:
        return []
    count = len(members)
    totals: dict[str, float] = defaultdict(float)
    holders: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for topics in members:
        for topic in topics:
            if topic.topic_id not in tree:
                continue
            totals[topic.topic_id] += topic.score
            holders[topic.topic_id] += 1
            names[topic.topic_id] = topic.name
    kept = {t for t in totals if holders[t] / count >= min_share}
    for topic_id in list(kept):
        kept.update(tree.ancestors(topic_id))
    out = [
        TopicScore(
            t,
            names.get(t, tree.get(t).name),
            totals[t] / count,
            (f"{holders[t]} of {count} articles (mean score {totals[t] / count:.2f})",),
        )
        for t in kept
    ]
    return sorted(out, key=lambda s: (-tree.get(s.topic_id).depth, -s.score, s.name))
