"""The fixture desk's web app in process, on a given database, with an anonymous and a logged-in client."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsdesk.desk import open_desk
from newsdesk.store import Store
from newsdesk.web.app import create_app

from .clocks import ManualClock
from .databases import postgres_schema
from .deskfixture import EDITOR, EDITOR_PASSWORD, FORMED_AT, FixtureDesk, build_desk

BASE = "http://127.0.0.1:8000"


@dataclass
class DeskSite:
    fixture: FixtureDesk
    store: Store
    reader: TestClient
    editor: TestClient

    def csrf(self) -> str:
        return token_in(self.editor.get("/desk/").text)


def token_in(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found is not None, html[:500]
    return found.group(1)


@contextmanager
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database URL for a module-scoped fixture parametrized ``sqlite`` / ``postgresql`` (a schema of its own,
    dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'store.db'}"
        return
    server: str = request.getfixturevalue("postgres_server")
    with postgres_schema(server) as url:
        yield url


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def desk_site(path: Path, database_url: str, **web: Any) -> Iterator[DeskSite]:
    """The fixture desk at ``path`` on ``database_url`` (with these ``[web]`` settings), its app answering 500s
    as 500s (not raised)."""
    fixture = build_desk(path, database_url=database_url)
    with open_desk(path, {**os.environ, "NEWSDESK_DATABASE_URL": database_url}) as opened:
        settings = dataclasses.replace(opened.settings, web=dataclasses.replace(opened.settings.web, **web))
        app = create_app(settings, opened.store, ManualClock(FORMED_AT))
        with (
            TestClient(app, base_url=BASE, raise_server_exceptions=False, follow_redirects=False) as reader,
            TestClient(app, base_url=BASE, raise_server_exceptions=False, follow_redirects=False) as editor,
        ):
            page = editor.get("/desk/login")
            form = {"csrf": token_in(page.text), "next": "/desk/", "name": EDITOR, "password": EDITOR_PASSWORD}
            assert editor.post("/desk/login", data=form).status_code == 303
            yield DeskSite(fixture, opened.store, reader, editor)
