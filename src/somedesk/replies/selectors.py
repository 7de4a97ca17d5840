"""Reads for the desk: the queues, their counters and the response-times report.

Each queue is one range of one DeskItem index (see DeskItem.Meta.indexes), ordered by deadline, and
only the rows of one page are joined to their comments; the counters are a single pass over the open
range. The report reads per (week, route) group with the desk_report index: counts in one GROUP BY,
the median and the 90th percentile as single-row offset lookups in the same index, so no query ever
pulls all response times into Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from somedesk.lib.workinghours import week_start
from somedesk.replies import conf
from somedesk.replies.models import DeskItem

PAGE_SIZE = 50


@dataclass(frozen=True)
class Queue:
    key: str
    label: str


QUEUES = [
    Queue("svar", _("Må besvares")),
    Queue("forfalt", _("Over fristen")),
    Queue("politisk", _("Politisk henvisning")),
    Queue("lett", _("Lett saksbehandling")),
    Queue("formell", _("Formelle henvendelser")),
    Queue("mine", _("Mine")),
]
QUEUE_KEYS = {q.key for q in QUEUES}
ROUTE_OF_QUEUE = {"politisk": "political", "lett": "light_case", "formell": "formal_inquiry"}


def route_labels() -> dict[str, str]:
    return {k: v.get("label", k) for k, v in (conf.desk_section("routes") or {}).items()}


def queue_items(user, key: str, *, page: int = 1, now=None):
    """One page of a queue, soonest deadline first."""
    now = now or timezone.now()
    org = user.organisation_id
    if key == "mine":
        qs = DeskItem.objects.filter(assignee=user, is_open=True)
    else:
        qs = DeskItem.objects.filter(organisation_id=org, is_open=True)
        if key == "forfalt":
            qs = qs.filter(due_at__lt=now)
        elif key in ROUTE_OF_QUEUE:
            qs = qs.filter(route=ROUTE_OF_QUEUE[key])
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(
        qs.order_by("due_at", "comment_id").select_related("comment", "comment__channel", "assignee")[
            start : start + PAGE_SIZE + 1
        ]
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def queue_counts(user, *, now=None) -> dict[str, int]:
    now = now or timezone.now()
    agg = DeskItem.objects.filter(organisation_id=user.organisation_id, is_open=True).aggregate(
        svar=Count("pk"),
        forfalt=Count("pk", filter=Q(due_at__lt=now)),
        politisk=Count("pk", filter=Q(route="political")),
        lett=Count("pk", filter=Q(route="light_case")),
        formell=Count("pk", filter=Q(route="formal_inquiry")),
    )
    agg["mine"] = DeskItem.objects.filter(assignee=user, is_open=True).count()
    from somedesk.moderation.selectors import review_count

    agg["vurdering"] = review_count(user)
    return {k: v or 0 for k, v in agg.items()}


# --- the response-times report -------------------------------------------------------------------------


@dataclass
class Cell:
    week: date
    route: str
    items: int = 0
    answered: int = 0
    in_time: int = 0
    late_unanswered: int = 0
    median_s: float | None = None
    p90_s: int | None = None

    @property
    def measured(self) -> int:
        return self.answered + self.late_unanswered

    @property
    def share_in_time(self) -> float | None:
        return (self.in_time / self.measured) if self.measured else None

    @property
    def median_h(self):
        return None if self.median_s is None else self.median_s / 3600

    @property
    def p90_h(self):
        return None if self.p90_s is None else self.p90_s / 3600


@dataclass
class RouteReport:
    route: str
    label: str
    target_hours: float
    cells: list[Cell] = field(default_factory=list)


def response_times(organisation_id: int, *, weeks: int = 8, now=None) -> list[RouteReport]:
    """Per route and week (week of arrival): items, answered, median and 90th percentile of the working
    time to the first response, and the share answered within the deadline (of those answered or
    already past their deadline)."""
    now = now or timezone.now()
    tz = conf.schedule().timezone
    first_week = week_start(now, tz) - timedelta(weeks=weeks - 1)
    all_weeks = [first_week + timedelta(weeks=i) for i in range(weeks)]
    groups = (
        DeskItem.objects.filter(organisation_id=organisation_id, week__gte=first_week)
        .values("week", "route")
        .annotate(
            items=Count("week"),
            answered=Count("response_seconds"),
            in_time=Count("week", filter=Q(answered_in_time=True)),
            late_unanswered=Count("week", filter=Q(response_seconds__isnull=True, due_at__lt=now)),
        )
        .order_by()
    )
    cells: dict[tuple, Cell] = {}
    for g in groups:
        cell = Cell(g["week"], g["route"], g["items"], g["answered"], g["in_time"], g["late_unanswered"])
        cells[(cell.week, cell.route)] = cell
    # One ordered read of the response times, straight from the desk_report index (covering). Read with
    # a plain cursor: tens of thousands of small rows, and the ORM's per-row conversion would dominate.
    qs = (
        DeskItem.objects.filter(
            organisation_id=organisation_id, week__gte=first_week, response_seconds__isnull=False
        )
        .order_by("week", "route", "response_seconds")
        .values_list("week", "route", "response_seconds")
    )
    sql, params = qs.query.sql_with_params()
    times: dict[tuple, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for week, route, seconds in cursor.fetchall():
            times.setdefault((week, route), []).append(seconds)
    for (week, route), values in times.items():
        week = week if isinstance(week, date) else date.fromisoformat(str(week)[:10])
        cell = cells.get((week, route))
        if cell is not None:
            n = len(values)  # already in order
            cell.median_s = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
            cell.p90_s = values[max(0, math.ceil(0.9 * n) - 1)]  # nearest rank
    labels = {k: v.get("label", k) for k, v in (conf.desk_section("routes") or {}).items()}
    reports = []
    for route in ("service_question", "correction", "light_case", "formal_inquiry", "political", "none"):
        report = RouteReport(route, labels.get(route, route), conf.target_hours(route))
        report.cells = [cells.get((w, route)) or Cell(w, route) for w in all_weeks]
        reports.append(report)
    return reports
