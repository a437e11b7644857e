"""The supervision dashboard over the materialized state: what a principal may see
(supervisors their division, clinics their catchment villages summed up), numbers with
targets and colours, drill-down city → county → township → village, trends, rankings.
Every number here is read from the rollups; none is computed from the source tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.divisions import level_of, prefix_of
from jiceng.core.errors import FieldError, NotFound, ValidationFailed
from jiceng.core.indicators import IndicatorDefinition, group_code
from jiceng.core.permissions import Perm, ScopeKind
from jiceng.core.security import Principal
from jiceng.indicators import periods as period_rules
from jiceng.indicators import repository, state, targets
from jiceng.indicators.periods import PeriodSpec
from jiceng.registry import service as registry
from jiceng.residents.service import readable_residents

READ = Perm.INDICATORS_READ
CHILD_LEVEL = {"city": "county", "county": "township", "township": "village"}
Pair = tuple[int, int]


@dataclass(frozen=True)
class Scope:
    roots: tuple[str, ...]  # the top divisions the principal may open
    villages: frozenset[str] | None  # None: whole divisions; else only these villages count

    def allows(self, division: str) -> bool:
        """Whether the division is one of the roots or under one, and holds a visible village."""
        prefix = prefix_of(division)
        if not any(prefix.startswith(prefix_of(root)) for root in self.roots):
            return False
        return self.villages is None or any(v.startswith(prefix) for v in self.villages)


def scope_of(session: Session, principal: Principal) -> Scope:
    principal.require(READ)
    kind = principal.scope
    if kind is ScopeKind.ALL:
        return Scope(tuple(_top_divisions(session)), None)
    if kind is ScopeKind.DIVISION:
        return Scope((prefix_of(principal.division_code).ljust(12, "0"),) if principal.division_code else (), None)
    readable = readable_residents(principal)
    villages = frozenset(session.scalars(select(readable.c.village_code).distinct()))
    if not villages:
        return Scope((), frozenset())
    for level in ("village", "township", "county", "city"):
        groups = {group_code(v, level) for v in villages}
        if len(groups) == 1:
            return Scope((groups.pop(),), villages)
    return Scope(tuple(sorted({group_code(v, "city") for v in villages})), villages)


def _top_divisions(session: Session) -> list[str]:
    for period in repository.periods(session):
        found = repository.top_divisions(session, period.key)
        if found:
            return found
    return []


@dataclass
class Cell:
    code: str
    numerator: int
    denominator: int
    target: float | None
    status: str

    @property
    def rate(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator


@dataclass
class Row:
    division: str
    name: str
    level: str
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Dashboard:
    period: PeriodSpec | None  # None until the state is first built
    periods: list[PeriodSpec]
    division: Row
    children: list[Row]
    path: list[tuple[str, str]]  # (code, name), top first, within the scope
    definitions: list[IndicatorDefinition]
    roots: tuple[str, ...]


def stored_periods(session: Session) -> list[PeriodSpec]:
    return [PeriodSpec(p.key, p.start, p.end, p.open) for p in repository.periods(session)]


def pick_period(session: Session, key: str | None) -> tuple[PeriodSpec | None, list[PeriodSpec]]:
    """The period asked for (default: the open one), and every stored period; (None, [])
    before the first ``jiceng indicators rebuild``."""
    found = stored_periods(session)
    if key:
        period_rules.parse(key, local_today())  # a malformed key is a 422 naming the field
    if not found:
        return None, []
    if not key:
        open_periods = [p for p in found if p.open]
        return (open_periods or found)[-1], found
    for p in found:
        if p.key == key:
            return p, found
    raise NotFound(f"统计期 {key}", f"period {key}")


def check_division(scope: Scope, division: str | None) -> str | None:
    """The division to show (default: the top of the scope); None when the scope holds
    nothing yet (no state, no residents); 404 outside the scope."""
    if division is None or division == "":
        return scope.roots[0] if scope.roots else None
    if not (division.isdigit() and 2 <= len(division) <= 12):
        raise ValidationFailed([FieldError("division", "invalid", "区划：应为区划代码", "Division: must be a division code")])
    code = prefix_of(division).ljust(12, "0")
    if level_of(code) not in (*CHILD_LEVEL, "village") or not scope.allows(code):
        raise NotFound("区划", "division")
    return code


def _scaled(session: Session, definitions: Sequence[IndicatorDefinition]) -> dict[str, Callable[[int], int]]:
    return {d.code: d.denominator_scale(session) if d.denominator_scale else (lambda base: base) for d in definitions}


class Numbers:
    """(division, code) → (numerator, base) for a period, within a scope."""

    def __init__(self, session: Session, scope: Scope, period_key: str) -> None:
        self.session, self.scope, self.period_key = session, scope, period_key
        self._villages: dict[tuple[str, str], Pair] | None = None

    def _village_rows(self) -> dict[tuple[str, str], Pair]:
        if self._villages is None:
            self._villages = repository.rollups(self.session, self.period_key, sorted(self.scope.villages or ()))
        return self._villages

    def of(self, divisions: Sequence[str]) -> dict[tuple[str, str], Pair]:
        if self.scope.villages is None:
            return repository.rollups(self.session, self.period_key, divisions)
        wanted: set[str] = set(divisions)
        found: dict[tuple[str, str], Pair] = {}
        for (village, code), (n, b) in self._village_rows().items():
            for division in wanted:
                if village.startswith(prefix_of(division)):
                    n0, b0 = found.get((division, code), (0, 0))
                    found[(division, code)] = (n0 + n, b0 + b)
        return found

    def children(self, division: str, level: str) -> tuple[list[str], dict[tuple[str, str], Pair]]:
        if self.scope.villages is None:
            rows = repository.children(self.session, self.period_key, division)
            return sorted({d for d, _ in rows}), rows
        kids = sorted({group_code(v, level) for v in self.scope.villages if v.startswith(prefix_of(division))})
        return kids, self.of(kids)


def _row(division: str, name: str, numbers: dict[tuple[str, str], Pair], ctx: dict[str, Any]) -> Row:
    row = Row(division, name, level_of(division) or "")
    for d in ctx["definitions"]:
        n, base = numbers.get((division, d.code), (0, 0))
        target = targets.target_for(d, division, ctx["targets"])
        denominator = ctx["scale"][d.code](base)
        row.cells[d.code] = Cell(d.code, n, denominator, target, targets.status(None if not denominator else n / denominator, target))
    return row


def dashboard(session: Session, principal: Principal, division: str | None = None, period: str | None = None) -> Dashboard:
    scope = scope_of(session, principal)
    chosen, found = pick_period(session, period)
    code = check_division(scope, division)
    definitions = state.definitions()
    if code is None:
        return Dashboard(chosen, found, Row("", "—", ""), [], [], definitions, scope.roots)
    ctx = {"definitions": definitions, "targets": targets.load(session), "scale": _scaled(session, definitions)}
    numbers = Numbers(session, scope, chosen.key if chosen else "")
    level = level_of(code) or ""
    kids, kid_numbers = numbers.children(code, CHILD_LEVEL[level]) if level in CHILD_LEVEL else ([], {})
    path = [d.code for d in registry.division_path(session, code) if any(d.code.startswith(prefix_of(r)) for r in scope.roots)]
    names = registry.division_names(session, sorted({code, *kids, *path}))
    audit.record(session, principal, "view", "indicators_dashboard", detail={"division": code, "period": chosen and chosen.key})
    return Dashboard(
        chosen,
        found,
        _row(code, names[code], numbers.of([code]), ctx),
        [_row(k, names[k], kid_numbers, ctx) for k in kids],
        [(c, names[c]) for c in path],
        definitions,
        scope.roots,
    )


@dataclass
class Detail:
    definition: IndicatorDefinition
    dashboard: Dashboard
    trend: list[tuple[PeriodSpec, Cell]]  # this division, every stored period
    ranking: list[Row]  # children by rate, best first


def detail(session: Session, principal: Principal, code: str, division: str | None = None, period: str | None = None) -> Detail:
    definition = definition_of(code)
    board = dashboard(session, principal, division, period)
    scope = scope_of(session, principal)
    ctx = {"definitions": [definition], "targets": targets.load(session), "scale": _scaled(session, [definition])}
    trend = []
    for p in board.periods if board.division.division else []:
        row = _row(board.division.division, board.division.name, Numbers(session, scope, p.key).of([board.division.division]), ctx)
        trend.append((p, row.cells[code]))
    ranking = sorted(board.children, key=lambda r: (r.cells[code].rate is None, -(r.cells[code].rate or 0), r.division))
    return Detail(definition, board, trend, ranking)


def definition_of(code: str) -> IndicatorDefinition:
    for d in state.definitions():
        if d.code == code:
            return d
    raise NotFound("指标", "indicator")


@dataclass
class StateStatus:
    built: bool
    periods: list[dict[str, Any]]
    position: int | None
    log_head: int
    behind: int  # change-log rows not yet reflected


def state_status(session: Session, principal: Principal) -> StateStatus:
    from sqlalchemy import func

    from jiceng.core.outbox import ChangeLog
    from jiceng.indicators.rebuild import load_position

    principal.require(READ)
    position = load_position(session)
    head = int(session.scalar(select(func.coalesce(func.max(ChangeLog.seq), 0))) or 0)
    behind = 0
    if position is not None:
        behind = int(session.scalar(select(func.count()).select_from(ChangeLog).where(ChangeLog.seq > position.seq)) or 0)
    found = [
        {"key": p.key, "start": p.start.isoformat(), "end": p.end.isoformat(), "open": p.open, "built_at": p.built_at.isoformat()}
        for p in repository.periods(session)
    ]
    return StateStatus(position is not None, found, position.seq if position else None, head, behind)
