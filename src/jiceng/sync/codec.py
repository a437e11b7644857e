"""Values on the wire, and the compressed JSON envelope of every sync message.

Row values travel as JSON: UUIDs as 32 hex digits, dates and datetimes in ISO 8601
(datetimes always in UTC with an offset, so SQLite's naive values compare equal to
PostgreSQL's), bytes in base64, everything else as itself. Encoded values are canonical:
two databases holding the same value encode it identically, so merges compare them.
"""

from __future__ import annotations

import base64
import gzip
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import JSON, Date, DateTime, LargeBinary, Uuid

from jiceng.sync.tables import SyncTable

PROTOCOL = 1
MEDIA_TYPE = "application/json"
ENCODING = "gzip"


def _enc_uuid(value: Any) -> Any:
    return None if value is None else (value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex)


def _enc_datetime(value: Any) -> Any:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _enc_date(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _enc_bytes(value: Any) -> Any:
    return None if value is None else base64.b64encode(value).decode()


def _enc_plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _dec_uuid(value: Any) -> Any:
    return None if value is None else uuid.UUID(value)


def _dec_datetime(value: Any) -> Any:
    return None if value is None else datetime.fromisoformat(value)


def _dec_date(value: Any) -> Any:
    return None if value is None else date.fromisoformat(value)


def _dec_bytes(value: Any) -> Any:
    return None if value is None else base64.b64decode(value)


def _dec_plain(value: Any) -> Any:
    return value


def _pair(column_type: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    if isinstance(column_type, Uuid):
        return _enc_uuid, _dec_uuid
    if isinstance(column_type, DateTime):
        return _enc_datetime, _dec_datetime
    if isinstance(column_type, Date):
        return _enc_date, _dec_date
    if isinstance(column_type, LargeBinary):
        return _enc_bytes, _dec_bytes
    if isinstance(column_type, JSON):
        return _enc_plain, _dec_plain
    return _enc_plain, _dec_plain


class RowCodec:
    """Encoders and decoders for one table's columns."""

    def __init__(self, table: SyncTable) -> None:
        self.table = table
        pairs = {name: _pair(table.column(name).type) for name in table.columns}
        self.encoders = {name: pair[0] for name, pair in pairs.items()}
        self.decoders = {name: pair[1] for name, pair in pairs.items()}

    def encode(self, row: Any) -> dict[str, Any]:
        """A database row (mapping) to wire values of the synced columns."""
        return {name: enc(row[name]) for name, enc in self.encoders.items()}

    def decode(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: self.decoders[name](value) for name, value in values.items() if name in self.decoders}


_codecs: dict[str, RowCodec] = {}


def codec(table: SyncTable) -> RowCodec:
    found = _codecs.get(table.name)
    if found is None:
        found = _codecs[table.name] = RowCodec(table)
    return found


def dumps(message: dict[str, Any]) -> bytes:
    """A message as gzip-compressed JSON (the request or response body)."""
    return gzip.compress(orjson.dumps(message), compresslevel=5)


def loads(body: bytes) -> dict[str, Any]:
    data = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
    message = orjson.loads(data)
    if not isinstance(message, dict):
        raise ValueError("message must be a JSON object")
    return message
