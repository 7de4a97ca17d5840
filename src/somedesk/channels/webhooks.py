"""Webhook endpoints for Meta (Facebook Page and Instagram).

Order matters: size limit, then the X-Hub-Signature-256 HMAC of the raw bytes (constant-time), and
only then anything else. A refused request leaves nothing but a counter. An accepted one is stored
as a RawEvent and answered at once; the worker's follow loop applies it (``somedesk worker``).

The POST path is the hot one (Meta sends every comment, edit and reaction of a busy page), so it is
kept lean: `receive_post` is one INSERT ... ON CONFLICT DO NOTHING in autocommit, no ORM query
building, no counter UPDATE for an accepted event (accepted events are counted from their RawEvent
rows, see `selectors.webhook_counters`), and no queue round trip (the worker polls an indexed
"pending" query). `somedesk.channels.middleware.WebhookMiddleware` calls it before the session,
locale, CSRF, auth and messages middleware; the views below call the same function when that
middleware is not installed, so the behaviour is the same either way."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import connections
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from somedesk.channels.models import WebhookCounter
from somedesk.channels.services import webhook_count
from somedesk.lib.text import content_hash

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # 1 MB; Meta's payloads are far smaller
PLATFORMS = ("facebook", "instagram")


def signature_valid(body: bytes, header: str, secret: str) -> bool:
    if not secret or not header:
        return False
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("utf-8", "replace"))


def sign(body: bytes, secret: str) -> str:
    """The header value Meta would send for this body (used by the fake Graph API and the bench)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _verify(request, platform: str) -> HttpResponse:
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    expected = settings.META_VERIFY_TOKEN
    if mode == "subscribe" and expected and hmac.compare_digest(token.encode(), expected.encode()):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    webhook_count(platform, WebhookCounter.Kind.VERIFY_FAILED)
    return HttpResponseForbidden("verification failed")


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain", status=status)
    # The middleware answers before XFrameOptionsMiddleware runs; SecurityMiddleware (before it) sets
    # nosniff, the referrer policy and HSTS.
    response.headers["X-Frame-Options"] = "DENY"
    return response


def receive_post(request, platform: str) -> HttpResponse:
    """One webhook POST: size limit, signature, store, answer."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        webhook_count(platform, WebhookCounter.Kind.TOO_LARGE)
        return _plain("payload too large", 413)
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        webhook_count(platform, WebhookCounter.Kind.TOO_LARGE)
        return _plain("payload too large", 413)
    header = request.META.get("HTTP_X_HUB_SIGNATURE_256", "")
    if not header:
        webhook_count(platform, WebhookCounter.Kind.MISSING_SIGNATURE)
        return _plain("missing signature", 403)
    secret = settings.META_APP_SECRET
    if not secret:
        log.error("META_APP_SECRET is not set: webhook events cannot be verified and are refused")
    if not signature_valid(body, header, secret):
        webhook_count(platform, WebhookCounter.Kind.BAD_SIGNATURE)
        return _plain("bad signature", 403)
    if raw_event_insert(platform, body):
        _apply_now_if_immediate()
    else:
        webhook_count(platform, WebhookCounter.Kind.DUPLICATE)
    return _plain("EVENT_RECEIVED")


def raw_event_insert(platform: str, body: bytes) -> bool:
    """Store a verified webhook body as a pending RawEvent; False when the same body (same content
    hash) is already stored, which then changes nothing.

    The same row `inbox.services.raw_event_store` writes (the body as UTF-8 text with surrogateescape,
    the hash of the raw bytes), as one autocommitted ``INSERT ... ON CONFLICT DO NOTHING`` on the
    unique (source, content_hash) constraint: no SELECT first, no savepoint, and two concurrent
    deliveries of the same body cannot both insert."""
    from somedesk.inbox.models import RawEvent

    connection = connections[RawEvent.objects.db]
    text = body.decode("utf-8", "surrogateescape")
    digest = content_hash(body)  # the dedupe key raw_event_store uses: the two paths must agree
    received = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(connection),
            [RawEvent.Source.WEBHOOK, platform, received, text, digest, RawEvent.Status.PENDING, ""],
        )
        return cursor.rowcount == 1


def _insert_sql(connection) -> str:
    from somedesk.inbox.models import RawEvent

    table = connection.ops.quote_name(RawEvent._meta.db_table)
    return (
        f"INSERT INTO {table} (source, platform, channel_id, received_at, body, content_hash, status, "
        "applied_at, error) VALUES (%s, %s, NULL, %s, %s, %s, %s, NULL, %s) "
        "ON CONFLICT (source, content_hash) DO NOTHING"
    )


def _apply_now_if_immediate() -> None:
    """When huey runs immediately (tests, HUEY_IMMEDIATE) there is no worker loop: apply now."""
    from huey.contrib.djhuey import HUEY

    if HUEY.immediate:
        from somedesk.channels.services import raw_events_drain

        try:
            raw_events_drain()
        except Exception:  # the event is stored; the sweep applies it
            log.exception("could not apply webhook events")


def _receive(request, platform: str) -> HttpResponse:
    if request.method == "GET":
        return _verify(request, platform)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    return receive_post(request, platform)


@csrf_exempt
def facebook(request):
    return _receive(request, "facebook")


@csrf_exempt
def instagram(request):
    return _receive(request, "instagram")
