"""Opening a store: the engine for a URL, SQLite tuned for a desk, migrations applied."""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from newsdesk.errors import NewsdeskError

if TYPE_CHECKING:
    from alembic.config import Config

#: The databases a desk can keep its store in, by the URL's scheme (before any ``+driver``).
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_SUPPORTED = "newsdesk supports sqlite (sqlite:///PATH) and postgresql (postgresql+psycopg://USER@HOST/DB)"


class StoreError(NewsdeskError, RuntimeError):
    """The store cannot be opened or used; the message says which and why."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout.

    The URL's scheme is checked first, so a database newsdesk does not support
    (or a driver that is not installed) is one clear line, not an import error.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"database URL {url!r} is not usable: not a URL like sqlite:///PATH; {_SUPPORTED}") from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise StoreError(
            f"database URL {shown!r} is not usable: {parsed.get_backend_name()!r} is not supported; {_SUPPORTED}"
        )
    try:
        engine = create_engine(parsed)
    except (ArgumentError, NoSuchModuleError) as err:
        raise StoreError(f"database URL {shown!r} is not usable: {err}") from None
    except ImportError as err:
        raise StoreError(
            f"database URL {shown!r} is not usable: its driver is not installed ({err}); {_SUPPORTED}"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("newsdesk.store") / "migrations"))
    return config


_REVISION = re.compile(r"""^(down_)?revision = ["'](\w+)["']""", re.MULTILINE)


def head_revision() -> str | None:
    """The newest migration's revision, read from the migration files themselves (without loading Alembic, so a
    command on a desk that is up to date starts fast)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for entry in (resources.files("newsdesk.store") / "migrations" / "versions").iterdir():
        if not entry.name.endswith(".py"):
            continue
        for down, revision in _REVISION.findall(entry.read_text(encoding="utf-8")):
            (parents if down else revisions).add(revision)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the database's schema up to the newest migration (a no-op when it is)."""
    try:
        head = head_revision()
        if head is not None and _current_revision(engine) == head:
            return
        from alembic import command

        config = _alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as err:
        raise StoreError(f"cannot reach the database: {one_line_error(err)}") from None


def one_line_error(err: DBAPIError) -> str:
    """The driver's message of ``err`` on one line (psycopg's span several)."""
    return " ".join(str(err.orig).split())


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
