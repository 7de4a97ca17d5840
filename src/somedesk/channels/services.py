"""Every write of the channels app: connecting channels, storing tokens, pacing and performing outgoing
actions, applying raw events. Webhook views, huey tasks and commands are thin calls into here."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from somedesk.channels import crypto
from somedesk.channels.base import (
    ChannelError,
    RateLimited,
    TokenInvalid,
    get_adapter,
)
from somedesk.channels.models import ChannelConnection, OutgoingAction, WebhookCounter

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = 2.0  # seconds
BACKOFF_MAX = 15 * 60.0


def _after_commit(func) -> None:
    """Enqueue work once the caller's transaction commits, so the worker sees the rows. When huey runs
    immediately (tests, `HUEY_IMMEDIATE`), run it now: there is no other process to miss the rows."""
    from huey.contrib.djhuey import HUEY

    if HUEY.immediate:
        func()
    else:
        transaction.on_commit(func)


# --- tokens and connection state ---------------------------------------------------------------------


def connection_for(channel) -> ChannelConnection:
    conn, _created = ChannelConnection.objects.get_or_create(channel=channel)
    return conn


def channel_token(channel) -> str:
    conn = ChannelConnection.objects.filter(channel=channel).first()
    if conn is None or not conn.token_encrypted:
        raise TokenInvalid(_("Kanalen har ingen tilgangsnøkkel."))
    return crypto.decrypt(conn.token_encrypted)


def channel_set_token(channel, token: str, *, actor=None) -> ChannelConnection:
    """Store a (new) token, encrypted; a channel that needed reconnection becomes active again and its
    waiting actions and events are resumed."""
    from somedesk.audit.services import record

    token = token.strip()
    if not token:
        raise ValueError(_("Tilgangsnøkkelen kan ikke være tom."))
    encrypted = crypto.encrypt(token)  # refuses clearly when SOMEDESK_FERNET_KEY is missing
    with transaction.atomic():
        conn = connection_for(channel)
        conn.token_encrypted = encrypted
        conn.token_updated_at = timezone.now()
        conn.backoff_until = None
        conn.backoff_level = 0
        conn.last_error = ""
        conn.save()
        was = channel.status
        channel.status = "active"
        channel.status_message = ""
        channel.save(update_fields=["status", "status_message"])
        record(
            actor,
            "channel.token_set",
            channel,
            {"status": [was, "active"]},
            organisation=channel.organisation,
        )
    return conn


def channel_mark_needs_reconnection(channel, message: str) -> None:
    """Stop calling the platform for this channel until a new token is given; shown in the UI."""
    from somedesk.audit.services import record

    with transaction.atomic():
        updated = (
            type(channel)
            .objects.filter(pk=channel.pk)
            .exclude(status="needs_reconnection")
            .update(status="needs_reconnection", status_message=message[:2000])
        )
        channel.status, channel.status_message = "needs_reconnection", message[:2000]
        if updated:
            record(
                None,
                "channel.needs_reconnection",
                channel,
                {"message": message[:500]},
                organisation=channel.organisation,
                actor_label="system",
            )
    log.warning("channel %s needs reconnection: %s", channel.pk, message)


def _jitter(seconds: float) -> float:
    return seconds * (0.5 + random.random())  # full jitter between 50 % and 150 %


def backoff_seconds(level: int) -> float:
    return min(BACKOFF_MAX, BACKOFF_BASE * (2 ** max(0, level)))


def channel_throttle(channel, exc: RateLimited | None = None, *, seconds: float | None = None) -> float:
    """Slow the channel down after a rate-limit answer (or high usage headers). Returns the wait."""
    conn = connection_for(channel)
    if seconds is None:
        seconds = (
            exc.retry_after if exc is not None and exc.retry_after else backoff_seconds(conn.backoff_level)
        )
    seconds = _jitter(seconds)
    conn.backoff_until = timezone.now() + timedelta(seconds=seconds)
    conn.backoff_level = min(conn.backoff_level + 1, 12)
    conn.last_error = (
        exc.describe() if exc is not None else _("Høyt forbruk av API-kvoten; farten er satt ned.")
    )
    conn.save(update_fields=["backoff_until", "backoff_level", "last_error"])
    return seconds


def channel_backoff_remaining(channel) -> float:
    conn = ChannelConnection.objects.filter(channel=channel).only("backoff_until").first()
    if conn is None or conn.backoff_until is None:
        return 0.0
    return max(0.0, (conn.backoff_until - timezone.now()).total_seconds())


def note_usage(channel, usage: dict) -> None:
    """Keep the last usage headers; above 80 % of any quota the channel pauses before the next call."""
    if not usage:
        return
    conn = connection_for(channel)
    conn.usage = usage
    fields = ["usage"]
    pressure, regain = usage_pressure(usage)
    if pressure >= 80:
        wait = regain * 60 if regain else backoff_seconds(max(0, int((pressure - 80) / 5)))
        conn.backoff_until = timezone.now() + timedelta(seconds=wait)
        fields.append("backoff_until")
    elif conn.backoff_level:
        conn.backoff_level = 0
        fields.append("backoff_level")
    conn.save(update_fields=fields)


def usage_pressure(usage: dict) -> tuple[int, int]:
    """Highest percentage in X-App-Usage / X-Business-Use-Case-Usage and the minutes to regain access."""
    highest, regain = 0, 0
    app = usage.get("app") or {}
    for key in ("call_count", "total_cputime", "total_time"):
        highest = max(highest, int(app.get(key) or 0))
    for entries in (usage.get("business") or {}).values():
        for entry in entries if isinstance(entries, list) else [entries]:
            for key in ("call_count", "total_cputime", "total_time"):
                highest = max(highest, int(entry.get(key) or 0))
            regain = max(regain, int(entry.get("estimated_time_to_regain_access") or 0))
    return highest, regain


def webhook_count(platform: str, kind: str, n: int = 1) -> None:
    now = timezone.now()
    updated = WebhookCounter.objects.filter(platform=platform, kind=kind).update(
        count=F("count") + n, last_at=now
    )
    if not updated:
        try:
            with transaction.atomic():
                WebhookCounter.objects.create(platform=platform, kind=kind, count=n, last_at=now)
        except Exception:  # created concurrently: add to it
            WebhookCounter.objects.filter(platform=platform, kind=kind).update(
                count=F("count") + n, last_at=now
            )


# --- outgoing actions --------------------------------------------------------------------------------

PACED_KINDS = {OutgoingAction.Kind.REPLY}


def action_request(
    channel, kind: str, *, target_external_id: str = "", text: str = "", actor=None, run: bool = True
) -> OutgoingAction:
    """Ask the platform to do something (hide, unhide, delete, reply, publish, block).

    The action is stored as pending first, so it is visible at once and survives a crash; it is then
    performed by the worker (or at once when huey runs immediately, as in tests). Read its state
    afterwards with ``action.refresh_from_db()``: done (with ``result_external_id``) or failed with the
    platform's message. Actions wait (stay pending) while the channel is rate limited, paced or needs
    reconnection."""
    from somedesk.audit.services import record

    if kind not in OutgoingAction.Kind.values:
        raise ValueError(f"unknown action {kind!r}")
    with transaction.atomic():
        action = OutgoingAction.objects.create(
            channel=channel,
            kind=kind,
            target_external_id=target_external_id,
            text=text,
            requested_by=actor if getattr(actor, "pk", None) else None,
        )
        record(
            actor,
            f"channel_action.{kind}",
            action,
            {"target": target_external_id},
            organisation=channel.organisation,
        )
    if run:
        from somedesk.channels.tasks import action_run_task

        _after_commit(lambda: action_run_task(action.pk))
    return action


def _reply_slot_wait(action: OutgoingAction, conn: ChannelConnection) -> float:
    """Seconds until another public reply may go out on this page (sliding one-minute window)."""
    window_start = timezone.now() - timedelta(seconds=60)
    # Sent ones and the one in flight (pending with done_at set at its claim) both use a slot.
    recent = list(
        OutgoingAction.objects.filter(
            channel_id=action.channel_id, kind__in=PACED_KINDS, done_at__gte=window_start
        )
        .exclude(state=OutgoingAction.State.FAILED)
        .order_by("done_at")
        .values_list("done_at", flat=True)
    )
    limit = max(1, conn.replies_per_minute)
    if len(recent) < limit:
        return 0.0
    oldest = recent[len(recent) - limit]
    return max(0.05, (oldest + timedelta(seconds=60) - timezone.now()).total_seconds())


def action_perform(action_id: int) -> OutgoingAction:
    """One attempt at an outgoing action. Safe to call twice: only a pending action is attempted, and
    the claim is a conditional update so two workers never send the same action."""
    action = OutgoingAction.objects.select_related("channel").get(pk=action_id)
    if action.state != OutgoingAction.State.PENDING:
        return action
    channel = action.channel
    now = timezone.now()
    if action.not_before and action.not_before > now:
        return action
    conn = connection_for(channel)
    if channel.status == "needs_reconnection":
        _action_wait(action, _("Venter på at kanalen kobles til på nytt."), None)
        return action
    if conn.backoff_until and conn.backoff_until > now:
        _action_wait(action, _("Venter: plattformen har bedt oss sette ned farten."), conn.backoff_until)
        return action
    if action.kind in PACED_KINDS:
        with transaction.atomic():  # IMMEDIATE on SQLite / row lock on PG: one pacing decision at a time
            ChannelConnection.objects.select_for_update().filter(pk=conn.pk).first()
            wait = _reply_slot_wait(action, conn)
            if wait > 0:
                _action_wait(
                    action,
                    _("Venter på tur: høyst %(n)s offentlige svar i minuttet.")
                    % {"n": conn.replies_per_minute},
                    now + timedelta(seconds=wait),
                )
                return action
            # Claim the slot: done_at marks it in the window even before the call returns; the state
            # stays pending until the platform has answered, so a crash never shows it as done.
            claimed = OutgoingAction.objects.filter(
                pk=action.pk, state=OutgoingAction.State.PENDING, attempts=action.attempts
            ).update(attempts=F("attempts") + 1, done_at=timezone.now())
    else:
        claimed = OutgoingAction.objects.filter(
            pk=action.pk, state=OutgoingAction.State.PENDING, attempts=action.attempts
        ).update(attempts=F("attempts") + 1)
    if not claimed:
        action.refresh_from_db()
        return action
    action.refresh_from_db()
    try:
        adapter = get_adapter(channel)
        method = {
            "hide": lambda: adapter.hide_comment(action.target_external_id),
            "unhide": lambda: adapter.unhide_comment(action.target_external_id),
            "delete": lambda: adapter.delete_comment(action.target_external_id),
            "reply": lambda: adapter.reply_to_comment(action.target_external_id, action.text),
            "publish": lambda: adapter.publish_post(action.text),
            "block": lambda: adapter.block_user(action.target_external_id),
        }[action.kind]
        result = method()
        note_usage(channel, getattr(adapter, "last_usage", {}) or {})
    except TokenInvalid as exc:
        channel_mark_needs_reconnection(channel, exc.describe())
        _action_wait(action, exc.describe(), None, reopen=True)
        return action
    except RateLimited as exc:
        wait = channel_throttle(channel, exc)
        _action_wait(action, exc.describe(), timezone.now() + timedelta(seconds=wait), reopen=True)
        return action
    except ChannelError as exc:
        if exc.retryable and action.attempts < MAX_ATTEMPTS:
            wait = _jitter(backoff_seconds(action.attempts))
            _action_wait(action, exc.describe(), timezone.now() + timedelta(seconds=wait), reopen=True)
        else:
            _action_finish(action, OutgoingAction.State.FAILED, exc.describe())
        return action
    _action_finish(action, OutgoingAction.State.DONE, result.message, result.external_id)
    return action


def _action_wait(action, message, not_before, *, reopen=False):
    fields = {"platform_message": message, "not_before": not_before}
    if reopen:
        fields.update(state=OutgoingAction.State.PENDING, done_at=None)
    OutgoingAction.objects.filter(pk=action.pk).update(**fields)
    action.refresh_from_db()
    if not_before is not None:
        from somedesk.channels.tasks import action_run_later

        action_run_later(action.pk, not_before)


def _action_finish(action, state, message="", result_id=""):
    from somedesk.audit.services import record

    with transaction.atomic():
        OutgoingAction.objects.filter(pk=action.pk).update(
            state=state,
            platform_message=message,
            result_external_id=result_id or "",
            done_at=timezone.now(),
            not_before=None,
        )
        action.refresh_from_db()
        record(
            None,
            f"channel_action.{state}",
            action,
            {"message": message[:500], "result": result_id},
            organisation=action.channel.organisation,
            actor_label="system",
        )


def actions_resume(channel=None) -> int:
    """Run every pending action that is due (periodic task; also after a reconnection)."""
    qs = OutgoingAction.objects.filter(state=OutgoingAction.State.PENDING).exclude(
        not_before__gt=timezone.now()
    )
    if channel is not None:
        qs = qs.filter(channel=channel)
    n = 0
    for pk in qs.order_by("id").values_list("pk", flat=True)[:500]:
        action_perform(pk)
        n += 1
    return n


# --- connecting channels -----------------------------------------------------------------------------


def channel_connect(
    *,
    organisation,
    platform: str,
    external_id: str,
    name: str,
    token: str = "",
    actor=None,
    webhookless: bool = False,
    backfill_days: int | None = None,
):
    """Connect a Facebook page / Instagram account (or a `local` demo channel): create or update the
    channel, store its token encrypted, apply webhook events that waited for it, and start a backfill."""
    from somedesk.audit.services import record
    from somedesk.inbox.models import Channel

    if platform != "local" and not token:
        raise ValueError(_("En tilgangsnøkkel må oppgis for %(platform)s.") % {"platform": platform})
    if token:
        crypto.encrypt("check")  # fail clearly before anything is written when the key is missing
    with transaction.atomic():
        channel, created = Channel.objects.get_or_create(
            platform=platform,
            external_id=external_id,
            defaults={"organisation": organisation, "name": name, "status": "active"},
        )
        if channel.organisation_id != organisation.pk:
            raise ValueError(_("Kanalen tilhører en annen organisasjon."))
        if not created and name and channel.name != name:
            channel.name = name
            channel.save(update_fields=["name"])
        conn = connection_for(channel)
        if webhookless != conn.webhookless:
            conn.webhookless = webhookless
            conn.save(update_fields=["webhookless"])
        record(
            actor,
            "channel.connected" if created else "channel.updated",
            channel,
            {"platform": platform, "external_id": external_id},
            organisation=organisation,
        )
        if token:
            channel_set_token(channel, token, actor=actor)
        elif channel.status == "pending":
            channel.status = "active"
            channel.save(update_fields=["status"])
    from somedesk.channels.tasks import channel_backfill_task, raw_events_resume_task

    _after_commit(lambda: raw_events_resume_task(channel.pk))
    if platform != "local" and backfill_days:
        _after_commit(lambda: channel_backfill_task(channel.pk, backfill_days))
    return channel


def channel_set_webhookless(channel, enabled: bool = True) -> None:
    """Demo mode without webhooks: polling is the only way in and runs every minute."""
    conn = connection_for(channel)
    conn.webhookless = enabled
    conn.save(update_fields=["webhookless"])


# --- applying raw events -----------------------------------------------------------------------------


def raw_event_apply(event_id: int) -> str:
    """Apply one stored webhook event to the inbox, exactly once.

    The claim and the effect are one transaction: the event row is locked (IMMEDIATE on SQLite, FOR
    UPDATE on PostgreSQL), re-checked to be pending or waiting, applied through the idempotent
    ``ingest_batch`` and marked applied before commit. A worker killed half-way leaves the event
    pending, and the sweep applies it again; a second worker finds it applied and does nothing.
    Anything fetched from the network (IG mentions) is fetched before the transaction opens."""
    from somedesk.channels.base import adapter_class
    from somedesk.inbox.models import Channel, RawEvent

    event = RawEvent.objects.filter(pk=event_id).only("id", "status", "platform", "body").first()
    if event is None or event.status not in (RawEvent.Status.PENDING, RawEvent.Status.WAITING):
        return "skipped"
    try:
        payload = json.loads(event.body)
        deliveries = adapter_class(event.platform).parse_webhook(payload)
    except (ValueError, KeyError, TypeError, AttributeError, ChannelError) as exc:
        RawEvent.objects.filter(pk=event.pk, status__in=["pending", "waiting"]).update(
            status=RawEvent.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return "failed"
    channels = {
        c.external_id: c
        for c in Channel.objects.filter(
            platform=event.platform, external_id__in=[d.account_id for d in deliveries]
        )
    }
    problems: list[str] = []
    for delivery in deliveries:
        channel = channels.get(delivery.account_id)
        if delivery.fetch_comment_ids and channel is not None and channel.status == "active":
            try:
                _fetch_named(channel, delivery)
            except TokenInvalid as exc:
                channel_mark_needs_reconnection(channel, exc.describe())
                problems.append(exc.describe())
            except ChannelError as exc:
                if isinstance(exc, RateLimited):
                    channel_throttle(channel, exc)
                problems.append(exc.describe())
    return _raw_event_commit(event.pk, deliveries, channels, problems)


def _fetch_named(channel, delivery) -> None:
    adapter = get_adapter(channel)
    try:
        for ref in list(delivery.fetch_comment_ids):
            comment_id, _sep, media_id = ref.partition(":")
            fetch = getattr(adapter, "fetch_mention", None) or adapter.fetch_comment
            comment = fetch(comment_id, media_id)
            if comment is not None:
                delivery.batch.comments.append(comment)
            delivery.fetch_comment_ids.remove(ref)
    finally:
        adapter.close()


def _raw_event_commit(event_id, deliveries, channels, problems) -> str:
    from somedesk.inbox.models import RawEvent
    from somedesk.inbox.services import ingest_batch

    with transaction.atomic():
        event = RawEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.status not in (RawEvent.Status.PENDING, RawEvent.Status.WAITING):
            return "skipped"
        waiting = list(problems)
        applied_any = False
        for delivery in deliveries:
            channel = channels.get(delivery.account_id)
            if channel is None or channel.status == "pending":
                waiting.append(f"no connected channel for {event.platform} account {delivery.account_id}")
                continue
            if delivery.fetch_comment_ids:
                continue  # could not fetch yet; counted in problems
            if delivery.batch.posts or delivery.batch.comments:
                ingest_batch(channel, delivery.batch, source="webhook", raw_event=event)
            applied_any = True
            if event.channel_id is None:
                event.channel = channel
        if waiting:
            event.status = RawEvent.Status.WAITING
            event.error = "; ".join(waiting)[:2000]
            event.applied_at = None
        else:
            event.status = RawEvent.Status.APPLIED
            event.error = ""
            event.applied_at = event.applied_at or timezone.now()
        event.save(update_fields=["status", "error", "applied_at", "channel"])
    return "applied" if not waiting else ("partial" if applied_any else "waiting")


DRAIN_LIMIT = 100  # events per transaction: short enough that webhook writes never wait long


def raw_events_drain(limit: int = DRAIN_LIMIT) -> int:
    """Apply every pending webhook event, oldest first, many per transaction.

    Under load this is what keeps up: one claim of up to `limit` events, their comments combined into
    as few ``ingest_batch`` calls as keep each object once per call (so an edit and its add still make
    a revision), and all of them marked applied in the same transaction. Exactly once: a worker killed
    half-way rolls the whole transaction back and the events stay pending; on PostgreSQL concurrent
    drains skip each other's locked rows, on SQLite the IMMEDIATE transaction serialises them.
    Events that need the network (IG mentions) or a channel that is not connected go one by one
    through ``raw_event_apply`` afterwards."""
    # One drain per process at a time: a second thread only asks the running one to go round again,
    # instead of queueing on the database's write lock (SQLite's busy handler sleeps in steps).
    _drain_again.set()
    total = 0
    while True:
        if not _drain_lock.acquire(blocking=False):
            return total
        try:
            while _drain_again.is_set():
                _drain_again.clear()
                total += _drain_all(limit)
        finally:
            _drain_lock.release()
        if not _drain_again.is_set():
            return total


_drain_lock = threading.Lock()
_drain_again = threading.Event()


FOLLOW_INTERVAL = 0.02  # seconds between two looks for pending events when there were none
# Under load, drains start at most this often, so each takes a batch: a drain transaction has a fixed
# cost (the comments_stored receivers' queries: 15-25 ms of CPU on a 2-vCPU VM, more on PostgreSQL)
# that one-event batches would pay per event. An event arriving when the worker was idle is applied
# without this wait. Measured with bench/webhooks.py at 200 events/s: 0.05 s made batches so small
# that the worker fell behind (p90 2.3 s on SQLite); 0.1 s kept up.
FOLLOW_GATHER = 0.1


def raw_events_pending() -> bool:
    """Is any webhook event waiting to be applied? One indexed probe (rawevent_status on (status, id)),
    cheap enough to ask every FOLLOW_INTERVAL."""
    from django.db import connection

    from somedesk.inbox.models import RawEvent

    table = connection.ops.quote_name(RawEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE status = %s AND source = %s LIMIT 1",
            [RawEvent.Status.PENDING, RawEvent.Source.WEBHOOK],
        )
        return cursor.fetchone() is not None


def raw_events_follow(
    stop: threading.Event, interval: float = FOLLOW_INTERVAL, gather: float = FOLLOW_GATHER
) -> int:
    """The worker's webhook loop: apply pending events as soon as they appear, until `stop` is set.

    The webhook POST only stores its event; this loop finds it within `interval` (a short poll of an
    indexed query, ~50 tiny reads a second when idle) and drains everything pending in as few
    transactions as `raw_events_drain` allows. Under a steady stream, drains start at most every
    `gather` seconds, so each applies a batch instead of paying a transaction's fixed cost per event.
    No queue round trip per request, and nothing to lose: the RawEvent row is the record, a killed
    loop leaves its events pending for the next start (and the minute tick). Returns how many events
    it applied."""
    from django.db import connection

    total = 0
    last_start = -gather
    while not stop.is_set():
        try:
            if raw_events_pending():
                wait = last_start + gather - time.monotonic()
                if wait > 0 and stop.wait(wait):
                    break
                last_start = time.monotonic()
                applied = raw_events_drain()
                total += applied
                if applied:
                    continue  # look again at once: more may have arrived while draining
                # none applied: another process (PostgreSQL) or thread holds them; look again later
        except Exception:
            log.exception("applying webhook events failed; retrying in a second")
            connection.close()  # a broken connection is opened anew on the next look
            stop.wait(1.0)
        stop.wait(interval)
    connection.close()
    return total


# How long one drain transaction may hold SQLite's single write lock. 0.05 s split a 0.1 s batch (see
# FOLLOW_GATHER) in two whenever the machine was busy, and the second half waited for the pause and a
# second transaction's fixed cost: bench/webhooks.py p99 191-281 ms at 0.05 s, 145-169 ms at 0.1 s.
# A webhook request waiting for the lock is answered later, but its event is not applied later.
DRAIN_TARGET_SECONDS = 0.1
DRAIN_PAUSE_SQLITE = 0.025  # between two drain transactions on SQLite (see _drain_all)


def _drain_all(limit: int) -> int:
    """Drain in transactions sized so each holds the write lock about DRAIN_TARGET_SECONDS: the inbox's
    receivers (triage, moderation) make the cost per comment vary, and on SQLite a long transaction
    would keep webhook requests from storing their events."""
    from django.db import connection

    total = 0
    sqlite = connection.vendor == "sqlite"
    # PostgreSQL has no single write lock to share, and there fewer, larger transactions keep up better.
    size = min(limit, _drain_size.get("size", 20)) if sqlite else limit
    while True:
        started, asked = time.perf_counter(), size
        applied, leftovers = _drain_once(asked)
        elapsed = time.perf_counter() - started
        for pk in leftovers:
            raw_event_apply(pk)
        total += applied + len(leftovers)
        if applied and sqlite:
            per_event = elapsed / applied
            _drain_size["size"] = size = max(1, min(limit, int(DRAIN_TARGET_SECONDS / max(per_event, 1e-4))))
        if applied == 0 or applied + len(leftovers) < asked:
            return total
        if sqlite:
            # Let the webhook requests that waited take the write lock between transactions. They wait in
            # SQLite's busy handler, which sleeps in growing steps (up to 25 ms for a wait under 80 ms), so
            # a pause shorter than that lets most of them sleep through it.
            time.sleep(DRAIN_PAUSE_SQLITE)


_drain_size: dict[str, int] = {}


def _drain_once(limit: int) -> tuple[int, list[int]]:
    from django.db import connection

    from somedesk.channels.base import adapter_class
    from somedesk.channels.dblock import write_transaction
    from somedesk.channels.types import Batch
    from somedesk.inbox.models import Channel, RawEvent
    from somedesk.inbox.services import ingest_batch

    leftovers: list[int] = []
    with write_transaction():  # transaction.atomic(); on SQLite the write lock is polled for every ms
        # Plain SQL for the claim and the marking below: they run for every batch, and each ORM query
        # costs ~1 ms of compiling on a small VM, ten times the statement. status and channel_id are
        # read too: ingest_batch reads them for a single-event chunk.
        table = connection.ops.quote_name(RawEvent._meta.db_table)
        lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, platform, body, status, channel_id FROM {table} WHERE status = %s "
                f"AND source = %s ORDER BY id LIMIT %s{lock}",
                [RawEvent.Status.PENDING, RawEvent.Source.WEBHOOK, limit],
            )
            events = [
                RawEvent(id=pk, platform=platform, body=body, status=status, channel_id=channel_id)
                for pk, platform, body, status, channel_id in cursor.fetchall()
            ]
        for event in events:
            event._state.adding, event._state.db = False, connection.alias
        if not events:
            return 0, []
        parsed = []
        accounts: set[tuple[str, str]] = set()
        failed: dict[int, str] = {}
        for event in events:
            try:
                deliveries = adapter_class(event.platform).parse_webhook(json.loads(event.body))
            except (ValueError, KeyError, TypeError, AttributeError, ChannelError) as exc:
                failed[event.pk] = f"{type(exc).__name__}: {exc}"[:2000]
                continue
            parsed.append((event, deliveries))
            accounts.update((event.platform, d.account_id) for d in deliveries)
        channels = {
            (c.platform, c.external_id): c
            for c in Channel.objects.filter(
                platform__in={a[0] for a in accounts}, external_id__in={a[1] for a in accounts}
            )
        }
        # chunks: [channel, Batch, ids in it, events in it]
        chunks: list[list] = []
        open_chunk: dict[int, list] = {}
        applied: dict[int, int] = {}  # event id -> channel id
        for event, deliveries in parsed:
            needs_one_by_one = any(
                d.fetch_comment_ids
                or channels.get((event.platform, d.account_id)) is None
                or channels[(event.platform, d.account_id)].status == "pending"
                for d in deliveries
            )
            if needs_one_by_one:
                leftovers.append(event.pk)
                continue
            for d in deliveries:
                channel = channels[(event.platform, d.account_id)]
                ids = {("p", p.external_id) for p in d.batch.posts} | {
                    ("c", c.external_id) for c in d.batch.comments
                }
                chunk = open_chunk.get(channel.pk)
                if chunk is None or chunk[2] & ids:
                    chunk = [channel, Batch(), set(), []]
                    chunks.append(chunk)
                    open_chunk[channel.pk] = chunk
                chunk[1].posts.extend(d.batch.posts)
                chunk[1].comments.extend(d.batch.comments)
                chunk[2].update(ids)
                chunk[3].append(event)
                applied.setdefault(event.pk, channel.pk)
            applied.setdefault(event.pk, 0)
        for channel, batch, _ids, chunk_events in chunks:
            if batch.posts or batch.comments:
                single = chunk_events[0] if len({e.pk for e in chunk_events}) == 1 else None
                ingest_batch(channel, batch, source="webhook", raw_event=single)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        by_channel: dict[int, list[int]] = {}
        for pk, channel_id in applied.items():
            by_channel.setdefault(channel_id, []).append(pk)
        with connection.cursor() as cursor:
            for channel_id, pks in by_channel.items():
                for start in range(0, len(pks), 500):
                    chunk = pks[start : start + 500]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"UPDATE {table} SET status = %s, applied_at = %s, error = '', "
                        f"channel_id = coalesce(%s, channel_id) WHERE id IN ({marks})",
                        [RawEvent.Status.APPLIED, now, channel_id or None, *chunk],
                    )
        for pk, error in failed.items():
            RawEvent.objects.filter(pk=pk).update(status=RawEvent.Status.FAILED, error=error)
    return len(applied) + len(failed), leftovers


def raw_events_resume(
    channel=None, *, statuses=("waiting",), older_than: float = 0, limit: int = 5000
) -> int:
    """Apply events that waited for a channel (after it is connected), or pending events a killed worker
    left behind (the sweep). Returns how many were attempted."""
    from somedesk.inbox.models import RawEvent

    qs = RawEvent.objects.filter(status__in=statuses, source="webhook")
    if channel is not None:
        qs = qs.filter(platform=channel.platform, body__contains=f'"{channel.external_id}"')
    if older_than:
        qs = qs.filter(received_at__lte=timezone.now() - timedelta(seconds=older_than))
    n = 0
    for pk in qs.order_by("id").values_list("pk", flat=True)[:limit]:
        raw_event_apply(pk)
        n += 1
    return n


# --- polling and backfill ----------------------------------------------------------------------------

POLL_WINDOW_DAYS = 14
POLL_MAX_PAGES = 200


@dataclass
class PollResult:
    pages: int = 0
    posts: int = 0
    comments: int = 0
    stopped: str = ""  # why the poll stopped early: rate_limited / needs_reconnection / error


def channel_poll(channel, *, days: int | None = None, max_pages: int = POLL_MAX_PAGES) -> PollResult:
    """Fetch posts of the last `days` (the poll window) and all their comments, page by page, saving the
    cursor after every page so a poll that is killed resumes where it stopped. Every page is stored as
    a RawEvent and applied through the idempotent ingest, so webhook and poll never double up."""
    from somedesk.channels.models import SyncCursor
    from somedesk.inbox.models import Post

    result = PollResult()
    if channel.status in ("needs_reconnection", "paused"):
        result.stopped = channel.status
        return result
    if channel_backoff_remaining(channel) > 0:
        result.stopped = "rate_limited"
        return result
    started = timezone.now()
    window = timedelta(days=days or POLL_WINDOW_DAYS)
    since = started - window
    if not ChannelConnection.objects.filter(channel=channel).exclude(token_encrypted="").exists():
        result.stopped = "no_token"  # never connected: nothing to call with (not an expired token)
        return result
    adapter = get_adapter(channel)
    try:
        posts_cursor, _c = SyncCursor.objects.get_or_create(channel=channel, key="posts")
        cursor = posts_cursor.cursor or None
        while result.pages < max_pages:
            page = _with_retries(lambda c=cursor: adapter.list_posts(since=since, cursor=c))
            _poll_store(channel, page, result)
            cursor = page.next_cursor
            posts_cursor.cursor = cursor or ""
            posts_cursor.save(update_fields=["cursor", "updated_at"])
            if not cursor:
                break
        post_ids = list(
            Post.objects.filter(channel=channel, created_time__gte=since)
            .exclude(platform_state="deleted")
            .order_by("created_time")
            .values_list("external_id", flat=True)
        )
        for post_id in post_ids:
            comments_cursor, _c = SyncCursor.objects.get_or_create(channel=channel, key=f"comments:{post_id}")
            cursor = comments_cursor.cursor or None
            while result.pages < max_pages:
                page = _with_retries(lambda c=cursor, p=post_id: adapter.list_comments(p, cursor=c))
                _poll_store(channel, page, result)
                cursor = page.next_cursor
                comments_cursor.cursor = cursor or ""
                comments_cursor.since = started
                comments_cursor.save(update_fields=["cursor", "since", "updated_at"])
                if not cursor:
                    break
        note_usage(channel, adapter.last_usage if hasattr(adapter, "last_usage") else {})
        conn = connection_for(channel)
        conn.last_poll_at = started
        conn.last_error = ""
        posts_cursor.since = started
        posts_cursor.save(update_fields=["since", "updated_at"])
        conn.save(update_fields=["last_poll_at", "last_error"])
    except TokenInvalid as exc:
        channel_mark_needs_reconnection(channel, exc.describe())
        result.stopped = "needs_reconnection"
    except RateLimited as exc:
        channel_throttle(channel, exc)
        result.stopped = "rate_limited"
    except ChannelError as exc:
        conn = connection_for(channel)
        conn.last_error = exc.describe()
        conn.save(update_fields=["last_error"])
        result.stopped = "error"
    finally:
        adapter.close()
    return result


def _with_retries(call, attempts: int = 3):
    """Temporary errors (5xx, timeouts) are retried here with jittered backoff; others go up."""
    for attempt in range(attempts):
        try:
            return call()
        except ChannelError as exc:
            if not exc.retryable or isinstance(exc, RateLimited) or attempt == attempts - 1:
                raise
            time.sleep(_jitter(0.2 * (2**attempt)))
    raise AssertionError("unreachable")


def _poll_store(channel, page, result: PollResult) -> None:
    from somedesk.inbox.services import ingest_batch, raw_event_store

    result.pages += 1
    result.posts += len(page.batch.posts)
    result.comments += len(page.batch.comments)
    if not page.batch.posts and not page.batch.comments:
        return
    body = json.dumps({"channel": channel.external_id, "page": page.raw}, sort_keys=True, ensure_ascii=False)
    with transaction.atomic():
        event, _created = raw_event_store(
            source="poll", body=body, platform=channel.platform, channel=channel
        )
        if event.status != "applied":
            ingest_batch(channel, page.batch, source="poll", raw_event=event)


def channels_poll_due() -> list[int]:
    """Which channels are due a poll: webhook channels every POLL_MINUTES, webhook-less every minute."""
    from somedesk.inbox.models import Channel

    due = []
    now = timezone.now()
    for channel in (
        Channel.objects.filter(status="active").exclude(platform="local").select_related("connection")
    ):
        conn = getattr(channel, "connection", None)
        if conn is None or not conn.token_encrypted:
            continue
        interval = timedelta(minutes=1 if conn.webhookless else POLL_MINUTES)
        if conn.last_poll_at is None or conn.last_poll_at <= now - interval + timedelta(seconds=5):
            due.append(channel.pk)
    return due


POLL_MINUTES = 10


def channel_reconnect(channel, token: str, *, actor=None) -> None:
    """A new token for a channel that needed reconnection: store it, then resume what waited."""
    channel_set_token(channel, token, actor=actor)
    from somedesk.channels.tasks import raw_events_resume_task

    _after_commit(lambda: raw_events_resume_task(channel.pk))
