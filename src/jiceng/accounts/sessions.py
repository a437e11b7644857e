"""Web sessions: a cookie token (stored as its digest) with a CSRF token, idle and absolute timeouts."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.accounts.identity import aware, principal_for, token_digest, utcnow
from jiceng.accounts.models import User, WebSession
from jiceng.core import audit
from jiceng.core.config import Settings, get_settings
from jiceng.core.security import Principal


@dataclass
class ActiveSession:
    principal: Principal
    csrf_token: str
    must_change_password: bool
    session_id: uuid.UUID


def start_session(session: Session, user: User, client_address: str | None) -> tuple[str, str]:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            token_hash=token_digest(token),
            csrf_token=csrf,
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            client_address=client_address or "",
        )
    )
    session.flush()
    return token, csrf


def resume_session(session: Session, token: str, client_address: str | None, settings: Settings | None = None) -> ActiveSession | None:
    """The signed-in user for a cookie, or None if unknown, revoked, idle too long or expired."""
    settings = settings or get_settings()
    if not token:
        return None
    row = session.execute(
        select(WebSession, User).join(User, User.id == WebSession.user_id).where(WebSession.token_hash == token_digest(token))
    ).first()
    now = utcnow()
    if row is None or row[0].revoked_at is not None:
        return None
    found, user = row
    idle_deadline = aware(found.last_seen_at) + timedelta(minutes=settings.session_idle_minutes)
    absolute_deadline = aware(found.created_at) + timedelta(hours=settings.session_absolute_hours)
    if now > idle_deadline or now > absolute_deadline or not user.is_active or user.deleted_at is not None:
        found.revoked_at = now
        session.flush()
        return None
    # Record activity at most once a minute, not on every request.
    if now - aware(found.last_seen_at) > timedelta(minutes=1):
        found.last_seen_at = now
    return ActiveSession(principal_for(user, "web", client_address), found.csrf_token, user.must_change_password, found.id)


def end_session(session: Session, token: str, principal: Principal | None) -> None:
    found = session.scalar(select(WebSession).where(WebSession.token_hash == token_digest(token)))
    if found is not None and found.revoked_at is None:
        found.revoked_at = utcnow()
        if principal:
            audit.record(session, principal, "logout", "user", found.user_id)
