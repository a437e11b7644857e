"""Ages, sexes and household structure for a village, matching the census pyramid.

Ages are drawn from China's 2020 census pyramid first; then people are grouped:
couples from adults of similar age, children attached to a parent 20-45 years
older (or a grandparent, as with left-behind children), and some elderly living
with a grown child. Every drawn person ends up in exactly one household.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from itertools import accumulate

# Share of the population by 5-year age group, %: the 2020 census pyramid shifted
# towards a rural county's (young adults away as migrant workers, more elderly).
AGE_GROUPS = [5.4, 6.3, 6.0, 5.3, 4.5, 5.0, 7.0, 6.0, 6.6, 8.1, 8.7, 7.2, 5.2, 6.0, 4.3, 2.8, 1.8, 1.2]


@dataclass
class Person:
    age: int
    sex: str  # "1" male, "2" female
    relation: str = "02"


@dataclass
class HouseholdPlan:
    members: list[Person] = field(default_factory=list)

    @property
    def head(self) -> Person:
        return self.members[0]


AGE_CUM_WEIGHTS = list(accumulate(AGE_GROUPS))
GROUP_INDEXES = range(len(AGE_GROUPS))


def draw_age(rng: random.Random) -> int:
    group = rng.choices(GROUP_INDEXES, cum_weights=AGE_CUM_WEIGHTS)[0]
    if group == len(AGE_GROUPS) - 1:
        return min(85 + int(rng.expovariate(1 / 4)), 104)
    return group * 5 + rng.randrange(5)


def plan_village(rng: random.Random, size: int) -> list[HouseholdPlan]:
    people = [Person(draw_age(rng), "1" if rng.random() < 0.512 else "2") for _ in range(size)]
    children = [p for p in people if p.age < 20]
    adults = [p for p in people if p.age >= 20]
    units = _couples(rng, adults)
    _attach_children(rng, units, children)
    return _merge_elderly(rng, units)


def _couples(rng: random.Random, adults: list[Person]) -> list[HouseholdPlan]:
    men = sorted((p for p in adults if p.sex == "1"), key=lambda p: p.age)
    women = sorted((p for p in adults if p.sex == "2"), key=lambda p: p.age)
    units: list[HouseholdPlan] = []
    w = 0
    for man in men:
        # Wives are on average ~2 years younger; some adults stay single or widowed.
        while w < len(women) and women[w].age < man.age - 8:
            units.append(HouseholdPlan([women[w]]))
            w += 1
        married_share = 0.35 if man.age < 25 else (0.7 if man.age >= 78 else 0.88)
        if w < len(women) and women[w].age <= man.age + 3 and rng.random() < married_share:
            women[w].relation = "10"
            units.append(HouseholdPlan([man, women[w]]))
            w += 1
        else:
            units.append(HouseholdPlan([man]))
    units.extend(HouseholdPlan([p]) for p in women[w:])
    return units


def _attach_children(rng: random.Random, units: list[HouseholdPlan], children: list[Person]) -> None:
    units_by_age = sorted(units, key=lambda u: u.head.age)
    ages = [u.head.age for u in units_by_age]
    for child in children:
        # A parent 22-40 years older, or a grandparent 45-65 years older (left-behind children).
        gap_low, gap_high = (45, 65) if rng.random() < 0.12 else (22, 40)
        lo = bisect.bisect_left(ages, child.age + gap_low)
        hi = bisect.bisect_right(ages, child.age + gap_high)
        if lo >= hi:
            lo, hi = bisect.bisect_left(ages, child.age + 18), len(ages)
        if lo >= hi:
            units.append(HouseholdPlan([child]))
            continue
        unit = units_by_age[rng.randrange(lo, hi)]
        grandchild = unit.head.age - child.age >= 45
        child.relation = "40" if grandchild else ("20" if child.sex == "1" else "30")
        unit.members.append(child)


def _merge_elderly(rng: random.Random, units: list[HouseholdPlan]) -> list[HouseholdPlan]:
    """About a third of older people without children at home live with a grown child."""
    hosts = sorted((u for u in units if 30 <= u.head.age < 60), key=lambda u: u.head.age)
    host_ages = [u.head.age for u in hosts]
    kept = []
    for unit in units:
        alone_elderly = unit.head.age >= 70 and len(unit.members) <= 2 and all(m.age >= 60 for m in unit.members)
        if alone_elderly and hosts and rng.random() < 0.33:
            lo = bisect.bisect_left(host_ages, unit.head.age - 40)
            hi = bisect.bisect_right(host_ages, unit.head.age - 22)
            if lo < hi:
                host = hosts[rng.randrange(lo, hi)]
                for member in unit.members:
                    member.relation = "50"
                    host.members.append(member)
                continue
        kept.append(unit)
    return kept
