"""Feed entries whose page is still to be read: read in the following rounds, never left as teasers for good.

An entry past ``fetch.max_pages_per_source`` (or whose page failed for now) waits
here with what the feed said about it, so its page is read in a later round even
when the feed no longer lists it. A page that keeps failing is retried with
backoff and eventually left as the feed's teaser: ``given_up_at`` and
``last_error`` say when and why.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unread_entries",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("hints", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_unread_entries_source_id_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_unread_entries_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source_id", "entry_key", name=op.f("pk_unread_entries")),
    )
    with op.batch_alter_table("unread_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unread_entries_article_id"), ["article_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unread_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unread_entries_article_id"))
    op.drop_table("unread_entries")
