"""Foundation, part 2: registry (divisions, institutions, alliances, staff) and resident records.

Revision ID: 4c1d8e7b2a90
Revises: 2a6f0c3e9d41
Create Date: 2026-11-22 13:41:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4c1d8e7b2a90"
down_revision: str | Sequence[str] | None = "2a6f0c3e9d41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_division",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
        sa.Column("urban_rural_class", sa.String(length=3), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_division")),
        sa.UniqueConstraint("code", name=op.f("uq_registry_division_code")),
    )
    with op.batch_alter_table("registry_division", schema=None) as batch_op:
        batch_op.create_index("ix_registry_division_parent", ["parent_code", "code"], unique=False)

    op.create_table(
        "registry_institution",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("ownership", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["registry_institution.id"], name=op.f("fk_registry_institution_parent_id_registry_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_institution")),
        sa.UniqueConstraint("code", name=op.f("uq_registry_institution_code")),
    )
    with op.batch_alter_table("registry_institution", schema=None) as batch_op:
        batch_op.create_index("ix_registry_institution_division", ["division_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_registry_institution_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "resident_household",
        sa.Column("household_number", sa.String(length=20), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("head_resident_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_household")),
        sa.UniqueConstraint("household_number", name=op.f("uq_resident_household_household_number")),
    )
    with op.batch_alter_table("resident_household", schema=None) as batch_op:
        batch_op.create_index("ix_resident_household_village", ["village_code", "household_number"], unique=False)

    op.create_table(
        "resident_record_counter",
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("village_code", name=op.f("pk_resident_record_counter")),
    )
    op.create_table(
        "registry_alliance",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("lead_institution_id", sa.Uuid(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_institution_id"], ["registry_institution.id"], name=op.f("fk_registry_alliance_lead_institution_id_registry_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_alliance")),
    )
    op.create_table(
        "registry_institution_catchment",
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["registry_institution.id"],
            name=op.f("fk_registry_institution_catchment_institution_id_registry_institution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_institution_catchment")),
        sa.UniqueConstraint("institution_id", "village_code", name=op.f("uq_registry_institution_catchment_institution_id")),
    )
    with op.batch_alter_table("registry_institution_catchment", schema=None) as batch_op:
        batch_op.create_index("ix_registry_institution_catchment_village", ["village_code"], unique=False)

    op.create_table(
        "registry_staff",
        sa.Column("staff_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("profession", sa.String(length=32), nullable=False),
        sa.Column("practice_category", sa.String(length=16), nullable=False),
        sa.Column("qualification", sa.String(length=32), nullable=False),
        sa.Column("education", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=16), nullable=False),
        sa.Column("employment_status", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["registry_institution.id"], name=op.f("fk_registry_staff_institution_id_registry_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_staff")),
        sa.UniqueConstraint("staff_code", name=op.f("uq_registry_staff_staff_code")),
    )
    with op.batch_alter_table("registry_staff", schema=None) as batch_op:
        batch_op.create_index("ix_registry_staff_institution", ["institution_id", "name"], unique=False)

    op.create_table(
        "registry_support_pairing",
        sa.Column("supporting_institution_id", sa.Uuid(), nullable=False),
        sa.Column("supported_institution_id", sa.Uuid(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("content", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["supported_institution_id"],
            ["registry_institution.id"],
            name=op.f("fk_registry_support_pairing_supported_institution_id_registry_institution"),
        ),
        sa.ForeignKeyConstraint(
            ["supporting_institution_id"],
            ["registry_institution.id"],
            name=op.f("fk_registry_support_pairing_supporting_institution_id_registry_institution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_support_pairing")),
    )
    with op.batch_alter_table("registry_support_pairing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_support_pairing_supported_institution_id"), ["supported_institution_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_support_pairing_supporting_institution_id"), ["supporting_institution_id"], unique=False
        )

    op.create_table(
        "resident",
        sa.Column("record_number", sa.String(length=17), nullable=False),
        sa.Column("name", sa.String(length=50).with_variant(sa.String(length=50, collation="C"), "postgresql"), nullable=False),
        sa.Column("name_pinyin", sa.String(length=120).with_variant(sa.String(length=120, collation="C"), "postgresql"), nullable=False),
        sa.Column("name_initials", sa.String(length=20).with_variant(sa.String(length=20, collation="C"), "postgresql"), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("no_id_reason", sa.String(length=16), nullable=True),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20).with_variant(sa.String(length=20, collation="C"), "postgresql"), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("residence_type", sa.String(length=1), nullable=False),
        sa.Column("ethnicity", sa.String(length=1), nullable=False),
        sa.Column("ethnicity_name", sa.String(length=20), nullable=False),
        sa.Column("blood_abo", sa.String(length=1), nullable=False),
        sa.Column("blood_rh", sa.String(length=1), nullable=False),
        sa.Column("education", sa.String(length=2), nullable=False),
        sa.Column("occupation", sa.String(length=1), nullable=False),
        sa.Column("marital_status", sa.String(length=2), nullable=False),
        sa.Column("payment_methods", sa.JSON(), nullable=False),
        sa.Column("payment_other", sa.String(length=100), nullable=False),
        sa.Column("drug_allergies", sa.JSON(), nullable=False),
        sa.Column("drug_allergy_other", sa.String(length=100), nullable=False),
        sa.Column("exposures", sa.JSON(), nullable=False),
        sa.Column("past_diseases", sa.JSON(), nullable=False),
        sa.Column("surgeries", sa.JSON(), nullable=False),
        sa.Column("injuries", sa.JSON(), nullable=False),
        sa.Column("transfusions", sa.JSON(), nullable=False),
        sa.Column("family_history", sa.JSON(), nullable=False),
        sa.Column("hereditary_disease", sa.String(length=100), nullable=False),
        sa.Column("disabilities", sa.JSON(), nullable=False),
        sa.Column("disability_other", sa.String(length=100), nullable=False),
        sa.Column("kitchen_exhaust", sa.String(length=1), nullable=True),
        sa.Column("fuel", sa.String(length=1), nullable=True),
        sa.Column("drinking_water", sa.String(length=1), nullable=True),
        sa.Column("toilet", sa.String(length=1), nullable=True),
        sa.Column("livestock_pen", sa.String(length=1), nullable=True),
        sa.Column("village_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("relation_to_head", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("record_date", sa.Date(), nullable=False),
        sa.Column("record_institution_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_doctor_id", sa.Uuid(), nullable=True),
        sa.Column("paper_record", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("has_hypertension", sa.Boolean(), nullable=False),
        sa.Column("has_diabetes", sa.Boolean(), nullable=False),
        sa.Column("has_tuberculosis", sa.Boolean(), nullable=False),
        sa.Column("has_severe_mental_disorder", sa.Boolean(), nullable=False),
        sa.Column("has_disability", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["household_id"], ["resident_household.id"], name=op.f("fk_resident_household_id_resident_household")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident")),
        sa.UniqueConstraint("record_number", name=op.f("uq_resident_record_number")),
    )
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.create_index("ix_resident_household", ["household_id"], unique=False)
        batch_op.create_index("ix_resident_name", ["name"], unique=False)
        batch_op.create_index("ix_resident_name_initials", ["name_initials"], unique=False)
        batch_op.create_index("ix_resident_name_pinyin", ["name_pinyin"], unique=False)
        batch_op.create_index("ix_resident_phone", ["phone"], unique=False)
        batch_op.create_index("ix_resident_village_initials", ["village_code", "name_initials"], unique=False)
        batch_op.create_index("ix_resident_village_name", ["village_code", "name"], unique=False)
        batch_op.create_index("ix_resident_village_pinyin", ["village_code", "name_pinyin"], unique=False)
        batch_op.create_index(
            "uq_resident_id_number_live",
            ["id_number"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL AND id_number IS NOT NULL"),
            postgresql_where=sa.text("deleted_at IS NULL AND id_number IS NOT NULL"),
        )

    op.create_table(
        "registry_alliance_member",
        sa.Column("alliance_id", sa.Uuid(), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alliance_id"], ["registry_alliance.id"], name=op.f("fk_registry_alliance_member_alliance_id_registry_alliance")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"], ["registry_institution.id"], name=op.f("fk_registry_alliance_member_institution_id_registry_institution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_alliance_member")),
        sa.UniqueConstraint("alliance_id", "institution_id", name=op.f("uq_registry_alliance_member_alliance_id")),
    )
    with op.batch_alter_table("registry_alliance_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_alliance_member_institution_id"), ["institution_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registry_alliance_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_alliance_member_institution_id"))

    op.drop_table("registry_alliance_member")
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_resident_id_number_live",
            sqlite_where=sa.text("deleted_at IS NULL AND id_number IS NOT NULL"),
            postgresql_where=sa.text("deleted_at IS NULL AND id_number IS NOT NULL"),
        )
        batch_op.drop_index("ix_resident_village_pinyin")
        batch_op.drop_index("ix_resident_village_name")
        batch_op.drop_index("ix_resident_village_initials")
        batch_op.drop_index("ix_resident_phone")
        batch_op.drop_index("ix_resident_name_pinyin")
        batch_op.drop_index("ix_resident_name_initials")
        batch_op.drop_index("ix_resident_name")
        batch_op.drop_index("ix_resident_household")

    op.drop_table("resident")
    with op.batch_alter_table("registry_support_pairing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_support_pairing_supporting_institution_id"))
        batch_op.drop_index(batch_op.f("ix_registry_support_pairing_supported_institution_id"))

    op.drop_table("registry_support_pairing")
    with op.batch_alter_table("registry_staff", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_staff_institution")

    op.drop_table("registry_staff")
    with op.batch_alter_table("registry_institution_catchment", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_institution_catchment_village")

    op.drop_table("registry_institution_catchment")
    op.drop_table("registry_alliance")
    op.drop_table("resident_record_counter")
    with op.batch_alter_table("resident_household", schema=None) as batch_op:
        batch_op.drop_index("ix_resident_household_village")

    op.drop_table("resident_household")
    with op.batch_alter_table("registry_institution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_institution_parent_id"))
        batch_op.drop_index("ix_registry_institution_division")

    op.drop_table("registry_institution")
    with op.batch_alter_table("registry_division", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_division_parent")

    op.drop_table("registry_division")
