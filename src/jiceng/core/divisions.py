"""Administrative division codes (统计用区划代码, 12 digits; spec §6.5)."""

from __future__ import annotations

import re

# Digits each level occupies in the 12-digit code.
LEVEL_PREFIX_LENGTH = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


def level_of(code: str) -> str | None:
    """The level a 12-digit code denotes by its trailing zeros."""
    if not re.fullmatch(r"\d{12}", code):
        return None
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def parent_code_of(code: str) -> str | None:
    level = level_of(code)
    cut = {"city": 2, "county": 4, "township": 6, "village": 9}.get(level or "")
    return code[:cut].ljust(12, "0") if cut else None


def prefix_of(code: str) -> str:
    """The significant prefix of a division code (``411202001000`` → ``411202001``).

    Shorter inputs are taken as prefixes already.
    """
    level = level_of(code)
    if level is None:
        return code
    return code[: LEVEL_PREFIX_LENGTH[level]]
