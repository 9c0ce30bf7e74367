"""Subscribers' own topics, double opt-in (when the confirmation was asked and given) and failed deliveries.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("topics", sa.Text(), nullable=True))
        batch.add_column(sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        for name in ("last_error", "failures", "confirmed_at", "asked_at", "topics"):
            batch.drop_column(name)
