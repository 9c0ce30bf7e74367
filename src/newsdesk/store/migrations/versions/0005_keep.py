"""Keeping: the image cache (one row per image URL), editors' private notes, key rotation progress.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cached_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.Text(), nullable=True),
        sa.Column("bytes", sa.Integer(), nullable=True),
        sa.Column("thumbnail", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cached_images")),
        sa.UniqueConstraint("url", name=op.f("uq_cached_images_url")),
    )
    op.create_index(op.f("ix_cached_images_sha256"), "cached_images", ["sha256"], unique=False)
    op.create_table(
        "story_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_key", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_notes")),
    )
    op.create_index(op.f("ix_story_notes_cluster_key"), "story_notes", ["cluster_key"], unique=False)
    op.create_table(
        "key_rotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_story_id", sa.Integer(), nullable=False),
        sa.Column("rotated", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_rotations")),
    )


def downgrade() -> None:
    op.drop_table("key_rotations")
    op.drop_index(op.f("ix_story_notes_cluster_key"), table_name="story_notes")
    op.drop_table("story_notes")
    op.drop_index(op.f("ix_cached_images_sha256"), table_name="cached_images")
    op.drop_table("cached_images")
