"""A small deterministic embedder for tests: hashed bags of words without stop words, L2-normalised.

Tests of the desk's story stage use it instead of loading all-MiniLM-L6-v2
(which the clustering evaluation in CI exercises on real data).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from newsdesk.stories.embed import DIMENSIONS, Vectors
from newsdesk.stories.features import STOP_WORDS

_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if word in STOP_WORDS:
                    continue
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[row, bucket % DIMENSIONS] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out
