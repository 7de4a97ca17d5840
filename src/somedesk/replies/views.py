from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from somedesk.lib.permissions import require_permission
from somedesk.replies import selectors, services
from somedesk.replies.access import access_comment, access_item
from somedesk.replies.checks import check_reply
from somedesk.replies.forms import AssignForm, NoteForm, ReplyForm, StatusForm
from somedesk.replies.models import DeskItem, Reply

REPLY_LABELS = {
    "required": _lazy("må besvares"),
    "thank": _lazy("si takk"),
    "try": _lazy("forsøk å svare"),
    "optional": _lazy("valgfritt"),
    "none": _lazy("ikke svar"),
}
SENTIMENT_LABELS = {"positive": _lazy("positiv"), "neutral": _lazy("nøytral"), "negative": _lazy("negativ")}


def _page(request) -> int:
    try:
        return max(1, int(request.GET.get("side", "1")))
    except ValueError:
        return 1


@require_GET
@require_permission("replies.view_deskitem")
def queue(request, key="svar"):
    if key not in selectors.QUEUE_KEYS:
        return redirect("replies:queue", key="svar")
    page = _page(request)
    now = timezone.now()
    rows, has_next = selectors.queue_items(request.user, key, page=page, now=now)
    current = next(q for q in selectors.QUEUES if q.key == key)
    labels = selectors.route_labels()
    for item in rows:
        item.route_label = labels.get(item.route, item.route)
    return render(
        request,
        "replies/queue.html",
        {
            "queues": selectors.QUEUES,
            "current": current,
            "rows": rows,
            "page": page,
            "has_next": has_next,
            **_counter_context(request.user, key, now),
            "now": now,
        },
    )


def _counter_context(user, current_key, now=None):
    counts = selectors.queue_counts(user, now=now)
    return {
        "tabs": [(q, counts[q.key]) for q in selectors.QUEUES],
        "counts": counts,
        "current_key": current_key,
    }


@require_GET
@require_permission("replies.view_deskitem")
def counters(request):
    return render(
        request, "replies/partials/counters.html", _counter_context(request.user, request.GET.get("ko", ""))
    )


def _detail_context(request, comment, form=None, hits=None):
    item = DeskItem.objects.select_related("assignee").filter(pk=comment.pk).first()
    draft = services.draft_for(comment, request.user)
    if form is None:
        form = ReplyForm(initial={"template": draft.template, "language": draft.language, "body": draft.body})
    for reply in Reply.objects.filter(comment=comment, state=Reply.State.PENDING):
        services.reply_sync(reply)
    return {
        "comment": comment,
        "route_label": selectors.route_labels().get(comment.triage_route, comment.triage_route),
        "reply_label": REPLY_LABELS.get(comment.triage_reply, comment.triage_reply),
        "sentiment_label": SENTIMENT_LABELS.get(comment.triage_sentiment, comment.triage_sentiment),
        "item": item,
        "form": form,
        "signature": draft.signature,
        "hits": hits,
        "assign_form": AssignForm(
            organisation=request.user.organisation, initial={"assignee": item.assignee_id if item else None}
        ),
        "status_form": StatusForm(initial={"status": item.status if item else "new"}),
        "note_form": NoteForm(),
        "notes": item.notes.select_related("author") if item else [],
        "replies": Reply.objects.filter(comment=comment).select_related("author"),
        "thread": comment.replies.order_by("created_time")[:50],
        "now": timezone.now(),
    }


@require_GET
@require_permission("replies.view_deskitem")
def detail(request, pk):
    comment = access_comment(request.user, pk)
    return render(request, "replies/detail.html", _detail_context(request, comment))


@require_GET
@require_permission("replies.add_reply")
def draft(request, pk):
    """htmx: the composer's text for another template or language."""
    comment = access_comment(request.user, pk)
    d = services.draft_for(
        comment,
        request.user,
        template=request.GET.get("template", ""),
        language=request.GET.get("language", ""),
    )
    form = ReplyForm(initial={"template": d.template, "language": d.language, "body": d.body})
    return render(request, "replies/partials/composer_body.html", {"form": form, "comment": comment})


@require_POST
@require_permission("replies.add_reply")
def check(request, pk):
    """htmx: run the check before publishing on the current text (with the signature that will go out)."""
    access_comment(request.user, pk)
    text = services.compose_text(request.POST.get("body", ""), services.signature_for(request.user))
    return render(request, "replies/partials/check.html", {"hits": check_reply(text), "checked": True})


@require_POST
@require_permission("replies.add_reply")
def publish(request, pk):
    comment = access_comment(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render(request, "replies/detail.html", _detail_context(request, comment, form), status=400)
    data = form.cleaned_data
    try:
        reply = services.reply_publish(
            comment,
            author=request.user,
            body=data["body"],
            template=data["template"],
            language=data["language"],
            override_reason=data["override_reason"],
        )
    except services.CheckFailed as exc:
        return render(
            request, "replies/detail.html", _detail_context(request, comment, form, exc.hits), status=422
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "replies/detail.html", _detail_context(request, comment, form), status=400)
    reply.refresh_from_db()
    if reply.state == Reply.State.PUBLISHED:
        messages.success(request, _("Svaret er publisert."))
    elif reply.state == Reply.State.FAILED:
        messages.error(request, _("Plattformen avviste svaret: %(m)s") % {"m": reply.platform_message})
    else:
        messages.info(request, _("Svaret sendes: %(m)s") % {"m": reply.platform_message or _("venter")})
    return redirect("replies:detail", pk=comment.pk)


@require_POST
@require_permission("replies.work_deskitem")
def assign(request, pk):
    item = access_item(request.user, pk)
    form = AssignForm(request.POST, organisation=request.user.organisation)
    if form.is_valid():
        services.item_assign(item, form.cleaned_data["assignee"], actor=request.user)
        messages.success(request, _("Ansvarlig er endret."))
    return redirect("replies:detail", pk=pk)


@require_POST
@require_permission("replies.work_deskitem")
def take(request, pk):
    item = access_item(request.user, pk)
    services.item_assign(item, request.user, actor=request.user)
    messages.success(request, _("Saken er tildelt deg."))
    return redirect("replies:detail", pk=pk)


@require_POST
@require_permission("replies.work_deskitem")
def set_status(request, pk):
    item = access_item(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    services.item_set_status(item, form.cleaned_data["status"], actor=request.user)
    messages.success(request, _("Status er endret."))
    return redirect("replies:detail", pk=pk)


@require_POST
@require_permission("replies.work_deskitem")
def add_note(request, pk):
    item = access_item(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.item_note_add(item, form.cleaned_data["text"], actor=request.user)
        messages.success(request, _("Notatet er lagret."))
    return redirect(reverse("replies:detail", kwargs={"pk": pk}) + "#notater")
