"""The 老年人中医药健康管理服务记录表 as FHIR.

- ``Questionnaire/tcm-constitution``: the 33-question form Jiceng publishes (canonical
  ``http://jiceng.org/fhir/Questionnaire/tcm-constitution``), answers 1–5 in Chinese with
  English translations; Q9 and Q28 are read-only, calculated from the health check's BMI and
  waist (the measurements are nested under them); Q14 and Q17 carry their frequency anchors
  and an optional yearly count; then the guidance (中医药保健指导) per constitution and the
  TCM physician's decisions.
- ``QuestionnaireResponse/<record id>``: each signed TCM service record. read, search,
  ``$everything``, and **create**, which goes through the elderly service (validation,
  scope, audit) and answers problems with bilingual OperationOutcomes naming the FHIR path.
  Unmapped elements are refused. Signed records are never changed (no update or delete):
  a correction is a new response with ``extension(amends)``.
- The nine constitution results are an ``Observation`` ``<record id>-tcm`` (value = main
  constitution, one component per constitution with its result and, as extensions, its raw
  and converted scores, ``derivedFrom`` the response, ``note`` = the guidance given), served
  through the results domain's Observation handler as a contributor.
"""

from __future__ import annotations

from jiceng.core.fhir import resources
from jiceng.elderly.fhir.constitution import ConstitutionObservations
from jiceng.elderly.fhir.parse import from_fhir
from jiceng.elderly.fhir.questionnaire import QuestionnaireHandler
from jiceng.elderly.fhir.response import QuestionnaireResponseHandler

__all__ = ["ConstitutionObservations", "QuestionnaireHandler", "QuestionnaireResponseHandler", "from_fhir"]

resources.register(QuestionnaireHandler())
resources.register(QuestionnaireResponseHandler())
resources.contribute(ConstitutionObservations())
