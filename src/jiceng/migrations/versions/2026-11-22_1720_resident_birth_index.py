"""Index residents by village and birth date (age-based worklists and indicators).

Revision ID: 5d2f8e0a9c13
Revises: 3b9e4d61c2a7
Create Date: 2026-11-22 17:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "5d2f8e0a9c13"
down_revision: str | Sequence[str] | None = "3b9e4d61c2a7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.create_index("ix_resident_village_birth", ["village_code", "birth_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_index("ix_resident_village_birth")
