"""The desk's settings: one frozen object, read from ``newsdesk.toml`` and the environment.

This module is the only reader of the settings file and of ``NEWSDESK_*``
environment variables; everything else is handed a :class:`Settings`.
"""

from __future__ import annotations

import dataclasses
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
class FetchSettings:
    #: Fetch from private, loopback and link-local addresses (tests, intranet desks).
    allow_private_addresses: bool = False
    #: Sent with every request unless a source overrides it; "{version}" is replaced.
    user_agent: str = "newsdesk/{version} (self-hosted news desk; +https://github.com/newsdesk/newsdesk)"
    #: Seconds a whole request may take, body included.
    timeout: float = 30.0
    #: Bodies larger than this (after decompression) are refused.
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    #: Least seconds between two requests to one host (robots.txt Crawl-delay may raise it).
    host_interval: float = 2.0
    #: Requests in flight at once, over all hosts (never more than one per host).
    max_connections: int = 16
    #: Bounds of the adaptive schedule, in seconds.
    min_interval: int = 15 * 60
    default_interval: int = 60 * 60
    max_interval: int = 24 * 60 * 60
    #: Longest wait between retries of a failing source; it is never given up.
    max_backoff: int = 24 * 60 * 60
    #: Feed entries whose own text is shorter than this get their page fetched and read.
    teaser_chars: int = 600
    #: Most pages read per source and run (a sitemap can list thousands).
    max_pages_per_source: int = 50


@dataclass(frozen=True, slots=True)
class Settings:
    desk: Path
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)

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
    fetch_lines = "".join(
        f"{f.name} = {_toml_value(getattr(FetchSettings(), f.name))}\n" for f in dataclasses.fields(FetchSettings)
    )
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
        "\n"
        "[fetch]\n"
        "# Politeness and limits of fetching; docs/settings.md says what each does.\n"
        f"{fetch_lines}"
    )


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _toml_string(value)
    return str(value)


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
    fetch = _section(path, data, "fetch", FetchSettings)
    unknown = set(data) - {"database", "site", "fetch"}
    if unknown:
        raise SettingsError(f"{path}: unknown section [{sorted(unknown)[0]}]")
    env_url = environ.get("NEWSDESK_DATABASE_URL")
    if env_url:
        database = DatabaseSettings(url=env_url)
    if environ.get("NEWSDESK_ALLOW_PRIVATE") == "1":
        fetch = dataclasses.replace(fetch, allow_private_addresses=True)
    return Settings(desk=desk, database=database, site=site, fetch=fetch)


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
        if expected is float and type(value) is int:
            value = float(value)
        if type(value) is not expected:
            raise SettingsError(f"{path}: {name}.{key} must be a {expected.__name__}, not {value!r}")
        values[key] = value
    return kind(**values)


def load_fetch_settings(desk: Path, environ: Mapping[str, str]) -> FetchSettings:
    """The desk's fetch settings where ``desk`` is a desk, else the defaults (with the environment)."""
    if (desk / SETTINGS_FILE).is_file():
        return load_settings(desk, environ).fetch
    fetch = FetchSettings()
    if environ.get("NEWSDESK_ALLOW_PRIVATE") == "1":
        fetch = dataclasses.replace(fetch, allow_private_addresses=True)
    return fetch
