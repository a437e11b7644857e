"""Who is acting: a user's principal, and the small helpers every kind of credential uses."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Protocol

from jiceng.accounts.models import User
from jiceng.core.security import Principal


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything here is stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Identity(Protocol):
    """What a principal is made from: a :class:`User`, or a row of its columns (:data:`IDENTITY_COLUMNS`)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def institution_id(self) -> uuid.UUID | None: ...
    @property
    def staff_id(self) -> uuid.UUID | None: ...
    @property
    def division_code(self) -> str | None: ...


# The user columns a per-request credential check reads (not the whole row: this runs on
# every request, and the password hash and sync columns are not needed for it).
IDENTITY_COLUMNS = (
    User.id,
    User.username,
    User.role,
    User.display_name,
    User.institution_id,
    User.staff_id,
    User.division_code,
    User.is_active,
    User.deleted_at,
)


def principal_for(user: Identity, interface: str = "web", client_address: str | None = None) -> Principal:
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
