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

from newsdesk.encoder.runtime import DEVICES, PRECISIONS
from newsdesk.errors import NewsdeskError

_T = TypeVar("_T")

SETTINGS_FILE = "newsdesk.toml"
DEFAULT_DATABASE = "newsdesk.db"


class SettingsError(NewsdeskError, ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    #: SQLAlchemy URL; a relative SQLite path is relative to the desk directory.
    url: str = f"sqlite:///{DEFAULT_DATABASE}"


#: Where the site is when ``site.url`` says nothing else: the web app's own default address.
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True, slots=True)
class SiteSettings:
    title: str = "A.I. Every Day"
    #: Public address of the site: sitemaps and feeds link to stories under it.
    url: str = DEFAULT_SITE_URL
    locale: str = "en-us"
    #: Stories per page of the JSON API.
    page_size: int = 25

    @property
    def default_url(self) -> bool:
        """Whether ``url`` was left at its default (a local address: fine on one machine, not in a reader's mail)."""
        return self.url.rstrip("/") == DEFAULT_SITE_URL


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
    #: Most pages read per source and run (a sitemap can list thousands); a feed's entries past it wait, oldest
    #: first, for the following runs (see ``newsdesk sources list``).
    max_pages_per_source: int = 50
    #: Tries of a feed entry's page that keeps failing (timeouts, 5xx) before the entry is left as its teaser.
    page_attempts: int = 4
    #: Processes reading fetched pages beside the fetching one: -1 one per core beyond the first (at most 4), 0 none.
    read_workers: int = -1

    def __post_init__(self) -> None:
        if self.read_workers < -1:
            raise ValueError(f"fetch.read_workers must be -1 (one per spare core), 0 or more, not {self.read_workers}")


@dataclass(frozen=True, slots=True)
class KeepSettings:
    #: Where cached images live (content-addressed); relative paths are under the desk.
    cache_dir: str = "images"
    #: Images larger than this are refused (the download is cut off there).
    max_image_bytes: int = 15 * 1024 * 1024
    #: Images with more pixels than this are refused before they are decoded (decompression bombs).
    max_pixels: int = 40_000_000
    #: Width of the WebP thumbnail kept beside each cached image.
    thumbnail_width: int = 320
    #: Times an image that could not be fetched is tried again by `newsdesk images fetch`.
    image_attempts: int = 3
    #: The key ring's file (owner-only); relative paths are under the desk.
    key_file: str = "secret.key"
    #: The environment variable that, when set, holds the key ring instead of the file.
    key_env: str = "NEWSDESK_SECRET_KEY"

    def cache_path(self, desk: Path) -> Path:
        return desk / self.cache_dir

    def key_path(self, desk: Path) -> Path:
        return desk / self.key_file


@dataclass(frozen=True, slots=True)
class WebSettings:
    #: Where `newsdesk serve` listens.
    host: str = "127.0.0.1"
    port: int = 8000
    #: Stories per page of the reader site (front, topic, search pages).
    page_size: int = 30
    #: Entries per feed (RSS, Atom, JSON Feed).
    feed_size: int = 50
    #: Rendered pages kept in memory, each until the store changes.
    cache_pages: int = 2000
    # The editors' desk (/desk/): how long a login lasts, the proxy in front, how many failed logins are allowed.
    session_hours: int = 12
    #: Behind a reverse proxy: take the scheme and client address from its X-Forwarded-Proto / X-Forwarded-For.
    trusted_proxy: bool = False
    #: Failed logins per user name, and per client address, within `login_window_minutes`; then 429 until they age.
    login_attempts: int = 5
    login_window_minutes: int = 15
    #: Seconds a client may take to send a request's headers, and may leave its body stalled; then it is cut off.
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 30.0

    def __post_init__(self) -> None:
        for name in ("session_hours", "login_attempts", "login_window_minutes"):
            if getattr(self, name) < 1:
                raise ValueError(f"web.{name} must be at least 1, not {getattr(self, name)}")
        for name in ("header_timeout_seconds", "body_timeout_seconds"):
            if not 0 < getattr(self, name) <= 3600:
                raise ValueError(f"web.{name} must be more than 0 and at most 3600, not {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class NewsletterSettings:
    #: The SMTP server `newsdesk digest --send` hands the newsletter to.
    smtp_host: str = "localhost"
    smtp_port: int = 587
    #: Log in as this user ("" for no login); the password is read from the variable `password_env` names.
    smtp_user: str = ""
    password_env: str = "NEWSDESK_SMTP_PASSWORD"
    #: Upgrade the connection with STARTTLS before logging in and sending.
    starttls: bool = True
    from_address: str = "newsdesk@localhost"
    #: Recipients, comma-separated: imported once as subscribers (``newsdesk subscribers``) when there are none.
    to: str = ""
    #: Stories per topic in an issue.
    per_topic: int = 5
    #: Seconds the SMTP conversation may take.
    timeout: float = 30.0
    #: Seconds between two messages to the SMTP server (its rate limit; 0: none).
    send_interval: float = 0.0
    #: Confirmation mails the site's subscribe form may send in an hour (a bound on what a script can make it
    #: send); over it, the form asks readers to try later.
    confirmations_per_hour: int = 100

    @property
    def recipients(self) -> list[str]:
        return [a.strip() for a in self.to.split(",") if a.strip()]


@dataclass(frozen=True, slots=True)
class JudgeSettings:
    """The desk's judgment: the publishing gate, heat, and the weights of quality's signals (docs/judging.md)."""

    #: A story is published when on the beat and its primary's quality reaches this (unless an editor decided).
    threshold: int = 70
    #: Heat halves every this many hours after an outlet's first article on the story.
    half_life_hours: float = 12.0
    #: Articles that arrived within this many hours count as coverage still arriving.
    velocity_hours: float = 6.0
    velocity_weight: float = 0.3
    #: Heat approaches 100 as weighted coverage passes a few times this.
    heat_saturation: float = 4.0
    #: Quality: the weights of its signals, and its penalties in points.
    originality: float = 0.3
    substance: float = 0.3
    track_record: float = 0.2
    headline: float = 0.2
    press_release: float = 45.0
    market_research: float = 50.0
    seo_spam: float = 35.0
    full_length_words: int = 800
    #: The languages the desk covers, ISO 639-1 codes separated by commas ("pt", "en, pt"); an article in
    #: another is off the beat (kept, never placed). Empty: every language.
    languages: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.threshold <= 100:
            raise ValueError(f"judge.threshold must be from 0 to 100, not {self.threshold}")
        for code in self.language_codes:
            if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
                raise ValueError(
                    f'judge.languages must be language codes separated by commas (e.g. "en, pt"), not {code!r}'
                )

    @property
    def language_codes(self) -> frozenset[str]:
        """The desk's languages, lowercased primary subtags; empty: every language."""
        return frozenset(c.strip().lower().split("-", 1)[0] for c in self.languages.split(",") if c.strip())


@dataclass(frozen=True, slots=True)
class EmbeddingSettings:
    """Where the sentence-embedding model runs and at what precision (docs/stories.md#the-encoder)."""

    #: ``auto`` (a CUDA GPU where there is one, else the CPU), ``cpu`` or ``cuda``.
    device: str = "auto"
    #: ``auto`` (float32: the model's own vectors), ``float32``, ``bfloat16`` (a CPU that computes it natively:
    #: faster, vectors at cosine 0.99999) or ``float16`` (a GPU).
    precision: str = "auto"
    #: Texts embedded at once.
    batch_size: int = 16

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"embedding.device must be one of {', '.join(DEVICES)}, not {self.device!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"embedding.precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}")
        if self.batch_size < 1:
            raise ValueError(f"embedding.batch_size must be at least 1, not {self.batch_size}")


@dataclass(frozen=True, slots=True)
class LifeConfig:
    """When a story closes, and how long a closed story can still be recalled."""

    #: A story closes after this many days without a new article ...
    quiet_days: float = 3.0
    #: ... plus this share of the days it has run ...
    quiet_growth: float = 0.5
    #: ... but never more than this many days ...
    quiet_max_days: float = 14.0
    #: ... and only once this many articles were placed since its latest one.
    quiet_articles: int = 1000
    #: A closed story is reopened by a link to a member or its same title for this many days after its latest.
    recall_days: float = 30.0

    def __post_init__(self) -> None:
        for name in ("quiet_days", "quiet_growth", "quiet_max_days", "quiet_articles", "recall_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"stories.{name} must not be negative, not {getattr(self, name)}")

    def quiet_period_days(self, span_days: float) -> float:
        """Days of silence that close a story whose articles span ``span_days``."""
        return min(self.quiet_max_days, self.quiet_days + self.quiet_growth * max(span_days, 0.0))


#: A story's life (docs/stories.md): when it closes, and how long a closed one can still be recalled.
StoriesSettings = LifeConfig


@dataclass(frozen=True, slots=True)
class Settings:
    desk: Path
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    keep: KeepSettings = field(default_factory=KeepSettings)
    web: WebSettings = field(default_factory=WebSettings)
    newsletter: NewsletterSettings = field(default_factory=NewsletterSettings)
    judge: JudgeSettings = field(default_factory=JudgeSettings)
    stories: StoriesSettings = field(default_factory=StoriesSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)

    def serving_at(self, host: str, port: int) -> Settings:
        """These settings for a site served at ``host:port``: a ``site.url`` left at its default follows the
        address (feeds, sitemaps, canonicals and the newsletter then link where readers can reach them); one set
        by hand stays. A wildcard host (0.0.0.0, ::) names no address a reader can use: loopback stands in."""
        if not self.site.default_url:
            return self
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        shown = f"[{shown}]" if ":" in shown else shown
        url = f"http://{shown}:{port}"
        if url == self.site.url.rstrip("/"):
            return self
        return dataclasses.replace(self, site=dataclasses.replace(self.site, url=url))

    @property
    def database_url(self) -> str:
        """The database URL, with a relative SQLite path made absolute under the desk."""
        url = self.database.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite:///:memory:":
            return prefix + str((self.desk / url[len(prefix) :]).resolve())
        return url


def render_settings(database_url: str | None = None, locale: str | None = None, title: str | None = None) -> str:
    """The text of a new desk's ``newsdesk.toml``, every key shown with its default (``locale``: the site's
    language instead of ``en-us``; ``title``: the site's title instead of the AI beat's)."""
    site = SiteSettings()
    site = dataclasses.replace(site, locale=locale or site.locale, title=title or site.title)
    url = database_url or DatabaseSettings().url
    fetch_lines = "".join(
        f"{f.name} = {_toml_value(getattr(FetchSettings(), f.name))}\n" for f in dataclasses.fields(FetchSettings)
    )
    keep_lines = "".join(
        f"{f.name} = {_toml_value(getattr(KeepSettings(), f.name))}\n" for f in dataclasses.fields(KeepSettings)
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
        "\n"
        "[keep]\n"
        "# The image cache and the key ring of secured content; docs/keeping.md explains them.\n"
        f"{keep_lines}"
        "\n"
        "[web]\n"
        "# The reader site and its API; docs/publishing.md describes them.\n"
        f"{_section_lines(WebSettings())}"
        "\n"
        "[newsletter]\n"
        "# The daily newsletter (`newsdesk digest`) and the SMTP server that sends it.\n"
        f"{_section_lines(NewsletterSettings())}"
        "\n"
        "[judge]\n"
        "# The publishing gate, heat and the weights of quality's signals; docs/judging.md explains them.\n"
        f"{_section_lines(JudgeSettings())}"
        "\n"
        "[stories]\n"
        "# When a story closes and how long a closed one can be recalled; docs/stories.md explains them.\n"
        f"{_section_lines(StoriesSettings())}"
        "\n"
        "[embedding]\n"
        "# Where the sentence-embedding model runs; docs/stories.md explains the choice.\n"
        f"{_section_lines(EmbeddingSettings())}"
    )


def _section_lines(section: Any) -> str:
    """A section's ``key = default`` lines, every key in declaration order."""
    return "".join(f"{f.name} = {_toml_value(getattr(section, f.name))}\n" for f in dataclasses.fields(section))


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
    keep = _section(path, data, "keep", KeepSettings)
    for name in ("max_image_bytes", "max_pixels", "thumbnail_width", "image_attempts"):
        if getattr(keep, name) < 1:
            raise SettingsError(f"{path}: keep.{name} must be at least 1, not {getattr(keep, name)}")
    web = _section(path, data, "web", WebSettings)
    newsletter = _section(path, data, "newsletter", NewsletterSettings)
    judge = _section(path, data, "judge", JudgeSettings)
    stories = _section(path, data, "stories", StoriesSettings)
    embedding = _section(path, data, "embedding", EmbeddingSettings)
    unknown = set(data) - {"database", "site", "fetch", "keep", "web", "newsletter", "judge", "stories", "embedding"}
    if unknown:
        raise SettingsError(f"{path}: unknown section [{sorted(unknown)[0]}]")
    env_url = environ.get("NEWSDESK_DATABASE_URL")
    if env_url:
        database = DatabaseSettings(url=env_url)
    if environ.get("NEWSDESK_ALLOW_PRIVATE") == "1":
        fetch = dataclasses.replace(fetch, allow_private_addresses=True)
    return Settings(
        desk=desk,
        database=database,
        site=site,
        fetch=fetch,
        keep=keep,
        web=web,
        newsletter=newsletter,
        judge=judge,
        stories=stories,
        embedding=embedding,
    )


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
    try:
        return kind(**values)
    except ValueError as err:
        raise SettingsError(f"{path}: {err}") from None


def load_fetch_settings(desk: Path, environ: Mapping[str, str]) -> FetchSettings:
    """The desk's fetch settings where ``desk`` is a desk, else the defaults (with the environment)."""
    if (desk / SETTINGS_FILE).is_file():
        return load_settings(desk, environ).fetch
    fetch = FetchSettings()
    if environ.get("NEWSDESK_ALLOW_PRIVATE") == "1":
        fetch = dataclasses.replace(fetch, allow_private_addresses=True)
    return fetch
