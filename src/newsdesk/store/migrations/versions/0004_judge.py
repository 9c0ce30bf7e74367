"""Judging: each article's beat relevance, topics and quality signals; editors' decisions and topic corrections.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("relevance", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("on_beat", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("quality_signals", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("judged_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heat_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "article_topics",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_article_topics_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", "position", name=op.f("pk_article_topics")),
    )
    op.create_table(
        "story_decisions",
        sa.Column("cluster_key", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cluster_key", "field", name=op.f("pk_story_decisions")),
    )
    op.create_table(
        "topic_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_topic_examples_article_id_articles"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_examples")),
    )


def downgrade() -> None:
    op.drop_table("topic_examples")
    op.drop_table("story_decisions")
    op.drop_table("article_topics")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("heat_at")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("judged_at")
        batch_op.drop_column("quality_signals")
        batch_op.drop_column("on_beat")
        batch_op.drop_column("relevance")
