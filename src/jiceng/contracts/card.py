"""The e-health card (电子健康卡): a QR code per resident that staff of any institution
in the same medical alliance can scan to open the record.

The QR encodes a URL with a signed, expiring token (JWT, HS256, keyed from the
installation's secret). The token carries the resident's internal id and the card's
id, never the ID number. Scanning verifies the signature, the expiry, that the card
is known and not revoked, and that the scanning institution shares an alliance with
the issuing one; it then grants the scanning user a few hours' access to that one
record (a ``contracts_card_access`` row, read by a scope rule). Refusals are audited.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import segno
from sqlalchemy.orm import Session

from jiceng.contracts import repository, teams
from jiceng.contracts.models import CardAccess, HealthCard
from jiceng.contracts.permissions import CARD_SCAN, READ
from jiceng.contracts.service import resident_row
from jiceng.core import audit
from jiceng.core.clock import local_today
from jiceng.core.config import get_settings
from jiceng.core.errors import NotFound
from jiceng.core.region_config import get_setting
from jiceng.core.security import Principal
from jiceng.registry import service as registry

TOKEN_TYPE = "hc"
ALGORITHM = "HS256"
CARD_VALID_DAYS = 365
REISSUE_DAYS = 30  # a card with less left than this is replaced when shown again
ACCESS_HOURS = 8
CARD_PATH = "/contracts/card/"


def _key() -> bytes:
    """A key for cards only, derived from the installation's secret."""
    return hmac.new(get_settings().secret_key().encode(), b"jiceng.contracts.health_card", hashlib.sha256).digest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def issue_card(session: Session, principal: Principal, resident_id: uuid.UUID, *, now: datetime | None = None) -> HealthCard:
    """The resident's current card, or a new one when none is valid for another 30 days."""
    principal.require(READ)
    now = now or datetime.now(UTC)
    resident_row(session, principal, resident_id)
    card = repository.valid_card(session, resident_id, now + timedelta(days=REISSUE_DAYS))
    if card is not None:
        return card
    live = repository.live_contracts(session, [resident_id], local_today()).get(resident_id)
    days = int(get_setting(session, "contracts.card_valid_days", CARD_VALID_DAYS))
    card = HealthCard(
        resident_id=resident_id,
        token_id=secrets.token_urlsafe(12),
        institution_id=live.institution_id if live else principal.institution_id,
        issued_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(card)
    session.flush()
    audit.record(session, principal, "issue_card", "health_card", card.id, resident_id=resident_id)
    return card


def card_token(card: HealthCard) -> str:
    claims = {
        "typ": TOKEN_TYPE,
        "sub": str(card.resident_id),
        "jti": card.token_id,
        "iat": int(_aware(card.issued_at).timestamp()),
        "exp": int(_aware(card.expires_at).timestamp()),
    }
    return jwt.encode(claims, _key(), algorithm=ALGORITHM)


def card_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + CARD_PATH + token


def qr_svg(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, title="电子健康卡 e-health card")
    return buffer.getvalue()


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code's modules (for drawing it into a PDF)."""
    return [[bool(cell) for cell in row] for row in segno.make(text, error="m").matrix]


def revoke_card(session: Session, principal: Principal, resident_id: uuid.UUID) -> int:
    """A lost card: every valid card of the resident stops working; the next one shown is new."""
    principal.require(READ)
    resident_row(session, principal, resident_id)
    now = datetime.now(UTC)
    revoked = 0
    while (card := repository.valid_card(session, resident_id, now)) is not None:
        card.revoked_at = now
        session.flush()
        revoked += 1
    audit.record(session, principal, "revoke_card", "health_card", resident_id, resident_id=resident_id, detail={"cards": revoked})
    return revoked


@dataclass(frozen=True)
class ScanOutcome:
    ok: bool
    reason: str  # "ok", "malformed", "tampered", "expired", "revoked", "not_in_alliance", "no_institution"
    resident_id: uuid.UUID | None = None
    access_until: datetime | None = None

    REASONS = {
        "ok": ("已授权查看档案", "Access granted"),
        "malformed": ("二维码内容无效", "The code is not a valid e-health card"),
        "tampered": ("电子健康卡签名无效（可能被篡改）", "The card's signature is invalid (it may have been altered)"),
        "expired": ("电子健康卡已过期，请居民出示新卡", "The card has expired; ask for a new one"),
        "revoked": ("电子健康卡已挂失或作废", "The card was reported lost or revoked"),
        "not_in_alliance": (
            "您所在机构与发卡机构不在同一医联体/医共体",
            "Your institution is not in the issuing institution's medical alliance",
        ),
        "no_institution": ("扫码查看需要所属机构", "Scanning needs an institution"),
    }

    @property
    def message_zh(self) -> str:
        return self.REASONS[self.reason][0]

    @property
    def message_en(self) -> str:
        return self.REASONS[self.reason][1]


def _decode(token: str, now: datetime) -> tuple[str, dict[str, Any]]:
    try:
        claims = jwt.decode(
            token, _key(), algorithms=[ALGORITHM], options={"verify_exp": False, "require": ["typ", "sub", "jti", "iat", "exp"]}
        )
    except jwt.InvalidSignatureError:
        return "tampered", {}
    except jwt.InvalidTokenError:
        return "malformed", {}
    if claims.get("typ") != TOKEN_TYPE:
        return "malformed", {}
    if int(claims["exp"]) <= now.timestamp():
        return "expired", claims
    return "ok", claims


def same_alliance(session: Session, first: uuid.UUID, second: uuid.UUID) -> bool:
    if first == second or second in teams.related_institutions(session, first):
        return True
    theirs = {a.id for a in registry.alliances_of(session, first)}
    return any(a.id in theirs for a in registry.alliances_of(session, second))


def scan_card(session: Session, principal: Principal, token: str, *, now: datetime | None = None) -> ScanOutcome:
    """Check a scanned token and, if good, grant time-limited access. Never raises for a bad card."""
    principal.require(CARD_SCAN)
    now = now or datetime.now(UTC)
    reason, claims = _decode(token.strip(), now)
    card = repository.card_by_token_id(session, str(claims.get("jti"))) if claims else None
    if reason == "ok":
        if card is None or str(card.resident_id) != claims.get("sub"):
            reason = "tampered" if card is not None else "revoked"
        elif card.revoked_at is not None:
            reason = "revoked"
        elif principal.institution_id is None and principal.user_id is not None:
            reason = "no_institution"
        elif principal.institution_id is not None and (
            card.institution_id is None or not same_alliance(session, principal.institution_id, card.institution_id)
        ):
            reason = "not_in_alliance"
    resident_id = card.resident_id if card is not None and reason != "tampered" else None
    if reason != "ok" or card is None:
        audit.record(
            session,
            principal,
            "card_scan_refused",
            "health_card",
            card.id if card else "",
            resident_id=resident_id,
            detail={"reason": reason},
        )
        return ScanOutcome(False, reason, resident_id)
    hours = int(get_setting(session, "contracts.card_access_hours", ACCESS_HOURS))
    until = now + timedelta(hours=hours)
    if principal.user_id is not None:
        session.add(
            CardAccess(
                user_id=principal.user_id,
                username=principal.username,
                resident_id=card.resident_id,
                institution_id=principal.institution_id,
                card_id=card.id,
                granted_at=now,
                expires_at=until,
            )
        )
        session.flush()
    audit.record(session, principal, "card_scan", "health_card", card.id, resident_id=card.resident_id, detail={"until": until.isoformat()})
    return ScanOutcome(True, "ok", card.resident_id, until)


def card_for_view(session: Session, principal: Principal, resident_id: uuid.UUID, base_url: str) -> tuple[HealthCard, str]:
    """The card and the URL its QR code encodes."""
    card = issue_card(session, principal, resident_id)
    if card.deleted_at is not None:
        raise NotFound("电子健康卡", "e-health card")
    return card, card_url(base_url, card_token(card))
