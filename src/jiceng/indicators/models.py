"""The materialized indicator state (ARCHITECTURE §5).

Derived data, local to each database (a node and the region build their own from the
same records and get the same numbers): none of these tables is sync-ready, and a full
rebuild (``jiceng indicators rebuild``) recreates them from the source tables.

* ``indicators_person`` — one row per resident and period: bit *k* of ``den_bits`` /
  ``num_bits`` says whether the resident is in the denominator / numerator of the indicator
  holding slot *k* (``indicators_slot``; 62 slots per ``word``). A resident in no indicator
  has no row.
* ``indicators_rollup`` — per indicator, period and division (village, township, county,
  city): the numerator and the number of denominator people (``base``; the denominator
  itself unless the indicator scales it, as the estimated patients of the management rates).
* ``indicators_period`` — the periods kept, with their dates; ``indicators_cursor`` — the
  position in the change log the state reflects.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Index, Integer, SmallInteger, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON

from jiceng.core.db import Base

BITS_PER_WORD = 62  # bit 63 is the sign; 62 keeps every mask a positive BIGINT


class Slot(Base):
    __tablename__ = "indicators_slot"

    code: Mapped[str] = mapped_column(String(120), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, nullable=False, unique=True)


class Period(Base):
    __tablename__ = "indicators_period"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)  # "2026" or "2026-10" (year to the end of October)
    start: Mapped[date] = mapped_column(Date, nullable=False)
    end: Mapped[date] = mapped_column(Date, nullable=False)  # the last day counted (today while the period is open)
    open: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class PersonState(Base):
    __tablename__ = "indicators_person"
    __table_args__ = (Index("ix_indicators_person_village", "period_key", "word", "village_code"),)

    period_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    word: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    village_code: Mapped[str] = mapped_column(String(12), nullable=False)
    den_bits: Mapped[int] = mapped_column(BigInteger, nullable=False)
    num_bits: Mapped[int] = mapped_column(BigInteger, nullable=False)


class Rollup(Base):
    __tablename__ = "indicators_rollup"
    __table_args__ = (Index("ix_indicators_rollup_parent", "period_key", "parent_code"),)

    period_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(120), primary_key=True)
    level: Mapped[str] = mapped_column(String(10), nullable=False)
    parent_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    numerator: Mapped[int] = mapped_column(Integer, nullable=False)
    base: Mapped[int] = mapped_column(Integer, nullable=False)


class Cursor(Base):
    __tablename__ = "indicators_cursor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # PostgreSQL: the snapshot the position was taken under (see docs/decisions/0002).
    snapshot_xmax: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    snapshot_xip: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
