"""API tokens (bearer, stored as their digest) and OAuth2 client credentials for machine identities."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiceng.accounts.identity import IDENTITY_COLUMNS, aware, principal_for, token_digest, utcnow
from jiceng.accounts.models import ApiToken, ClientCredential, User, WebSession
from jiceng.core import audit
from jiceng.core.config import get_settings
from jiceng.core.errors import FieldError, NotFound, ValidationFailed
from jiceng.core.permissions import ROLES, Perm
from jiceng.core.security import Principal, hash_password, verify_password


def revoke_all(session: Session, user_id: uuid.UUID) -> None:
    """End every web session and API token of a user (disabled, password reset, client revoked)."""
    now = utcnow()
    session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None)).values(revoked_at=now))
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now))


def issue_token(session: Session, user: User, name: str = "", hours: int | None = None, scopes: str = "") -> tuple[str, datetime]:
    token = "jct_" + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(hours=hours or get_settings().api_token_hours)
    session.add(
        ApiToken(token_hash=token_digest(token), user_id=user.id, name=name[:100], scopes=scopes, created_at=utcnow(), expires_at=expires)
    )
    session.flush()
    return token, expires


def token_principal(session: Session, token: str, interface: str, client_address: str | None) -> Principal | None:
    # One round trip: the token and its user's columns together (this runs on every API request).
    row = session.execute(
        select(ApiToken.revoked_at, ApiToken.expires_at, ApiToken.scopes, *IDENTITY_COLUMNS)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    if row.revoked_at is not None or aware(row.expires_at) <= utcnow():
        return None
    if not row.is_active or row.deleted_at is not None:
        return None
    principal = principal_for(row, interface, client_address)
    if ROLES[row.role].machine and row.scopes:
        principal = replace(principal, token_scopes=frozenset(row.scopes.split()))
    return principal


def revoke_token(session: Session, principal: Principal, token: str) -> bool:
    found = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if found is None or found.revoked_at is not None:
        return False
    if found.user_id != principal.user_id:
        principal.require(Perm.USERS_MANAGE)
    found.revoked_at = utcnow()
    audit.record(session, principal, "revoke_token", "api_token", found.id)
    return True


def create_client(session: Session, principal: Principal, user: User, allowed_scopes: str = "") -> tuple[str, str]:
    """Credentials for a machine identity; the secret is shown once."""
    if not ROLES[user.role].machine:
        raise ValidationFailed(
            [FieldError("role", "not_machine", "客户端：只能为机器身份创建", "Client: only machine identities get client credentials")]
        )
    principal.require(Perm.USERS_MANAGE)
    client_id, secret = "jc_" + secrets.token_hex(8), secrets.token_urlsafe(32)
    session.add(
        ClientCredential(
            client_id=client_id, secret_hash=hash_password(secret), user_id=user.id, allowed_scopes=allowed_scopes, created_at=utcnow()
        )
    )
    session.flush()
    audit.record(session, principal, "create_client", "user", user.id, detail={"client_id": client_id})
    return client_id, secret


def exchange_client_credentials(
    session: Session, client_id: str, secret: str, requested_scope: str, client_address: str | None
) -> tuple[str, datetime, str] | None:
    """OAuth2 client-credentials grant (RFC 6749 §4.4); None when refused."""
    client = session.get(ClientCredential, client_id or "")
    if client is None or client.revoked_at is not None or not verify_password(client.secret_hash, secret or ""):
        return None
    user = session.get(User, client.user_id)
    if user is None or not user.is_active:
        return None
    allowed = set(client.allowed_scopes.split())
    requested = set((requested_scope or "").split()) or allowed
    if not requested <= allowed:
        return None
    scopes = " ".join(sorted(requested))
    token, expires = issue_token(session, user, name=f"client {client_id}", hours=1, scopes=scopes)
    audit.record(session, principal_for(user, "api", client_address), "token_issued", "client", client_id, detail={"scope": scopes})
    return token, expires, scopes


def revoke_client(session: Session, principal: Principal, client_id: str) -> None:
    principal.require(Perm.USERS_MANAGE)
    client = session.get(ClientCredential, client_id)
    if client is None:
        raise NotFound("客户端", "client")
    client.revoked_at = utcnow()
    revoke_all(session, client.user_id)
    audit.record(session, principal, "revoke_client", "client", client_id)
