"""Story formation: each article's place (vector, signature, copy, story, why) and story merges.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "placements",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("copy_of", sa.Integer(), nullable=True),
        sa.Column("copy_similarity", sa.Float(), nullable=True),
        sa.Column("story_key", sa.Integer(), nullable=False),
        sa.Column("new_story", sa.Boolean(), nullable=False),
        sa.Column("match_article_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("shared_entities", sa.Text(), nullable=False),
        sa.Column("time_gap_seconds", sa.Float(), nullable=True),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_placements_article_id_articles"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_placements")),
        sa.UniqueConstraint("seq", name=op.f("uq_placements_seq")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_story_key"), ["story_key"], unique=False)
    op.create_table(
        "story_merges",
        sa.Column("merged_key", sa.Integer(), nullable=False),
        sa.Column("into_key", sa.Integer(), nullable=False),
        sa.Column("by_article_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("merged_key", name=op.f("pk_story_merges")),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cluster_key", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_stories_cluster_key"), ["cluster_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stories_cluster_key"))
        batch_op.drop_column("cluster_key")
    op.drop_table("story_merges")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placements_story_key"))
    op.drop_table("placements")
