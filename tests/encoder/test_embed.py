"""The encoder's runtime: where MiniLM runs and at what precision, and that its vectors stay its vectors."""

from __future__ import annotations

import numpy as np
import pytest

from newsdesk.encoder.embed import MiniLM
from newsdesk.encoder.runtime import BF16_FLAGS, choose_runtime, cpu_flags, read_cpu_flags

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
        ("auto", "auto", False, {"avx512_bf16"}, ("cpu", "float32")),  # auto never changes the answers
        ("auto", "auto", True, {"avx2"}, ("cuda", "float32")),
        ("auto", "bfloat16", False, {"avx512_bf16"}, ("cpu", "bfloat16")),
        ("auto", "bfloat16", False, {"amx_bf16"}, ("cpu", "bfloat16")),
        ("cpu", "float32", True, {"avx512_bf16"}, ("cpu", "float32")),
        ("auto", "float16", True, set(), ("cuda", "float16")),
    ],
)
def test_the_runtime_is_the_machines_and_auto_keeps_the_models_own_vectors(
    device: str, precision: str, cuda: bool, flags: set[str], chosen: tuple[str, str]
) -> None:
    assert choose_runtime(device, precision, cuda=cuda, flags=frozenset(flags)) == chosen


def test_a_precision_the_cpu_would_only_emulate_is_refused() -> None:
    with pytest.raises(ValueError, match="bfloat16 needs a CPU that computes it"):
        choose_runtime("cpu", "bfloat16", cuda=False, flags=frozenset({"avx2"}))
    with pytest.raises(ValueError, match="float16 is for a GPU"):
        choose_runtime("auto", "float16", cuda=False, flags=frozenset())


def test_a_bad_device_or_precision_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="embedding device must be one of auto, cpu, cuda, not 'tpu'"):
        MiniLM(device="tpu")
    with pytest.raises(ValueError, match="embedding precision must be one of"):
        MiniLM(precision="int4")


def test_bfloat16_where_the_cpu_has_it_gives_the_vectors_float32_gives() -> None:
    texts = [
        "EU fines chipmaker Nortek 1.2 billion euros over accelerator rebates. Regulators in Brussels on "
        "Tuesday fined the chipmaker for abusing its dominance in the market for data-centre accelerators.",
        "A robotics lab in Zurich showed a warehouse arm that learns to grasp an unfamiliar object after three "
        "demonstrations.",
        "",
    ]
    chosen = MiniLM()
    reference = chosen.embed(texts)
    assert chosen.name == "all-MiniLM-L6-v2 (cpu, float32)"
    assert reference.dtype == np.float32
    assert reference.shape == (3, 384)
    if not read_cpu_flags() & BF16_FLAGS:
        pytest.skip("this CPU does not compute bfloat16 itself")
    fast = MiniLM(precision="bfloat16")
    vectors = fast.embed(texts)
    assert fast.name == "all-MiniLM-L6-v2 (cpu, bfloat16)"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float((vectors * reference).sum(axis=1).min()) > 0.999
