"""Webhook endpoints for Meta (Facebook Page and Instagram).

Order matters: size limit, then the X-Hub-Signature-256 HMAC of the raw bytes (constant-time), and
only then anything else. A refused request leaves nothing but a counter. An accepted one is stored
as a RawEvent and answered at once; the worker applies it."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from somedesk.channels.models import WebhookCounter
from somedesk.channels.services import webhook_count

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # 1 MB; Meta's payloads are far smaller


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


def _receive(request, platform: str) -> HttpResponse:
    from somedesk.channels.tasks import raw_event_wake
    from somedesk.inbox.services import raw_event_store

    if request.method == "GET":
        return _verify(request, platform)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        webhook_count(platform, WebhookCounter.Kind.TOO_LARGE)
        return HttpResponse("payload too large", status=413)
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        webhook_count(platform, WebhookCounter.Kind.TOO_LARGE)
        return HttpResponse("payload too large", status=413)
    header = request.headers.get("X-Hub-Signature-256", "")
    if not header:
        webhook_count(platform, WebhookCounter.Kind.MISSING_SIGNATURE)
        return HttpResponseForbidden("missing signature")
    if not settings.META_APP_SECRET:
        log.error("META_APP_SECRET is not set: webhook events cannot be verified and are refused")
    if not signature_valid(body, header, settings.META_APP_SECRET):
        webhook_count(platform, WebhookCounter.Kind.BAD_SIGNATURE)
        return HttpResponseForbidden("bad signature")
    with transaction.atomic():
        event, created = raw_event_store(source="webhook", body=body, platform=platform)
        webhook_count(platform, WebhookCounter.Kind.ACCEPTED if created else WebhookCounter.Kind.DUPLICATE)
    if created:
        try:
            raw_event_wake(event.pk)
        except Exception:  # the event is stored; the sweep applies it if the queue is unavailable
            log.exception("could not enqueue raw event %s", event.pk)
    return HttpResponse("EVENT_RECEIVED", content_type="text/plain")


@csrf_exempt
def facebook(request):
    return _receive(request, "facebook")


@csrf_exempt
def instagram(request):
    return _receive(request, "instagram")
