"""Watching sources: fetch state on sources, the entries each has shown, what reading found.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("category", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("user_agent", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("etag", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_modified", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_fetch_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_status", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("failures", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("items_seen", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("interval", sa.Integer(), server_default="3600", nullable=False))
        batch_op.add_column(sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_sources_next_due_at"), ["next_due_at"], unique=False)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))
        batch_op.add_column(sa.Column("authors", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("links", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "source_entries",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_source_entries_source_id_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_source_entries_article_id_articles"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("source_id", "entry_key", name=op.f("pk_source_entries")),
    )


def downgrade() -> None:
    op.drop_table("source_entries")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        for column in ("fetched_at", "links", "authors", "language", "text"):
            batch_op.drop_column(column)
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_next_due_at"))
        for column in (
            "next_due_at", "interval", "items_seen", "failures", "last_error", "last_status",
            "last_fetch_at", "last_modified", "etag", "user_agent", "category", "site_url",
        ):  # fmt: skip
            batch_op.drop_column(column)
