"""Clinical events that are signed: drafts are edited, a signed record never changes, and a
correction is a new record whose ``amends_id`` names the one it corrects (ARCHITECTURE §3).

The health check and the TCM service record follow the same rules: their models take the
columns of :class:`SignedEventMixin` and their services call these functions, so the rules
are written once. Each service keeps its own wording of the errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import DateTime, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jiceng.core.errors import Conflict, FieldError, ValidationFailed, VersionMismatch
from jiceng.core.security import Principal


class SignedEventMixin:
    """Who the event is about, draft or signed (by whom, when), what it corrects, who recorded it where.

    ``sort_order`` keeps these columns first in the table, where the models declared them
    before they shared them (the other mixins' columns come after the model's own)."""

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, sort_order=-1)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="draft", sort_order=-1)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, sort_order=-1)
    signed_by: Mapped[str] = mapped_column(String(100), nullable=False, default="", sort_order=-1)
    amends_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, sort_order=-1)
    institution_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, sort_order=-1)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False, default="", sort_order=-1)

    @property
    def is_signed(self) -> bool:
        return self.status == "signed"


class SignedEvent(Protocol):
    id: Any
    resident_id: Any
    version: Any
    status: str
    signed_at: datetime | None
    signed_by: str
    amends_id: Any

    @property
    def is_signed(self) -> bool: ...


def sign(record: SignedEvent, principal: Principal) -> None:
    record.status = "signed"
    record.signed_at = datetime.now(UTC)
    record.signed_by = principal.username


def require_draft(record: SignedEvent, expected_version: int | None, signed: Conflict) -> None:
    """Only a draft is edited (``signed`` is raised for a signed record), and only at the version the editor saw."""
    if record.is_signed:
        raise signed
    if expected_version is not None and expected_version != record.version:
        raise VersionMismatch(expected_version, record.version)


def apply_changes(record: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the validated values that differ from the stored ones; their names, sorted, for the audit trail."""
    changed = sorted(k for k, val in values.items() if getattr(record, k) != val)
    for key in changed:
        setattr(record, key, values[key])
    return changed


def check_correction(
    target: SignedEvent | None,
    resident_id: uuid.UUID,
    correction_of: Callable[[uuid.UUID], object | None],
    messages: Mapping[str, tuple[str, str]],
) -> None:
    """``amends_id`` must name this resident's signed record that nothing corrects yet.

    ``target`` is the record it names (None when absent or out of scope); ``messages``
    gives each problem's Chinese and English text (``not_found``, ``not_signed``,
    ``already_amended``). Raises :class:`ValidationFailed` on ``amends_id``."""
    if target is None or target.resident_id != resident_id:
        problem = "not_found"
    elif not target.is_signed:
        problem = "not_signed"
    elif correction_of(target.id) is not None:
        problem = "already_amended"
    else:
        return
    raise ValidationFailed([FieldError("amends_id", problem, *messages[problem])])


class SignedEventView(BaseModel):
    """What every signed event shows over the API, first and in this order (a view adds its own fields after)."""

    id: uuid.UUID
    version: int
    resident_id: uuid.UUID
    status: str
    signed_at: datetime | None
    signed_by: str
    amends_id: uuid.UUID | None
    corrected_by: uuid.UUID | None  # the record that corrects this one, if any

    @staticmethod
    def signed_fields(record: SignedEvent, corrected_by: uuid.UUID | None) -> dict[str, Any]:
        return {
            "id": record.id,
            "version": record.version,
            "resident_id": record.resident_id,
            "status": record.status,
            "signed_at": record.signed_at,
            "signed_by": record.signed_by,
            "amends_id": record.amends_id,
            "corrected_by": corrected_by,
        }


def delivered_in_window(rows: Iterable[tuple[Any, Any, date, bool, bool]], first: date, last: date) -> list[tuple[Any, date]]:
    """From ``(id, amends_id, day, supersedes, counts)`` rows of one resident's events, the
    effective ones that count and fall in ``first..last``, each as (original id, day).

    A row is effective when no superseding row amends it. Naming the original keeps a
    delivery linked once however often the record is corrected afterwards.
    """
    materialized = list(rows)
    parent = {row[0]: row[1] for row in materialized}
    superseded = {row[1] for row in materialized if row[3] and row[1] is not None}
    result = []
    for record_id, _amends, day, _supersedes, counts in materialized:
        if record_id in superseded or not counts or not first <= day <= last:
            continue
        root, seen = record_id, {record_id}
        while parent.get(root) is not None and parent[root] in parent and parent[root] not in seen:
            root = parent[root]
            seen.add(root)
        result.append((root, day))
    return result


def signed_in_window(rows: Iterable[tuple[Any, Any, date, str]], first: date, last: date) -> list[tuple[Any, date]]:
    """:func:`delivered_in_window` for ``(id, amends_id, day, status)`` rows of signed events:
    drafts neither count nor supersede."""
    return delivered_in_window(((i, a, d, s == "signed", s == "signed") for i, a, d, s in rows), first, last)
