"""The one contract every platform adapter keeps, and the one place adapters are registered.

Callers (moderation, replies, publishing, polling) never talk HTTP themselves: they ask
``get_adapter(channel)`` for the channel's adapter and call its methods. Outgoing actions that must
show a state to the user (pending / done / failed with the platform's message), be paced and be
retried should go through ``somedesk.channels.services.action_request(...)``, which wraps these
methods; the adapter methods themselves are one attempt each and raise ``ChannelError`` subclasses.

Adapters return the plain dataclasses of ``somedesk.channels.types`` and never import the inbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.module_loading import import_string

from somedesk.channels.types import Batch, CommentData, PostData

if TYPE_CHECKING:  # pragma: no cover
    from somedesk.inbox.models import Channel

# Pinned in one place: every Graph URL is built from this.
GRAPH_API_VERSION = "v21.0"


# --- errors -----------------------------------------------------------------------------------------


class ChannelError(Exception):
    """One failed call to a platform, classified. ``message`` is the platform's own text."""

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        error_type: str = "",
        fbtrace_id: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.subcode = subcode
        self.error_type = error_type
        self.fbtrace_id = fbtrace_id
        self.status = status
        self.retry_after = retry_after

    def describe(self) -> str:
        """The platform's message with its codes, as shown to the user."""
        parts = [self.message]
        codes = [
            f"code {self.code}" if self.code is not None else "",
            f"subcode {self.subcode}" if self.subcode else "",
            f"fbtrace_id {self.fbtrace_id}" if self.fbtrace_id else "",
        ]
        codes = [c for c in codes if c]
        if codes:
            parts.append(f"({', '.join(codes)})")
        return " ".join(parts)


class RateLimited(ChannelError):
    """Codes 4, 17, 32, 613, 80001-style throttling or usage headers near 100 %: slow down, retry."""

    retryable = True


class TemporaryError(ChannelError):
    """5xx, timeouts, connection errors, code 1/2 (temporary): retry with jittered backoff."""

    retryable = True


class TokenInvalid(ChannelError):
    """Code 190 (expired / revoked token) or a lost permission (code 10, 200-299): the channel needs
    reconnection and no further calls are made until a new token is given."""


class PermissionLost(TokenInvalid):
    """The page lost a permission the call needs; shown the same way as an expired token."""


class NotFound(ChannelError):
    """The object no longer exists on the platform (code 100 with subcode 33, or HTTP 404)."""


class Rejected(ChannelError):
    """The platform refused the request for good (bad parameter, policy); no retry."""


class NotSupported(ChannelError):
    """The platform has no such operation (e.g. blocking a user on Instagram)."""


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionResult:
    """What one successful outgoing call produced."""

    ok: bool = True
    external_id: str = ""  # id of what was created (reply, post), else the target's id
    message: str = ""  # anything the platform said worth showing
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Page:
    """One page of a listing: the items plus the cursor to continue from (None when done)."""

    batch: Batch
    next_cursor: str | None = None
    post_ids: list[str] = field(default_factory=list)  # the posts seen on this page, for comment listing
    raw: Any = None  # the page exactly as received, kept as a RawEvent before it is applied


@dataclass
class WebhookDelivery:
    """One account's part of a webhook payload: the account (page / IG user) id and what it carries."""

    account_id: str
    batch: Batch
    # Objects the event only names (IG mentions): fetch them before applying.
    fetch_comment_ids: list[str] = field(default_factory=list)


# --- the contract -----------------------------------------------------------------------------------


class ChannelAdapter:
    """Base class of every adapter. One instance per channel; not shared between threads."""

    platform: ClassVar[str] = ""
    supports_block: ClassVar[bool] = False
    supports_unhide: ClassVar[bool] = True

    def __init__(
        self, channel: Channel, token: str = "", *, base_url: str | None = None, timeout: float = 10.0
    ):
        self.channel = channel
        self.account_id = channel.external_id
        self.token = token
        self.base_url = base_url
        self.timeout = timeout

    # reading
    def list_posts(
        self, *, since: datetime | None = None, cursor: str | None = None, limit: int = 25
    ) -> Page:
        raise NotImplementedError

    def list_comments(self, post_external_id: str, *, cursor: str | None = None, limit: int = 100) -> Page:
        raise NotImplementedError

    def fetch_post(self, external_id: str) -> PostData | None:
        raise NotImplementedError

    def fetch_comment(self, external_id: str) -> CommentData | None:
        raise NotImplementedError

    # writing: one attempt each; raise ChannelError subclasses
    def hide_comment(self, external_id: str) -> ActionResult:
        raise NotImplementedError

    def unhide_comment(self, external_id: str) -> ActionResult:
        raise NotImplementedError

    def delete_comment(self, external_id: str) -> ActionResult:
        raise NotImplementedError

    def reply_to_comment(self, external_id: str, text: str) -> ActionResult:
        raise NotImplementedError

    def publish_post(self, text: str, *, link: str = "") -> ActionResult:
        raise NotImplementedError

    def block_user(self, user_external_id: str) -> ActionResult:
        raise NotSupported(f"{self.platform} does not support blocking users")

    # webhooks (no token needed)
    @classmethod
    def parse_webhook(cls, payload: dict[str, Any]) -> list[WebhookDelivery]:
        raise NotImplementedError

    def close(self) -> None:
        pass


# --- the registry -----------------------------------------------------------------------------------

ADAPTERS: dict[str, str] = {
    "facebook": "somedesk.channels.facebook.adapter.FacebookAdapter",
    "instagram": "somedesk.channels.instagram.adapter.InstagramAdapter",
    "local": "somedesk.channels.local.adapter.LocalAdapter",
}


def adapter_class(platform: str) -> type[ChannelAdapter]:
    try:
        return import_string(ADAPTERS[platform])
    except KeyError:
        raise NotSupported(f"no adapter for platform {platform!r}") from None


def get_adapter(channel: Channel) -> ChannelAdapter:
    """The adapter for a channel, with its decrypted token. Raises TokenInvalid without any network
    call when the channel needs reconnection, so nothing calls the platform until a new token is given."""
    from somedesk.channels.services import channel_token

    cls = adapter_class(channel.platform)
    if channel.status == "needs_reconnection":
        raise TokenInvalid(channel.status_message or "The channel needs a new access token.")
    from django.conf import settings

    token = channel_token(channel) if cls.platform != "local" else ""
    return cls(channel, token, timeout=float(getattr(settings, "SOMEDESK_GRAPH_TIMEOUT", 10.0)))
