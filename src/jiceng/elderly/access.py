"""This domain's permissions, granted to roles at import (documented in docs/elderly.md)."""

from __future__ import annotations

from jiceng.core.permissions import grant

ELDERLY_READ = "elderly.read"
ELDERLY_WRITE = "elderly.write"

for _role in ("village_doctor", "family_doctor", "nurse", "public_health", "institution_admin"):
    grant(_role, ELDERLY_READ, ELDERLY_WRITE)
grant("console_operator", ELDERLY_READ, ELDERLY_WRITE)
