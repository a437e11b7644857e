"""Consent attachments: a signature image or a scan of the signed paper contract.

Files are checked by their content, not their name or declared type: PNG or JPEG
(decoded with Pillow, size-limited) for signatures; PNG, JPEG or PDF (without
active content) for scans. They are stored in the database (so they sync and back
up with the contract) and served only as downloads with their sniffed type.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import uuid

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from jiceng.contracts.models import Consent
from jiceng.contracts.permissions import WRITE
from jiceng.core import audit
from jiceng.core.errors import FieldError, ValidationFailed
from jiceng.core.region_config import get_setting
from jiceng.core.security import Principal

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000
ALLOWED = {"signature": ("image/png", "image/jpeg"), "paper_scan": ("image/png", "image/jpeg", "application/pdf")}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}
PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction", b"/AA")


def _error(code: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldError("consent_file", code, f"知情同意附件：{zh}", f"Consent attachment: {en}")])


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _check_image(data: bytes, content_type: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            expected = "PNG" if content_type == "image/png" else "JPEG"
            if image.format != expected or width * height > MAX_PIXELS:
                raise _error("invalid_image", "图片格式不符或尺寸过大", "the image is malformed or too large")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as broken:
        raise _error("invalid_image", "图片无法读取或已损坏", "the image cannot be read or is damaged") from broken


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise _error("invalid_pdf", "PDF 文件不完整", "the PDF is incomplete")
    if any(marker in data for marker in PDF_ACTIVE):
        raise _error(
            "active_pdf", "PDF 含有脚本或嵌入文件，请重新扫描为图片或普通 PDF", "the PDF contains scripts or embedded files; scan it again"
        )


def safe_filename(name: str, content_type: str) -> str:
    stem = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip("._")[:80] or "consent"
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return f"{stem}.{EXTENSIONS[content_type]}"


def store_consent(session: Session, principal: Principal, kind: str, data: bytes, filename: str = "") -> Consent:
    """Validate and keep an uploaded consent file; returns the stored attachment."""
    principal.require(WRITE)
    if kind not in ALLOWED:
        raise ValidationFailed(
            [
                FieldError(
                    "consent_kind",
                    "unknown_code",
                    "知情同意方式：应为签名图片或纸质协议扫描件",
                    "Consent: must be a signature image or a paper scan",
                )
            ]
        )
    limit = int(get_setting(session, "contracts.consent_max_bytes", MAX_BYTES))
    if not data:
        raise _error("required", "请选择文件", "choose a file")
    if len(data) > limit:
        raise _error("too_large", f"文件不能超过 {limit // 1024} KB", f"the file must not exceed {limit // 1024} KB")
    content_type = sniff(data)
    if content_type not in ALLOWED[kind]:
        allowed = "PNG/JPEG" if kind == "signature" else "PNG/JPEG/PDF"
        raise _error("unsupported_type", f"只接受 {allowed} 文件", f"only {allowed} files are accepted")
    if content_type == "application/pdf":
        _check_pdf(data)
    else:
        _check_image(data, content_type)
    consent = Consent(
        kind=kind,
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=principal.username,
    )
    session.add(consent)
    session.flush()
    audit.record(session, principal, "upload", "contract_consent", consent.id, detail={"kind": kind, "size": len(data)})
    return consent


def signature_from_data_url(session: Session, principal: Principal, data_url: str) -> Consent:
    """A signature drawn on the signing page (a PNG data URL from the canvas)."""
    match = re.fullmatch(r"data:image/png;base64,([A-Za-z0-9+/=\s]+)", data_url.strip())
    if not match:
        raise _error("invalid_image", "签名数据无效", "the signature data is invalid")
    try:
        data = base64.b64decode(match[1], validate=False)
    except (binascii.Error, ValueError) as broken:
        raise _error("invalid_image", "签名数据无效", "the signature data is invalid") from broken
    return store_consent(session, principal, "signature", data, "signature.png")


def consent_id_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
