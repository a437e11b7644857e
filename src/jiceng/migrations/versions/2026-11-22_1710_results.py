"""Results domain: Observations received from labs, devices and hospitals.

Revision ID: 3b9e4d61c2a7
Revises: 7f3c2a91d0e4
Create Date: 2026-11-22 17:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b9e4d61c2a7"
down_revision: str | Sequence[str] | None = "7f3c2a91d0e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "results_observation",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("code_system", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("display", sa.String(length=200), nullable=False),
        sa.Column("value_quantity", sa.Float(), nullable=True),
        sa.Column("value_unit", sa.String(length=40), nullable=False),
        sa.Column("value_text", sa.String(length=500), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("performer_institution_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results_observation")),
    )
    with op.batch_alter_table("results_observation", schema=None) as batch_op:
        batch_op.create_index("ix_results_observation_code", ["code", "effective_at"], unique=False)
        batch_op.create_index("ix_results_observation_resident", ["resident_id", "effective_at"], unique=False)


def downgrade() -> None:
    op.drop_table("results_observation")
