import csv
import json
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from somedesk.inbox.models import Comment, Organisation
from somedesk.lib.permissions import require_permission
from somedesk.records.access import public_view, sees_screened
from somedesk.records.apps import CLOSE, JOURNAL, VIEW
from somedesk.records.forms import JournalFilterForm
from somedesk.records.models import Dokumentobjekt, Saksmappe, Saksstatus
from somedesk.records.selectors import cases_for, journal_entries, public_row
from somedesk.records.services import case_close, case_open_from_comment


@require_permission(VIEW)
@require_GET
def case_list(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    page = Paginator(cases_for(request.user.organisation, status=status, q=q), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "records/case_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": Saksstatus.choices,
            "full": sees_screened(request.user, request.user.organisation),
        },
    )


@require_permission(VIEW)
@require_GET
def case_detail(request, pk):
    case = get_object_or_404(
        Saksmappe.objects.select_related("klasse", "source_comment__channel"),
        pk=pk,
        organisation=request.user.organisation,
    )
    journalposts = case.journalposter.order_by("journalpostnummer").prefetch_related(
        "korrespondanseparter", "dokumentbeskrivelser__dokumentobjekter"
    )
    return render(
        request,
        "records/case_detail.html",
        {
            "case": case,
            "journalposts": journalposts,
            "full": sees_screened(request.user, case.organisation),
            "can_close": request.user.has_perm(CLOSE) and case.saksstatus == Saksstatus.UNDER_BEHANDLING,
        },
    )


@require_permission(CLOSE)
@require_POST
def case_close_view(request, pk):
    case = get_object_or_404(Saksmappe, pk=pk, organisation=request.user.organisation)
    try:
        case_close(request.user, case)
        messages.success(request, _("Saken er avsluttet og journalpostene arkivert."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("records:case_detail", pk=case.pk)


@require_permission(JOURNAL)
@require_POST
def comment_journal(request, comment_id):
    comment = get_object_or_404(
        Comment.objects.select_related("channel__organisation", "post"),
        pk=comment_id,
        channel__organisation=request.user.organisation,
    )
    route = request.POST.get("route") or None
    if route not in (None, "light_case", "formal_inquiry"):
        route = None
    try:
        case = case_open_from_comment(request.user, comment, route=route)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "records:case_list"
        return redirect(target)
    messages.success(
        request, _("Sak %(sak)s er opprettet og kommentaren journalført.") % {"sak": case.mappe_id}
    )
    if request.headers.get("HX-Request"):
        return render(request, "records/partials/comment_actions.html", {"comment": comment, "case": case})
    return redirect("records:case_detail", pk=case.pk)


@require_permission(VIEW)
@require_GET
def document_download(request, pk):
    obj = get_object_or_404(
        Dokumentobjekt.objects.select_related("dokumentbeskrivelse__journalpost"),
        pk=pk,
        dokumentbeskrivelse__journalpost__organisation=request.user.organisation,
    )
    if not obj.path.is_file():
        raise Http404
    return FileResponse(
        obj.path.open("rb"), content_type=obj.mime_type, as_attachment=False, filename=obj.filnavn
    )


def _journal_organisation(request):
    number = request.GET.get("org", "").strip()
    if number:
        return get_object_or_404(Organisation, org_number=number)
    if request.user.is_authenticated and request.user.organisation_id:
        return request.user.organisation
    orgs = list(Organisation.objects.filter(arkiv__isnull=False).order_by("name")[:2])
    if len(orgs) == 1:
        return orgs[0]
    return None


@public_view
@require_GET
def public_journal(request):
    """The public journal (offentlig journal): no login needed. Anonymous readers and roles without
    records.view_screened see only public titles; screened entries say "Unntatt offentlighet" and why."""
    organisation = _journal_organisation(request)
    if organisation is None:
        orgs = Organisation.objects.filter(arkiv__isnull=False).order_by("name")
        return render(request, "records/public_journal_choose.html", {"orgs": orgs})
    today = timezone.localdate()
    initial = {"fra": today - timedelta(days=30), "til": today}
    form = JournalFilterForm(request.GET or None, initial=initial)
    date_from, date_to, q = initial["fra"], initial["til"], ""
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["fra"]
        date_to = form.cleaned_data["til"]
        q = form.cleaned_data["q"].strip()
    full = sees_screened(request.user, organisation)
    entries = journal_entries(organisation, date_from=date_from, date_to=date_to, q=q, full=full)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "json"):
        rows = (public_row(jp, full=full) for jp in entries.iterator(chunk_size=500))
        return _journal_download(rows, fmt, organisation)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    rows = [public_row(jp, full=full) for jp in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    if "org" not in query and not request.user.is_authenticated:
        query["org"] = organisation.org_number
    return render(
        request,
        "records/public_journal.html",
        {
            "organisation": organisation,
            "form": form,
            "rows": rows,
            "page": page,
            "full": full,
            "query": query.urlencode(),
            "date_from": date_from,
            "date_to": date_to,
        },
    )


def _journal_download(rows, fmt, organisation):
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        body = json.dumps(
            {"organisasjon": organisation.name, "journalposter": list(rows)}, ensure_ascii=False, indent=1
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="offentlig-journal-{stamp}.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="offentlig-journal-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "journalpost",
            "sak",
            "journaldato",
            "journalposttype",
            "tittel",
            "sakstittel",
            "korrespondansepart",
            "unntatt_offentlighet",
            "skjermingshjemmel",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row["journalpost"],
                row["sak"],
                row["journaldato"],
                row["journalposttype"],
                row["tittel"],
                row["sakstittel"],
                "; ".join(f"{p['type']}: {p['navn']}" for p in row["korrespondanseparter"]),
                row["unntatt_offentlighet"],
                row["skjermingshjemmel"],
            ]
        )
    return response
