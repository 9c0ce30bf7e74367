"""The offline demo's newsroom: outlets on their own loopback addresses, fetched through the real fetch layer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from newsdesk.demo import newsroom, serve_newsroom
from newsdesk.desk import open_desk
from newsdesk.record import Source
from newsdesk.store.articles import load_articles
from newsdesk.store.sources import add_source
from tests.support.commandline import newsdesk

NOW = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        return int(s.getsockname()[1])


def test_the_newsroom_is_all_in_the_past_and_one_outlet_per_address() -> None:
    outlets = newsroom(NOW)
    assert len({o.host for o in outlets}) == len(outlets) >= 10
    published = [a.published for o in outlets for a in o.articles]
    assert max(published) < NOW
    assert sum(len(o.articles) for o in outlets) == 13


def test_the_desk_fetches_every_demo_outlet_as_its_own_outlet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE", "1")
    desk = tmp_path / "desk"
    assert newsdesk("init", desk)[0] == 0
    settings = desk / "newsdesk.toml"
    settings.write_text(settings.read_text().replace("host_interval = 2.0", "host_interval = 0.05"))
    outlets = newsroom(NOW)
    with serve_newsroom(outlets, free_port()) as feeds:
        with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
            for url in feeds:
                add_source(conn, Source(url=url, kind="feed"), now=NOW)
        code, out, err = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 0, err
    assert out.startswith(f"fetched {len(outlets)} sources: 13 new articles")
    with open_desk(desk, os.environ) as opened, opened.store.transaction() as conn:
        articles = load_articles(conn, list(range(1, 14)))
    providers = {a.provider.name: a.provider.domain for a in articles.values() if a.provider}
    assert len(set(providers.values())) == len(outlets)
    assert (providers["Music Weekly"] or "").startswith("127.0.0.")


def test_the_demo_desk_may_fetch_its_own_newsroom_after_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsdesk fetch --once --all --desk demo-desk` once failed all 13 sources ("resolves to a private or local
    address") and exited 0."""
    monkeypatch.delenv("NEWSDESK_ALLOW_PRIVATE", raising=False)
    desk, port, newsroom_port = tmp_path / "demo-desk", free_web_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_ALLOW_PRIVATE"}
    command = [sys.executable, "-m", "newsdesk.cli", "demo", "--desk", str(desk), "--port", str(port)]
    command += ["--newsroom-port", str(newsroom_port)]
    process = subprocess.Popen(
        command, env={**env, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "allow_private_addresses = true" in (desk / "newsdesk.toml").read_text(encoding="utf-8")
    outlets = newsroom(datetime.now(UTC))
    with serve_newsroom(outlets, newsroom_port):
        code, out, err = newsdesk("fetch", "--once", "--all", "--desk", desk)
    assert code == 0, err
    assert out.startswith(f"fetched {len(outlets)} sources: ")
    assert out.endswith(" 0 failed\n")


def test_fetch_on_a_desk_that_may_not_reach_the_newsroom_fails_and_says_so(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    assert newsdesk("init", desk)[0] == 0
    outlets = newsroom(NOW)
    with serve_newsroom(outlets, free_port()) as feeds:
        with open_desk(desk, {}) as opened, opened.store.transaction() as conn:
            for url in feeds:
                add_source(conn, Source(url=url, kind="feed"), now=NOW)
        code, out, err = newsdesk("fetch", "--once", "--desk", desk)
    assert code == 1
    assert out.endswith(f"{len(outlets)} failed\n")
    # One line per source, however long (rich once wrapped them at 80 columns, mid-URL, in a pipe).
    failures = [line for line in err.splitlines() if "resolves to a private or local address" in line]
    assert len(failures) == len(outlets)
    assert all(line.startswith("http://127.0.0.") and line.endswith("to allow it") for line in failures)
    assert err.splitlines()[-1] == f"error: every source failed ({len(outlets)}); see `newsdesk sources list`"


def free_web_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
