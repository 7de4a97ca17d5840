from django.shortcuts import render
from django.views.decorators.http import require_GET

from somedesk.lib.permissions import require_permission
from somedesk.replies.selectors import response_times

WEEK_CHOICES = (4, 8, 12, 26)


@require_GET
@require_permission("replies.view_response_times")
def response_times_page(request):
    try:
        weeks = int(request.GET.get("uker", "8"))
    except ValueError:
        weeks = 8
    if weeks not in WEEK_CHOICES:
        weeks = 8
    reports = response_times(request.user.organisation_id, weeks=weeks)
    scale = max([c.p90_h or 0 for r in reports for c in r.cells] + [r.target_hours for r in reports] + [1])
    for r in reports:
        for c in r.cells:
            c.median_pct = round(100 * (c.median_h or 0) / scale, 1)
            c.p90_pct = round(100 * (c.p90_h or 0) / scale, 1)
            c.late = c.median_h is not None and c.median_h > r.target_hours
        r.has_data = any(c.items for c in r.cells)
    return render(
        request,
        "reports/response_times.html",
        {"reports": reports, "weeks": weeks, "week_choices": WEEK_CHOICES, "scale": scale},
    )
