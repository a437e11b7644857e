"""Merge the domain branches into one head.

Each domain's migration branched from the foundation so domains could land independently;
this joins them so ``alembic upgrade head`` and later migrations have one parent.

Revision ID: 519b93652a7c
Revises: c4e1d2a9b7f3, c0a7c1f2d3e4, e1d3a7c95b20, d7e5a1f0c4b2, 8a4c6e2f1b90
Create Date: 2026-11-22 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "519b93652a7c"
down_revision: str | Sequence[str] | None = (
    "c4e1d2a9b7f3",
    "c0a7c1f2d3e4",
    "e1d3a7c95b20",
    "d7e5a1f0c4b2",
    "8a4c6e2f1b90",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
