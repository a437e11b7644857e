"""Users, sign-in with lockout, web sessions, API tokens and OAuth2 client credentials.

Users and sign-in are here; web sessions are in :mod:`jiceng.accounts.sessions`, API tokens
and client credentials in :mod:`jiceng.accounts.tokens`. Callers use this module for all of
them (``accounts.issue_token``), so the names those modules define are imported here."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiceng.accounts.identity import aware, principal_for, token_digest, utcnow
from jiceng.accounts.models import LoginState, User
from jiceng.accounts.sessions import ActiveSession, end_session, resume_session, start_session
from jiceng.accounts.tokens import (
    create_client,
    exchange_client_credentials,
    issue_token,
    revoke_all,
    revoke_client,
    revoke_token,
    token_principal,
)
from jiceng.core import audit
from jiceng.core.config import Settings, get_settings
from jiceng.core.errors import ErrorCollector, FieldError, Forbidden, NotFound, ValidationFailed
from jiceng.core.permissions import ROLES, Perm, ScopeKind
from jiceng.core.security import Principal, check_password_policy, hash_password, password_needs_rehash, verify_password
from jiceng.registry import service as registry

__all__ = [
    "ActiveSession",
    "SignIn",
    "User",
    "authenticate",
    "change_password",
    "create_client",
    "create_user",
    "end_session",
    "exchange_client_credentials",
    "generate_password",
    "get_user",
    "issue_token",
    "list_users",
    "principal_for",
    "reset_password",
    "resume_session",
    "revoke_client",
    "revoke_token",
    "set_active",
    "start_session",
    "token_digest",
    "token_principal",
    "user_summary",
]

USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,63}$")
# Verified against when the user name is unknown, so the response time does not
# tell an attacker which user names exist.
_DUMMY_HASH = hash_password("not-a-real-password-Dummy1!")


# ---- user administration ---------------------------------------------------


def _check_user_fields(
    session: Session, errors: ErrorCollector, role: str, institution_id: uuid.UUID | None, division_code: str | None
) -> None:
    role_def = ROLES.get(role)
    if role_def is None or role == "console_operator":
        errors.add("role", "unknown_code", f"角色：“{role}”不存在", f"Role: “{role}” does not exist")
        return
    if role_def.scope in (ScopeKind.CATCHMENT, ScopeKind.RELATION) and institution_id is None:
        errors.add("institution_id", "required", "所在机构：该角色必须属于一个机构", "Institution: this role must belong to an institution")
    if institution_id is not None and registry.find_institution(session, institution_id) is None:
        errors.add("institution_id", "unknown_institution", "所在机构：不存在", "Institution: does not exist")
    if role_def.scope is ScopeKind.DIVISION and (not division_code or registry.find_division(session, division_code) is None):
        errors.add(
            "division_code",
            "unknown_division",
            "督导区划：必须是已登记的区划代码",
            "Supervised division: must be a registered division code",
        )


def _may_manage(principal: Principal, role: str, institution_id: uuid.UUID | None) -> None:
    principal.require(Perm.USERS_MANAGE)
    # An institution administrator manages the staff of their own institution only.
    if principal.scope is ScopeKind.CATCHMENT and (
        institution_id != principal.institution_id or ROLES[role].scope is not ScopeKind.CATCHMENT
    ):
        raise Forbidden("为其他机构或该角色管理用户", "managing users of other institutions or of this role")


def create_user(
    session: Session,
    principal: Principal,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    institution_id: uuid.UUID | None = None,
    division_code: str | None = None,
    staff_id: uuid.UUID | None = None,
    must_change_password: bool = False,
) -> User:
    username = username.strip().lower()
    errors = ErrorCollector()
    if not USERNAME.fullmatch(username):
        errors.add(
            "username",
            "invalid_format",
            "用户名：3-64位小写字母、数字、._-，以字母开头",
            "User name: 3-64 lower-case letters, digits or ._-, starting with a letter",
        )
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        errors.add("username", "duplicate", f"用户名：“{username}”已被使用", f"User name: “{username}” is taken")
    _check_user_fields(session, errors, role, institution_id, division_code)
    try:
        check_password_policy(password, username)
    except ValidationFailed as failed:
        errors.errors.extend(failed.errors)
    errors.raise_if_any()
    _may_manage(principal, role, institution_id)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        role=role,
        institution_id=institution_id,
        division_code=division_code,
        staff_id=staff_id,
        must_change_password=must_change_password,
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit.record(session, principal, "create", "user", user.id, detail={"username": username, "role": role})
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower(), User.deleted_at.is_(None)))
    if user is None:
        raise NotFound("用户", "user")
    return user


def list_users(session: Session, principal: Principal) -> list[User]:
    principal.require(Perm.USERS_MANAGE)
    stmt = select(User).where(User.deleted_at.is_(None)).order_by(User.username)
    if principal.scope is ScopeKind.CATCHMENT:
        stmt = stmt.where(User.institution_id == principal.institution_id)
    return list(session.scalars(stmt))


def set_active(session: Session, principal: Principal, username: str, active: bool) -> User:
    user = get_user(session, username)
    _may_manage(principal, user.role, user.institution_id)
    user.is_active = active
    if not active:
        revoke_all(session, user.id)
    session.flush()
    audit.record(session, principal, "enable_user" if active else "disable_user", "user", user.id)
    return user


def reset_password(session: Session, principal: Principal, username: str, new_password: str | None = None) -> tuple[User, str]:
    """Set a new password (generated when not given) that must be changed at next sign-in."""
    user = get_user(session, username)
    _may_manage(principal, user.role, user.institution_id)
    password = new_password or generate_password()
    check_password_policy(password, user.username)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.password_changed_at = utcnow()
    revoke_all(session, user.id)
    session.execute(update(LoginState).where(LoginState.username == user.username).values(failed_count=0, locked_until=None))
    session.flush()
    audit.record(session, principal, "reset_password", "user", user.id)
    return user, password


def change_password(session: Session, principal: Principal, current: str, new: str) -> None:
    user = session.get(User, principal.user_id) if principal.user_id else None
    if user is None:
        raise NotFound("用户", "user")
    if not verify_password(user.password_hash, current):
        raise ValidationFailed([FieldError("current_password", "wrong_password", "当前密码：不正确", "Current password: incorrect")])
    if current == new:
        raise ValidationFailed(
            [FieldError("new_password", "unchanged", "新密码：不能与当前密码相同", "New password: must differ from the current one")]
        )
    check_password_policy(new, user.username, field_name="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    session.flush()
    audit.record(session, principal, "change_password", "user", user.id)


def generate_password() -> str:
    """A random password that satisfies the policy (for resets and the demo)."""
    while True:
        candidate = secrets.token_urlsafe(12) + "-7a"
        if sum([any(c.islower() for c in candidate), any(c.isupper() for c in candidate), any(c.isdigit() for c in candidate)]) == 3:
            return candidate


# ---- sign-in -----------------------------------------------------------------


@dataclass
class SignIn:
    user: User | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(
    session: Session, username: str, password: str, interface: str, client_address: str | None, settings: Settings | None = None
) -> SignIn:
    """Check a password, with lockout after repeated failures. Never raises for bad input;
    the caller commits, so failures are counted and audited."""
    settings = settings or get_settings()
    username = (username or "").strip().lower()[:64]
    now = utcnow()
    state = session.get(LoginState, username) if username else None
    anonymous = Principal(username=username or "(empty)", role="anonymous", interface=interface, client_address=client_address)
    if state is not None and state.locked_until is not None and aware(state.locked_until) > now:
        verify_password(_DUMMY_HASH, password)
        return _fail(session, anonymous, state, "locked", settings, count=False)
    user = session.scalar(select(User).where(User.username == username, User.deleted_at.is_(None))) if username else None
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not valid or not user.is_active or ROLES[user.role].machine:
        reason = "inactive" if (user and valid and not user.is_active) else "bad_credentials"
        return _fail(session, anonymous, state, reason, settings)
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    state = state or LoginState(username=username)
    state.failed_count, state.locked_until, state.last_login_at = 0, None, now
    session.add(state)
    session.flush()
    audit.record(session, principal_for(user, interface, client_address), "login_success", "user", user.id)
    return SignIn(user)


def _fail(session: Session, anonymous: Principal, state: LoginState | None, reason: str, settings: Settings, count: bool = True) -> SignIn:
    if anonymous.username != "(empty)":
        state = state or LoginState(username=anonymous.username, failed_count=0)
        if count:
            state.failed_count = (state.failed_count or 0) + 1
            state.last_failure_at = utcnow()
            if state.failed_count >= settings.login_max_failures:
                # Each further failure doubles the lock, up to a day.
                extra = state.failed_count - settings.login_max_failures
                minutes = min(settings.login_lockout_minutes * (2**extra), 24 * 60)
                state.locked_until = utcnow() + timedelta(minutes=minutes)
        session.add(state)
        session.flush()
    audit.record(session, anonymous, "login_failure", "user", "", detail={"reason": reason})
    return SignIn(None, reason)


def user_summary(user: User) -> dict[str, Any]:
    role = ROLES[user.role]
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_zh": role.name_zh,
        "role_en": role.name_en,
        "active": user.is_active,
    }
