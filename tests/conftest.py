"""Shared fixtures: a real store on SQLite and on the PostgreSQL server, fixture trees, paths."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy.exc import OperationalError

from newsdesk.store import Store
from tests.support.databases import postgres_schema
from tests.support.paths import FIXTURE_TREE, FIXTURES, REPO, shared_dir
from tests.support.smtpserver import smtp

__all__ = ["FIXTURES", "FIXTURE_TREE", "REPO", "shared_dir", "smtp"]


def postgres_url() -> str | None:
    return os.environ.get("NEWSDESK_TEST_POSTGRES_URL")


def _postgres_available(url: str) -> str | None:
    """``None`` if the server answers, else why not."""
    try:
        engine = sqlalchemy.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError as err:
        return str(err.orig).strip().splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = postgres_url()
    required = os.environ.get("NEWSDESK_REQUIRE_POSTGRES") == "1"
    if not url:
        if required:
            pytest.fail("NEWSDESK_REQUIRE_POSTGRES=1 but NEWSDESK_TEST_POSTGRES_URL is not set")
        pytest.skip("NEWSDESK_TEST_POSTGRES_URL is not set")
    problem = _postgres_available(url)
    if problem:
        if required:
            pytest.fail(f"PostgreSQL at {url} is required but unreachable: {problem}")
        pytest.skip(f"PostgreSQL at {url} is unreachable: {problem}")
    return url


@pytest.fixture
def postgres_schema_url(postgres_server: str) -> Iterator[str]:
    """A URL whose connections work in a fresh schema of their own, dropped afterwards."""
    with postgres_schema(postgres_server) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    with Store.open(database_url) as opened:
        yield opened


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A writable copy of the fixture content tree."""
    target = tmp_path / "tree"
    shutil.copytree(FIXTURE_TREE, target)
    return target
