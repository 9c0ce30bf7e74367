"""The encoder's runtime: where MiniLM runs and at what precision, and that its vectors stay its vectors."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.stories.embed import MiniLM
from newsdesk.stories.runtime import choose_runtime, cpu_flags

CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
flags\t\t: fpu vme sse2 avx2 avx512f avx512_bf16 avx512_vnni
bugs\t\t: spectre_v1
"""


def test_the_cpus_flags_are_read_from_cpuinfo() -> None:
    assert "avx512_bf16" in cpu_flags(CPUINFO)
    assert "spectre_v1" not in cpu_flags(CPUINFO)
    assert cpu_flags("") == frozenset()


@pytest.mark.parametrize(
    ("device", "precision", "cuda", "flags", "chosen"),
    [
        ("auto", "auto", False, {"avx512_bf16"}, ("cpu", "bfloat16")),
        ("auto", "auto", False, {"amx_bf16"}, ("cpu", "bfloat16")),
        ("auto", "auto", False, {"avx2"}, ("cpu", "float32")),  # bfloat16 would be emulated: slower
        ("auto", "auto", True, {"avx2"}, ("cuda", "float16")),
        ("cpu", "auto", True, {"avx512_bf16"}, ("cpu", "bfloat16")),
        ("auto", "float32", False, {"avx512_bf16"}, ("cpu", "float32")),
    ],
)
def test_auto_picks_the_device_and_the_precision_the_machine_computes_fastest(
    device: str, precision: str, cuda: bool, flags: set[str], chosen: tuple[str, str]
) -> None:
    assert choose_runtime(device, precision, cuda=cuda, flags=frozenset(flags)) == chosen


def test_a_bad_device_or_precision_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="embedding device must be one of auto, cpu, cuda, not 'tpu'"):
        MiniLM(device="tpu")
    with pytest.raises(ValueError, match="embedding precision must be one of"):
        MiniLM(precision="int4")


def test_the_chosen_precision_gives_the_vectors_float32_gives() -> None:
    texts = [
        "EU fines chipmaker Nortek 1.2 billion euros over accelerator rebates. Regulators in Brussels on "
        "Tuesday fined the chipmaker for abusing its dominance in the market for data-centre accelerators.",
        "A robotics lab in Zurich showed a warehouse arm that learns to grasp an unfamiliar object after three "
        "demonstrations.",
        "",
    ]
    reference = MiniLM(precision="float32").embed(texts)
    chosen = MiniLM()
    vectors = chosen.embed(texts)
    assert chosen.name.startswith("all-MiniLM-L6-v2 (")
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float((vectors * reference).sum(axis=1).min()) > 0.999
