"""Sparse vectors as sorted id and weight arrays: sums, dot products, the heaviest entries (numpy, pure)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

#: Ids: int64 while computing, int32 where stored (``compact``).
Ids = npt.NDArray[np.signedinteger[Any]]
#: Weights: float64 while computing, float32 where stored (``compact``).
Weights = npt.NDArray[np.floating[Any]]
Flags = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class SparseVector:
    """Ids in increasing order, each with its weight."""

    ids: Ids
    weights: Weights

    @staticmethod
    def empty() -> SparseVector:
        return SparseVector(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))

    def __len__(self) -> int:
        return len(self.ids)

    def norm(self) -> float:
        return math.sqrt(float(self.weights @ self.weights))


def distinct(ids: Ids) -> Ids:
    """The distinct values of ``ids``, increasing (sort-based: faster than ``np.unique`` on small arrays)."""
    if len(ids) < 2:
        return ids.copy()
    ordered = ids.copy()
    ordered.sort()
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def group_sums(ids: Ids, weights: Weights) -> SparseVector:
    """The weights summed per id (ids increasing), in the order given within each id."""
    if not len(ids):
        return SparseVector.empty()
    order = ids.argsort(kind="stable")
    ordered = ids[order]
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = first.nonzero()[0]
    return SparseVector(ordered[starts], np.add.reduceat(weights[order], starts))


def normalised(vector: SparseVector) -> SparseVector:
    """The vector scaled to unit length (an all-zero vector stays as it is)."""
    norm = vector.norm()
    return SparseVector(vector.ids, vector.weights / norm) if norm > 0 else vector


def add(a: SparseVector, b: SparseVector, keep: int = 0) -> SparseVector:
    """``a + b``; with ``keep`` > 0 and more than twice that many entries, only the ``keep`` heaviest remain.

    Trimming keeps the heaviest entries (ties by smaller id), so the result depends on the values alone.
    """
    if not len(a):
        total = b
    elif not len(b):
        total = a
    else:
        total = group_sums(np.concatenate((a.ids, b.ids)), np.concatenate((a.weights, b.weights)))
    if keep and len(total) > 2 * keep:
        top = np.sort(np.lexsort((total.ids, -total.weights))[:keep])
        total = SparseVector(total.ids[top], total.weights[top])
    return total


def joined(a: SparseVector, b: SparseVector) -> SparseVector:
    """``a + b`` for vectors with no id in common (as :func:`add` gives, without summing)."""
    if not len(a):
        return b
    if not len(b):
        return a
    ids = np.concatenate((a.ids, b.ids))
    order = ids.argsort(kind="stable")
    return SparseVector(ids[order], np.concatenate((a.weights, b.weights))[order])


def compact(vector: SparseVector) -> SparseVector:
    """The vector with int32 ids and float32 weights, for keeping many of them in memory."""
    return SparseVector(vector.ids.astype(np.int32), vector.weights.astype(np.float32))


def dot(a: SparseVector, b: SparseVector, marked: Flags | None = None) -> tuple[float, float]:
    """The dot product of two sparse vectors, split in two: over ids ``marked`` leaves out, and over those it marks.

    ``marked`` is indexed by id (``None``: no id is marked).
    """
    if not len(a) or not len(b):
        return 0.0, 0.0
    if len(a) > len(b):
        a, b = b, a
    at = np.searchsorted(b.ids, a.ids)
    at[at == len(b.ids)] = 0
    hit = b.ids[at] == a.ids
    products = a.weights[hit] * b.weights[at[hit]]
    if marked is None:
        return float(products.sum()), 0.0
    mark = marked[a.ids[hit]]
    return float(products[~mark].sum()), float(products[mark].sum())


def dot_many(
    query: SparseVector, vectors: Sequence[SparseVector], scratch: Weights, marked: Flags
) -> tuple[Weights, Weights]:
    """The query's dot product with each of ``vectors`` in one pass, split as in :func:`dot`.

    ``scratch`` is a zero array longer than any id; it is used to spread the query out and left zero again.
    The query's ids need not be sorted here (but must be distinct).
    """
    plain, split = np.zeros(len(vectors)), np.zeros(len(vectors))
    if not len(query) or not vectors:
        return plain, split
    lengths = np.array([v.ids.shape[0] for v in vectors], dtype=np.int64)
    if not lengths.any():
        return plain, split
    ids = np.concatenate([v.ids for v in vectors])
    scratch[query.ids] = query.weights
    contributions = np.concatenate([v.weights for v in vectors]) * scratch[ids]
    scratch[query.ids] = 0.0
    filled = lengths > 0
    starts = (lengths.cumsum() - lengths)[filled]
    split[filled] = marked_sums = np.add.reduceat(contributions * marked[ids], starts)
    plain[filled] = np.add.reduceat(contributions, starts) - marked_sums
    return plain, split


def norms(vector: SparseVector, marked: Flags) -> tuple[float, float]:
    """The vector's length over unmarked ids and over marked ones."""
    squares = vector.weights.astype(np.float64) ** 2
    mark = marked[vector.ids]
    return math.sqrt(float(squares[~mark].sum())), math.sqrt(float(squares[mark].sum()))


def shared(a: SparseVector, b: SparseVector) -> Ids:
    """The ids both vectors hold, in increasing order."""
    return np.intersect1d(a.ids, b.ids, assume_unique=True)
