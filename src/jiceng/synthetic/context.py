"""Shared state of one generation run, passed to every domain's generator step."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from jiceng.synthetic.loader import BulkLoader, synthetic_uuid7
from jiceng.synthetic.scales import Scale

# Synthetic UUIDv7 timestamps start here and advance per record, so keys are
# deterministic for a seed and still sorted by creation order.
ID_EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z


@dataclass
class Village:
    code: str
    name: str
    township_code: str
    county_code: str
    urban: bool
    clinic_id: uuid.UUID
    township_hospital_id: uuid.UUID


@dataclass
class GenerationContext:
    session: Session
    scale: Scale
    seed: int
    today: date
    rng: random.Random
    loader: BulkLoader
    progress: Callable[[str, int, int], None]
    villages: list[Village] = field(default_factory=list)
    # Institution id → staff ids, by profession (for doctors, teams, referrals).
    staff: dict[uuid.UUID, dict[str, list[uuid.UUID]]] = field(default_factory=dict)
    institutions: dict[str, list[uuid.UUID]] = field(default_factory=dict)  # kind → ids
    county_hospitals: dict[str, dict[str, uuid.UUID]] = field(default_factory=dict)  # county → kind → id
    _id_counter: int = 0

    def new_id(self) -> uuid.UUID:
        self._id_counter += 1
        return synthetic_uuid7(self.rng.getrandbits(74), ID_EPOCH_MS + self._id_counter // 16)

    def child_rng(self, name: str) -> random.Random:
        """An independent stream per step, so adding a step does not change earlier data."""
        return random.Random(f"{self.seed}:{name}")
