"""Sync: peers, cursors, idempotency keys, field clocks, conflicts, merges, node reports;
and an index on the change log's transaction id (PostgreSQL readers look up rows of
transactions that were in flight).

Revision ID: d7e5a1f0c4b2
Revises: b6a6856c7847
Create Date: 2026-11-22 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d7e5a1f0c4b2"
down_revision: str | Sequence[str] | None = "b6a6856c7847"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_conflict",
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=True),
        sa.Column("winner", sa.JSON(), nullable=False),
        sa.Column("loser", sa.JSON(), nullable=False),
        sa.Column("detected_by", sa.String(length=64), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolution", sa.JSON(), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index("ix_sync_conflict_record", ["table_name", "record_id"], unique=False)
        batch_op.create_index("ix_sync_conflict_resident", ["resident_id"], unique=False)
        batch_op.create_index("ix_sync_conflict_status", ["status", "detected_at"], unique=False)

    op.create_table(
        "sync_cursor",
        sa.Column("peer_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("position", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=True),
        sa.Column("batch_to", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("peer_id", "direction", name=op.f("pk_sync_cursor")),
    )
    op.create_table(
        "sync_error",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("peer_id", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("message_zh", sa.String(length=500), nullable=False),
        sa.Column("message_en", sa.String(length=500), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_error")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "sync_inbound",
        sa.Column("peer_id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("peer_id", "batch_id", name=op.f("pk_sync_inbound")),
    )
    with op.batch_alter_table("sync_inbound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_inbound_received_at"), ["received_at"], unique=False)

    op.create_table(
        "sync_log_source",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("peer_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_log_source")),
    )
    op.create_table(
        "sync_merge",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("retired_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.JSON(), nullable=False),
        sa.Column("retired_state", sa.JSON(), nullable=False),
        sa.Column("merged_by", sa.String(length=64), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=True),
        sa.Column("retired_resident_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_merge")),
    )
    with op.batch_alter_table("sync_merge", schema=None) as batch_op:
        batch_op.create_index("ix_sync_merge_retired", ["retired_id"], unique=False)

    op.create_table(
        "sync_node_report",
        sa.Column("node_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("parent_node_id", sa.String(length=64), nullable=False),
        sa.Column("contact_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_success_age_s", sa.Integer(), nullable=True),
        sa.Column("pending", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_sync_node_report")),
    )
    op.create_table(
        "sync_peer",
        sa.Column("node_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("client_secret", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("pull_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_contact_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_sync_peer")),
    )
    with op.batch_alter_table("sync_peer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_peer_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sync_record_clock",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "record_id", name=op.f("pk_sync_record_clock")),
    )
    op.create_table(
        "sync_retry",
        sa.Column("peer_id", sa.String(length=64), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("peer_id", "table_name", "record_id", name=op.f("pk_sync_retry")),
    )
    op.create_table(
        "sync_scope_member",
        sa.Column("peer_id", sa.String(length=64), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("peer_id", "resident_id", name=op.f("pk_sync_scope_member")),
    )
    with op.batch_alter_table("core_change_log", schema=None) as batch_op:
        batch_op.create_index("ix_core_change_log_txid", ["txid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("core_change_log", schema=None) as batch_op:
        batch_op.drop_index("ix_core_change_log_txid")
    op.drop_table("sync_scope_member")
    op.drop_table("sync_retry")
    op.drop_table("sync_record_clock")
    with op.batch_alter_table("sync_peer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_peer_user_id"))

    op.drop_table("sync_peer")
    op.drop_table("sync_node_report")
    with op.batch_alter_table("sync_merge", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_merge_retired")

    op.drop_table("sync_merge")
    op.drop_table("sync_log_source")
    with op.batch_alter_table("sync_inbound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_inbound_received_at"))

    op.drop_table("sync_inbound")
    op.drop_table("sync_error")
    op.drop_table("sync_cursor")
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_conflict_status")
        batch_op.drop_index("ix_sync_conflict_resident")
        batch_op.drop_index("ix_sync_conflict_record")

    op.drop_table("sync_conflict")
