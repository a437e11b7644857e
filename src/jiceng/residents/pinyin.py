"""Pinyin search keys for names: full pinyin ("zhangsanfeng") and initials ("zsf").

pypinyin reads characters as in ordinary words; several common surnames are read
differently as surnames (单 shan, not dan), so the surname is looked up first.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surname readings that differ from pypinyin's default reading of the character.
SURNAME_READINGS = {
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "曾": "zeng",
    "缪": "miao",
    "繁": "po",
    "员": "yun",
    "覃": "qin",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "单于": "chanyu",
    "乐": "yue",
    "翟": "zhai",
    "秘": "bi",
    "种": "chong",
    "召": "shao",
    "那": "na",
    "句": "gou",
    "宓": "fu",
    "阚": "kan",
    "洗": "xian",
    "冼": "xian",
    "长孙": "zhangsun",
    "令狐": "linghu",
    "澹台": "tantai",
    "宿": "su",
    "折": "she",
    "车": "che",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "郇": "huan",
    "过": "guo",
}
COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "令狐",
    "夏侯",
    "轩辕",
    "宇文",
    "司徒",
    "司空",
    "端木",
    "澹台",
    "单于",
    "万俟",
    "闻人",
    "南宫",
}


def split_surname(name: str) -> tuple[str, str]:
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@lru_cache(maxsize=65536)
def _syllables(text: str) -> tuple[str, ...]:
    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="ignore", v_to_u=False) if s.isascii())


def _surname_syllables(surname: str) -> tuple[str, ...]:
    reading = SURNAME_READINGS.get(surname)
    if reading is None:
        return _syllables(surname)
    if len(surname) == 2:
        # Two-character readings are stored joined; split by the default syllables' count.
        default = _syllables(surname)
        return default if "".join(default) == reading else (reading,)
    return (reading,)


@lru_cache(maxsize=262144)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, without spaces or tones."""
    name = name.strip()
    if not name:
        return "", ""
    if name.isascii():
        letters = "".join(ch for ch in name.lower() if ch.isalpha())
        words = [w for w in name.lower().replace("·", " ").split() if w]
        return letters, "".join(w[0] for w in words if w[0].isalpha())
    surname, given = split_surname(name)
    syllables = _surname_syllables(surname) + _syllables(given)
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def looks_like_pinyin(query: str) -> bool:
    return query.isascii() and query.replace(" ", "").isalpha()
