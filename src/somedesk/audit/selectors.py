"""Reads of the audit trail for the log page."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from somedesk.audit.models import AuditEvent

PAGE_SIZE = 50


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_events(organisation, filters: AuditFilters) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(organisation=organisation)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.actor:
        qs = qs.filter(actor_label=filters.actor)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(created_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(
            created_at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    return qs.order_by("-id")


def audit_page(
    organisation, filters: AuditFilters, before: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[AuditEvent], int | None]:
    """Keyset pages by id (the chain's own order): returns the events and the id to continue before."""
    qs = audit_events(organisation, filters)
    if before:
        qs = qs.filter(id__lt=before)
    events = list(qs.select_related("actor")[: size + 1])
    next_before = events[size - 1].pk if len(events) > size else None
    return events[:size], next_before


def audit_actions(organisation) -> list[str]:
    return list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_actors(organisation) -> list[str]:
    return list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("actor_label")
        .values_list("actor_label", flat=True)
        .distinct()
    )
