"""Scoped statements are built once per principal and rule set (ADR 0003, addendum)."""

from __future__ import annotations

from typing import Any

from jiceng.core.scope import cached_per_principal, register_resident_rule, unregister_resident_rule
from jiceng.core.security import Principal


def test_one_statement_per_principal_until_a_rule_is_registered() -> None:
    built: list[Principal] = []

    @cached_per_principal
    def build(principal: Principal) -> Any:
        built.append(principal)
        return object()

    doctor = Principal(username="doc", role="family_doctor")
    nurse = Principal(username="nurse", role="nurse")
    first = build(doctor)
    assert build(doctor) is first and build(Principal(username="doc", role="family_doctor")) is first
    assert build(nurse) is not first
    register_resident_rule("test_extra_rule", lambda _principal, _columns: None)
    try:
        after = build(doctor)
        assert after is not first and build(doctor) is after
    finally:
        unregister_resident_rule("test_extra_rule")
    assert build(doctor) is not after
    assert built == [doctor, nurse, doctor, doctor]
