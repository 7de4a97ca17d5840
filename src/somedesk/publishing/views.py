from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from somedesk.lib.permissions import require_permission
from somedesk.publishing import selectors, services
from somedesk.publishing.access import access_publication
from somedesk.publishing.forms import PublicationForm, ReviewForm
from somedesk.publishing.models import Publication


@require_permission("publishing.view_publication")
def publication_list(request):
    status = request.GET.get("status", "")
    if status not in Publication.Status.values:
        status = ""
    return render(
        request,
        "publishing/list.html",
        {
            "publications": selectors.publications_for(request.user, status)[:200],
            "counts": selectors.publication_counts(request.user),
            "statuses": Publication.Status.choices,
            "current_status": status,
        },
    )


@require_permission("publishing.add_publication")
def publication_new(request):
    form = PublicationForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        publication = services.publication_create(request.user, **form.cleaned_data)
        messages.success(request, _("Utkastet er lagret."))
        return redirect("publishing:detail", pk=publication.pk)
    return render(request, "publishing/form.html", {"form": form})


@require_permission("publishing.add_publication")
def publication_edit(request, pk):
    publication = access_publication(request.user, pk)
    initial = {
        "kind": publication.kind,
        "title": publication.title,
        "text": publication.text,
        "link": publication.link,
        "channels": publication.channels.all(),
        "publish_at": publication.publish_at,
    }
    form = PublicationForm(request.POST or None, initial=initial, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_update(request.user, publication, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Endringene er lagret."))
        return redirect("publishing:detail", pk=publication.pk)
    return render(request, "publishing/form.html", {"form": form, "publication": publication})


@require_permission("publishing.view_publication")
def publication_detail(request, pk):
    publication = access_publication(request.user, pk)
    if publication.status == Publication.Status.PUBLISHING:
        services.publication_refresh(publication)
    return render(
        request,
        "publishing/detail.html",
        {
            "publication": publication,
            "review_form": ReviewForm(),
            "targets": publication.targets.select_related("channel", "action"),
            "can_approve": request.user.has_perm("publishing.approve_publication")
            and publication.created_by_id != request.user.pk,
            "editable": publication.status in services.EDITABLE,
        },
    )


def _act(request, pk, action, success):
    publication = access_publication(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        action(publication, form.cleaned_data.get("note", ""))
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("Du har ikke lov til å gjøre dette."))
    else:
        messages.success(request, success)
    return redirect("publishing:detail", pk=publication.pk)


@require_POST
@require_permission("publishing.add_publication")
def publication_submit(request, pk):
    return _act(
        request, pk, lambda p, note: services.publication_submit(request.user, p), _("Sendt til godkjenning.")
    )


@require_POST
@require_permission("publishing.approve_publication")
def publication_approve(request, pk):
    return _act(
        request, pk, lambda p, note: services.publication_approve(request.user, p, note=note), _("Godkjent.")
    )


@require_POST
@require_permission("publishing.approve_publication")
def publication_reject(request, pk):
    return _act(
        request,
        pk,
        lambda p, note: services.publication_reject(request.user, p, note=note),
        _("Sendt tilbake til forfatteren."),
    )
