"""The synthetic scales of PRODUCT.md: village, township, county, city (Sanmenxia-like)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountySpec:
    code: str  # GB/T 2260
    name: str
    urban: bool  # a city district: sub-districts with community health centres
    townships: int
    villages_per_township: int
    streets: int = 0  # 街道 (community health centres) within the county
    communities_per_street: int = 0


@dataclass(frozen=True)
class Scale:
    name: str
    province: tuple[str, str]
    city: tuple[str, str]
    counties: tuple[CountySpec, ...]
    residents_per_village: int
    # Primary-care staff per institution, as Sanmenxia's 2022 figures imply (seed 001):
    # 2,225 in 84 township-level institutions, 2,049 in 1,345 village-level ones.
    staff_per_township_institution: float = 2225 / 84
    staff_per_village_institution: float = 2049 / 1345
    city_hospitals: bool = False

    @property
    def villages(self) -> int:
        return sum(c.townships * c.villages_per_township + c.streets * c.communities_per_street for c in self.counties)


HENAN = ("410000000000", "河南省")
SANMENXIA = ("411200000000", "三门峡市")

SCALES = {
    "village": Scale("village", HENAN, SANMENXIA, (CountySpec("411224", "卢氏县", False, 1, 1),), 1500),
    "township": Scale("township", HENAN, SANMENXIA, (CountySpec("411224", "卢氏县", False, 1, 20),), 1500),
    "county": Scale("county", HENAN, SANMENXIA, (CountySpec("411282", "灵宝市", False, 20, 20),), 1250),
    # Sanmenxia 2022: 11 community health centres, 52 stations, 73 township hospitals,
    # 1,293 village clinics = 1,429 primary institutions; about 2.0 M residents.
    "city": Scale(
        "city",
        HENAN,
        SANMENXIA,
        (
            CountySpec("411202", "湖滨区", True, 3, 15, streets=6, communities_per_street=5),
            CountySpec("411203", "陕州区", False, 13, 17, streets=1, communities_per_street=3),
            CountySpec("411221", "渑池县", False, 12, 18),
            CountySpec("411224", "卢氏县", False, 19, 14, streets=1, communities_per_street=4),
            CountySpec("411281", "义马市", True, 1, 20, streets=3, communities_per_street=5),
            CountySpec("411282", "灵宝市", False, 25, 21),
        ),
        1487,
        city_hospitals=True,
    ),
}
