from django.shortcuts import render

from somedesk.audit.forms import AuditFilterForm
from somedesk.audit.selectors import audit_page
from somedesk.lib.permissions import require_permission


@require_permission("audit.view_auditevent")
def audit_log(request):
    """The organisation's audit trail, newest first (managers and archivists)."""
    form = AuditFilterForm(request.GET or None, organisation=request.user.organisation)
    before = request.GET.get("for", "")
    events, next_before = audit_page(
        request.user.organisation, form.filters(), before=int(before) if before.isdigit() else None
    )
    next_query = ""
    if next_before:
        query = request.GET.copy()
        query["for"] = next_before
        next_query = query.urlencode()
    context = {"form": form, "events": events, "next_query": next_query}
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        # htmx asks for the rows; a history restore (back button, no cached snapshot) needs the page.
        return render(request, "audit/partials/event_rows.html", context)
    return render(request, "audit/log.html", context)
