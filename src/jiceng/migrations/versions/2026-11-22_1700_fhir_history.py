"""FHIR support: earlier versions of records (vread/_history) and retained FHIR elements.

Revision ID: 7f3c2a91d0e4
Revises: b6a6856c7847
Create Date: 2026-11-22 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7f3c2a91d0e4"
down_revision: str | Sequence[str] | None = "b6a6856c7847"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "core_record_history",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("hlc", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_core_record_history")),
        sa.UniqueConstraint("table_name", "record_id", "version", name=op.f("uq_core_record_history_table_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "core_fhir_retained",
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("elements", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_fhir_retained")),
        sa.UniqueConstraint("resource_type", "record_id", name=op.f("uq_core_fhir_retained_resource_type")),
    )


def downgrade() -> None:
    op.drop_table("core_fhir_retained")
    op.drop_table("core_record_history")
