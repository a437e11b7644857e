"""The chronic domain's permissions, granted to roles at import (see docs/chronic.md).

* ``chronic.read``: enrolments, visits, screenings, referrals, prescriptions, worklists;
* ``chronic.write``: enrol, screen, sign and amend follow-up visits, follow up referrals;
* ``chronic.prescribe``: issue and stop long prescriptions (长处方);
* ``chronic.export``: the worklist as an Excel file (identifiable data leaves the system).

Supervisors hold ``indicators.read`` only: they see the indicators (aggregates), never
the patients. Which residents a user reaches is the residents domain's scope.
"""

from __future__ import annotations

from jiceng.core.permissions import Perm, grant

READ = "chronic.read"
WRITE = "chronic.write"
PRESCRIBE = "chronic.prescribe"
EXPORT = "chronic.export"
INDICATORS = str(Perm.INDICATORS_READ)

GRANTS: dict[str, tuple[str, ...]] = {
    "village_doctor": (READ, WRITE, PRESCRIBE, EXPORT),
    "family_doctor": (READ, WRITE, PRESCRIBE, EXPORT),
    "nurse": (READ, WRITE),
    "public_health": (READ, WRITE, EXPORT),
    "institution_admin": (READ, WRITE, EXPORT),
    "console_operator": (READ, WRITE, PRESCRIBE, EXPORT),
}
for _role, _perms in GRANTS.items():
    grant(_role, *_perms)
