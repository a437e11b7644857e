"""Who is acting: a user's principal, and the small helpers every kind of credential uses."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from jiceng.accounts.models import User
from jiceng.core.security import Principal


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything here is stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_for(user: User, interface: str = "web", client_address: str | None = None) -> Principal:
    return Principal(
        username=user.username,
        role=user.role,
        user_id=user.id,
        display_name=user.display_name,
        institution_id=user.institution_id,
        staff_id=user.staff_id,
        division_code=user.division_code,
        interface=interface,
        client_address=client_address,
    )
