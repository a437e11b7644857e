"""Hypertension and type 2 diabetes management as FHIR R4 (read-only over FHIR).

Records are made in Jiceng (web, API) through the chronic service, which validates them,
applies the rules and audits; FHIR clients read and search them:

- Encounter ``<visit id>-fu``: a signed follow-up (随访服务记录表). The exams domain owns
  Encounter; these are a :class:`~jiceng.core.fhir.resources.Contributor` (``encounters``).
- Observation ``<visit id>-fu-<item>``: the visit's readings and assessments (``items.ITEMS``),
  coded with LOINC where one exists and always with ``CodeSystem/chronic-visit-item``; the
  随访分类 is the Observation ``<visit id>-fu-category``. Contributed to the results domain's
  Observation (``observations``).
- Condition ``<enrolment id>-dx``: the managed diagnosis (ICD-10 I10 / E11), contributed to the
  residents domain's Condition (``conditions``).
- ServiceRequest ``<referral id>``: referrals raised by visits and screenings (owner, ``requests``).
- MedicationRequest ``<prescription id>``: long prescriptions (长处方) (owner, ``requests``).

Signed visits are append-only: there is no update or delete (405). A correction is a new
visit; the original's Encounter names it (``corrected-by``) and leaves search and
``Patient/$everything``, as the health check's corrections do. A voided visit ("entered in
error") reads back with status ``entered-in-error`` and is never searched.
"""

from __future__ import annotations

from jiceng.chronic.fhir.conditions import ManagedConditions, condition
from jiceng.chronic.fhir.encounters import FollowUpEncounters, encounter
from jiceng.chronic.fhir.items import BY_CODE, ITEMS, Item
from jiceng.chronic.fhir.observations import FollowUpObservations
from jiceng.chronic.fhir.requests import LongPrescriptionHandler, ReferralHandler, medication_request, service_request
from jiceng.core.fhir import resources

__all__ = [
    "BY_CODE",
    "ITEMS",
    "FollowUpEncounters",
    "FollowUpObservations",
    "Item",
    "LongPrescriptionHandler",
    "ManagedConditions",
    "ReferralHandler",
    "condition",
    "encounter",
    "medication_request",
    "service_request",
]

resources.register(ReferralHandler())
resources.register(LongPrescriptionHandler())
resources.contribute(FollowUpEncounters())
resources.contribute(FollowUpObservations())
resources.contribute(ManagedConditions())
