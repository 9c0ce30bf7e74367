"""The store: SQLite by default, PostgreSQL by URL; one module per entity.

Every write goes through :meth:`Store.transaction`, so a batch lands whole or
not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from newsdesk.store.engine import StoreError, make_engine, migrate, one_line_error

__all__ = ["Store", "StoreError"]


class Store:
    """A desk's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, upgrade: bool = True) -> Store:
        """Open the database at ``url``, bringing its schema up to date unless told not to."""
        engine = make_engine(url)
        if upgrade:
            migrate(engine)
        return cls(engine)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except OperationalError as err:
            raise StoreError(f"database error: {one_line_error(err)}") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
