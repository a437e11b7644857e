"""Elements a FHIR client sent that Jiceng does not map, kept verbatim (rule 4, "retain" mode).

Sync-ready like any record a user entered: nothing a user entered is ever lost.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, UniqueConstraint, Uuid, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base
from jiceng.core.outbox import SyncMixin


class RetainedElements(SyncMixin, Base):
    __tablename__ = "core_fhir_retained"
    __table_args__ = (UniqueConstraint("resource_type", "record_id"),)

    resource_type: Mapped[str] = mapped_column(String(40), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    elements: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


def load(session: Session, resource_type: str, record_id: uuid.UUID) -> dict[str, Any]:
    elements = session.scalar(
        select(RetainedElements.elements).where(
            RetainedElements.resource_type == resource_type, RetainedElements.record_id == record_id, RetainedElements.deleted_at.is_(None)
        )
    )
    return dict(elements) if elements else {}


def store(session: Session, resource_type: str, record_id: uuid.UUID, elements: dict[str, Any]) -> None:
    """Replace what is retained for a record (an update replaces the resource, FHIR semantics)."""
    row = session.scalar(
        select(RetainedElements).where(RetainedElements.resource_type == resource_type, RetainedElements.record_id == record_id)
    )
    if row is None:
        if elements:
            session.add(RetainedElements(resource_type=resource_type, record_id=record_id, elements=elements))
        return
    if row.elements != elements or row.deleted_at is not None:
        row.elements, row.deleted_at = elements, None


def merge_into(resource: dict[str, Any], elements: dict[str, Any]) -> dict[str, Any]:
    """Put retained elements back; retained extensions join the mapped ones."""
    for key, value in elements.items():
        if key == "extension" and isinstance(value, list):
            resource["extension"] = [*resource.get("extension", []), *value]
        else:
            resource.setdefault(key, value)
    return resource
