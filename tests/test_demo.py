"""The offline demo's newsroom: outlets on their own loopback addresses, fetched through the real fetch layer."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.demo import newsroom, serve_newsroom
from newsdesk.desk import open_desk
from newsdesk.record import Source
from newsdesk.store.articles import load_articles
from newsdesk.store.sources import add_source

from .test_cli import newsdesk

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
    assert providers["Music Weekly"].startswith("127.0.0.")
