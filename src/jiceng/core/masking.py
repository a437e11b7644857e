"""Masking of identifiers in lists, searches and exports (PIPL data minimisation)."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """``410102199001011234`` → ``410102********1234``."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 2)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; landlines keep the area code and last 4 digits."""
    if not value:
        return ""
    if "-" in value:
        area, number = value.split("-", 1)
        return f"{area}-{'*' * max(len(number) - 4, 0)}{number[-4:]}"
    if len(value) <= 7:
        return "*" * (len(value) - 2) + value[-2:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """For de-identified lists: keep the surname only (``张三丰`` → ``张**``)."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
