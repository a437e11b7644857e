"""Probes for the permission matrix (tests/matrix.py): what a permitted caller gets from
each chronic endpoint, whatever the matrix resident's age. Enrolment and screening
bodies carry one invalid field (422 once permission and scope pass); the matrix's
residents are not enrolled, so visits answer 404; other ids are random (404)."""

from __future__ import annotations

import uuid

from tests.matrix import Probe


def _random(name: str) -> Probe:
    return Probe(404, path_values=lambda f: {name: str(uuid.uuid4())})


VISIT = {"disease": "htn", "visit_date": "2026-01-05", "mode": "1", "sbp": 130, "dbp": 80}
VISIT_FORM = {"visit_date": "2026-01-05", "mode": "1", "sbp": "130", "dbp": "80"}

PROBES = {
    # JSON API
    ("PUT", "/api/v1/chronic/rules"): Probe(200, json=lambda f: {"routine_interval_months": 3}),
    ("POST", "/api/v1/chronic/residents/{resident_id}/enrolments"): Probe(
        422, json=lambda f: {"disease": "htn", "diagnosis_date": "2020-01-01", "source": "unknown"}
    ),
    ("PATCH", "/api/v1/chronic/enrolments/{enrolment_id}"): Probe(
        404, json=lambda f: {"notes": "x"}, path_values=lambda f: {"enrolment_id": str(uuid.uuid4())}
    ),
    ("POST", "/api/v1/chronic/residents/{resident_id}/visits"): Probe(404, json=lambda f: VISIT),  # not enrolled
    ("POST", "/api/v1/chronic/residents/{resident_id}/visits/preview"): Probe(404, json=lambda f: VISIT),
    ("GET", "/api/v1/chronic/visits/{visit_id}"): _random("visit_id"),
    ("POST", "/api/v1/chronic/visits/{visit_id}/amendments"): Probe(
        404, json=lambda f: {**VISIT, "amendment_reason": "x"}, path_values=lambda f: {"visit_id": str(uuid.uuid4())}
    ),
    ("POST", "/api/v1/chronic/residents/{resident_id}/screenings"): Probe(422, json=lambda f: {"sbp": 130}),
    ("POST", "/api/v1/chronic/referrals/{referral_id}/follow-up"): Probe(
        404, json=lambda f: {"result": "1", "outcome": "x"}, path_values=lambda f: {"referral_id": str(uuid.uuid4())}
    ),
    ("POST", "/api/v1/chronic/residents/{resident_id}/prescriptions"): Probe(422, json=lambda f: {"disease": "htn"}),
    ("POST", "/api/v1/chronic/prescriptions/{prescription_id}/stop"): Probe(
        404, json=lambda f: {"reason": "x"}, path_values=lambda f: {"prescription_id": str(uuid.uuid4())}
    ),
    # Web pages
    ("POST", "/chronic/residents/{resident_id}/enrol"): Probe(
        422, form=lambda f: {"disease": "htn", "diagnosis_date": "2020-01-01", "source": "unknown"}
    ),
    ("POST", "/chronic/residents/{resident_id}/status"): Probe(422, form=lambda f: {"disease": "htn", "status": "lost"}),
    ("POST", "/chronic/residents/{resident_id}/visits/new"): Probe(404, form=lambda f: VISIT_FORM),
    ("POST", "/chronic/residents/{resident_id}/visits/preview"): Probe(404, form=lambda f: VISIT_FORM),
    ("GET", "/chronic/visits/{visit_id}"): _random("visit_id"),
    ("GET", "/chronic/visits/{visit_id}/amend"): _random("visit_id"),
    ("POST", "/chronic/visits/{visit_id}/amend"): Probe(
        404, form=lambda f: {**VISIT_FORM, "amendment_reason": "x"}, path_values=lambda f: {"visit_id": str(uuid.uuid4())}
    ),
    ("POST", "/chronic/residents/{resident_id}/screening"): Probe(422, form=lambda f: {"sbp": "130"}),
    ("POST", "/chronic/referrals/{referral_id}/follow-up"): Probe(
        404, form=lambda f: {"result": "1", "outcome": "x"}, path_values=lambda f: {"referral_id": str(uuid.uuid4())}
    ),
    ("POST", "/chronic/residents/{resident_id}/prescriptions/new"): Probe(422, form=lambda f: {"disease": "htn"}),
    ("POST", "/chronic/prescriptions/{prescription_id}/stop"): Probe(
        404, form=lambda f: {"reason": "x"}, path_values=lambda f: {"prescription_id": str(uuid.uuid4())}
    ),
}
