"""Cover the live residents' village, status and birth date by id (region-wide indicators).

Revision ID: 8e1c4b7d2f90
Revises: 519b93652a7c
Create Date: 2026-11-22 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e1c4b7d2f90"
down_revision: str | Sequence[str] | None = "519b93652a7c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_resident_live_cover",
        "resident",
        ["id"],
        unique=False,
        postgresql_include=["village_code", "status", "birth_date"],
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_resident_live_cover", table_name="resident")
