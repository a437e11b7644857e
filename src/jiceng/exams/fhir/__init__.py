"""The signed 健康体检表 (health check) as FHIR: an ``Encounter`` and its ``Observation``s.

Read-only over FHIR: a check is recorded and signed in Jiceng (web, API, the elderly visit).
Only signed checks are shown; a check that a signed correction replaced can still be read by
id (its Encounter names the correction) but is left out of search and ``Patient/$everything``.

- Encounter ``<check id>`` (``encounters``): class AMB (at the clinic), HH (home visit) or FLD
  (outreach, the health-check van); period = the check date; subject, serviceProvider (the
  institution that recorded it), participant (the responsible doctor).
- Observation ``<check id>-<item>`` (``observations``): one per measured item (``items.ITEMS``),
  coded with LOINC where one exists and always with Jiceng's local code
  (``CodeSystem/health-check-item``, the item code). The results domain owns the Observation
  type; these are served through its handler as a
  :class:`~jiceng.core.fhir.resources.Contributor` (read, search, ``$everything``).
"""

from __future__ import annotations

from jiceng.core.fhir import resources
from jiceng.exams.fhir.encounters import EncounterHandler, encounter
from jiceng.exams.fhir.items import BY_CODE, ITEMS, Item
from jiceng.exams.fhir.observations import CheckObservations

__all__ = ["BY_CODE", "ITEMS", "CheckObservations", "EncounterHandler", "Item", "encounter"]

resources.register(EncounterHandler())
resources.contribute(CheckObservations())
