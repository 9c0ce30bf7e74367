"""The typed records every stage shares: a story, its articles, their providers and images; and the records the
store keeps for a stage (what a feed said of a page: ``PageHints``; what story formation sees of an article:
``StoryArticle``; an archived newsletter: ``Newsletter``).

These are plain values and nothing else: no I/O, no parsing; the store keeps them and every stage takes and
returns them. They live here, not in their stage, so that the store imports no stage (``make lint``'s
contract). Beside them, what every stage shares about records:

- ``file``: a record file's bytes ⇄ ``Story``, byte-exact for the seed's layout (``RecordError``);
- ``tree``: a content tree on disk (``_news/*.md``, ``_data/topics``) read with size caps, written atomically;
- ``taxonomy``: one topic file ⇄ ``Topic``; ``slugs``: the names of formed stories' records;
- ``secured``: the ``secured`` value's text form (no cryptography: that is ``keep/``);
- ``cleantext`` and ``text``: strangers' text made safe to show, and a record's text clean for readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, TypeAlias, get_args

#: A value of a field the record format does not know, kept as read so that
#: writing the record back loses nothing: YAML scalars, lists and mappings.
ExtraValue: TypeAlias = "str | int | bool | list[ExtraValue] | dict[str, ExtraValue] | None"


@dataclass(frozen=True, slots=True)
class Extra:
    """A field the format does not name, kept in place.

    ``after`` is the known key it followed in the file (``""`` for the first
    position), so the writer can put it back where it was.
    """

    key: str
    value: ExtraValue
    after: str


@dataclass(frozen=True, slots=True)
class Image:
    """An image of an article or a provider (logo)."""

    url: str
    width: int | None = None
    height: int | None = None
    is_cached: bool | None = None
    title: str | None = None
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Provider:
    """The outlet that published an article."""

    name: str
    domain: str | None = None
    images: tuple[Image, ...] | None = None
    extras: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Secured:
    """Content encrypted at rest: ``base64(ciphertext);base64(iv)`` in a record."""

    ciphertext: bytes
    iv: bytes


@dataclass(frozen=True, slots=True)
class Article:
    """One outlet's article: the primary of a story or one of its related.

    Optional fields are ``None`` when the record does not carry them; a record
    read and written back keeps exactly the fields it had.
    """

    title: str
    published: datetime
    excerpt: str | None = None
    original_url: str | None = None
    web_url: str | None = None
    amp_web_url: str | None = None
    cdn_amp_web_url: str | None = None
    type: str = "article"
    quality: int | None = None
    featured_content: str | None = None
    provider: Provider | None = None
    images: tuple[Image, ...] | None = None
    extras: tuple[Extra, ...] = ()

    @property
    def url(self) -> str | None:
        """The URL a reader should open: the canonical one, else the original."""
        return self.web_url or self.original_url


@dataclass(frozen=True, slots=True)
class Story:
    """A story: the article that broke it and every other outlet's coverage.

    ``slug`` names the record file (``YYYY-MM-DD-title-words``); ``body`` is
    the Markdown after the front matter, kept verbatim.
    """

    slug: str
    primary: Article
    category: str = "news"
    heat: int | None = None
    published: bool | None = None
    topics: tuple[str, ...] | None = None
    related: tuple[Article, ...] | None = None
    secured: Secured | None = None
    body: str = "\n"
    extras: tuple[Extra, ...] = ()
    articles: tuple[Article, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "articles", (self.primary, *(self.related or ())))


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic of the desk's taxonomy, as kept in ``_data/topics/*.yaml``.

    ``document`` is the file's text, kept so the taxonomy is written back as
    the editor wrote it.
    """

    id: str
    name: str
    parent: str | None
    shortname: str | None
    keywords: tuple[str, ...]
    filename: str
    document: str


#: What a source is: a feed (RSS, Atom, JSON Feed), a sitemap, or a single page; spelled once, here.
SourceKind: TypeAlias = Literal["feed", "sitemap", "page"]
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)


@dataclass(frozen=True, slots=True)
class Source:
    """A source the desk watches: a feed, a sitemap or a single page, and how it is doing.

    ``kind`` is one of :data:`SOURCE_KINDS` (``feed``, ``sitemap`` or ``page``). The fetch state (validators,
    last outcome, schedule) is kept beside the address so ``sources list`` can
    say, in plain words, how each one is doing.
    """

    url: str
    kind: str
    id: int | None = None
    title: str | None = None
    site_url: str | None = None
    category: str | None = None
    user_agent: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_fetch_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    failures: int = 0
    items_seen: int = 0
    interval: int = 3600
    next_due_at: datetime | None = None
    added_at: datetime | None = None
    #: The language an editor pinned for its articles (``pt``); ``None``: each page's own, or a guess.
    language: str | None = None


@dataclass(frozen=True, slots=True)
class FetchedArticle:
    """An article as read from the web: the record's fields and what reading found besides.

    ``article`` carries the record fields; ``text``, ``language``, ``authors``
    and ``links`` are kept in the store for the later stages (stories, judging).
    """

    article: Article
    text: str
    language: str | None
    authors: tuple[str, ...]
    links: tuple[str, ...]
    entry_key: str


#: The language of an article nobody could tell (BCP 47's "undetermined").
UNKNOWN_LANGUAGE = "und"


def primary_language(language: str | None) -> str:
    """A language tag's primary subtag, lower case (``pt-BR`` → ``pt``), or ``und`` when there is none: what the
    stages compare (story streams, the desk's languages)."""
    if not language:
        return UNKNOWN_LANGUAGE
    return language.split("-", 1)[0].lower() or UNKNOWN_LANGUAGE


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """What story formation sees of an article.

    ``id`` is the article's id in the store (or its line in an evaluation
    file); ids grow in arrival order. ``source`` is the outlet (its registrable
    domain or host); ``links`` are the article body's links to other sites;
    ``teaser`` says why only the feed's teaser is known, where that is so.
    """

    id: int
    title: str
    lead: str
    text: str
    published: datetime | None
    source: str | None = None
    url: str | None = None
    links: tuple[str, ...] = ()
    quality: int | None = None
    #: Why only the feed's teaser of the article is known (its page was not read); ``None``: the whole article.
    teaser: str | None = None
    #: The article's language (ISO 639-1, ``en``), from its page or feed or guessed from its text; ``None``: unknown.
    language: str | None = None


@dataclass(frozen=True, slots=True)
class PageHints:
    """What the feed already said about the page, used where the page itself says nothing.

    ``summary`` is plain text. ``type`` is ``"video"`` or ``"podcast"`` when an
    enclosure's MIME type or the feed says so. ``site_name`` is the site's name
    as the feed gives it (often the feed's title).
    """

    title: str | None = None
    summary: str | None = None
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    image_url: str | None = None
    image_width: int | None = None
    image_height: int | None = None
    site_name: str | None = None
    type: str | None = None
    #: The entry's (or its feed's) language tag.
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Newsletter:
    """One issue, as sent and as archived on the site."""

    day: date
    subject: str
    #: The top headlines joined by " / " (the archive's excerpt, the e-mail's preview text).
    excerpt: str
    html: str
    text: str
    stories: int
