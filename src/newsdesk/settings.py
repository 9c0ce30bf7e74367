"""The desk's settings: one frozen object, read from ``newsdesk.toml`` and the environment.

This module is the only reader of the settings file and of ``NEWSDESK_*``
environment variables; everything else is handed a :class:`Settings`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")

SETTINGS_FILE = "newsdesk.toml"
DEFAULT_DATABASE = "newsdesk.db"


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    #: SQLAlchemy URL; a relative SQLite path is relative to the desk directory.
    url: str = f"sqlite:///{DEFAULT_DATABASE}"


@dataclass(frozen=True, slots=True)
class SiteSettings:
    title: str = "A.I. Every Day"
    #: Public address of the site: sitemaps and feeds link to stories under it.
    url: str = "http://127.0.0.1:8000"
    locale: str = "en-us"
    #: Stories per page of the JSON API.
    page_size: int = 25


@dataclass(frozen=True, slots=True)
class Settings:
    desk: Path
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    site: SiteSettings = field(default_factory=SiteSettings)

    @property
    def database_url(self) -> str:
        """The database URL, with a relative SQLite path made absolute under the desk."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite:///:memory:":
            return prefix + str((self.desk / url[len(prefix) :]).resolve())
        return url


def render_settings(database_url: str | None = None) -> str:
    """The text of a new desk's ``newsdesk.toml``, every key shown with its default."""
    site = SiteSettings()
    url = database_url or DatabaseSettings().url
    return (
        "# newsdesk settings: docs/settings.md describes every key.\n"
        "\n"
        "[database]\n"
        "# SQLite by default (a file in this directory); PostgreSQL by URL, e.g.\n"
        '# "postgresql+psycopg://user@127.0.0.1:5432/newsdesk"\n'
        f"url = {_toml_string(url)}\n"
        "\n"
        "[site]\n"
        f"title = {_toml_string(site.title)}\n"
        f"url = {_toml_string(site.url)}\n"
        f"locale = {_toml_string(site.locale)}\n"
        f"page_size = {site.page_size}\n"
    )


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_settings(desk: Path, environ: Mapping[str, str]) -> Settings:
    """Read a desk's settings; ``NEWSDESK_DATABASE_URL`` overrides ``database.url``."""
    path = desk / SETTINGS_FILE
    if not path.is_file():
        raise SettingsError(f"{desk}: not a desk (no {SETTINGS_FILE}); create one with `newsdesk init {desk}`")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SettingsError(f"{path}: {err}") from None
    database = _section(path, data, "database", DatabaseSettings)
    site = _section(path, data, "site", SiteSettings)
    unknown = set(data) - {"database", "site"}
    if unknown:
        raise SettingsError(f"{path}: unknown section [{sorted(unknown)[0]}]")
    env_url = environ.get("NEWSDESK_DATABASE_URL")
    if env_url:
        database = DatabaseSettings(url=env_url)
    return Settings(desk=desk, database=database, site=site)


def _section(path: Path, data: dict[str, Any], name: str, kind: type[_T]) -> _T:
    raw = data.get(name, {})
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: [{name}] must be a table")
    defaults = kind()
    values: dict[str, object] = {}
    for key, value in raw.items():
        if not hasattr(defaults, key):
            raise SettingsError(f"{path}: unknown key {name}.{key}")
        expected = type(getattr(defaults, key))
        if type(value) is not expected:
            raise SettingsError(f"{path}: {name}.{key} must be a {expected.__name__}, not {value!r}")
        values[key] = value
    return kind(**values)
