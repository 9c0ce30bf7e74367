"""Keeping from the command line: the key made by init, secured show / note / check, keys rotate, images."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.desk import open_desk
from newsdesk.keep.keyring import KeyRingError, load_keyring
from tests.support.commandline import newsdesk
from tests.support.httpserver import Site, serve
from tests.support.keptdesk import TOPICS, fetched, fixture, form_stories, stored_values
from tests.support.paths import FIXTURE_TREE

ENV = "NEWSDESK_SECRET_KEY"


@pytest.fixture
def desk(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE", "1")
    path = tmp_path / "desk"
    assert newsdesk("init", path, "--database", database_url)[0] == 0
    settings = path / "newsdesk.toml"
    settings.write_text(settings.read_text().replace("host_interval = 2.0", "host_interval = 0.0"))
    return path


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(Site()) as running:
        running.file("/photo.jpg", fixture("photo.jpg"), "image/jpeg")
        running.file("/fake.jpg", fixture("page.html"), "image/jpeg")
        yield running


def with_stories(desk: Path, site: Site | None = None) -> None:
    with open_desk(desk, os.environ) as opened:
        form_stories(
            opened.store,
            [
                fetched(n, title, text, image=site.url("/photo.jpg" if n % 2 else "/fake.jpg") if site else None)
                for n, (title, text) in enumerate(TOPICS[:3])
            ],
        )


def secrets_of(desk: Path) -> list[bytes]:
    ring = load_keyring(desk / "secret.key", ENV, {})
    return [form for key in ring.keys for form in (key.secret, base64.b64encode(key.secret))]


def test_init_makes_an_owner_only_key_and_keeps_it(desk: Path) -> None:
    key_file = desk / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_bytes()
    key_file.unlink()
    assert newsdesk("init", desk)[0] == 0, "init on an old desk adds the missing key"
    again = key_file.read_bytes()
    assert again != before
    assert newsdesk("init", desk)[0] == 0
    assert key_file.read_bytes() == again, "an existing key is never replaced"
    assert b"secret" not in (desk / "newsdesk.toml").read_bytes().replace(b'key_file = "secret.key"', b"")


def test_formed_stories_are_exported_secured_and_shown_to_the_owner(desk: Path, tmp_path: Path) -> None:
    with_stories(desk)
    assert newsdesk("import", FIXTURE_TREE, "--desk", desk)[0] == 0
    out = tmp_path / "out"
    code, _, _ = newsdesk("export", out, "--desk", desk)
    assert code == 0
    formed = sorted(p for p in (out / "_news").glob("*.md") if not (FIXTURE_TREE / "_news" / p.name).exists())
    assert len(formed) == 3
    code, shown, _ = newsdesk("secured", "show", formed[0], "--desk", desk)
    assert code == 0
    payload = json.loads(shown)
    assert payload["format"] == "newsdesk.story/1"
    assert payload["primary"]["authors"]
    assert payload["primary"]["text"] in {fetched(n, t, x).text for n, (t, x) in enumerate(TOPICS[:3])}
    # The same story by its id, with a private note added.
    story_id = str(payload["story"])
    code, out_text, _ = newsdesk("secured", "note", story_id, "Ask the lab for the paper.", "--desk", desk)
    assert code == 0
    assert out_text.startswith("noted on ")
    code, shown, _ = newsdesk("secured", "show", story_id, "--desk", desk)
    assert [n["text"] for n in json.loads(shown)["notes"]] == ["Ask the lab for the paper."]
    # The note is not in clear anywhere in the export.
    newsdesk("export", out, "--desk", desk)
    exported = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert b"Ask the lab" not in exported
    for secret in secrets_of(desk):
        assert secret not in exported
    code, census, _ = newsdesk("secured", "check", "--desk", desk)
    assert code == 0
    lines = census.splitlines()
    assert "secured by another key: 3 (kept as they are)" in lines
    assert any(line.startswith("key ") and line.endswith("(current): 3") for line in lines)
    assert lines[-1] == "unreadable: 0"
    # An imported record's value is another system's: said so, exit 1.
    imported = sorted((FIXTURE_TREE / "_news").glob("*.md"))[0]
    code, _, error = newsdesk("secured", "show", imported, "--desk", desk)
    assert code == 1
    assert error.strip() == (
        f"error: {imported}: secured by another key: the value came from another system and is kept as it is"
    )


def test_rotation_from_the_command_line(desk: Path) -> None:
    with_stories(desk)
    assert newsdesk("export", desk.parent / "out", "--desk", desk)[0] == 0
    old = load_keyring(desk / "secret.key", ENV, {}).current.id
    code, out, err = newsdesk("keys", "rotate", "--desk", desk)
    assert code == 0, err
    new = load_keyring(desk / "secret.key", ENV, {}).current.id
    assert new != old
    assert out.strip() == (
        f"current key {new}: 3 re-encrypted, 0 already under it, 0 secured by another key (kept as they are), "
        "0 unreadable"
    )
    code, out, _ = newsdesk("keys", "rotate", "--retire-old", "--desk", desk)
    assert code == 0
    assert out.splitlines()[-1].startswith("retired 2 old key(s): ")
    assert len(load_keyring(desk / "secret.key", ENV, {}).keys) == 1
    with open_desk(desk, os.environ) as opened:
        slugs = sorted(stored_values(opened.store))
    for slug in slugs:
        code, shown, _ = newsdesk("secured", "show", slug, "--desk", desk)
        assert code == 0, "every record still decrypts"
        assert json.loads(shown)["format"] == "newsdesk.story/1"
    # A record exported before the rotation was under a key retired since: a clear error.
    old_record = next((desk.parent / "out" / "_news").glob("*.md"))
    code, _, error = newsdesk("secured", "show", old_record, "--desk", desk)
    assert code == 1
    assert f"encrypted under key {old}, which the key ring" in error
    for output in (out, shown):
        for secret in secrets_of(desk):
            assert secret.decode("latin-1") not in output


def test_a_wrong_key_is_a_clear_error_and_overwrites_nothing(
    desk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_stories(desk)
    assert newsdesk("export", tmp_path / "out", "--desk", desk)[0] == 0
    with open_desk(desk, os.environ) as opened:
        before = stored_values(opened.store)
    monkeypatch.setenv(ENV, base64.b64encode(os.urandom(32)).decode())
    slug = sorted(before)[0]
    code, _, error = newsdesk("secured", "show", slug, "--desk", desk)
    assert code == 1
    assert error.startswith(f"error: {slug}: encrypted under key ")
    assert f"which the key ring (${ENV}) does not hold" in error
    code, _, error = newsdesk("export", tmp_path / "out2", "--desk", desk)
    assert code == 0
    assert error.count("not sealed: ") == 3
    code, _, error = newsdesk("keys", "rotate", "--desk", desk)
    assert code == 1
    assert f"the key ring comes from ${ENV}" in error
    with open_desk(desk, os.environ) as opened:
        assert stored_values(opened.store) == before
    monkeypatch.setenv(ENV, "not-a-key")
    code, _, error = newsdesk("secured", "check", "--desk", desk)
    assert code == 1
    assert error.strip() == f"error: ${ENV}: a key is not valid base64"


def test_images_fetch_and_verify_from_the_command_line(desk: Path, site: Site) -> None:
    with_stories(desk, site)
    code, out, _ = newsdesk("images", "fetch", "--desk", desk)
    assert code == 0
    assert out.strip() == "images: 1 cached, 1 refused, 0 missing"
    code, out, _ = newsdesk("images", "verify", "--desk", desk)
    assert code == 0
    assert out.strip() == (
        "checked 1 cached images: 0 missing or corrupt; 0 failed fetches, 1 refused, 0 not fetched yet, "
        "0 files no row names"
    )
    (cached,) = (desk / "images").glob("??/??/*[0-9a-f]")
    cached.unlink()
    code, out, _ = newsdesk("images", "verify", "--desk", desk)
    assert code == 1
    assert f"{site.url('/photo.jpg')}: missing: the cached file is gone" in out
    code, out, _ = newsdesk("images", "verify", "--repair", "--desk", desk)
    assert code == 0
    assert out.splitlines()[-1] == "repaired 1 of 1: 0 refused, 0 still missing"
    assert cached.read_bytes() == fixture("photo.jpg")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("thumbnail_width = 0", "keep.thumbnail_width must be at least 1, not 0"),
        ('max_pixels = "lots"', "keep.max_pixels must be a int, not 'lots'"),
        ("keys = 1", "unknown key keep.keys"),
    ],
)
def test_bad_keep_settings_name_the_key(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "d"
    assert newsdesk("init", path)[0] == 0
    settings = path / "newsdesk.toml"
    key = line.split(" = ")[0]
    lines = [row for row in settings.read_text().splitlines() if not row.startswith(f"{key} = ")]
    settings.write_text("\n".join(lines).replace("[keep]", f"[keep]\n{line}") + "\n")
    code, _, error = newsdesk("images", "verify", "--desk", path)
    assert code == 1
    assert error.strip() == f"error: {settings}: {message}"


def _replace_key_file(key_file: Path, kind: str) -> str:
    """Put something that is not a plain key file where the key ring is; what the error says it is."""
    key_file.unlink()
    if kind == "fifo":
        os.mkfifo(key_file, 0o600)
        return "is a FIFO (named pipe), not a regular file"
    if kind == "directory":
        key_file.mkdir(mode=0o700)
        return "is a directory, not a regular file"
    if kind == "device":
        key_file.symlink_to("/dev/zero")
        return "is a character device, not a regular file"
    with key_file.open("wb") as handle:  # a sparse file of 2 GiB: enormous, and costs no disk
        handle.truncate(2 * 1024**3)
    key_file.chmod(0o600)
    return f"is {2 * 1024**3:,} bytes, more than the 1,048,576 allowed"


@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "enormous"])
def test_a_key_file_that_is_not_a_plain_file_is_refused_in_one_line_without_reading_it(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FIFO once made ``secured check`` wait forever; /dev/zero and a huge file would fill memory.
    Run as a process so the old hang shows as a timeout instead of stopping the suite."""
    monkeypatch.delenv(ENV, raising=False)
    desk = tmp_path / "d"
    assert newsdesk("init", desk)[0] == 0
    key_file = desk / "secret.key"
    problem = _replace_key_file(key_file, kind)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop(ENV, None)
    env.pop("NEWSDESK_DESK", None)
    command = [sys.executable, "-m", "newsdesk.cli", "secured", "check", "--desk", str(desk)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {key_file}: {problem}; the key ring must be a plain file of keys"
    with pytest.raises(KeyRingError, match="must be a plain file"):
        load_keyring(key_file, ENV, {})
