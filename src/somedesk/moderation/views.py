from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from somedesk.lib.permissions import require_permission
from somedesk.moderation import selectors, services
from somedesk.moderation.access import access_evidence, access_review
from somedesk.moderation.forms import ModerateForm, ReviewForm
from somedesk.replies.access import access_comment


@require_GET
@require_permission("moderation.view_review")
def review_queue(request):
    try:
        page = max(1, int(request.GET.get("side", "1")))
    except ValueError:
        page = 1
    rows, has_next = selectors.review_queue(request.user, page=page)
    from somedesk.replies.views import _counter_context

    return render(
        request,
        "moderation/review_queue.html",
        {"rows": rows, "page": page, "has_next": has_next, **_counter_context(request.user, "vurdering")},
    )


@require_http_methods(["GET", "POST"])
@require_permission("moderation.moderate_comment")
def comment(request, pk):
    comment = access_comment(request.user, pk)
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fn = {
            "hide": services.comment_hide,
            "delete": services.comment_delete,
            "block": services.author_block,
        }
        try:
            if data["action"] == "unhide":
                evidence = services.comment_unhide(comment, actor=request.user, why=data["why"])
            else:
                evidence = fn[data["action"]](
                    comment, actor=request.user, reason=data["reason"], why=data["why"]
                )
        except services.ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            evidence.refresh_from_db()
            if evidence.platform_status == "failed":
                messages.error(
                    request, _("Plattformen avviste handlingen: %(m)s") % {"m": evidence.platform_message}
                )
            else:
                messages.success(request, _("Handlingen er registrert, og beviset er tatt vare på."))
            return redirect("moderation:evidence", pk=evidence.pk)
    return render(
        request,
        "moderation/comment.html",
        {"comment": comment, "form": form, "evidence": selectors.evidence_for_comment(comment)},
    )


@require_POST
@require_permission("moderation.review_moderation")
def review_decide(request, pk):
    review = access_review(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_decide(
                review, form.cleaned_data["decision"], actor=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Vurderingen er lagret."))
        except services.ModerationError as exc:
            messages.error(request, str(exc))
    return redirect("moderation:review_queue")


@require_GET
@require_permission("moderation.view_evidence")
def evidence(request, pk):
    ev = access_evidence(request.user, pk)
    if ev.platform_status == "pending":
        services.evidence_sync(ev)
    return render(request, "moderation/evidence.html", {"ev": ev})
