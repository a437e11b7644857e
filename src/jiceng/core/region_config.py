"""Region-level configuration: thresholds and definitions a commission may set.

Rules marked UNCONFIRMED in the national specification (spec §1-§2), targets, and
local stricter rules are kept here as data, not code. Values are JSON; the table is
sync-ready, so a region's settings reach its nodes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.types import JSON

from jiceng.core import audit
from jiceng.core.db import Base
from jiceng.core.outbox import SyncMixin
from jiceng.core.permissions import Perm
from jiceng.core.security import Principal


class RegionSetting(SyncMixin, Base):
    __tablename__ = "core_region_setting"

    key: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    description: Mapped[str] = mapped_column(String(300), nullable=False, default="")


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    """The region's value for ``key``, or ``default`` (the national default) when unset."""
    row = session.scalar(select(RegionSetting).where(RegionSetting.key == key, RegionSetting.deleted_at.is_(None)))
    return default if row is None else row.value


def set_setting(session: Session, principal: Principal, key: str, value: Any, description: str = "") -> RegionSetting:
    principal.require(Perm.REGISTRY_MANAGE)
    row = session.scalar(select(RegionSetting).where(RegionSetting.key == key))
    if row is None:
        row = RegionSetting(key=key, value=value, description=description)
        session.add(row)
    else:
        row.value, row.deleted_at = value, None
        if description:
            row.description = description
    session.flush()
    audit.record(session, principal, "update", "region_setting", key, detail={"value": value})
    return row
