"""Patient (the resident record) and Condition (past diagnoses of the 个人基本信息表).

Patient keeps elements it does not map verbatim (``retain``): hospitals add their own
extensions and contacts, and none of it may be lost. Jiceng's own extensions that are
absent from an update leave those fields unchanged, so a client that does not know them
cannot erase them by accident.
"""

from __future__ import annotations

from jiceng.core.fhir import resources
from jiceng.residents.fhir.conditions import ConditionHandler
from jiceng.residents.fhir.mapping import from_fhir, to_fhir
from jiceng.residents.fhir.patient import PatientHandler

__all__ = ["ConditionHandler", "PatientHandler", "from_fhir", "to_fhir"]

resources.register(PatientHandler())
resources.register(ConditionHandler())
