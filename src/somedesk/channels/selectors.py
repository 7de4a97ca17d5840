"""Reads of the channels app used by views, commands and reports."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from somedesk.channels.models import ChannelConnection, OutgoingAction, WebhookCounter


@dataclass
class ChannelRow:
    channel: object
    has_token: bool
    last_poll_at: datetime | None
    backoff_until: datetime | None
    last_error: str
    webhookless: bool
    pending_actions: int
    failed_actions: int


def channel_overview(channels) -> list[ChannelRow]:
    """Each channel with what the channels page shows (token present, never the token itself)."""
    channels = list(
        channels.annotate(
            pending=Count("outgoing_actions", filter=Q(outgoing_actions__state=OutgoingAction.State.PENDING)),
            failed=Count("outgoing_actions", filter=Q(outgoing_actions__state=OutgoingAction.State.FAILED)),
        ).order_by("name", "pk")
    )
    conns = {c.channel_id: c for c in ChannelConnection.objects.filter(channel__in=[c.pk for c in channels])}
    rows = []
    for channel in channels:
        conn = conns.get(channel.pk)
        rows.append(
            ChannelRow(
                channel=channel,
                has_token=bool(conn and conn.token_encrypted),
                last_poll_at=conn.last_poll_at if conn else None,
                backoff_until=conn.backoff_until if conn else None,
                last_error=conn.last_error if conn else "",
                webhookless=bool(conn and conn.webhookless),
                pending_actions=channel.pending,
                failed_actions=channel.failed,
            )
        )
    return rows


def webhook_counters() -> dict[tuple[str, str], int]:
    """(platform, kind) -> count. Refused requests and duplicates are counted in WebhookCounter; an
    accepted event is its RawEvent row (the webhook POST writes nothing else), so "accepted" is
    counted from those, also for events accepted before this was so."""
    from somedesk.inbox.models import RawEvent

    counts = {
        (c.platform, c.kind): c.count
        for c in WebhookCounter.objects.exclude(kind=WebhookCounter.Kind.ACCEPTED)
    }
    accepted = (
        RawEvent.objects.filter(source=RawEvent.Source.WEBHOOK).values("platform").annotate(n=Count("id"))
    )
    for row in accepted.order_by():
        counts[(row["platform"], WebhookCounter.Kind.ACCEPTED)] = row["n"]
    return counts


def actions_for_target(channel, target_external_id: str):
    return OutgoingAction.objects.filter(channel=channel, target_external_id=target_external_id).order_by(
        "-created_at"
    )
