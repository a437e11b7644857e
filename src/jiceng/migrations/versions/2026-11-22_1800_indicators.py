"""Indicators domain: the materialized per-person, per-period state and its rollups.

Revision ID: 8a4c6e2f1b90
Revises: 5d2f8e0a9c13
Create Date: 2026-11-22 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8a4c6e2f1b90"
down_revision: str | Sequence[str] | None = "5d2f8e0a9c13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicators_slot",
        sa.Column("code", sa.String(length=120), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_indicators_slot")),
        sa.UniqueConstraint("slot", name=op.f("uq_indicators_slot_slot")),
    )
    op.create_table(
        "indicators_period",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_indicators_period")),
    )
    op.create_table(
        "indicators_person",
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("word", sa.SmallInteger(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("den_bits", sa.BigInteger(), nullable=False),
        sa.Column("num_bits", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("period_key", "word", "resident_id", name=op.f("pk_indicators_person")),
    )
    with op.batch_alter_table("indicators_person", schema=None) as batch_op:
        batch_op.create_index("ix_indicators_person_village", ["period_key", "word", "village_code"], unique=False)
    op.create_table(
        "indicators_rollup",
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("indicator_code", sa.String(length=120), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("base", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period_key", "division_code", "indicator_code", name=op.f("pk_indicators_rollup")),
    )
    with op.batch_alter_table("indicators_rollup", schema=None) as batch_op:
        batch_op.create_index("ix_indicators_rollup_parent", ["period_key", "parent_code"], unique=False)
    op.create_table(
        "indicators_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("snapshot_xmax", sa.BigInteger(), nullable=True),
        sa.Column("snapshot_xip", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators_cursor")),
    )


def downgrade() -> None:
    op.drop_table("indicators_cursor")
    op.drop_table("indicators_rollup")
    op.drop_table("indicators_person")
    op.drop_table("indicators_period")
    op.drop_table("indicators_slot")
