"""Chinese names and place names for synthetic data (Faker zh_CN pools, seeded)."""

from __future__ import annotations

import itertools
import random

from faker.providers.person.zh_CN import Provider as PersonProvider

SURNAMES = list(PersonProvider.last_names.keys())
SURNAME_CUM_WEIGHTS = list(itertools.accumulate(PersonProvider.last_names.values()))
GIVEN_MALE = list(PersonProvider.first_names_male)
GIVEN_FEMALE = list(PersonProvider.first_names_female)

PLACE_CHARS = (
    "东西南北上下大小前后新老高张王李赵刘陈杨黄周吴马石柳槐桃杏柏松清泉河山岭坡沟洼坪寨庄营店集桥湾堡"
    "峪川源阳安宁平丰兴和福寿康乐太永长兴隆胜利红星光明朝阳万家宋孙胡郭何罗梁谢韩唐冯董程曹袁邓许傅沈"
    "曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方金"
)
VILLAGE_SUFFIXES = ("村", "庄村", "沟村", "坡村", "河村", "营村", "寨村", "店村", "岭村", "湾村", "坪村", "峪村")
COMMUNITY_SUFFIXES = ("社区", "路社区", "街社区", "苑社区")
TOWN_SUFFIXES = {"town": "镇", "township": "乡", "street": "街道"}


class NameMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def surname(self) -> str:
        return self.rng.choices(SURNAMES, cum_weights=SURNAME_CUM_WEIGHTS)[0]

    def given(self, sex: str) -> str:
        pool = GIVEN_MALE if sex == "1" else GIVEN_FEMALE
        first = self.rng.choice(pool)
        if len(first) == 1 and self.rng.random() < 0.62:
            second = self.rng.choice(pool)
            if len(second) == 1 and second != first:
                return first + second
        return first

    def person(self, sex: str, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given(sex)

    def place(self, used: set[str], suffixes: tuple[str, ...]) -> str:
        for _ in range(200):
            name = self.rng.choice(PLACE_CHARS) + self.rng.choice(PLACE_CHARS) + self.rng.choice(suffixes)
            if name not in used and name[0] != name[1]:
                used.add(name)
                return name
        raise RuntimeError("place names exhausted")
