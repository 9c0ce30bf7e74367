"""Publishing: full-text search over stories, the site's generation counter, archived newsletters.

Search is an FTS5 virtual table on SQLite and a ``tsvector`` table with a GIN
index on PostgreSQL, both called ``story_search`` and kept in sync by triggers
on the tables a story's text comes from (membership, topics, article titles).
``site_generation`` holds one number that triggers raise on every write a
reader could see, so the web app can keep rendered pages until it changes.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Writes a reader can see: (table, operations, columns an UPDATE must touch; None for any).
VISIBLE_WRITES: tuple[tuple[str, tuple[str, ...], tuple[str, ...] | None], ...] = (
    ("stories", ("INSERT", "UPDATE", "DELETE"), None),
    ("story_articles", ("INSERT", "UPDATE", "DELETE"), None),
    ("story_topics", ("INSERT", "UPDATE", "DELETE"), None),
    ("topics", ("INSERT", "UPDATE", "DELETE"), None),
    ("images", ("INSERT", "UPDATE", "DELETE"), None),
    ("newsletters", ("INSERT", "UPDATE", "DELETE"), None),
    ("providers", ("UPDATE",), None),
    (
        "articles",
        ("UPDATE",),
        ("title", "excerpt", "published_at", "original_url", "web_url", "amp_web_url", "cdn_amp_web_url",
         "type", "quality", "featured_content", "provider_id"),
    ),
)  # fmt: skip

# ---------------------------------------------------------------------------- SQLite

#: The columns of one story's search row, for the stories ``WHERE`` selects (``s`` is the story).
_SQLITE_ROW = """
SELECT s.id,
  coalesce((SELECT a.title FROM story_articles m JOIN articles a ON a.id = m.article_id
            WHERE m.story_id = s.id AND m.position = 0), ''),
  coalesce((SELECT group_concat(coalesce(a.excerpt, '') || ' ' || CASE WHEN m.position > 0 THEN a.title ELSE '' END, ' ')
            FROM story_articles m JOIN articles a ON a.id = m.article_id WHERE m.story_id = s.id), ''),
  coalesce((SELECT group_concat(p.name, ' ') FROM story_articles m JOIN articles a ON a.id = m.article_id
            JOIN providers p ON p.id = a.provider_id WHERE m.story_id = s.id), '') || ' ' ||
  coalesce((SELECT group_concat(t.name, ' ') FROM story_topics t WHERE t.story_id = s.id), '')
FROM stories s WHERE {where}
"""


def _sqlite_refresh(ids: str) -> str:
    return (
        f"DELETE FROM story_search WHERE rowid IN ({ids});\n"
        f"INSERT INTO story_search (rowid, title, body, names) {_SQLITE_ROW.format(where=f's.id IN ({ids})')};"
    )


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE story_search USING fts5("
        "title, body, names, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    op.execute(f"INSERT INTO story_search (rowid, title, body, names) {_SQLITE_ROW.format(where='1')}")
    for table in ("story_articles", "story_topics"):
        op.execute(
            f"CREATE TRIGGER story_search_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"{_sqlite_refresh('NEW.story_id')} END"
        )
        op.execute(
            f"CREATE TRIGGER story_search_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{_sqlite_refresh('OLD.story_id')} END"
        )
        op.execute(
            f"CREATE TRIGGER story_search_{table}_update AFTER UPDATE ON {table} BEGIN "
            f"{_sqlite_refresh('OLD.story_id, NEW.story_id')} END"
        )
    op.execute(
        "CREATE TRIGGER story_search_stories_delete AFTER DELETE ON stories BEGIN "
        "DELETE FROM story_search WHERE rowid = OLD.id; END"
    )
    holders = "SELECT story_id FROM story_articles WHERE article_id = NEW.id"
    op.execute(
        "CREATE TRIGGER story_search_articles_update AFTER UPDATE OF title, excerpt, provider_id ON articles BEGIN "
        f"{_sqlite_refresh(holders)} END"
    )
    bump = "UPDATE site_generation SET generation = generation + 1 WHERE id = 1;"
    for table, operations, columns in VISIBLE_WRITES:
        for operation in operations:
            event = f"UPDATE OF {', '.join(columns)}" if columns else operation
            op.execute(
                f"CREATE TRIGGER site_generation_{table}_{operation.lower()} AFTER {event} ON {table} BEGIN {bump} END"
            )


def _sqlite_downgrade() -> None:
    for table, operations, _columns in VISIBLE_WRITES:
        for operation in operations:
            op.execute(f"DROP TRIGGER IF EXISTS site_generation_{table}_{operation.lower()}")
    for table in ("story_articles", "story_topics"):
        for operation in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS story_search_{table}_{operation}")
    op.execute("DROP TRIGGER IF EXISTS story_search_stories_delete")
    op.execute("DROP TRIGGER IF EXISTS story_search_articles_update")
    op.execute("DROP TABLE IF EXISTS story_search")


# ---------------------------------------------------------------------------- PostgreSQL

_POSTGRES_DOCUMENT = """
SELECT s.id,
  setweight(to_tsvector('english', coalesce((SELECT a.title FROM story_articles m JOIN articles a ON a.id = m.article_id
            WHERE m.story_id = s.id AND m.position = 0), '')), 'A') ||
  setweight(to_tsvector('english',
    coalesce((SELECT string_agg(p.name, ' ') FROM story_articles m JOIN articles a ON a.id = m.article_id
              JOIN providers p ON p.id = a.provider_id WHERE m.story_id = s.id), '') || ' ' ||
    coalesce((SELECT string_agg(t.name, ' ') FROM story_topics t WHERE t.story_id = s.id), '')), 'B') ||
  setweight(to_tsvector('english', coalesce((SELECT string_agg(coalesce(a.excerpt, '') || ' ' ||
            CASE WHEN m.position > 0 THEN a.title ELSE '' END, ' ')
            FROM story_articles m JOIN articles a ON a.id = m.article_id WHERE m.story_id = s.id), '')), 'C')
FROM stories s WHERE {where}
"""

_POSTGRES_FUNCTIONS = [
    f"""
CREATE FUNCTION newsdesk_refresh_story_search(target integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM story_search WHERE story_id = target;
  INSERT INTO story_search (story_id, document) {_POSTGRES_DOCUMENT.format(where="s.id = target")};
END $$
""",
    """
CREATE FUNCTION newsdesk_story_search_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN PERFORM newsdesk_refresh_story_search(OLD.story_id); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM newsdesk_refresh_story_search(NEW.story_id); END IF;
  RETURN NULL;
END $$
""",
    """
CREATE FUNCTION newsdesk_story_search_articles() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE holder integer;
BEGIN
  FOR holder IN SELECT DISTINCT story_id FROM story_articles WHERE article_id = NEW.id LOOP
    PERFORM newsdesk_refresh_story_search(holder);
  END LOOP;
  RETURN NULL;
END $$
""",
    # Raised once per transaction, at commit (the trigger is deferred), so the counter's row lock is
    # taken last and held for no more than the commit: writers cannot deadlock on it.
    """
CREATE FUNCTION newsdesk_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('newsdesk.generation_raised', true) IS DISTINCT FROM txid_current()::text THEN
    PERFORM set_config('newsdesk.generation_raised', txid_current()::text, true);
    UPDATE site_generation SET generation = generation + 1 WHERE id = 1;
  END IF;
  RETURN NULL;
END $$
""",
]


def _postgres_upgrade() -> None:
    op.execute(
        "CREATE TABLE story_search (story_id integer PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE, "
        "document tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX ix_story_search_document ON story_search USING GIN (document)")
    for function in _POSTGRES_FUNCTIONS:
        op.execute(function)
    op.execute(f"INSERT INTO story_search (story_id, document) {_POSTGRES_DOCUMENT.format(where='true')}")
    for table in ("story_articles", "story_topics"):
        op.execute(
            f"CREATE TRIGGER story_search_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION newsdesk_story_search_members()"
        )
    op.execute(
        "CREATE TRIGGER story_search_articles AFTER UPDATE OF title, excerpt, provider_id ON articles "
        "FOR EACH ROW EXECUTE FUNCTION newsdesk_story_search_articles()"
    )
    for table, operations, columns in VISIBLE_WRITES:
        events = " OR ".join(f"UPDATE OF {', '.join(columns)}" if columns else o for o in operations)
        op.execute(
            f"CREATE CONSTRAINT TRIGGER site_generation_{table} AFTER {events} ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION newsdesk_bump_generation()"
        )


def _postgres_downgrade() -> None:
    for table, _operations, _columns in VISIBLE_WRITES:
        op.execute(f"DROP TRIGGER IF EXISTS site_generation_{table} ON {table}")
    for table in ("story_articles", "story_topics"):
        op.execute(f"DROP TRIGGER IF EXISTS story_search_{table} ON {table}")
    op.execute("DROP TRIGGER IF EXISTS story_search_articles ON articles")
    op.execute("DROP FUNCTION IF EXISTS newsdesk_bump_generation()")
    op.execute("DROP FUNCTION IF EXISTS newsdesk_story_search_articles()")
    op.execute("DROP FUNCTION IF EXISTS newsdesk_story_search_members()")
    op.execute("DROP FUNCTION IF EXISTS newsdesk_refresh_story_search(integer)")
    op.execute("DROP TABLE IF EXISTS story_search")


# ---------------------------------------------------------------------------- both


def upgrade() -> None:
    op.create_table(
        "site_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_generation")),
    )
    op.execute("INSERT INTO site_generation (id, generation) VALUES (1, 0)")
    op.create_table(
        "newsletters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("stories", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletters")),
        sa.UniqueConstraint("day", name=op.f("uq_newsletters_day")),
    )
    op.create_index("ix_stories_published_heat", "stories", ["published", "heat", "published_at"], unique=False)
    op.create_index("ix_stories_published_published_at", "stories", ["published", "published_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_downgrade()
    else:
        _sqlite_downgrade()
    op.drop_index("ix_stories_published_published_at", table_name="stories")
    op.drop_index("ix_stories_published_heat", table_name="stories")
    op.drop_table("newsletters")
    op.drop_table("site_generation")
