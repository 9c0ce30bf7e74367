"""The embedding side of judging: each topic's prototype vectors, and how close an article's vector is to them.

A topic's prototypes are the sentence embeddings (all-MiniLM-L6-v2 in the desk, any
:class:`~newsdesk.encoder.embed.Embedder` in tests) of what its file says about it: name and description, its
keywords as one line, and its example headlines (:meth:`TopicProfile.prototype_texts`). An article is as close
to a topic as to the nearest of them (cosine; vectors are L2-normalised). The taxonomy's off-beat examples are
embedded the same way. Pure once built: the embedder is called at construction only.

**The beat against what is off it.** A cosine alone says little across beats: a long full-text article is
further from a one-line prototype than a headline and its excerpt are, and a taxonomy with many prototypes has
a higher best cosine than one with few. So the article is also weighed against the off-beat examples, as a
nearest-neighbour vote with soft weights: ``margin = smax(beat) − smax(off-beat)`` where ``smax`` is the
log-mean-exp of the cosines at temperature ``temperature`` (0.1: the nearest few prototypes count, the mean
keeps a taxonomy with more of them from scoring higher). Both sides are the same kind of text, so the length of
the article cancels out; a margin above 0 says the article reads more like the beat than like anything the
taxonomy says is off it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsdesk.encoder.embed import Embedder, Vectors
from newsdesk.encoder.text import embedding_text
from newsdesk.judge.tree import TopicTree


@dataclass(frozen=True, slots=True)
class Closeness:
    """How close one article is to every topic, and to the nearest off-beat example."""

    #: By topic, in the tree's order: the best cosine over the topic's prototypes.
    topics: np.ndarray
    #: By topic: the prototype text that was nearest.
    nearest: tuple[str, ...]
    #: The best cosine over the off-beat examples (``None`` when the taxonomy has none) and that example.
    off_beat: float | None
    off_beat_text: str | None
    #: ``smax(beat) − smax(off-beat)`` (see the module), ``None`` when the taxonomy has no off-beat examples.
    margin: float | None = None

    @property
    def beat(self) -> float:
        """The best cosine over every topic's prototypes."""
        return float(self.topics.max()) if len(self.topics) else 0.0


class TopicSpace:
    """Prototype vectors of a taxonomy's topics (and off-beat examples), embedded once."""

    def __init__(self, tree: TopicTree, embedder: Embedder, temperature: float = 0.1) -> None:
        self.tree = tree
        self.temperature = temperature
        self.embedder = embedder
        texts: list[str] = []
        owners: list[int] = []
        for index, profile in enumerate(tree.profiles):
            for text in profile.prototype_texts():
                texts.append(text)
                owners.append(index)
        off_beat = list(tree.off_beat_examples)
        vectors = _unit(embedder.embed(texts + off_beat))
        self._texts = texts
        self._owners = np.array(owners, dtype=np.int64)
        self._members = [np.flatnonzero(self._owners == index) for index in range(len(tree.profiles))]
        self._prototypes = vectors[: len(texts)]
        self._off_texts = off_beat
        self._off_vectors = vectors[len(texts) :]

    def embed_articles(self, items: Sequence[tuple[str, str]]) -> Vectors:
        """Vectors of ``(title, text)`` articles as the desk makes them for clustering (:func:`embedding_text`)."""
        return self.embed_texts([embedding_text(title, "", text) for title, text in items])

    def embed_texts(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors of texts, one row each (none for no texts)."""
        if not texts:
            return np.zeros((0, self._prototypes.shape[1] if len(self._prototypes) else 1), dtype=np.float32)
        return _unit(self.embedder.embed(list(texts)))

    def closeness(self, vector: Vectors) -> Closeness:
        """How close the article (one vector, or a one-row matrix) is to each topic and to the off-beat examples."""
        row = _unit(np.asarray(vector, dtype=np.float32).reshape(1, -1))[0]
        sims = self._prototypes @ row
        count = len(self.tree.profiles)
        best = np.full(count, -1.0, dtype=np.float64)
        np.maximum.at(best, self._owners, sims.astype(np.float64))
        nearest = [
            self._texts[int(members[np.argmax(sims[members])])] if len(members) else "" for members in self._members
        ]
        off_beat: float | None = None
        off_text: str | None = None
        margin: float | None = None
        if len(self._off_texts):
            off_sims = self._off_vectors @ row
            at = int(np.argmax(off_sims))
            off_beat, off_text = float(off_sims[at]), self._off_texts[at]
            if len(sims):
                margin = _soft_max(sims, self.temperature) - _soft_max(off_sims, self.temperature)
        return Closeness(best, tuple(nearest), off_beat, off_text, margin)


def _soft_max(sims: np.ndarray, temperature: float) -> float:
    """``T × log(mean(exp(s / T)))``: the best cosine when one stands out, less when it is alone among many."""
    values = sims.astype(np.float64)
    top = float(values.max())
    return top + temperature * float(np.log(np.mean(np.exp((values - top) / temperature))))


def _unit(vectors: Vectors) -> Vectors:
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (matrix / norms).astype(np.float32)
    return out
