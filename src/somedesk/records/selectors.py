"""Read paths of the records app."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from somedesk.records.models import Journalpost, Saksmappe


def cases_for(organisation, *, status: str = "", q: str = "") -> QuerySet[Saksmappe]:
    qs = Saksmappe.objects.filter(organisation=organisation).select_related("klasse")
    if status:
        qs = qs.filter(saksstatus=status)
    if q:
        qs = qs.filter(Q(tittel__icontains=q) | Q(offentlig_tittel__icontains=q))
    return qs.order_by("-saksaar", "-sakssekvensnummer")


def journal_entries(
    organisation, *, date_from: date | None, date_to: date | None, q: str = "", full: bool = False
) -> QuerySet[Journalpost]:
    """Journalposts by journaldato. Search matches the public title only, unless the reader may see
    full titles, so a search can never reveal a screened word."""
    qs = Journalpost.objects.filter(organisation=organisation).select_related("saksmappe")
    if date_from:
        qs = qs.filter(journaldato__gte=date_from)
    if date_to:
        qs = qs.filter(journaldato__lte=date_to)
    if q:
        cond = Q(offentlig_tittel__icontains=q) | Q(saksmappe__offentlig_tittel__icontains=q)
        if full:
            cond |= Q(tittel__icontains=q) | Q(korrespondanseparter__korrespondansepart_navn__icontains=q)
        qs = qs.filter(cond).distinct()
    return qs.prefetch_related("korrespondanseparter").order_by(
        "-journaldato", "-journalaar", "-journalsekvensnummer"
    )


def public_row(jp: Journalpost, *, full: bool) -> dict:
    """One line of the public journal, as shown, downloaded as CSV and as JSON."""
    screened = jp.is_screened
    title_withheld = "tittel" in jp.screened_fields and not full and jp.offentlig_tittel == ""
    parts = []
    for kp in jp.korrespondanseparter.all():
        if kp.korrespondanseparttype in ("Avsender", "Mottaker"):
            hidden = screened and "korrespondansepartNavn" in jp.screened_fields and not full
            parts.append(
                {
                    "type": kp.korrespondanseparttype,
                    "navn": "******" if hidden else kp.korrespondansepart_navn,
                }
            )
    return {
        "journalpost": f"{jp.journalaar}/{jp.journalsekvensnummer}",
        "sak": jp.saksmappe.mappe_id,
        "journaldato": jp.journaldato.isoformat(),
        "journalposttype": jp.journalposttype,
        "tittel": jp.tittel if full else ("" if title_withheld else jp.offentlig_tittel),
        "sakstittel": jp.saksmappe.tittel if full else jp.saksmappe.offentlig_tittel,
        "korrespondanseparter": parts,
        "skjermet": screened,
        "unntatt_offentlighet": "Unntatt offentlighet" if screened else "",
        "skjermingshjemmel": jp.skjermingshjemmel if screened else "",
    }
