from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from somedesk.inbox.access import access_comment
from somedesk.lib.permissions import require_permission
from somedesk.triage.forms import CorrectionForm
from somedesk.triage.services import decision_correct


@require_permission("inbox.view_comment")
def decision(request, pk):
    """The decision of one comment with its reasons (the htmx fragment the inbox includes)."""
    comment = access_comment(request.user, pk)
    return render(request, "triage/partials/comment_decision.html", {"comment": comment, "open": True})


@require_http_methods(["POST"])
@require_permission("inbox.view_comment", "triage.correct_triagedecision")
def correct(request, pk):
    comment = access_comment(request.user, pk)
    form = CorrectionForm(request.POST, auto_id=f"triage-{comment.pk}-%s")
    status = 200
    if form.is_valid():
        d = form.cleaned_data
        decision_correct(
            request.user,
            comment,
            moderation=d["moderation"],
            reason=d["reason"] or None,
            route=d["route"],
            sentiment=d["sentiment"],
            note=d["note"],
        )
        comment.refresh_from_db()
        if hasattr(comment, "_triage_current"):
            del comment._triage_current
        form = None
    else:
        status = 422
    return render(
        request,
        "triage/partials/comment_decision.html",
        {"comment": comment, "correction_form": form, "open": True},
        status=status,
    )
