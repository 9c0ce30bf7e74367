"""Search finds a story by the headline an editor gave it: the index reads the editors' title decision first.

The search row of a story (migration 0006) took its headline from the
primary article; an editor's title (``story_decisions``, field ``title``, a
JSON string) now comes first, and triggers on ``story_decisions`` keep the
index in step when an editor retitles a story.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_PRIMARY_TITLE = (
    "(SELECT a.title FROM story_articles m JOIN articles a ON a.id = m.article_id "
    "WHERE m.story_id = s.id AND m.position = 0)"
)
_SQLITE_DECIDED = "(SELECT json_extract(d.value, '$') FROM story_decisions d WHERE d.cluster_key = s.cluster_key AND d.field = 'title')"
_POSTGRES_DECIDED = (
    "(SELECT d.value::json #>> '{}' FROM story_decisions d WHERE d.cluster_key = s.cluster_key AND d.field = 'title')"
)

# ---------------------------------------------------------------------------- SQLite

_SQLITE_ROW = """
SELECT s.id,
  coalesce({title}, ''),
  coalesce((SELECT group_concat(coalesce(a.excerpt, '') || ' ' || CASE WHEN m.position > 0 THEN a.title ELSE '' END, ' ')
            FROM story_articles m JOIN articles a ON a.id = m.article_id WHERE m.story_id = s.id), ''),
  coalesce((SELECT group_concat(p.name, ' ') FROM story_articles m JOIN articles a ON a.id = m.article_id
            JOIN providers p ON p.id = a.provider_id WHERE m.story_id = s.id), '') || ' ' ||
  coalesce((SELECT group_concat(t.name, ' ') FROM story_topics t WHERE t.story_id = s.id), '')
FROM stories s WHERE {where}
"""

_SQLITE_MEMBER_TRIGGERS = ("story_articles", "story_topics")


def _sqlite_refresh(ids: str, title: str) -> str:
    row = _SQLITE_ROW.format(title=title, where=f"s.id IN ({ids})")
    return (
        f"DELETE FROM story_search WHERE rowid IN ({ids});\nINSERT INTO story_search (rowid, title, body, names) {row};"
    )


def _sqlite_triggers(title: str, *, decisions: bool) -> None:
    for table in _SQLITE_MEMBER_TRIGGERS:
        for operation in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS story_search_{table}_{operation}")
        op.execute(
            f"CREATE TRIGGER story_search_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"{_sqlite_refresh('NEW.story_id', title)} END"
        )
        op.execute(
            f"CREATE TRIGGER story_search_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{_sqlite_refresh('OLD.story_id', title)} END"
        )
        op.execute(
            f"CREATE TRIGGER story_search_{table}_update AFTER UPDATE ON {table} BEGIN "
            f"{_sqlite_refresh('OLD.story_id, NEW.story_id', title)} END"
        )
    op.execute("DROP TRIGGER IF EXISTS story_search_articles_update")
    holders = "SELECT story_id FROM story_articles WHERE article_id = NEW.id"
    op.execute(
        "CREATE TRIGGER story_search_articles_update AFTER UPDATE OF title, excerpt, provider_id ON articles BEGIN "
        f"{_sqlite_refresh(holders, title)} END"
    )
    for operation in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS story_search_story_decisions_{operation}")
    if decisions:
        for operation, keys in (
            ("insert", "NEW.cluster_key"),
            ("delete", "OLD.cluster_key"),
            ("update", "OLD.cluster_key, NEW.cluster_key"),
        ):
            stories = f"SELECT id FROM stories WHERE cluster_key IN ({keys})"
            op.execute(
                f"CREATE TRIGGER story_search_story_decisions_{operation} AFTER {operation.upper()} "
                f"ON story_decisions BEGIN {_sqlite_refresh(stories, title)} END"
            )
    op.execute("DELETE FROM story_search")
    op.execute(f"INSERT INTO story_search (rowid, title, body, names) {_SQLITE_ROW.format(title=title, where='1')}")


# ---------------------------------------------------------------------------- PostgreSQL

_POSTGRES_DOCUMENT = """
SELECT s.id,
  setweight(to_tsvector('english', coalesce({title}, '')), 'A') ||
  setweight(to_tsvector('english',
    coalesce((SELECT string_agg(p.name, ' ') FROM story_articles m JOIN articles a ON a.id = m.article_id
              JOIN providers p ON p.id = a.provider_id WHERE m.story_id = s.id), '') || ' ' ||
    coalesce((SELECT string_agg(t.name, ' ') FROM story_topics t WHERE t.story_id = s.id), '')), 'B') ||
  setweight(to_tsvector('english', coalesce((SELECT string_agg(coalesce(a.excerpt, '') || ' ' ||
            CASE WHEN m.position > 0 THEN a.title ELSE '' END, ' ')
            FROM story_articles m JOIN articles a ON a.id = m.article_id WHERE m.story_id = s.id), '')), 'C')
FROM stories s WHERE {where}
"""

_POSTGRES_DECISIONS_FUNCTION = """
CREATE FUNCTION newsdesk_story_search_decisions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE holder integer;
BEGIN
  FOR holder IN SELECT id FROM stories
      WHERE cluster_key IN (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.cluster_key END,
                            CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.cluster_key END) LOOP
    PERFORM newsdesk_refresh_story_search(holder);
  END LOOP;
  RETURN NULL;
END $$
"""


def _postgres_refresh_function(title: str) -> None:
    op.execute(
        f"""
CREATE OR REPLACE FUNCTION newsdesk_refresh_story_search(target integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM story_search WHERE story_id = target;
  INSERT INTO story_search (story_id, document) {_POSTGRES_DOCUMENT.format(title=title, where="s.id = target")};
END $$
"""
    )
    op.execute("DELETE FROM story_search")
    op.execute(f"INSERT INTO story_search (story_id, document) {_POSTGRES_DOCUMENT.format(title=title, where='true')}")


# ---------------------------------------------------------------------------- both


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_refresh_function(f"coalesce({_POSTGRES_DECIDED}, {_PRIMARY_TITLE})")
        op.execute(_POSTGRES_DECISIONS_FUNCTION)
        op.execute(
            "CREATE TRIGGER story_search_story_decisions AFTER INSERT OR UPDATE OR DELETE ON story_decisions "
            "FOR EACH ROW EXECUTE FUNCTION newsdesk_story_search_decisions()"
        )
    else:
        _sqlite_triggers(f"coalesce({_SQLITE_DECIDED}, {_PRIMARY_TITLE})", decisions=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS story_search_story_decisions ON story_decisions")
        op.execute("DROP FUNCTION IF EXISTS newsdesk_story_search_decisions()")
        _postgres_refresh_function(_PRIMARY_TITLE)
    else:
        _sqlite_triggers(_PRIMARY_TITLE, decisions=False)
