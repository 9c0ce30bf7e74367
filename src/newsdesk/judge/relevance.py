"""Beat relevance: is an article about the desk's beat? A score in [0, 1], ``on_beat``, and the evidence.

Pure: the taxonomy's :class:`TopicSpace` (its :class:`TopicTree` and prototype vectors, embedded once) and an
article's title, text and vector in; a :class:`Relevance` out. The beat is the taxonomy: every topic's
``keywords`` say "this is the beat", its prototypes (name, description, keywords, example headlines) say what
the beat reads like, and its ``off_beat_examples`` what it does not. Evidence adds up as log-odds:

- **keywords** (:mod:`newsdesk.judge.keywords`: word boundaries, acronyms in capitals only, "A.I."): the first
  distinct keyword in the title counts ``title_hit``, each further one ``more_hits``; the first in the text
  ``lead_hit`` when it is in the first ``lead_chars`` characters, any other ``text_hit``; at most
  ``keyword_cap`` in all. In a title or text written in capitals only case-blind phrases count (a shouted "AGI" is a
  news agency). ``context_keywords`` say nothing about the beat.
- **the semantic match**: ``semantic_weight × margin``, where ``margin`` (:mod:`newsdesk.judge.semantic`) says
  how much more the article reads like the topics' prototypes (name and description, keywords, example
  headlines) than like the taxonomy's off-beat examples. Its center is the off-beat examples themselves, not a
  cosine fitted to one beat, so the same weight serves a beat of headlines and excerpts (AI) and one of long
  full texts (politics). An article without any keyword gets ``no_keyword`` unless the margin is above 0: an
  article about the beat that names none of its keywords gets on it by the semantic match alone.
  A taxonomy without off-beat examples has no margin; there the best cosine ``s`` to any prototype counts
  ``similarity_weight × (s − similarity_center)`` and ``no_keyword`` always applies.
- **context**: the keywords are not the text. The article is embedded once more with its keyword matches cut
  out; when what is left is closer to an off-beat example than to every topic by more than
  ``contrast_tolerance`` (``margin = s' − off-beat cosine < −tolerance``), it counts
  ``contrast_weight × (margin + tolerance)``. "AI" as a pop single's title, a "Chinese AI" quip in a table
  tennis report or a review of the film "I, Robot" leave a pop, sports or film story behind; an article about
  AI leaves an article about technology.
- a **prior** of ``prior`` (most of the news is not the beat).

**A glance first.** Most of what broad feeds bring is plainly not the beat, and embedding a whole article is
most of what judging it costs. An article with no keyword of the beat anywhere in its text can reach the beat
only by the semantic match, at a margin of at least ``(logit(threshold) - prior) / semantic_weight`` (0.10).
Such an article is first read at a glance: its title and lead (``glance_chars`` characters), embedded alone,
three times cheaper than the whole text. When the glance reads less like the beat than ``glance_margin``
(0.02), well short of that bar, the article is off the beat without a full reading (:meth:`BeatJudge.glance`);
every other article is judged on its full text as above. Over every development set and both shipped beats,
no article the full reading puts on the beat is dropped at a glance (docs/judging.md).

``score = sigmoid(sum)``; ``on_beat`` is ``score >= threshold``. The constants in :class:`BeatConfig` are set
once for every desk (``docs/judging.md`` says how they were chosen and what they score).

The article's vector should be the one the desk already made for clustering (MiniLM over
``embedding_text(title, lead, text)``); :meth:`BeatJudge.judge` embeds it when given none. The keyword-free
text is embedded by the judge itself, only for articles that have keywords and only when the taxonomy has
off-beat examples.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsdesk.encoder.embed import Embedder, Vectors
from newsdesk.encoder.text import embedding_text
from newsdesk.judge.keywords import Hit, PhraseMatcher, normalise, phrases_of, short_quote
from newsdesk.judge.semantic import Closeness, TopicSpace
from newsdesk.judge.tree import TopicTree
from newsdesk.record import Topic


@dataclass(frozen=True, slots=True)
class BeatConfig:
    """The weights of the evidence (log-odds) and the threshold; one setting for every desk."""

    prior: float = -2.0
    title_hit: float = 2.5
    more_hits: float = 1.0
    lead_hit: float = 1.5
    text_hit: float = 0.75
    keyword_cap: float = 5.0
    no_keyword: float = -2.0
    lead_chars: int = 300
    semantic_weight: float = 20.0
    similarity_center: float = 0.35
    similarity_weight: float = 14.0
    contrast_tolerance: float = 0.05
    contrast_weight: float = 60.0
    threshold: float = 0.5
    #: What a glance reads (title and lead, cut at this many characters) ...
    glance_chars: int = 300
    #: ... and the semantic margin below which a keyword-free article is off the beat at a glance.
    glance_margin: float = 0.02

    def __post_init__(self) -> None:
        if self.glance_margin > self.keywordless_bar:
            raise ValueError(
                f"glance_margin {self.glance_margin} is above the margin a keyword-free article needs to be on the "
                f"beat ({self.keywordless_bar:.3f}): a glance would drop articles the full reading keeps"
            )

    @property
    def keywordless_bar(self) -> float:
        """The semantic margin a keyword-free article needs to be on the beat (0.10 with the shipped constants)."""
        return (math.log(self.threshold / (1.0 - self.threshold)) - self.prior) / self.semantic_weight


@dataclass(frozen=True, slots=True)
class Relevance:
    """How much an article is about the beat, whether it is on it, and why (readable lines)."""

    score: float
    on_beat: bool
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BeatSignals:
    """What the judge reads off one article, before any constant is applied."""

    title_hits: tuple[Hit, ...]
    text_hits: tuple[Hit, ...]
    #: The whole article's closeness to the topics and off-beat examples.
    closeness: Closeness
    #: The same with the keyword matches cut out (the whole article's when it has none).
    context: Closeness


#: Articles whose keyword hits a judge remembers (more than a formation round's batch).
_REMEMBERED = 512

#: The context of an article whose second look was not taken: no off-beat example, so no contrast penalty.
_NO_CONTRAST = Closeness(np.zeros(0), (), None, None)


class BeatJudge:
    """Judges articles against one taxonomy's beat."""

    def __init__(self, space: TopicSpace, config: BeatConfig | None = None) -> None:
        self.space = space
        self.tree: TopicTree = space.tree
        self.config = config or BeatConfig()
        self._matcher = PhraseMatcher(phrases_of([(p.id, "keyword", p.keywords) for p in self.tree.profiles]))
        self._hits: dict[tuple[str, str], tuple[list[Hit], list[Hit]]] = {}

    @classmethod
    def build(cls, topics: Sequence[Topic], embedder: Embedder, config: BeatConfig | None = None) -> BeatJudge:
        """A judge for ``topics`` (checked, see :meth:`TopicTree.from_topics`), embedding its prototypes once."""
        return cls(TopicSpace(TopicTree.from_topics(topics), embedder), config)

    def judge(self, title: str, text: str, vector: Vectors | None = None) -> Relevance:
        """Judge one article: ``text`` is its lead (or excerpt) and body; ``vector`` its embedding, if made."""
        return self.decide(self.signals_many([(title, text)], None if vector is None else _rows(vector))[0])

    def judge_many(self, items: Sequence[tuple[str, str]], vectors: Vectors | None = None) -> list[Relevance]:
        """Judge ``(title, text)`` articles, embedding them in one batch unless ``vectors`` are given.

        The second look (the text without its keywords, embedded again) can only lower an article's score, so
        it is taken only for the articles it could still put off the beat: one already off the beat without it
        keeps that verdict, and its score is the one before the second look (said in its evidence). On a round
        of general news most articles are such, and the second embedding is most of judging's time.
        """
        if self.config.contrast_weight < 0:  # a second look that could raise a score: take it for every article
            return [self.decide(found) for found in self.signals_many(items, vectors)]
        matrix = _rows(vectors if vectors is not None else self.space.embed_articles(items))  # embedded once
        signals = self.signals_many(items, matrix, second_look=False)
        out: list[Relevance | None] = [None] * len(items)
        looked: list[int] = []
        for i, found in enumerate(signals):
            verdict = self.decide(found)
            if found.context is not _NO_CONTRAST:
                out[i] = verdict
            elif verdict.on_beat:
                looked.append(i)
            else:
                note = "off the beat before the second look (the text without its keywords), which only lowers it"
                out[i] = dataclasses.replace(verdict, evidence=(*verdict.evidence, note))
        if looked:
            again = self.signals_many([items[i] for i in looked], matrix[looked], second_look=True)
            for i, found in zip(looked, again, strict=True):
                out[i] = self.decide(found)
        return [r for r in out if r is not None]

    def glance_candidates(self, items: Sequence[tuple[str, str]]) -> list[int]:
        """The ``(title, text)`` articles a glance may put off the beat: those with no keyword of the beat in their
        title or text (none when the taxonomy has no off-beat examples, so no margin to read)."""
        if not self.tree.off_beat_examples:
            return []
        return [i for i, (title, text) in enumerate(items) if not any(self.keyword_hits(title, text))]

    def glance(self, items: Sequence[tuple[str, str]], vectors: Vectors) -> list[Relevance | None]:
        """Judge keyword-free ``(title, text)`` articles from ``vectors``, the embeddings of their
        :func:`glance_text`: a verdict for each one the glance puts off the beat, ``None`` for each that needs a
        full reading."""
        signals = self.signals_many(items, vectors, second_look=False)
        out: list[Relevance | None] = []
        config = self.config
        for found in signals:
            margin = found.closeness.margin
            if found.title_hits or found.text_hits or margin is None or margin >= config.glance_margin:
                out.append(None)
                continue
            verdict = self.decide(found)
            note = (
                f"judged at a glance (title and lead): no keyword of the beat in the text, and it reads like the beat "
                f"by {margin:+.3f}, under {config.glance_margin:+.2f} (the full text would need "
                f"{config.keywordless_bar:+.2f}); not read further"
            )
            # Under the bar, so the judge's own verdict on the glance is off the beat (BeatConfig checks it).
            out.append(dataclasses.replace(verdict, evidence=(verdict.evidence[0], note, *verdict.evidence[1:])))
        return out

    def keyword_hits(self, title: str, text: str) -> tuple[list[Hit], list[Hit]]:
        """The beat's keywords found in the title and the text; in a title in capitals, case-blind ones only.

        Remembered for the latest articles: a round reads each article's keywords for its glance, its full reading
        and its second look."""
        key = (title, text)
        found = self._hits.get(key)
        if found is None:
            if len(self._hits) >= _REMEMBERED:
                self._hits.clear()
            found = self._hits[key] = (self._matcher.find(title, "title"), self._matcher.find(text, "text"))
        return list(found[0]), list(found[1])

    def signals_many(
        self, items: Sequence[tuple[str, str]], vectors: Vectors | None = None, *, second_look: bool = True
    ) -> list[BeatSignals]:
        """The signals of many articles: embeddings (of those without vectors, and of the keyword-free texts)
        made in one batch each. Without ``second_look`` the keyword-free texts are not embedded: an article
        with keywords then gets a context that is its whole text's closeness with no off-beat example
        (:data:`_NO_CONTRAST`, the mark :meth:`judge_many` reads)."""
        if vectors is None:
            vectors = self.space.embed_articles(items)
        matrix = _rows(vectors)
        if len(matrix) != len(items):
            raise ValueError(f"{len(items)} articles but {len(matrix)} vectors")
        hits = [self.keyword_hits(title, text) for title, text in items]
        needs_context = bool(self.tree.off_beat_examples)
        masked_at = [i for i, (t, x) in enumerate(hits) if needs_context and (t or x)]
        if second_look:
            masked = self.space.embed_texts(
                [embedding_text(_cut(items[i][0], hits[i][0]), "", _cut(items[i][1], hits[i][1])) for i in masked_at]
            )
            context_of = {i: self.space.closeness(masked[k]) for k, i in enumerate(masked_at)}
        else:
            context_of = dict.fromkeys(masked_at, _NO_CONTRAST)
        out: list[BeatSignals] = []
        for i, (title_hits, text_hits) in enumerate(hits):
            closeness = self.space.closeness(matrix[i])
            out.append(BeatSignals(tuple(title_hits), tuple(text_hits), closeness, context_of.get(i, closeness)))
        return out

    def decide(self, signals: BeatSignals) -> Relevance:
        """The score, the verdict and the evidence, from an article's signals and this judge's constants."""
        config = self.config
        evidence: list[str] = []
        logit = config.prior
        keyword_points = 0.0
        for field, hits in (("title", signals.title_hits), ("text", signals.text_hits)):
            seen: set[str] = set()
            for hit in hits:
                key = hit.phrase.text.lower()
                if key in seen:
                    continue
                if field == "title":
                    points = config.more_hits if seen else config.title_hit
                elif not seen and hit.start < config.lead_chars:
                    points = config.lead_hit
                else:
                    points = config.text_hit
                seen.add(key)
                keyword_points += points
                evidence.append(f"keyword in {field}: {hit.context} (+{points:.2f})")
        if keyword_points > config.keyword_cap:
            evidence.append(f"keywords count at most +{config.keyword_cap:.2f}")
            keyword_points = config.keyword_cap
        logit += keyword_points
        closeness = signals.closeness
        nearest_topic = ""
        if len(closeness.topics):
            at = int(np.argmax(closeness.topics))
            nearest_topic = (
                f"topic {self.tree.profiles[at].name!r} (nearest: {short_quote(closeness.nearest[at])}, "
                f"{closeness.beat:.2f})"
            )
        keywordless = not signals.title_hits and not signals.text_hits
        if closeness.margin is not None:
            margin = closeness.margin
            semantic_points = config.semantic_weight * margin
            logit += semantic_points
            evidence.append(
                f"similarity (semantic match): reads {'more' if margin > 0 else 'less'} like the beat than its "
                f"off-beat examples by {margin:+.3f}: {nearest_topic}; nearest off-beat example "
                f"{short_quote(closeness.off_beat_text or '')} ({closeness.off_beat or 0.0:.2f}) "
                f"({semantic_points:+.2f})"
            )
            if keywordless and margin > 0:
                evidence.append("no keyword of the beat: the semantic match decides")
            elif keywordless:
                logit += config.no_keyword
                evidence.append(f"no keyword of the beat, nor a semantic match ({config.no_keyword:+.2f})")
        else:
            best = closeness.beat
            similarity_points = config.similarity_weight * (best - config.similarity_center)
            logit += similarity_points
            if nearest_topic:
                evidence.append(f"similarity {best:.2f} to {nearest_topic} ({similarity_points:+.2f})")
            if keywordless:
                logit += config.no_keyword
                evidence.append(f"no keyword of the beat ({config.no_keyword:+.2f})")
        context = signals.context
        if context.off_beat is not None:
            margin = context.beat - context.off_beat
            what = "the text without its keywords" if context is not closeness else "the text"
            if margin < -config.contrast_tolerance:
                contrast_points = config.contrast_weight * (margin + config.contrast_tolerance)
                logit += contrast_points
                evidence.append(
                    f"{what} reads like off-beat example {short_quote(context.off_beat_text or '')} "
                    f"({context.off_beat:.2f}, the beat {context.beat:.2f}) ({contrast_points:+.2f})"
                )
        score = 1.0 / (1.0 + math.exp(-logit))
        on_beat = score >= config.threshold
        evidence.insert(0, f"{'on' if on_beat else 'off'} the beat: score {score:.2f} (log-odds {logit:+.2f})")
        return Relevance(score=score, on_beat=on_beat, evidence=tuple(evidence))


def glance_text(title: str, lead: str, text: str, config: BeatConfig | None = None) -> str:
    """What a glance reads of an article: its title and lead (the text's beginning without one), cut short."""
    return embedding_text(title, lead, text, characters=(config or BeatConfig()).glance_chars)


def _cut(text: str, hits: Sequence[Hit]) -> str:
    """The text without the hits' words (offsets are into the normalised text, as the matcher reports them)."""
    text = normalise(text)
    for hit in sorted(hits, key=lambda h: -h.start):
        text = text[: hit.start] + " " + text[hit.end :]
    return " ".join(text.split())


def _rows(vectors: Vectors) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix.reshape(1, -1) if matrix.ndim == 1 else matrix
