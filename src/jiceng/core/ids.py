"""Primary keys are UUIDv7, made where the record is made (ARCHITECTURE §3).

Version 7 UUIDs start with a millisecond timestamp, so new rows land at the end of
B-tree indexes instead of scattering across them.
"""

from __future__ import annotations

import uuid

import uuid_utils


def new_id() -> uuid.UUID:
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def parse_id(value: str) -> uuid.UUID | None:
    """A UUID from user input, or None when the text is not one."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return None
