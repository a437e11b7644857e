"""Contracts: family-doctor teams, service packages, contracts, fulfilment,
population marks, consent attachments, e-health cards and card access.

Revision ID: c0a7c1f2d3e4
Revises: b6a6856c7847
Create Date: 2026-11-22 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a7c1f2d3e4"
down_revision: str | Sequence[str] | None = "b6a6856c7847"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contracts_card_access",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_card_access")),
    )
    with op.batch_alter_table("contracts_card_access", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_card_access_user", ["user_id", "expires_at"], unique=False)

    op.create_table(
        "contracts_consent",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_consent")),
    )
    op.create_table(
        "contracts_health_card",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("token_id", sa.String(length=40), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_health_card")),
        sa.UniqueConstraint("token_id", name=op.f("uq_contracts_health_card_token_id")),
    )
    with op.batch_alter_table("contracts_health_card", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_health_card_resident", ["resident_id", "expires_at"], unique=False)

    op.create_table(
        "contracts_package",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("county_code", sa.String(length=12), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("fee_total", sa.Integer(), nullable=False),
        sa.Column("fee_insurance", sa.Integer(), nullable=False),
        sa.Column("fee_government", sa.Integer(), nullable=False),
        sa.Column("fee_resident", sa.Integer(), nullable=False),
        sa.Column("target_groups", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_package")),
        sa.UniqueConstraint("code", "revision", name="uq_contracts_package_code_revision"),
    )
    op.create_table(
        "contracts_population_mark",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("group_code", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("list_name", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_population_mark")),
    )
    with op.batch_alter_table("contracts_population_mark", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_population_mark_resident", ["resident_id", "group_code"], unique=False)

    op.create_table(
        "contracts_team",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("doctor_staff_id", sa.Uuid(), nullable=False),
        sa.Column("doctor_kind", sa.String(length=20), nullable=False),
        sa.Column("panel_limit", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("dissolved_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_team")),
        sa.UniqueConstraint("code", name=op.f("uq_contracts_team_code")),
    )
    with op.batch_alter_table("contracts_team", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_team_institution", ["institution_id", "status"], unique=False)

    op.create_table(
        "contracts_contract",
        sa.Column("contract_number", sa.String(length=24), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("doctor_staff_id", sa.Uuid(), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("basic_package_id", sa.Uuid(), nullable=False),
        sa.Column("sign_mode", sa.String(length=12), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("sign_group_id", sa.Uuid(), nullable=True),
        sa.Column("continuity", sa.String(length=16), nullable=False),
        sa.Column("previous_contract_id", sa.Uuid(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("termination_reason", sa.String(length=24), nullable=True),
        sa.Column("termination_note", sa.String(length=300), nullable=False),
        sa.Column("consent_kind", sa.String(length=16), nullable=False),
        sa.Column("consent_id", sa.Uuid(), nullable=True),
        sa.Column("signatory_name", sa.String(length=50), nullable=False),
        sa.Column("signatory_relation", sa.String(length=12), nullable=False),
        sa.Column("fee_resident", sa.Integer(), nullable=False),
        sa.Column("signed_by", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["basic_package_id"], ["contracts_package.id"], name=op.f("fk_contracts_contract_basic_package_id_contracts_package")
        ),
        sa.ForeignKeyConstraint(["consent_id"], ["contracts_consent.id"], name=op.f("fk_contracts_contract_consent_id_contracts_consent")),
        sa.ForeignKeyConstraint(["team_id"], ["contracts_team.id"], name=op.f("fk_contracts_contract_team_id_contracts_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_contract")),
        sa.UniqueConstraint("contract_number", name=op.f("uq_contracts_contract_contract_number")),
    )
    with op.batch_alter_table("contracts_contract", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contracts_contract_group",
            ["sign_group_id"],
            unique=False,
            sqlite_where=sa.text("sign_group_id IS NOT NULL"),
            postgresql_where=sa.text("sign_group_id IS NOT NULL"),
        )
        batch_op.create_index("ix_contracts_contract_resident", ["resident_id", "start_date"], unique=False)
        batch_op.create_index("ix_contracts_contract_team", ["team_id", "status", "end_date"], unique=False)
        batch_op.create_index(
            "uq_contracts_contract_active_resident",
            ["resident_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active' AND deleted_at IS NULL"),
            postgresql_where=sa.text("status = 'active' AND deleted_at IS NULL"),
        )

    op.create_table(
        "contracts_package_item",
        sa.Column("package_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("times_per_year", sa.Integer(), nullable=False),
        sa.Column("applies_to", sa.String(length=32), nullable=True),
        sa.Column("link_kind", sa.String(length=24), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["package_id"], ["contracts_package.id"], name=op.f("fk_contracts_package_item_package_id_contracts_package")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_package_item")),
    )
    with op.batch_alter_table("contracts_package_item", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_package_item_package", ["package_id", "seq"], unique=False)

    op.create_table(
        "contracts_team_member",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["contracts_team.id"], name=op.f("fk_contracts_team_member_team_id_contracts_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_team_member")),
    )
    with op.batch_alter_table("contracts_team_member", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_team_member_staff", ["staff_id", "team_id"], unique=False)
        batch_op.create_index("ix_contracts_team_member_team", ["team_id"], unique=False)

    op.create_table(
        "contracts_contract_package",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("package_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts_contract.id"], name=op.f("fk_contracts_contract_package_contract_id_contracts_contract")
        ),
        sa.ForeignKeyConstraint(
            ["package_id"], ["contracts_package.id"], name=op.f("fk_contracts_contract_package_package_id_contracts_package")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_contract_package")),
        sa.UniqueConstraint("contract_id", "package_id", name="uq_contracts_contract_package_pair"),
    )
    op.create_table(
        "contracts_delivery",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("amends_id", sa.Uuid(), nullable=True),
        sa.Column("source_kind", sa.String(length=24), nullable=False),
        sa.Column("source_record_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts_contract.id"], name=op.f("fk_contracts_delivery_contract_id_contracts_contract")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["contracts_package_item.id"], name=op.f("fk_contracts_delivery_item_id_contracts_package_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts_delivery")),
    )
    with op.batch_alter_table("contracts_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_delivery_contract", ["contract_id", "item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contracts_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_delivery_contract")

    op.drop_table("contracts_delivery")
    op.drop_table("contracts_contract_package")
    with op.batch_alter_table("contracts_team_member", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_team_member_team")
        batch_op.drop_index("ix_contracts_team_member_staff")

    op.drop_table("contracts_team_member")
    with op.batch_alter_table("contracts_package_item", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_package_item_package")

    op.drop_table("contracts_package_item")
    with op.batch_alter_table("contracts_contract", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_contracts_contract_active_resident",
            sqlite_where=sa.text("status = 'active' AND deleted_at IS NULL"),
            postgresql_where=sa.text("status = 'active' AND deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_contracts_contract_team")
        batch_op.drop_index("ix_contracts_contract_resident")
        batch_op.drop_index(
            "ix_contracts_contract_group",
            sqlite_where=sa.text("sign_group_id IS NOT NULL"),
            postgresql_where=sa.text("sign_group_id IS NOT NULL"),
        )

    op.drop_table("contracts_contract")
    with op.batch_alter_table("contracts_team", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_team_institution")

    op.drop_table("contracts_team")
    with op.batch_alter_table("contracts_population_mark", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_population_mark_resident")

    op.drop_table("contracts_population_mark")
    op.drop_table("contracts_package")
    with op.batch_alter_table("contracts_health_card", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_health_card_resident")

    op.drop_table("contracts_health_card")
    op.drop_table("contracts_consent")
    with op.batch_alter_table("contracts_card_access", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_card_access_user")

    op.drop_table("contracts_card_access")
