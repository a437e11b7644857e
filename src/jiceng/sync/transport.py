"""HTTP to the parent: OAuth2 client credentials, gzip-compressed JSON, bilingual failures.

The node's credential is a client id and secret issued by the parent (``jiceng nodes
issue``); it is exchanged for a one-hour bearer token, renewed when refused. HTTPS is
used whenever the parent URL says so, verified against the system certificates or
``JICENG_SYNC_CA_FILE``.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import httpx

from jiceng.sync.codec import ENCODING, MEDIA_TYPE, dumps, loads
from jiceng.sync.settings import get_sync_settings


class SyncFailure(Exception):
    """A sync step that did not complete; nothing was half-applied, the next run retries."""

    def __init__(self, code: str, message_zh: str, message_en: str, detail: str = "") -> None:
        super().__init__(f"{code}: {message_en}")
        self.code, self.message_zh, self.message_en, self.detail = code, message_zh, message_en, detail


def encode_token(client_id: str, secret: str) -> str:
    return "jcn_" + base64.urlsafe_b64encode(f"{client_id}:{secret}".encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple[str, str]:
    body = token.strip().removeprefix("jcn_")
    try:
        client_id, _, secret = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        client_id, secret = "", ""
    if not client_id or not secret:
        raise SyncFailure(
            "bad_token", "节点令牌格式不正确，请向上级机构重新申请", "The node token is malformed; ask the parent for a new one"
        )
    return client_id, secret


class Link:
    """One parent, one HTTP client, one bearer token at a time."""

    def __init__(self, url: str, client_id: str, secret: str, client: httpx.Client | None = None) -> None:
        settings = get_sync_settings()
        self.url = url.rstrip("/")
        self.client_id, self.secret = client_id, secret
        verify: Any = str(settings.ca_file) if settings.ca_file else True
        self.http = client or httpx.Client(timeout=settings.timeout_seconds, verify=verify)
        self.timeout = settings.timeout_seconds
        self._token: str | None = None
        self._expires = 0.0
        self._issued = 0.0
        self.sent_bytes = self.received_bytes = 0  # request and response bodies on the wire

    def close(self) -> None:
        self.http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, self.url + path, **kwargs)
        except httpx.TimeoutException as error:
            raise SyncFailure(
                "timeout", "连接上级机构超时，稍后自动重试", "The parent did not answer in time; will retry", repr(error)
            ) from None
        except httpx.TransportError as error:
            raise SyncFailure(
                "unreachable",
                "无法连接上级机构（网络不通或连接中断），稍后自动重试",
                "Cannot reach the parent (no network or connection cut); will retry",
                repr(error),
            ) from None

    def token(self) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        response = self._request(
            "POST",
            "/api/v1/auth/oauth/token",
            data={"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.secret},
        )
        if response.status_code in (400, 401):
            raise SyncFailure(
                "credentials_refused",
                "上级机构拒绝了本节点的凭据（可能已被撤销）",
                "The parent refused this node's credentials (revoked?)",
                response.text[:500],
            )
        _raise_for(response)
        body = response.json()
        self._token = str(body["access_token"])
        self._issued = time.monotonic()
        self._expires = self._issued + max(60, int(body.get("expires_in", 3600)) - 120)
        return self._token

    def _authorized(self, send: Any) -> Any:
        """Call ``send(token)``; on 401 retry: a token just issued may not be committed at the
        parent yet (it answers before committing), an older one may have expired."""
        for attempt in range(6):
            issued_at = self._issued
            response = send(self.token())
            if response.status_code != 401:
                return response
            response.close()
            if time.monotonic() - issued_at > 10:
                self._token = None  # expired or revoked: ask for a new one
            time.sleep(0.1 * (attempt + 1))
        raise SyncFailure("credentials_refused", "上级机构拒绝了访问令牌", "The parent refused the access token", response.text[:500])

    def post(self, path: str, message: dict[str, Any]) -> dict[str, Any]:
        """Send a message; returns the parent's answer."""
        body = dumps(message)

        def send(token: str) -> httpx.Response:
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": MEDIA_TYPE,
                "Content-Encoding": ENCODING,
                "Accept-Encoding": ENCODING,
            }
            if message.get("batch_id"):
                headers["Idempotency-Key"] = str(message["batch_id"])
            return self._request("POST", path, content=body, headers=headers)

        response = self._authorized(send)
        _raise_for(response)
        self.received_bytes += response.num_bytes_downloaded
        self.sent_bytes += len(body)
        return loads(response.content)

    def download(self, path: str, message: dict[str, Any], target: Path) -> int:
        """Stream a file (the snapshot) to ``target``; returns its size in bytes."""

        def send(token: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": MEDIA_TYPE}
            request = self.http.build_request("POST", self.url + path, content=dumps(message), headers=headers, timeout=self.timeout * 10)
            try:
                return self.http.send(request, stream=True)
            except httpx.TransportError as error:
                raise SyncFailure(
                    "unreachable", "下载快照时连接中断", "The connection broke while downloading the snapshot", repr(error)
                ) from None

        response = self._authorized(send)
        try:
            if response.status_code != 200:
                response.read()
                _raise_for(response)
            size = 0
            with target.open("wb") as out:
                for chunk in response.iter_raw():
                    out.write(chunk)
                    size += len(chunk)
            return size
        except httpx.TransportError as error:
            raise SyncFailure(
                "unreachable", "下载快照时连接中断", "The connection broke while downloading the snapshot", repr(error)
            ) from None
        finally:
            response.close()


def _raise_for(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        body = response.json()
    except ValueError:
        body = {}
    zh = str(body.get("message_zh") or body.get("error_description") or "")
    en = str(body.get("message_en") or body.get("error") or "")
    if response.status_code == 403:
        raise SyncFailure("forbidden", f"上级机构拒绝了同步：{zh}", f"The parent refused to sync: {en}", response.text[:500])
    if response.status_code < 500:
        raise SyncFailure("refused", f"上级机构不接受该请求：{zh}", f"The parent rejected the request: {en}", response.text[:1000])
    raise SyncFailure("server_error", "上级机构出错，稍后自动重试", "The parent failed; will retry", response.text[:1000])
