"""Exams (健康体检表) and elderly health management with TCM constitution identification.

Creates only this domain's tables: ``exams_health_check`` and ``elderly_tcm_assessment``.
Branches from the foundation like the other domains' migrations; ``jiceng db upgrade``
upgrades every head.

Revision ID: e1d3a7c95b20
Revises: b6a6856c7847
Create Date: 2026-11-22 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e1d3a7c95b20"
down_revision: str | Sequence[str] | None = "b6a6856c7847"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "elderly_tcm_assessment",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sa.String(length=100), nullable=False),
        sa.Column("amends_id", sa.Uuid(), nullable=True),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("health_check_id", sa.Uuid(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("age_at_assessment", sa.Integer(), nullable=False),
        sa.Column("doctor_name", sa.String(length=50), nullable=False),
        sa.Column("visit_mode", sa.String(length=10), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("bmi", sa.Float(), nullable=False),
        sa.Column("waist_cm", sa.Float(), nullable=False),
        sa.Column("colds_per_year", sa.Integer(), nullable=True),
        sa.Column("allergies_per_year", sa.Integer(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("main_type", sa.String(length=8), nullable=True),
        sa.Column("positive_types", sa.JSON(), nullable=False),
        sa.Column("tendency_types", sa.JSON(), nullable=False),
        sa.Column("tied_types", sa.JSON(), nullable=False),
        sa.Column("contradiction", sa.Boolean(), nullable=False),
        sa.Column("undeterminable", sa.Boolean(), nullable=False),
        sa.Column("physician_confirmed", sa.Boolean(), nullable=False),
        sa.Column("guidance", sa.JSON(), nullable=False),
        sa.Column("guidance_other", sa.JSON(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elderly_tcm_assessment")),
    )
    with op.batch_alter_table("elderly_tcm_assessment", schema=None) as batch_op:
        batch_op.create_index("ix_elderly_tcm_assessment_amends", ["amends_id"], unique=False)
        batch_op.create_index("ix_elderly_tcm_assessment_resident", ["resident_id", "assessed_on"], unique=False)
        batch_op.create_index(
            "ix_elderly_tcm_assessment_signed_date",
            ["assessed_on", "resident_id"],
            unique=False,
            sqlite_where=sa.text("status = 'signed' AND deleted_at IS NULL"),
            postgresql_where=sa.text("status = 'signed' AND deleted_at IS NULL"),
        )
    op.create_table(
        "exams_health_check",
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sa.String(length=100), nullable=False),
        sa.Column("amends_id", sa.Uuid(), nullable=True),
        sa.Column("institution_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("exam_date", sa.Date(), nullable=False),
        sa.Column("doctor_name", sa.String(length=50), nullable=False),
        sa.Column("visit_mode", sa.String(length=10), nullable=False),
        sa.Column("age_at_exam", sa.Integer(), nullable=False),
        sa.Column("elderly_cohort", sa.Boolean(), nullable=False),
        sa.Column("elderly_complete", sa.Boolean(), nullable=False),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("symptom_other", sa.String(length=200), nullable=False),
        sa.Column("temperature", sa.Float(), nullable=True),
        sa.Column("pulse_rate", sa.Integer(), nullable=True),
        sa.Column("respiratory_rate", sa.Integer(), nullable=True),
        sa.Column("sbp_left", sa.Integer(), nullable=True),
        sa.Column("dbp_left", sa.Integer(), nullable=True),
        sa.Column("sbp_right", sa.Integer(), nullable=True),
        sa.Column("dbp_right", sa.Integer(), nullable=True),
        sa.Column("height_cm", sa.Float(), nullable=True),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("waist_cm", sa.Float(), nullable=True),
        sa.Column("bmi", sa.Float(), nullable=True),
        sa.Column("self_rated_health", sa.String(length=1), nullable=True),
        sa.Column("self_care", sa.JSON(), nullable=False),
        sa.Column("self_care_score", sa.Integer(), nullable=True),
        sa.Column("self_care_level", sa.String(length=1), nullable=True),
        sa.Column("cognition_screen", sa.String(length=1), nullable=True),
        sa.Column("mmse_score", sa.Integer(), nullable=True),
        sa.Column("mood_screen", sa.String(length=1), nullable=True),
        sa.Column("gds_score", sa.Integer(), nullable=True),
        sa.Column("exercise_frequency", sa.String(length=1), nullable=True),
        sa.Column("smoking_status", sa.String(length=1), nullable=True),
        sa.Column("drinking_frequency", sa.String(length=1), nullable=True),
        sa.Column("daily_liquor_liang", sa.Float(), nullable=True),
        sa.Column("lifestyle", sa.JSON(), nullable=False),
        sa.Column("organ_function", sa.JSON(), nullable=False),
        sa.Column("physical_exam", sa.JSON(), nullable=False),
        sa.Column("dorsalis_pedis", sa.String(length=1), nullable=True),
        sa.Column("fasting_glucose", sa.Float(), nullable=True),
        sa.Column("hba1c", sa.Float(), nullable=True),
        sa.Column("creatinine", sa.Float(), nullable=True),
        sa.Column("total_cholesterol", sa.Float(), nullable=True),
        sa.Column("triglycerides", sa.Float(), nullable=True),
        sa.Column("ldl_c", sa.Float(), nullable=True),
        sa.Column("hdl_c", sa.Float(), nullable=True),
        sa.Column("tests", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("hospitalizations", sa.JSON(), nullable=False),
        sa.Column("home_beds", sa.JSON(), nullable=False),
        sa.Column("medications", sa.JSON(), nullable=False),
        sa.Column("vaccinations", sa.JSON(), nullable=False),
        sa.Column("assessment", sa.String(length=1), nullable=True),
        sa.Column("abnormalities", sa.JSON(), nullable=False),
        sa.Column("guidance", sa.JSON(), nullable=False),
        sa.Column("risk_factors", sa.JSON(), nullable=False),
        sa.Column("target_weight_kg", sa.Float(), nullable=True),
        sa.Column("vaccine_advice", sa.String(length=100), nullable=False),
        sa.Column("risk_other", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exams_health_check")),
    )
    with op.batch_alter_table("exams_health_check", schema=None) as batch_op:
        batch_op.create_index("ix_exams_health_check_amends", ["amends_id"], unique=False)
        batch_op.create_index("ix_exams_health_check_resident", ["resident_id", "exam_date"], unique=False)
        batch_op.create_index(
            "ix_exams_health_check_signed_date",
            ["exam_date", "resident_id"],
            unique=False,
            sqlite_where=sa.text("status = 'signed' AND deleted_at IS NULL"),
            postgresql_where=sa.text("status = 'signed' AND deleted_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("exams_health_check", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_exams_health_check_signed_date",
            sqlite_where=sa.text("status = 'signed' AND deleted_at IS NULL"),
            postgresql_where=sa.text("status = 'signed' AND deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_exams_health_check_resident")
        batch_op.drop_index("ix_exams_health_check_amends")
    op.drop_table("exams_health_check")
    with op.batch_alter_table("elderly_tcm_assessment", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_elderly_tcm_assessment_signed_date",
            sqlite_where=sa.text("status = 'signed' AND deleted_at IS NULL"),
            postgresql_where=sa.text("status = 'signed' AND deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_elderly_tcm_assessment_resident")
        batch_op.drop_index("ix_elderly_tcm_assessment_amends")
    op.drop_table("elderly_tcm_assessment")
