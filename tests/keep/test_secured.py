"""The secured value's format: round trips of random payloads, every bit flip refused, clear errors."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.keep.keyring import Key, KeyRing, make_key
from newsdesk.keep.secured import MAGIC, SecuredError, describe, reseal, seal, unseal
from newsdesk.record import Secured
from newsdesk.record.file import parse_record, render_record
from newsdesk.record.tree import read_record_file
from tests.support.paths import FIXTURE_TREE, shared_dir

KEY = make_key(bytes(range(32)))
OTHER = make_key(bytes(range(100, 132)))
RING = KeyRing((KEY,), "test ring", from_file=True)
IV = bytes(range(16))

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=25,
)
PAYLOADS = st.dictionaries(st.text(max_size=20), JSON, max_size=8)

#: A payload of the shape newsdesk seals, with a real-sized article text.
REAL = {
    "format": "newsdesk.story/1",
    "story": 41,
    "primary": {
        "url": "https://example.org/news/eu-fines-nortek",
        "title": "EU fines chipmaker Nortek 1.2 billion euros",
        "text": "Regulators in Brussels on Tuesday fined the chipmaker Nortek 1.2 billion euros. " * 20,
        "authors": ["Elena Varga", "Tom Byrne"],
        "extraction": {"language": "en", "links": ["https://ec.europa.eu/"], "fetched_at": "2024-05-02T08:00:00Z"},
    },
    "notes": [{"at": "2024-05-02T09:00:00Z", "actor": "editor", "text": "Check the fine against the decision."}],
}


@settings(max_examples=100, deadline=None, database=None)
@given(payload=PAYLOADS, secret=st.binary(min_size=32, max_size=32), iv=st.binary(min_size=16, max_size=16))
def test_random_payloads_round_trip(payload: dict[str, Any], secret: bytes, iv: bytes) -> None:
    key = make_key(secret)
    value = seal(payload, key, iv)
    assert len(value.ciphertext) % 16 == 0
    assert value.iv == iv
    sealed = describe(value)
    assert sealed is not None
    assert sealed.key_id == key.id
    assert unseal(value, KeyRing((OTHER, key), "ring", from_file=True), "rec") == payload


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def test_every_single_bit_flip_of_a_real_value_is_refused() -> None:
    value = seal(REAL, KEY, IV)
    assert unseal(value, RING, "rec") == REAL
    for bit in range(len(value.ciphertext) * 8):
        with pytest.raises(SecuredError):
            unseal(Secured(_flip(value.ciphertext, bit), value.iv), RING, "rec")
    for bit in range(len(value.iv) * 8):
        with pytest.raises(SecuredError, match="does not decrypt under key"):
            unseal(Secured(value.ciphertext, _flip(value.iv, bit)), RING, "rec")


@settings(max_examples=150, deadline=None, database=None)
@given(payload=PAYLOADS, data=st.data())
def test_random_bit_flips_of_random_values_are_refused(payload: dict[str, Any], data: st.DataObject) -> None:
    value = seal(payload, KEY, IV)
    whole = value.ciphertext + value.iv
    bits = data.draw(st.sets(st.integers(0, len(whole) * 8 - 1), min_size=1, max_size=4))
    flipped = whole
    for bit in bits:
        flipped = _flip(flipped, bit)
    with pytest.raises(SecuredError):
        unseal(Secured(flipped[: len(value.ciphertext)], flipped[len(value.ciphertext) :]), RING, "rec")


def test_what_each_kind_of_damage_is_called() -> None:
    value = seal(REAL, KEY, IV)
    data = value.ciphertext
    with pytest.raises(SecuredError, match=r"^rec: does not decrypt under key .*truncated or altered"):
        unseal(Secured(data[:-16], value.iv), RING, "rec")
    with pytest.raises(SecuredError, match="is truncated"):
        unseal(Secured(data[:-5], value.iv), RING, "rec")
    with pytest.raises(SecuredError, match="is truncated"):
        unseal(Secured(data[:24], value.iv), RING, "rec")
    with pytest.raises(SecuredError, match=r"unknown secured version 2 \(this newsdesk reads version 1\)"):
        unseal(Secured(data[:4] + b"\x02" + data[5:], value.iv), RING, "rec")
    with pytest.raises(SecuredError, match=f"encrypted under key {KEY.id}, which the key ring \\(other\\)"):
        unseal(value, KeyRing((OTHER,), "other", from_file=True), "rec")
    # A ring that has a key by the right id but the wrong bytes (a hand-edited ring).
    impostor = KeyRing((Key(id=KEY.id, secret=OTHER.secret),), "edited", from_file=True)
    with pytest.raises(SecuredError, match=f"does not decrypt under key {KEY.id}: the wrong key"):
        unseal(value, impostor, "rec")


def test_reseal_moves_a_value_to_another_key_unchanged() -> None:
    value = seal(REAL, KEY, IV)
    both = KeyRing((KEY, OTHER), "both", from_file=True)
    moved = reseal(value, both, OTHER, bytes(16), "rec")
    assert describe(moved).key_id == OTHER.id  # type: ignore[union-attr]
    assert unseal(moved, KeyRing((OTHER,), "new", from_file=True), "rec") == REAL


def test_another_systems_value_is_recognised_and_never_read() -> None:
    story = read_record_file(sorted((FIXTURE_TREE / "_news").glob("*.md"))[0])
    assert story.secured is not None
    assert describe(story.secured) is None
    with pytest.raises(SecuredError, match="secured by another key"):
        unseal(story.secured, RING, story.slug)


@pytest.mark.shared_data
def test_none_of_the_real_records_is_mistaken_for_ours() -> None:
    shared = shared_dir()
    if shared is None:
        pytest.skip("no ../shared")
    paths = [shared / "seed" / "000_e0ed164f6f6ecb18.txt", *sorted(shared.glob("data/records/*/_news/*.md"))]
    secured = [s for s in (read_record_file(p).secured for p in paths) if s is not None]
    assert len(secured) >= 675
    assert not any(s.ciphertext.startswith(MAGIC) for s in secured)
    assert all(describe(s) is None for s in secured)


def test_a_record_carrying_our_value_is_written_and_read_back_byte_for_byte() -> None:
    path = sorted((FIXTURE_TREE / "_news").glob("*.md"))[0]
    story = dataclasses.replace(read_record_file(path), secured=seal(REAL, KEY, IV))
    text = render_record(story)
    line = next(line for line in text.splitlines() if line.startswith("secured: "))
    ciphertext, iv = line.removeprefix('secured: "').removesuffix('"').split(";")
    assert base64.b64decode(iv) == IV
    assert story.secured is not None
    assert base64.b64decode(ciphertext) == story.secured.ciphertext
    again = parse_record(text, "again.md", story.slug)
    assert again == story
    assert render_record(again) == text
    assert unseal(again.secured, RING, story.slug) == REAL  # type: ignore[arg-type]
