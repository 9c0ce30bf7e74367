"""Opening a store: the engine for a URL, SQLite tuned for a desk, migrations applied."""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

#: The databases a desk can keep its store in, by the URL's scheme (before any ``+driver``).
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
_SUPPORTED = "newsdesk supports sqlite (sqlite:///PATH) and postgresql (postgresql+psycopg://USER@HOST/DB)"


class StoreError(RuntimeError):
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
    config = Config()
    config.set_main_option("script_location", str(resources.files("newsdesk.store") / "migrations"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the database's schema up to the newest migration (a no-op when it is)."""
    config = _alembic_config()
    try:
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
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
