"""Where the sentence encoder runs and at what precision: chosen from what the machine has (no numpy, no torch,
so the settings can check a desk's choice without loading either)."""

from __future__ import annotations

#: Where the model runs and at what precision: ``auto`` chooses (see :func:`choose_runtime`).
DEVICES = ("auto", "cpu", "cuda")
PRECISIONS = ("auto", "float32", "bfloat16", "float16")


def cpu_flags(cpuinfo: str) -> frozenset[str]:
    """The CPU's feature flags, from the text of ``/proc/cpuinfo`` (empty where there is none)."""
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def choose_runtime(device: str, precision: str, *, cuda: bool, flags: frozenset[str]) -> tuple[str, str]:
    """The device and precision the model runs at.

    ``auto`` device: a CUDA GPU where there is one, else the CPU. ``auto`` precision: half precision on a GPU;
    on a CPU, bfloat16 where the CPU computes it natively (``avx512_bf16`` or ``amx_bf16``): twice as fast as
    float32 on two cores, with vectors at cosine 0.99999 of float32's (``docs/stories.md``); float32 elsewhere,
    where bfloat16 would be emulated and slower.
    """
    if device not in DEVICES:
        raise ValueError(f"embedding device must be one of {', '.join(DEVICES)}, not {device!r}")
    if precision not in PRECISIONS:
        raise ValueError(f"embedding precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    chosen = ("cuda" if cuda else "cpu") if device == "auto" else device
    if precision != "auto":
        return chosen, precision
    if chosen == "cuda":
        return chosen, "float16"
    return chosen, "bfloat16" if flags & {"avx512_bf16", "amx_bf16"} else "float32"


def read_cpu_flags() -> frozenset[str]:
    """This machine's CPU flags (``/proc/cpuinfo``; none where it cannot be read)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            return cpu_flags(info.read())
    except OSError:
        return frozenset()
