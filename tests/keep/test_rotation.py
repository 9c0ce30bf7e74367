"""Keys and rotation on a real store: the key ring's file, sealing formed stories, rotation with a crash."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, update

from newsdesk.desk.transfer import export_tree, import_tree
from newsdesk.keep.keyring import (
    KeyRing,
    KeyRingError,
    ensure_keyring,
    load_keyring,
    make_key,
    parse_keyring,
    render_keyring,
    write_keyring,
)
from newsdesk.keep.rotation import retire_old_keys, rotate_keys
from newsdesk.keep.sealing import seal_formed_stories, value_census
from newsdesk.keep.secured import SecuredError, describe, unseal
from newsdesk.record import FetchedArticle
from newsdesk.record.secured import parse_secured_text
from newsdesk.record.tree import read_tree
from newsdesk.settings import SiteSettings
from newsdesk.store import Store, schema
from newsdesk.store.sealing import add_note, start_rotation, story_payload
from tests.support.keptdesk import NOW, T0, TOPICS, fetched, form_stories, stored_values
from tests.support.paths import FIXTURE_TREE

ENV = "NEWSDESK_SECRET_KEY"


def new_iv() -> bytes:
    return os.urandom(16)


def formed_desk(store: Store) -> list[FetchedArticle]:
    articles = [fetched(n, title, text) for n, (title, text) in enumerate(TOPICS)]
    form_stories(store, articles)
    return articles


def payloads(store: Store, ring: KeyRing) -> dict[str, dict[str, object]]:
    out = {}
    for slug, text in stored_values(store).items():
        value = parse_secured_text(text) if text else None
        if value is not None and describe(value) is not None:
            out[slug] = unseal(value, ring, slug)
    return out


# --------------------------------------------------------------------------- the key ring


def test_a_new_key_file_is_owner_only_and_holds_one_key(tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    assert ensure_keyring(key_file, ENV, {}, os.urandom(32))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    ring = load_keyring(key_file, ENV, {})
    assert len(ring.keys) == 1
    assert ring.from_file
    assert f"# key {ring.current.id} (current)" in key_file.read_text()
    assert not ensure_keyring(key_file, ENV, {}, os.urandom(32)), "an existing ring is never replaced"
    assert load_keyring(key_file, ENV, {}) == ring


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    ensure_keyring(key_file, ENV, {}, os.urandom(32))
    key_file.chmod(0o644)
    with pytest.raises(KeyRingError, match=r"others can read it \(mode 0644\).*chmod 600"):
        load_keyring(key_file, ENV, {})


def test_bad_key_rings_name_the_file_and_line(tmp_path: Path) -> None:
    good = base64.b64encode(bytes(32)).decode()
    with pytest.raises(KeyRingError, match=r"^ring:3: a key is not valid base64$"):
        parse_keyring(f"# comment\n{good}\nnot*base64\n", "ring", from_file=True)
    with pytest.raises(KeyRingError, match=r"ring:1: a key is 16 bytes, expected 32"):
        parse_keyring(base64.b64encode(bytes(16)).decode(), "ring", from_file=True)
    with pytest.raises(KeyRingError, match="holds no key"):
        parse_keyring("# nothing here\n", "ring", from_file=True)
    with pytest.raises(KeyRingError, match="no key ring; `newsdesk init DESK` creates one"):
        load_keyring(tmp_path / "absent.key", ENV, {})


def test_the_environment_ring_wins_and_is_never_written(tmp_path: Path) -> None:
    old, new = make_key(bytes(range(32))), make_key(bytes(range(1, 33)))
    value = ",".join(base64.b64encode(k.secret).decode() for k in (old, new))
    environ = {ENV: value}
    key_file = tmp_path / "secret.key"
    assert not ensure_keyring(key_file, ENV, environ, os.urandom(32))
    assert not key_file.exists()
    ring = load_keyring(key_file, ENV, environ)
    assert ring.current == new
    assert ring.get(old.id) == old
    assert ring.source == f"${ENV}"
    assert new.secret.hex() not in repr(ring), "keys never show in a repr (logs, tracebacks)"


# --------------------------------------------------------------------------- sealing formed stories


def test_formed_stories_are_sealed_with_text_authors_extraction_and_notes(store: Store, tmp_path: Path) -> None:
    articles = formed_desk(store)
    ring = KeyRing((make_key(os.urandom(32)),), "ring", from_file=True)
    report = seal_formed_stories(store, ring, new_iv)
    assert report.sealed == len(TOPICS)
    assert report.problems == ()
    found = payloads(store, ring)
    assert len(found) == len(TOPICS)
    by_url = {p["primary"]["url"]: p for p in found.values()}  # type: ignore[index]
    first = by_url[articles[0].article.url]["primary"]
    assert first["text"] == articles[0].text  # type: ignore[index]
    assert first["authors"] == ["Reporter 0"]  # type: ignore[index]
    assert first["extraction"]["language"] == "en"  # type: ignore[index]
    assert first["extraction"]["links"] == ["https://source0.example/"]  # type: ignore[index]
    # Sealing again changes nothing; a note reseals only its story.
    before = stored_values(store)
    assert seal_formed_stories(store, ring, new_iv).sealed == 0
    assert stored_values(store) == before
    with store.transaction() as conn:
        story_id, key = conn.execute(select(schema.stories.c.id, schema.stories.c.cluster_key).limit(1)).one()
        add_note(conn, key, "Call the commission's press office.", actor="ana", now=T0)
    assert seal_formed_stories(store, ring, new_iv).sealed == 1
    with store.transaction() as conn:
        assert story_payload(conn, story_id)["notes"] == [  # type: ignore[index]
            {"at": "2024-05-02T08:00:00Z", "actor": "ana", "text": "Call the commission's press office."}
        ]


def test_a_value_the_ring_cannot_read_is_reported_and_never_overwritten(store: Store) -> None:
    formed_desk(store)
    ring = KeyRing((make_key(os.urandom(32)),), "ring", from_file=True)
    seal_formed_stories(store, ring, new_iv)
    before = stored_values(store)
    stranger = KeyRing((make_key(os.urandom(32)),), "stranger", from_file=True)
    report = seal_formed_stories(store, stranger, new_iv)
    assert report.sealed == 0
    assert len(report.problems) == len(TOPICS)
    assert all("which the key ring (stranger) does not hold" in p for p in report.problems)
    assert stored_values(store) == before


# --------------------------------------------------------------------------- rotation


def rotation_desk(store: Store, key_file: Path) -> KeyRing:
    """Formed stories sealed under the desk's first key, plus imported records secured by another system."""
    formed_desk(store)
    import_tree(store, read_tree(FIXTURE_TREE), now=T0)
    ensure_keyring(key_file, ENV, {}, os.urandom(32))
    ring = load_keyring(key_file, ENV, {})
    assert seal_formed_stories(store, ring, new_iv).sealed == len(TOPICS)
    return ring


class PowerCut(Exception):
    pass


def test_rotation_stopped_midway_resumes_and_loses_nothing(store: Store, tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    ring = rotation_desk(store, key_file)
    old_id = ring.current.id
    before = payloads(store, ring)
    foreign_before = {s: v for s, v in stored_values(store).items() if s not in before}
    assert len(before) == len(TOPICS)
    assert len(foreign_before) == 3

    rotated = []

    def cut_after_two(outcome: str) -> None:
        rotated.append(outcome)
        if rotated.count("rotated") == 2:
            raise PowerCut

    with pytest.raises(PowerCut):
        rotate_keys(store, key_file, ring, new_secret=os.urandom(32), ivs=new_iv, now=lambda: T0,
                    progress=cut_after_two)  # fmt: skip
    # Mid-way: the file holds both keys; every value reads; some are under each key.
    midway = load_keyring(key_file, ENV, {})
    assert next(k.id for k in midway.keys) == old_id
    assert len(midway.keys) == 2
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert payloads(store, midway) == before
    with store.transaction() as conn:
        census = value_census(conn, midway)
    assert len(census[f"key {midway.current.id}"]) == 2
    assert len(census[f"key {old_id}"]) == len(TOPICS) - 2

    # The rerun resumes the same rotation (the new secret it is handed is not used) and finishes it.
    report = rotate_keys(store, key_file, midway, new_secret=os.urandom(32), ivs=new_iv, now=lambda: T0)
    assert report.resumed
    assert report.key_id == midway.current.id
    assert report.rotated == len(TOPICS) - 2
    assert report.unreadable == ()
    final = load_keyring(key_file, ENV, {})
    assert final == midway
    assert payloads(store, final) == before, "every record decrypts to what it held"
    with store.transaction() as conn:
        census = value_census(conn, final)
    assert census == {
        f"key {final.current.id}": sorted(before),
        "another system": sorted(foreign_before),
    }
    assert {s: v for s, v in stored_values(store).items() if s in foreign_before} == foreign_before
    # Old keys can go now; everything still reads with the current key alone.
    assert retire_old_keys(store, key_file, final) == (old_id,)
    alone = load_keyring(key_file, ENV, {})
    assert len(alone.keys) == 1
    assert payloads(store, alone) == before


def test_a_rotation_stopped_before_its_key_was_written_is_abandoned(store: Store, tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    ring = rotation_desk(store, key_file)
    lost = make_key(os.urandom(32))
    with store.transaction() as conn:
        start_rotation(conn, lost.id, now=T0)  # the process died before the key file was rewritten
    report = rotate_keys(store, key_file, ring, new_secret=os.urandom(32), ivs=new_iv, now=lambda: T0)
    assert not report.resumed
    assert report.key_id != lost.id
    assert report.rotated == len(TOPICS)
    assert report.foreign == 3
    with store.transaction() as conn:
        states = [r.state for r in conn.execute(select(schema.key_rotations).order_by(schema.key_rotations.c.id))]
    assert states == ["abandoned", "done"]


def test_an_unreadable_value_stops_nothing_and_is_never_overwritten(store: Store, tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    ring = rotation_desk(store, key_file)
    victim = sorted(payloads(store, ring))[0]
    value = parse_secured_text(stored_values(store)[victim])  # type: ignore[arg-type]
    tampered = value.ciphertext[:-1] + bytes([value.ciphertext[-1] ^ 1])
    text = f"{base64.b64encode(tampered).decode()};{base64.b64encode(value.iv).decode()}"
    with store.transaction() as conn:
        conn.execute(update(schema.stories).where(schema.stories.c.slug == victim).values(secured=text))
    report = rotate_keys(store, key_file, ring, new_secret=os.urandom(32), ivs=new_iv, now=lambda: T0)
    assert report.rotated == len(TOPICS) - 1
    assert len(report.unreadable) == 1
    assert report.unreadable[0].startswith(f"{victim}: does not decrypt under key")
    assert stored_values(store)[victim] == text
    with pytest.raises(KeyRingError, match="old keys are still needed: 1 value"):
        retire_old_keys(store, key_file, load_keyring(key_file, ENV, {}))


def test_an_environment_ring_is_not_rotated(store: Store, tmp_path: Path) -> None:
    ring = KeyRing((make_key(os.urandom(32)),), f"${ENV}", from_file=False)
    with pytest.raises(KeyRingError, match=f"comes from \\${ENV}"):
        rotate_keys(store, tmp_path / "k", ring, new_secret=os.urandom(32), ivs=new_iv, now=lambda: T0)


def test_keys_are_never_in_the_store_or_an_export(database_url: str, tmp_path: Path) -> None:
    key_file = tmp_path / "desk" / "secret.key"
    with Store.open(database_url) as store:
        ring = rotation_desk(store, key_file)
        rotate_keys(store, key_file, ring, new_secret=os.urandom(32), ivs=new_iv, now=lambda: T0)
        ring = load_keyring(key_file, ENV, {})
        export_tree(store, SiteSettings(), tmp_path / "out", now=NOW)
        dumped = b""
        with store.transaction() as conn:
            for table in schema.metadata.sorted_tables:
                for row in conn.execute(select(table)):
                    dumped += repr(tuple(row)).encode()
    exported = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    database_files = b"".join(p.read_bytes() for p in tmp_path.glob("*.db*"))
    assert len(ring.keys) == 2
    for key in ring.keys:
        for form in (key.secret, base64.b64encode(key.secret), key.secret.hex().encode()):
            assert form not in dumped
            assert form not in exported
            assert form not in database_files
    assert render_keyring(ring).encode() not in exported


def test_write_keyring_replaces_the_file_atomically_and_owner_only(tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    key_file.write_text("old")
    key_file.chmod(0o644)
    ring = KeyRing((make_key(os.urandom(32)),), str(key_file), from_file=True)
    write_keyring(key_file, render_keyring(ring))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_keyring(key_file, ENV, {}) == ring
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]


def test_show_errors_name_the_record(store: Store) -> None:
    formed_desk(store)
    ring = KeyRing((make_key(os.urandom(32)),), "ring", from_file=True)
    seal_formed_stories(store, ring, new_iv)
    slug, text = next(iter(stored_values(store).items()))
    with pytest.raises(SecuredError, match=f"^{slug}: encrypted under key"):
        unseal(parse_secured_text(text), KeyRing((make_key(os.urandom(32)),), "x", from_file=True), slug)  # type: ignore[arg-type]
