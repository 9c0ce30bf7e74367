"""Where the sentence encoder runs and at what precision: chosen from what the machine has (no numpy, no torch,
so the settings can check a desk's choice without loading either)."""

from __future__ import annotations

from newsdesk.errors import NewsdeskError

#: Where the model runs and at what precision: ``auto`` chooses (see :func:`choose_runtime`).
DEVICES = ("auto", "cpu", "cuda")
PRECISIONS = ("auto", "float32", "bfloat16", "float16")
#: CPU flags that say it computes bfloat16 itself.
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


class EncoderError(NewsdeskError, ValueError):
    """A device or precision this machine cannot run the encoder at."""


def cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The CPU's feature flags, from the text of ``/proc/cpuinfo`` (empty where there is none)."""
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def choose_runtime(device: str, precision: str, *, cuda: bool, flags: frozenset[str]) -> tuple[str, str]:
    """The device and precision the model runs at.

    ``auto`` device: a CUDA GPU where there is one, else the CPU. ``auto`` precision: float32, the model's own
    vectors, so every quality bar measured with them holds. ``bfloat16`` is the desk's choice to make: on a CPU
    that computes it natively (``flags`` has ``avx512_bf16`` or ``amx_bf16``) it embeds full articles twice as
    fast, with vectors at cosine 0.99999 of float32's, and moves googlenews-ts's B-cubed F1 from 0.9100 to 0.9091
    (docs/stories.md#the-encoder); on a CPU without it, it is emulated and slower, so it is refused there.
    """
    if device not in DEVICES:
        raise ValueError(f"embedding device must be one of {', '.join(DEVICES)}, not {device!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"embedding precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    chosen = ("cuda" if cuda else "cpu") if device == "auto" else device
    if precision == "auto":
        return chosen, "float32"
    if chosen == "cpu" and precision == "bfloat16" and not flags & BF16_FLAGS:
        raise EncoderError(
            "embedding.precision bfloat16 needs a CPU that computes it (avx512_bf16 or amx_bf16 in /proc/cpuinfo); "
            "this one would emulate it, slower than float32"
        )
    if chosen == "cpu" and precision == "float16":
        raise EncoderError("embedding.precision float16 is for a GPU; on a CPU use bfloat16 or float32")
    return chosen, precision


def read_cpu_flags() -> frozenset[str]:
    """This machine's CPU flags (``/proc/cpuinfo``; none where it cannot be read)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            return cpu_flags(info.read())
    except OSError:
        return frozenset()
