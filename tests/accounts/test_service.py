"""Users, passwords, sign-in lockout, sessions, tokens and client credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from jiceng.accounts import service as accounts
from jiceng.accounts.models import ApiToken, LoginState, WebSession
from jiceng.core.audit import AuditEvent
from jiceng.core.config import Settings
from jiceng.core.db import Database
from jiceng.core.errors import Forbidden, ValidationFailed
from jiceng.core.security import Principal, check_password_policy
from tests.factories import PASSWORD, build_region

CONSOLE = Principal.console_operator()
SETTINGS = Settings(login_max_failures=3, login_lockout_minutes=15, session_idle_minutes=30)


@pytest.mark.parametrize(
    ("password", "codes"), [("short1A", {"too_short"}), ("alllowercase1", {"too_simple"}), ("Doctor-wang-2026", {"contains_username"})]
)
def test_password_policy(password: str, codes: set[str]) -> None:
    with pytest.raises(ValidationFailed) as failed:
        check_password_policy(password, "wang")
    assert {e.code for e in failed.value.errors} == codes


def test_create_user_validates(database: Database) -> None:
    build_region(database)
    with pytest.raises(ValidationFailed) as failed, database.unit_of_work() as s:
        accounts.create_user(s, CONSOLE, username="X", password="weak", role="village_doctor")
    assert {e.field for e in failed.value.errors} == {"username", "institution_id", "password"}
    with pytest.raises(ValidationFailed) as dup, database.unit_of_work() as s:
        accounts.create_user(s, CONSOLE, username="doctor_a", password=PASSWORD, role="system_admin")
    assert dup.value.errors[0].code == "duplicate"


def test_institution_admin_manages_own_institution_only(database: Database) -> None:
    region = build_region(database)
    admin = region.principal("admin_th")
    with database.unit_of_work() as s:
        accounts.create_user(s, admin, username="new_nurse", password=PASSWORD, role="nurse", institution_id=region.township_hospital)
    with pytest.raises(Forbidden), database.unit_of_work() as s:
        accounts.create_user(s, admin, username="other", password=PASSWORD, role="nurse", institution_id=region.clinic_c)
    with pytest.raises(Forbidden), database.unit_of_work() as s:
        accounts.create_user(s, admin, username="boss", password=PASSWORD, role="system_admin")


def _sign_in(db: Database, username: str, password: str) -> accounts.SignIn:
    with db.unit_of_work() as s:
        return accounts.authenticate(s, username, password, "web", "10.1.1.1", SETTINGS)


def test_sign_in_success_and_failure_are_audited(database: Database) -> None:
    build_region(database)
    assert _sign_in(database, "doctor_a", PASSWORD).ok
    assert _sign_in(database, "doctor_a", "wrong").reason == "bad_credentials"
    assert _sign_in(database, "nobody", "wrong").reason == "bad_credentials"
    with database.unit_of_work() as s:
        actions = [
            (e.action, e.username, e.client_address)
            for e in s.scalars(select(AuditEvent).where(AuditEvent.action.like("login%")).order_by(AuditEvent.seq))
        ]
    assert actions == [
        ("login_success", "doctor_a", "10.1.1.1"),
        ("login_failure", "doctor_a", "10.1.1.1"),
        ("login_failure", "nobody", "10.1.1.1"),
    ]


def test_lockout_after_repeated_failures_even_with_the_right_password(database: Database) -> None:
    build_region(database)
    for _ in range(3):
        assert not _sign_in(database, "doctor_a", "wrong").ok
    assert _sign_in(database, "doctor_a", PASSWORD).reason == "locked"
    with database.unit_of_work() as s:
        state = s.get(LoginState, "doctor_a")
        assert state is not None and state.failed_count == 3
        s.execute(update(LoginState).values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert _sign_in(database, "doctor_a", PASSWORD).ok


def test_backoff_doubles_the_lock(database: Database) -> None:
    build_region(database)
    for _ in range(3):
        _sign_in(database, "doctor_a", "wrong")
    with database.unit_of_work() as s:
        s.execute(update(LoginState).values(locked_until=None))
    _sign_in(database, "doctor_a", "wrong")  # the 4th failure
    with database.unit_of_work() as s:
        state = s.get(LoginState, "doctor_a")
        assert state is not None and state.locked_until is not None
        locked = state.locked_until if state.locked_until.tzinfo else state.locked_until.replace(tzinfo=UTC)
        assert timedelta(minutes=29) < locked - datetime.now(UTC) <= timedelta(minutes=30)


def test_disabled_user_cannot_sign_in_and_loses_sessions(database: Database) -> None:
    build_region(database)
    outcome = _sign_in(database, "doctor_a", PASSWORD)
    with database.unit_of_work() as s:
        token, _ = accounts.start_session(s, outcome.user, "10.1.1.1")  # type: ignore[arg-type]
        accounts.set_active(s, CONSOLE, "doctor_a", False)
    assert _sign_in(database, "doctor_a", PASSWORD).reason == "inactive"
    with database.unit_of_work() as s:
        assert accounts.resume_session(s, token, None, SETTINGS) is None


def test_session_idle_timeout(database: Database) -> None:
    build_region(database)
    user = _sign_in(database, "doctor_a", PASSWORD).user
    with database.unit_of_work() as s:
        token, csrf = accounts.start_session(s, user, None)  # type: ignore[arg-type]
    with database.unit_of_work() as s:
        active = accounts.resume_session(s, token, None, SETTINGS)
        assert active is not None and active.csrf_token == csrf and active.principal.username == "doctor_a"
        s.execute(update(WebSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31)))
    with database.unit_of_work() as s:
        assert accounts.resume_session(s, token, None, SETTINGS) is None


def test_api_token_expiry_and_revocation(database: Database) -> None:
    region = build_region(database)
    user = _sign_in(database, "doctor_a", PASSWORD).user
    with database.unit_of_work() as s:
        token, _ = accounts.issue_token(s, user)  # type: ignore[arg-type]
        other, _ = accounts.issue_token(s, user)  # type: ignore[arg-type]
    with database.unit_of_work() as s:
        assert accounts.token_principal(s, token, "api", None) is not None
        assert accounts.revoke_token(s, region.principal("doctor_a"), token)
    with database.unit_of_work() as s:
        assert accounts.token_principal(s, token, "api", None) is None
        s.execute(update(ApiToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with database.unit_of_work() as s:
        assert accounts.token_principal(s, other, "api", None) is None


def test_password_reset_forces_change_and_revokes_tokens(database: Database) -> None:
    build_region(database)
    user = _sign_in(database, "doctor_a", PASSWORD).user
    with database.unit_of_work() as s:
        token, _ = accounts.issue_token(s, user)  # type: ignore[arg-type]
        _user, new_password = accounts.reset_password(s, CONSOLE, "doctor_a")
    with database.unit_of_work() as s:
        assert accounts.token_principal(s, token, "api", None) is None
    outcome = _sign_in(database, "doctor_a", new_password)
    assert outcome.ok and outcome.user is not None and outcome.user.must_change_password
    with database.unit_of_work() as s:
        principal = accounts.principal_for(outcome.user)
        with pytest.raises(ValidationFailed):
            accounts.change_password(s, principal, "wrong", "Another-Secret-99")
        accounts.change_password(s, principal, new_password, "Another-Secret-99")
    assert _sign_in(database, "doctor_a", "Another-Secret-99").ok


def test_client_credentials_grant(database: Database) -> None:
    build_region(database)
    with database.unit_of_work() as s:
        machine = accounts.create_user(s, CONSOLE, username="lab_system", password=PASSWORD, role="integration_client")
        client_id, secret = accounts.create_client(s, CONSOLE, machine, "system/Patient.read system/Observation.write")
    with database.unit_of_work() as s:
        assert accounts.exchange_client_credentials(s, client_id, "wrong", "", None) is None
        assert accounts.exchange_client_credentials(s, client_id, secret, "system/Patient.write", None) is None
        issued = accounts.exchange_client_credentials(s, client_id, secret, "system/Patient.read", None)
        assert issued is not None and issued[2] == "system/Patient.read"
        assert accounts.token_principal(s, issued[0], "fhir", None) is not None
    with database.unit_of_work() as s:
        accounts.revoke_client(s, CONSOLE, client_id)
    with database.unit_of_work() as s:
        assert accounts.exchange_client_credentials(s, client_id, secret, "", None) is None
        assert accounts.token_principal(s, issued[0], "fhir", None) is None
    # Machine identities never sign in with a password.
    assert _sign_in(database, "lab_system", PASSWORD).reason == "bad_credentials"
