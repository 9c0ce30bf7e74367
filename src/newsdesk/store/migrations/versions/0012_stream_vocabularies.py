"""Each language stream's document frequencies, so a restart restores the IDF of the articles it does not replay.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stream_vocabularies",
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("through_seq", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("counts", sa.LargeBinary(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("language", name=op.f("pk_stream_vocabularies")),
    )


def downgrade() -> None:
    op.drop_table("stream_vocabularies")
