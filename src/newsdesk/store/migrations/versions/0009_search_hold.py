"""A story's search row is refreshed once per save, not once per member written.

The triggers of migrations 0006 and 0008 rebuild a story's search row on every
row written to ``story_articles`` and ``story_topics``; each rebuild reads all
of the story's members, so writing a story of n members cost O(n²) (4,000
related articles took 18 s). ``search_hold`` holds the ids of stories being
rewritten: while a story's id is there, the member triggers skip it, and
deleting the id rebuilds its row once. Writers that do not hold a story keep
the per-row refresh, so the index stays right for every writer.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_MEMBER_TABLES = ("story_articles", "story_topics")

# ---------------------------------------------------------------------------- SQLite (as of 0008)

_SQLITE_TITLE = (
    "coalesce((SELECT json_extract(d.value, '$') FROM story_decisions d "
    "WHERE d.cluster_key = s.cluster_key AND d.field = 'title'), "
    "(SELECT a.title FROM story_articles m JOIN articles a ON a.id = m.article_id "
    "WHERE m.story_id = s.id AND m.position = 0))"
)

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


def _sqlite_refresh(ids: str) -> str:
    row = _SQLITE_ROW.format(title=_SQLITE_TITLE, where=f"s.id IN ({ids})")
    return (
        f"DELETE FROM story_search WHERE rowid IN ({ids});\nINSERT INTO story_search (rowid, title, body, names) {row};"
    )


def _sqlite_member_triggers(*, held: bool) -> None:
    for table in _MEMBER_TABLES:
        for operation, row in (("insert", "NEW"), ("delete", "OLD")):
            op.execute(f"DROP TRIGGER IF EXISTS story_search_{table}_{operation}")
            when = f"WHEN NOT EXISTS (SELECT 1 FROM search_hold WHERE story_id = {row}.story_id) " if held else ""
            op.execute(
                f"CREATE TRIGGER story_search_{table}_{operation} AFTER {operation.upper()} ON {table} {when}"
                f"BEGIN {_sqlite_refresh(f'{row}.story_id')} END"
            )


# ---------------------------------------------------------------------------- PostgreSQL

_POSTGRES_MEMBERS = """
CREATE OR REPLACE FUNCTION newsdesk_story_search_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') {old_held} THEN PERFORM newsdesk_refresh_story_search(OLD.story_id); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') {new_held} THEN PERFORM newsdesk_refresh_story_search(NEW.story_id); END IF;
  RETURN NULL;
END $$
"""

_POSTGRES_RELEASE = """
CREATE FUNCTION newsdesk_search_hold_release() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM newsdesk_refresh_story_search(OLD.story_id);
  RETURN NULL;
END $$
"""


def _postgres_members(*, held: bool) -> str:
    def unless_held(row: str) -> str:
        return f"AND NOT EXISTS (SELECT 1 FROM search_hold WHERE story_id = {row}.story_id)" if held else ""

    return _POSTGRES_MEMBERS.format(old_held=unless_held("OLD"), new_held=unless_held("NEW"))


# ---------------------------------------------------------------------------- both


def upgrade() -> None:
    op.create_table(
        "search_hold",
        sa.Column("story_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("story_id", name=op.f("pk_search_hold")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_postgres_members(held=True))
        op.execute(_POSTGRES_RELEASE)
        op.execute(
            "CREATE TRIGGER search_hold_release AFTER DELETE ON search_hold "
            "FOR EACH ROW EXECUTE FUNCTION newsdesk_search_hold_release()"
        )
    else:
        _sqlite_member_triggers(held=True)
        op.execute(
            "CREATE TRIGGER search_hold_release AFTER DELETE ON search_hold "
            f"BEGIN {_sqlite_refresh('OLD.story_id')} END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_hold_release ON search_hold")
        op.execute("DROP FUNCTION IF EXISTS newsdesk_search_hold_release()")
        op.execute(_postgres_members(held=False))
    else:
        op.execute("DROP TRIGGER IF EXISTS search_hold_release")
        _sqlite_member_triggers(held=False)
    op.drop_table("search_hold")
