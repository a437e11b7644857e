"""The e-health card token (signed, expiring, never the ID number; tampered and expired
tokens refused and audited; alliance only) and the two scope rules it and the teams add."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from jiceng.contracts import card, views
from jiceng.contracts import service as contracts
from jiceng.core.audit import AuditEvent
from jiceng.core.db import Database
from jiceng.core.errors import NotFound
from jiceng.registry import service as registry
from jiceng.residents import service as residents
from tests.contracts.helpers import CONSOLE, World, build_world, resident, sign
from tests.factories import VILLAGE_A, VILLAGE_C


def _alliance(db: Database, world: World) -> None:
    with db.unit_of_work() as s:
        registry.create_alliance(
            s,
            CONSOLE,
            {"name": "湖滨区医共体", "kind": "county_community", "lead_institution_id": world.region.county_hospital},
            [world.region.township_hospital],
        )


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def _token(db: Database, world: World, resident_id: object, now: datetime | None = None) -> str:
    with db.unit_of_work() as s:
        issued = card.issue_card(s, CONSOLE, resident_id, now=now)  # type: ignore[arg-type]
        return card.card_token(issued)


def _refusals(db: Database) -> list[str]:
    with db.unit_of_work() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "card_scan_refused").order_by(AuditEvent.seq))
        return [(e.detail or {})["reason"] for e in events]


def test_scan_in_the_alliance_opens_the_record_for_a_while(database: Database) -> None:
    world = build_world(database)
    _alliance(database, world)
    with database.unit_of_work() as s:
        person = resident(s, name="扫码人")
        sign(s, world, person.id)
        person_id, id_number = person.id, person.id_number
    token = _token(database, world, person_id)
    claims = _claims(token)
    assert claims["sub"] == str(person_id) and claims["typ"] == "hc" and int(claims["exp"]) > int(claims["iat"])
    assert id_number and id_number not in token and id_number not in json.dumps(claims)
    specialist = world.principal("specialist")
    with database.unit_of_work() as s, pytest.raises(NotFound):
        residents.get_resident(s, specialist, person_id)
    with database.unit_of_work() as s:
        outcome = card.scan_card(s, specialist, token)
        assert outcome.ok and outcome.resident_id == person_id and outcome.access_until is not None
    with database.unit_of_work() as s:
        assert residents.get_resident(s, specialist, person_id).name == "扫码人"
    # The same card is shown again (it is reused until 30 days before it expires).
    assert _token(database, world, person_id) == token


def test_access_from_a_scan_expires(database: Database) -> None:
    world = build_world(database)
    _alliance(database, world)
    with database.unit_of_work() as s:
        person_id = resident(s).id
        sign(s, world, person_id)
    token = _token(database, world, person_id)
    with database.unit_of_work() as s:
        assert card.scan_card(s, world.principal("specialist"), token, now=datetime.now(UTC) - timedelta(hours=9)).ok
    with database.unit_of_work() as s, pytest.raises(NotFound):
        residents.get_resident(s, world.principal("specialist"), person_id)


def test_expired_tampered_and_foreign_tokens_are_refused_and_audited(database: Database) -> None:
    world = build_world(database)
    _alliance(database, world)
    with database.unit_of_work() as s:
        person_id = resident(s).id
        sign(s, world, person_id)
    specialist = world.principal("specialist")
    expired = _token(database, world, person_id, now=datetime.now(UTC) - timedelta(days=400))
    good = _token(database, world, person_id)
    head, payload, signature = good.split(".")
    other_claims = {**_claims(good), "sub": "00000000-0000-7000-8000-000000000000"}
    forged_payload = base64.urlsafe_b64encode(json.dumps(other_claims).encode()).rstrip(b"=").decode()
    cases = {
        "expired": expired,
        "tampered": f"{head}.{forged_payload}.{signature}",
        "malformed": "not-a-token",
    }
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with database.unit_of_work() as s:
        for reason, token in cases.items():
            outcome = card.scan_card(s, specialist, token)
            assert (outcome.ok, outcome.reason) == (False, reason)
            assert outcome.message_zh and outcome.message_en
        assert card.scan_card(s, specialist, f"{head}.{payload}.{flipped}").reason == "tampered"
        # Staff outside the issuing institution's alliance.
        assert card.scan_card(s, world.principal("outsider"), good).reason == "not_in_alliance"
    with database.unit_of_work() as s:
        card.revoke_card(s, CONSOLE, person_id)
    with database.unit_of_work() as s:
        assert card.scan_card(s, specialist, good).reason == "revoked"
    assert _refusals(database) == ["expired", "tampered", "malformed", "tampered", "not_in_alliance", "revoked"]
    with database.unit_of_work() as s, pytest.raises(NotFound):
        residents.get_resident(s, specialist, person_id)


def test_team_members_reach_their_contracted_residents(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        # Village C is outside the township hospital's catchment.
        far = resident(s, name="远方", village_code=VILLAGE_C)
        near = resident(s, name="近邻", village_code=VILLAGE_A)
        contract = sign(s, world, far.id)
    teamdoc, teamdoc2, gpdoc = world.principal("teamdoc"), world.principal("teamdoc2"), world.principal("gpdoc")
    with database.unit_of_work() as s:
        assert residents.get_resident(s, teamdoc, far.id).name == "远方"
        assert views.get_contract(s, teamdoc, contract.id).resident_name == "远方"
        assert residents.get_resident(s, teamdoc2, near.id).name == "近邻"  # catchment, as before
        for outsider in (teamdoc2, gpdoc):
            with pytest.raises(NotFound):
                residents.get_resident(s, outsider, far.id)
            with pytest.raises(NotFound):
                views.get_contract(s, outsider, contract.id)
            with pytest.raises(NotFound):
                views.resident_status(s, outsider, far.id)
    with database.unit_of_work() as s:
        contracts.terminate_contract(s, CONSOLE, contract.id, {"reason": "resident_request"})
    with database.unit_of_work() as s, pytest.raises(NotFound):
        residents.get_resident(s, teamdoc, far.id)


def test_out_of_scope_signing_is_not_found(database: Database) -> None:
    world = build_world(database)
    with database.unit_of_work() as s:
        far = resident(s, village_code=VILLAGE_C)
    with database.unit_of_work() as s, pytest.raises(NotFound):
        sign(s, world, far.id, principal=world.principal("doctor_a"))


def test_a_scope_built_earlier_follows_the_date(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoped statements are reused across days (built once per principal): the contract's
    end and the card access's expiry are compared with the time the query runs."""
    world = build_world(database)
    _alliance(database, world)
    with database.unit_of_work() as s:
        far = resident(s, name="远方", village_code=VILLAGE_C)
        contract = sign(s, world, far.id)
        far_id, ended_on = far.id, contract.ended_on
    token = _token(database, world, far_id)
    teamdoc, specialist = world.principal("teamdoc"), world.principal("specialist")
    with database.unit_of_work() as s:
        assert card.scan_card(s, specialist, token).ok
    with database.unit_of_work() as s:
        assert residents.get_resident(s, teamdoc, far_id).name == "远方"
        assert residents.get_resident(s, specialist, far_id).name == "远方"
    monkeypatch.setattr("jiceng.core.scope.local_today", lambda: ended_on + timedelta(days=1))

    class Later(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz) + timedelta(days=2)

    monkeypatch.setattr("jiceng.core.scope.datetime", Later)
    with database.unit_of_work() as s:
        for principal in (teamdoc, specialist):
            with pytest.raises(NotFound):
                residents.get_resident(s, principal, far_id)
