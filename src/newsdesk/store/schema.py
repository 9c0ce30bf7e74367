"""The store's tables, as SQLAlchemy Core metadata.

Migrations under ``migrations/versions`` create exactly these tables; a test
compares the two so they never drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Where articles come from: feeds, sitemaps, pages (filled by the fetch layer).
sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("title", Text),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("site_url", Text),
    Column("category", Text),
    Column("user_agent", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetch_at", DateTime(timezone=True)),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("items_seen", Integer, nullable=False, server_default="0"),
    Column("interval", Integer, nullable=False, server_default="3600"),
    Column("next_due_at", DateTime(timezone=True), index=True),
    # An editor muted it (migration 0007): never fetched until unmuted.
    Column("muted", Boolean, nullable=False, server_default=false()),
    # The language its articles are in, when an editor pinned it (migration 0011).
    Column("language", String(35)),
)

#: Every entry a source has shown (by link or id), so a rerun stores nothing twice.
source_entries = Table(
    "source_entries",
    metadata,
    Column("source_id", ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("entry_key", Text, primary_key=True),
    Column("article_id", ForeignKey("articles.id", ondelete="SET NULL")),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

#: Feed entries whose page is still to be read (migration 0010), oldest first, a few per round; the
#: article (the feed's teaser until then) is held back from judging and story formation while it waits.
#: A page that keeps failing is left as the teaser: ``given_up_at`` and ``last_error`` say when and why.
unread_entries = Table(
    "unread_entries",
    metadata,
    Column("source_id", ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("entry_key", Text, primary_key=True),
    Column("link", Text, nullable=False),
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), index=True),
    # What the feed said about the page (PageHints as JSON): the feed may drop the entry before it is read.
    Column("hints", Text, nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("queued_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_try_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("given_up_at", DateTime(timezone=True)),
)

#: Outlets, one per name and registrable domain ("" where a record gives none).
providers = Table(
    "providers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("domain", Text, nullable=False),
    UniqueConstraint("name", "domain", name="uq_providers_name_domain"),
)

#: One outlet's article. ``fingerprint`` hashes every field, so an identical
#: article met twice (in two records) is kept once.
articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, index=True),
    Column("fingerprint", String(64), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("excerpt", Text),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("original_url", Text),
    Column("web_url", Text),
    Column("amp_web_url", Text),
    Column("cdn_amp_web_url", Text),
    Column("type", String(32), nullable=False),
    Column("quality", Integer),
    Column("featured_content", Text),
    Column("provider_id", ForeignKey("providers.id")),
    Column("has_images", Boolean, nullable=False),
    Column("has_provider_images", Boolean, nullable=False),
    Column("provider_extras", Text, nullable=False),
    Column("extras", Text, nullable=False),
    Column("source_id", ForeignKey("sources.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # What reading a page found besides the record's fields (fetched articles only).
    Column("text", Text),
    Column("language", String(35)),
    Column("authors", Text),
    Column("links", Text),
    Column("fetched_at", DateTime(timezone=True)),
    # Judging (null until judged): relevance to the desk's beat, 0-1; quality's named signals as JSON.
    Column("relevance", Float),
    Column("on_beat", Boolean),
    Column("quality_signals", Text),
    Column("judged_at", DateTime(timezone=True)),
)

#: Images in record order: an article's lead images (role ``lead``) and the
#: logos its provider showed with it (role ``provider``).
images = Table(
    "images",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("position", Integer, nullable=False),
    Column("url", Text, nullable=False),
    Column("width", Integer),
    Column("height", Integer),
    Column("is_cached", Boolean),
    Column("title", Text),
    Column("extras", Text, nullable=False),
    UniqueConstraint("article_id", "role", "position", name="uq_images_article_role_position"),
)

#: The desk's taxonomy, one row per ``_data/topics`` file.
topics = Table(
    "topics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topic_id", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("parent", Text),
    Column("shortname", Text),
    Column("keywords", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("document", Text, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", Text, nullable=False, unique=True),
    Column("category", String(64), nullable=False),
    Column("heat", Integer),
    Column("published", Boolean),
    Column("secured", Text),
    Column("body", Text, nullable=False),
    Column("has_topics", Boolean, nullable=False),
    Column("has_related", Boolean, nullable=False),
    Column("extras", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # The story's id in story formation (its first article's id); null for imported records.
    Column("cluster_key", Integer, index=True, unique=True),
    # When ``heat`` was last computed (heat decays with time).
    Column("heat_at", DateTime(timezone=True)),
)

#: Where story formation put each article, in processing order (``seq``), with what it
#: needs to rebuild its state after a restart (the vector, the MinHash signature) and
#: why the article went where it did.
placements = Table(
    "placements",
    metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("vector", LargeBinary),
    Column("signature", LargeBinary),
    Column("copy_of", Integer),
    Column("copy_similarity", Float),
    Column("story_key", Integer, nullable=False, index=True),
    Column("new_story", Boolean, nullable=False),
    Column("match_article_id", Integer),
    Column("similarity", Float),
    Column("shared_entities", Text, nullable=False),
    Column("time_gap_seconds", Float),
    Column("placed_at", DateTime(timezone=True), nullable=False),
)

#: Each language stream's document frequencies (the IDF of its story clustering), as of placement ``through_seq``:
#: a restart replays only the stories that may still be open, and restores the rest of the IDF from here.
stream_vocabularies = Table(
    "stream_vocabularies",
    metadata,
    Column("language", String(35), primary_key=True),
    Column("through_seq", Integer, nullable=False),
    Column("documents", Integer, nullable=False),
    # zlib-compressed JSON object: key name → articles that held it.
    Column("counts", LargeBinary, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
)

#: Stories found to be one: the absorbed id leads to the one that stays (the older).
story_merges = Table(
    "story_merges",
    metadata,
    Column("merged_key", Integer, primary_key=True),
    Column("into_key", Integer, nullable=False),
    Column("by_article_id", Integer, nullable=False),
    Column("merged_at", DateTime(timezone=True), nullable=False),
)

#: Story membership: position 0 is the primary, the rest are ``related`` in order.
story_articles = Table(
    "story_articles",
    metadata,
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("role", String(16), nullable=False),
    Column("article_id", ForeignKey("articles.id"), nullable=False, index=True),
)

story_topics = Table(
    "story_topics",
    metadata,
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", Text, nullable=False),
)

#: Stories whose members are being rewritten (migration 0009): while a story's id is here, writes to
#: its membership and topics leave its search row alone; deleting the id rebuilds the row once.
search_hold = Table(
    "search_hold",
    metadata,
    Column("story_id", Integer, primary_key=True, autoincrement=False),
)

#: The topics the judge gave an article, most specific first, with their score and evidence (JSON).
article_topics = Table(
    "article_topics",
    metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("topic_id", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("evidence", Text, nullable=False),
)

#: Editors' decisions on a formed story, by field (published, title, excerpt, category, topics, primary):
#: the value as JSON. The pipeline never overwrites a field an editor decided.
story_decisions = Table(
    "story_decisions",
    metadata,
    Column("cluster_key", Integer, primary_key=True),
    Column("field", String(32), primary_key=True),
    Column("value", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

#: Editors' topic corrections: each one a training example for the topic tagger.
topic_examples = Table(
    "topic_examples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", ForeignKey("articles.id", ondelete="SET NULL")),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("topics", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Who changed what, when: every edit to a story or the taxonomy.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_key", Text, nullable=False),
    Column("detail", Text, nullable=False),
)

#: The image cache, one row per image URL (an image shared by many articles is fetched once):
#: ``status`` is ``cached`` (the copy is under the desk's cache, content-addressed by ``sha256``),
#: ``refused`` (it is not a safe image; ``reason`` says why) or ``missing`` (the fetch failed).
#: ``width``/``height`` are measured from the bytes; ``thumbnail`` says a WebP thumbnail exists.
cached_images = Table(
    "cached_images",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("sha256", String(64), index=True),
    Column("width", Integer),
    Column("height", Integer),
    Column("content_type", Text),
    Column("bytes", Integer),
    Column("thumbnail", Boolean, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

#: Editors' private notes on a formed story: kept in the story's ``secured`` value, never published in clear.
story_notes = Table(
    "story_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_key", Integer, nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: Key rotations: the key every ``secured`` value is being re-encrypted under, and how far the
#: pass has come (``last_story_id``), so a stopped pass resumes where it stopped.
key_rotations = Table(
    "key_rotations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key_id", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("last_story_id", Integer, nullable=False),
    Column("rotated", Integer, nullable=False),
)

Index("ix_story_topics_name", story_topics.c.name)

# --- publishing (migration 0006)

#: One number that triggers raise on every write a reader could see (stories, membership, topics,
#: images, newsletters, visible article fields): the web app keeps rendered pages until it changes.
site_generation = Table(
    "site_generation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("generation", BigInteger, nullable=False),
)

#: Each day's newsletter as rendered, archived on the site at ``/newsletters/<day>/``.
#: The newsletter's readers: one row per address; ``token`` (random, secret) is what their unsubscribe link carries.
subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(320), nullable=False, unique=True),
    Column("state", String(16), nullable=False),
    Column("token", String(64), nullable=False, unique=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("left_at", DateTime(timezone=True)),
    #: The topic ids the reader chose, comma-separated; NULL: every topic.
    Column("topics", Text),
    #: When the last confirmation mail went (double opt-in), and when the reader confirmed.
    Column("asked_at", DateTime(timezone=True)),
    Column("confirmed_at", DateTime(timezone=True)),
    #: Deliveries refused in a row (the server's or a bounce's reason last), reset by one that goes through.
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
)

#: Each issue's sending, address by address: a send stopped midway resumes without sending anyone the issue twice.
newsletter_sends = Table(
    "newsletter_sends",
    metadata,
    Column("day", Date, primary_key=True),
    Column("address", String(320), primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("error", Text),
)

newsletters = Table(
    "newsletters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False, unique=True),
    Column("subject", Text, nullable=False),
    Column("excerpt", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("stories", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
)

# The reader's orderings: published stories by heat, and newest first.
Index("ix_stories_published_heat", stories.c.published, stories.c.heat, stories.c.published_at)
Index("ix_stories_published_published_at", stories.c.published, stories.c.published_at)

# --- the editors' desk (migration 0007)

#: The desk's users: editors and admins, with argon2 password hashes; a disabled user cannot log in.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False),
)

#: Logged-in sessions, server side: the SHA-256 of the cookie's random token (never the token), the user,
#: the session's CSRF token, and when it ends.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

#: Every login attempt (by user name and client address), so failures can be rate limited.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("succeeded", Boolean, nullable=False),
)

Index("ix_login_attempts_name_at", login_attempts.c.name, login_attempts.c.at)
Index("ix_login_attempts_address_at", login_attempts.c.address, login_attempts.c.at)

#: The full-text index is not in this metadata: it is an FTS5 virtual table (with its shadow tables)
#: on SQLite and a tsvector table on PostgreSQL, made by migration 0006 and kept in sync by triggers.
SEARCH_TABLE = "story_search"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Whether Alembic compares an object with this metadata: everything but the search index."""
    if type_ == "table" and name is not None:
        return name != SEARCH_TABLE and not name.startswith(SEARCH_TABLE + "_")
    return True
