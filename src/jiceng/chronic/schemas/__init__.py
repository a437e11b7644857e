"""API shapes. Input values are checked by the services (so the API, the web form and
imports give the same bilingual messages); these models only fix the field names.

Grouped by subject in the modules of this package; every shape is importable from here.
"""

from __future__ import annotations

from jiceng.chronic.schemas.enrolments import EnrolmentOut, EnrolmentUpdate, EnrolmentWrite
from jiceng.chronic.schemas.orders import PrescriptionOut, PrescriptionWrite, ReferralFollowUp, ScreeningOut, ScreeningWrite
from jiceng.chronic.schemas.reports import IndicatorOut, IndicatorsOut, IndicatorValueOut, PatientOut, WorkItemOut, WorklistOut
from jiceng.chronic.schemas.visits import (
    AmendmentWrite,
    AssessmentOut,
    Medication,
    ReferralOut,
    SignedVisitOut,
    Value,
    VisitOut,
    VisitWrite,
)

__all__ = [
    "AmendmentWrite",
    "AssessmentOut",
    "EnrolmentOut",
    "EnrolmentUpdate",
    "EnrolmentWrite",
    "IndicatorOut",
    "IndicatorValueOut",
    "IndicatorsOut",
    "Medication",
    "PatientOut",
    "PrescriptionOut",
    "PrescriptionWrite",
    "ReferralFollowUp",
    "ReferralOut",
    "ScreeningOut",
    "ScreeningWrite",
    "SignedVisitOut",
    "Value",
    "VisitOut",
    "VisitWrite",
    "WorkItemOut",
    "WorklistOut",
]
