"""A small client for Meta's Graph API: one attempt per call, errors classified the way the platform
sends them, usage headers kept. Retries and backoff are the caller's business (services), so one slow
channel never blocks a worker in a sleep loop."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings

from somedesk.channels.base import (
    GRAPH_API_VERSION,
    ChannelError,
    NotFound,
    PermissionLost,
    RateLimited,
    Rejected,
    TemporaryError,
    TokenInvalid,
)

# https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ and guides/error-handling
RATE_LIMIT_CODES = {4, 17, 32, 341, 613, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014}
TEMPORARY_CODES = {1, 2}
TOKEN_CODES = {190, 102}
PERMISSION_CODES = {3, 10} | set(range(200, 300))


def classify(status: int, body: Any, headers: httpx.Headers | dict | None = None) -> ChannelError:
    """Turn an error answer into the right ChannelError subclass."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        if status >= 500:
            return TemporaryError(f"HTTP {status} from the Graph API", status=status)
        if status == 404:
            return NotFound(f"HTTP {status}", status=status)
        if status == 429:
            return RateLimited(f"HTTP {status}", status=status)
        return Rejected(f"HTTP {status} from the Graph API", status=status)
    code = _int(error.get("code"))
    subcode = _int(error.get("error_subcode"))
    kwargs = {
        "code": code,
        "subcode": subcode,
        "error_type": str(error.get("type") or ""),
        "fbtrace_id": str(error.get("fbtrace_id") or ""),
        "status": status,
    }
    message = str(error.get("error_user_msg") or error.get("message") or "Graph API error")
    if code in RATE_LIMIT_CODES:
        return RateLimited(message, retry_after=_regain_seconds(headers), **kwargs)
    if code in TOKEN_CODES or (error.get("type") == "OAuthException" and code is None):
        return TokenInvalid(message, **kwargs)
    if code in PERMISSION_CODES:
        return PermissionLost(message, **kwargs)
    if code in TEMPORARY_CODES or error.get("is_transient") or status >= 500:
        return TemporaryError(message, **kwargs)
    if (code == 100 and subcode == 33) or status == 404:
        return NotFound(message, **kwargs)
    return Rejected(message, **kwargs)


def _int(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def parse_usage(headers) -> dict:
    usage: dict[str, Any] = {}
    for name, key in (
        ("x-app-usage", "app"),
        ("x-business-use-case-usage", "business"),
        ("x-page-usage", "page"),
    ):
        raw = headers.get(name) if headers is not None else None
        if raw:
            try:
                usage[key] = json.loads(raw)
            except ValueError:
                continue
    if "page" in usage and "app" not in usage:
        usage["app"] = usage["page"]
    return usage


def _regain_seconds(headers) -> float | None:
    usage = parse_usage(headers) if headers is not None else {}
    minutes = 0
    for entries in (usage.get("business") or {}).values():
        for entry in entries if isinstance(entries, list) else [entries]:
            minutes = max(minutes, _int(entry.get("estimated_time_to_regain_access")) or 0)
    return minutes * 60.0 if minutes else None


def parse_time(value) -> datetime | None:
    """Graph times: ISO 8601 with +0000 (``2026-11-01T12:00:00+0000``) or unix seconds (webhooks)."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    text = str(value)
    if text.isdigit():
        return datetime.fromtimestamp(int(text), tz=UTC)
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class GraphClient:
    """One Graph API connection for one token. The token travels in the Authorization header, so it
    never appears in URLs or access logs."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 10.0,
        version: str = GRAPH_API_VERSION,
    ):
        self.token = token
        root = (base_url or settings.META_GRAPH_URL).rstrip("/")
        self.base = f"{root}/{version}"
        self.http = httpx.Client(timeout=timeout, headers={"Authorization": f"Bearer {token}"})
        self.last_usage: dict = {}

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, *, params: dict | None = None, data: dict | None = None) -> Any:
        url = path if path.startswith("http") else f"{self.base}/{path.lstrip('/')}"
        try:
            response = self.http.request(method, url, params=params, data=data)
        except httpx.TimeoutException as exc:
            raise TemporaryError(f"timeout calling the Graph API ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise TemporaryError(f"could not reach the Graph API ({type(exc).__name__})") from None
        self.last_usage = parse_usage(response.headers) or self.last_usage
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or (isinstance(body, dict) and "error" in body):
            raise classify(response.status_code, body, response.headers)
        if body is None:
            raise TemporaryError(f"unreadable answer from the Graph API (HTTP {response.status_code})")
        return body

    def get(self, path: str, **params) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, **data) -> Any:
        return self.request("POST", path, data=data)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    @staticmethod
    def next_cursor(body: dict) -> str | None:
        """The `after` cursor when there is a next page (Graph leaves out `next` on the last one)."""
        paging = body.get("paging") or {}
        if not paging.get("next"):
            return None
        return (paging.get("cursors") or {}).get("after") or None


class GraphAdapterMixin:
    """Shared by the Facebook and Instagram adapters: a lazily opened client and its usage headers."""

    token: str
    base_url: str | None
    timeout: float
    _client: GraphClient | None = None

    @property
    def graph(self) -> GraphClient:
        if self._client is None:
            if not self.token:
                raise TokenInvalid("no access token")
            self._client = GraphClient(self.token, base_url=self.base_url, timeout=self.timeout)
        return self._client

    @property
    def last_usage(self) -> dict:
        return self._client.last_usage if self._client is not None else {}

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
