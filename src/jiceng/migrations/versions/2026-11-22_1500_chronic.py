"""Chronic disease management: hypertension and type 2 diabetes (enrolment, screening,
follow-up visits, referrals, long prescriptions).

Revision ID: c4e1d2a9b7f3
Revises: b6a6856c7847
Create Date: 2026-11-22 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e1d2a9b7f3"
down_revision: str | Sequence[str] | None = "b6a6856c7847"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chronic_enrolment",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("disease", sa.String(length=8), nullable=False),
        sa.Column("diagnosis_date", sa.Date(), nullable=False),
        sa.Column("diagnosis_basis", sa.String(length=2), nullable=False),
        sa.Column("diagnosis_institution", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("responsible_institution_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_doctor_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_team", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_due_date", sa.Date(), nullable=True),
        sa.Column("next_visit_kind", sa.String(length=10), nullable=True),
        sa.Column("last_visit_id", sa.Uuid(), nullable=True),
        sa.Column("last_visit_date", sa.Date(), nullable=True),
        sa.Column("last_category", sa.String(length=1), nullable=True),
        sa.Column("last_sbp", sa.SmallInteger(), nullable=True),
        sa.Column("last_dbp", sa.SmallInteger(), nullable=True),
        sa.Column("last_fpg", sa.Float(), nullable=True),
        sa.Column("last_urgent", sa.Boolean(), nullable=False),
        sa.Column("uncontrolled_streak", sa.SmallInteger(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronic_enrolment")),
    )
    with op.batch_alter_table("chronic_enrolment", schema=None) as batch_op:
        batch_op.create_index("ix_chronic_enrolment_doctor_due", ["responsible_doctor_id", "next_due_date"], unique=False)
        batch_op.create_index("ix_chronic_enrolment_due", ["status", "next_due_date"], unique=False)
        batch_op.create_index(
            "uq_chronic_enrolment_resident_disease",
            ["resident_id", "disease"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "chronic_screening",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("screened_on", sa.Date(), nullable=False),
        sa.Column("sbp", sa.SmallInteger(), nullable=True),
        sa.Column("dbp", sa.SmallInteger(), nullable=True),
        sa.Column("height_cm", sa.Float(), nullable=True),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("bmi", sa.Float(), nullable=True),
        sa.Column("waist_cm", sa.Float(), nullable=True),
        sa.Column("drinking_ml", sa.Float(), nullable=True),
        sa.Column("fpg", sa.Float(), nullable=True),
        sa.Column("declared_risks", sa.JSON(), nullable=False),
        sa.Column("risk_factors", sa.JSON(), nullable=False),
        sa.Column("raised_days", sa.SmallInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("next_date", sa.Date(), nullable=False),
        sa.Column("referral_suggested", sa.Boolean(), nullable=False),
        sa.Column("screener_id", sa.Uuid(), nullable=True),
        sa.Column("screener_name", sa.String(length=100), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronic_screening")),
    )
    with op.batch_alter_table("chronic_screening", schema=None) as batch_op:
        batch_op.create_index("ix_chronic_screening_resident", ["resident_id", "screened_on"], unique=False)

    op.create_table(
        "chronic_long_prescription",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("drug_name", sa.String(length=100), nullable=False),
        sa.Column("specification", sa.String(length=100), nullable=False),
        sa.Column("dose", sa.String(length=60), nullable=False),
        sa.Column("frequency_per_day", sa.SmallInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("quantity_unit", sa.String(length=10), nullable=False),
        sa.Column("days", sa.SmallInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("condition_controlled", sa.Boolean(), nullable=False),
        sa.Column("condition_stable", sa.Boolean(), nullable=False),
        sa.Column("basis_visit_id", sa.Uuid(), nullable=True),
        sa.Column("prescriber_id", sa.Uuid(), nullable=True),
        sa.Column("prescriber_name", sa.String(length=100), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("notes", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"], ["chronic_enrolment.id"], name=op.f("fk_chronic_long_prescription_enrolment_id_chronic_enrolment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronic_long_prescription")),
    )
    with op.batch_alter_table("chronic_long_prescription", schema=None) as batch_op:
        batch_op.create_index("ix_chronic_long_prescription_resident", ["resident_id", "start_date"], unique=False)

    op.create_table(
        "chronic_referral",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=True),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("screening_id", sa.Uuid(), nullable=True),
        sa.Column("disease", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("followup_due", sa.Date(), nullable=False),
        sa.Column("to_institution", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=1), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrolment_id"], ["chronic_enrolment.id"], name=op.f("fk_chronic_referral_enrolment_id_chronic_enrolment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronic_referral")),
    )
    with op.batch_alter_table("chronic_referral", schema=None) as batch_op:
        batch_op.create_index("ix_chronic_referral_resident", ["resident_id"], unique=False)
        batch_op.create_index("ix_chronic_referral_status_due", ["status", "followup_due"], unique=False)

    op.create_table(
        "chronic_visit",
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("disease", sa.String(length=8), nullable=False),
        sa.Column("amends_id", sa.Uuid(), nullable=True),
        sa.Column("amendment_reason", sa.String(length=300), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=1), nullable=False),
        sa.Column("age_years", sa.SmallInteger(), nullable=False),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("symptoms_other", sa.String(length=200), nullable=False),
        sa.Column("critical_signs", sa.JSON(), nullable=False),
        sa.Column("pregnant_or_breastfeeding", sa.Boolean(), nullable=False),
        sa.Column("unmanageable_condition", sa.Boolean(), nullable=False),
        sa.Column("sbp", sa.SmallInteger(), nullable=True),
        sa.Column("dbp", sa.SmallInteger(), nullable=True),
        sa.Column("height_cm", sa.Float(), nullable=True),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("target_weight_kg", sa.Float(), nullable=True),
        sa.Column("bmi", sa.Float(), nullable=True),
        sa.Column("target_bmi", sa.Float(), nullable=True),
        sa.Column("heart_rate", sa.SmallInteger(), nullable=True),
        sa.Column("temperature", sa.Float(), nullable=True),
        sa.Column("pedal_pulse", sa.String(length=1), nullable=True),
        sa.Column("pedal_pulse_side", sa.String(length=5), nullable=True),
        sa.Column("other_signs", sa.String(length=200), nullable=False),
        sa.Column("smoking_per_day", sa.SmallInteger(), nullable=True),
        sa.Column("smoking_target", sa.SmallInteger(), nullable=True),
        sa.Column("drinking_liang", sa.Float(), nullable=True),
        sa.Column("drinking_target", sa.Float(), nullable=True),
        sa.Column("exercise_per_week", sa.SmallInteger(), nullable=True),
        sa.Column("exercise_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("exercise_target_per_week", sa.SmallInteger(), nullable=True),
        sa.Column("exercise_target_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("salt", sa.String(length=1), nullable=True),
        sa.Column("salt_target", sa.String(length=1), nullable=True),
        sa.Column("staple_g", sa.SmallInteger(), nullable=True),
        sa.Column("staple_target_g", sa.SmallInteger(), nullable=True),
        sa.Column("psychology", sa.String(length=1), nullable=True),
        sa.Column("compliance", sa.String(length=1), nullable=True),
        sa.Column("fpg", sa.Float(), nullable=True),
        sa.Column("ppg", sa.Float(), nullable=True),
        sa.Column("hba1c", sa.Float(), nullable=True),
        sa.Column("hba1c_date", sa.Date(), nullable=True),
        sa.Column("other_tests", sa.String(length=300), nullable=False),
        sa.Column("adherence", sa.String(length=1), nullable=True),
        sa.Column("adverse_reaction", sa.Boolean(), nullable=False),
        sa.Column("adverse_reaction_detail", sa.String(length=200), nullable=False),
        sa.Column("adr_hard_to_control", sa.Boolean(), nullable=False),
        sa.Column("new_complication", sa.Boolean(), nullable=False),
        sa.Column("complication_detail", sa.String(length=200), nullable=False),
        sa.Column("hypoglycaemia", sa.String(length=1), nullable=True),
        sa.Column("medications", sa.JSON(), nullable=False),
        sa.Column("insulin_kind", sa.String(length=100), nullable=False),
        sa.Column("insulin_usage", sa.String(length=100), nullable=False),
        sa.Column("medication_adjustment", sa.JSON(), nullable=False),
        sa.Column("on_target", sa.Boolean(), nullable=True),
        sa.Column("computed_category", sa.String(length=1), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=False),
        sa.Column("category_override_reason", sa.String(length=300), nullable=False),
        sa.Column("uncontrolled_streak", sa.SmallInteger(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("referral_reason", sa.String(length=300), nullable=False),
        sa.Column("referral_to", sa.String(length=200), nullable=False),
        sa.Column("referral_contact", sa.String(length=100), nullable=False),
        sa.Column("referral_result", sa.String(length=1), nullable=True),
        sa.Column("computed_next_date", sa.Date(), nullable=False),
        sa.Column("next_visit_kind", sa.String(length=10), nullable=False),
        sa.Column("next_visit_date", sa.Date(), nullable=False),
        sa.Column("remarks", sa.String(length=300), nullable=False),
        sa.Column("resident_signed", sa.Boolean(), nullable=False),
        sa.Column("doctor_id", sa.Uuid(), nullable=True),
        sa.Column("doctor_name", sa.String(length=100), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["amends_id"], ["chronic_visit.id"], name=op.f("fk_chronic_visit_amends_id_chronic_visit")),
        sa.ForeignKeyConstraint(["enrolment_id"], ["chronic_enrolment.id"], name=op.f("fk_chronic_visit_enrolment_id_chronic_enrolment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronic_visit")),
    )
    with op.batch_alter_table("chronic_visit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_chronic_visit_amends",
            ["amends_id"],
            unique=False,
            sqlite_where=sa.text("amends_id IS NOT NULL"),
            postgresql_where=sa.text("amends_id IS NOT NULL"),
        )
        batch_op.create_index("ix_chronic_visit_date", ["visit_date", "disease"], unique=False)
        batch_op.create_index("ix_chronic_visit_enrolment", ["enrolment_id", "visit_date"], unique=False)
        batch_op.create_index("ix_chronic_visit_resident", ["resident_id", "visit_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chronic_visit", schema=None) as batch_op:
        batch_op.drop_index("ix_chronic_visit_resident")
        batch_op.drop_index("ix_chronic_visit_enrolment")
        batch_op.drop_index("ix_chronic_visit_date")
        batch_op.drop_index(
            "ix_chronic_visit_amends", sqlite_where=sa.text("amends_id IS NOT NULL"), postgresql_where=sa.text("amends_id IS NOT NULL")
        )

    op.drop_table("chronic_visit")
    with op.batch_alter_table("chronic_referral", schema=None) as batch_op:
        batch_op.drop_index("ix_chronic_referral_status_due")
        batch_op.drop_index("ix_chronic_referral_resident")

    op.drop_table("chronic_referral")
    with op.batch_alter_table("chronic_long_prescription", schema=None) as batch_op:
        batch_op.drop_index("ix_chronic_long_prescription_resident")

    op.drop_table("chronic_long_prescription")
    with op.batch_alter_table("chronic_screening", schema=None) as batch_op:
        batch_op.drop_index("ix_chronic_screening_resident")

    op.drop_table("chronic_screening")
    with op.batch_alter_table("chronic_enrolment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_chronic_enrolment_resident_disease",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_chronic_enrolment_due")
        batch_op.drop_index("ix_chronic_enrolment_doctor_due")

    op.drop_table("chronic_enrolment")
