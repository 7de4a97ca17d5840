"""Write paths of the records app: the light-case flow (open, answer, close) and the archive structure."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from somedesk.audit.services import record
from somedesk.records.conf import iter_klasser, records_policy
from somedesk.records.models import (
    Arkiv,
    Arkivdel,
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Endring,
    Journalpost,
    Journalposttype,
    Journalstatus,
    Klasse,
    Klassifikasjonssystem,
    Korrespondansepart,
    Korrespondanseparttype,
    Saksmappe,
    Saksstatus,
)
from somedesk.records.numbering import next_number
from somedesk.records.pdf import render_pdfa, sha256_hex
from somedesk.records.screening import screen_names

JOURNALABLE_ROUTES = ("light_case", "formal_inquiry")
SNIPPET_LENGTH = 70


# ------------------------------------------------------------------------------------------------
# Archive structure from the policy
# ------------------------------------------------------------------------------------------------
def ensure_structure(organisation) -> tuple[Arkiv, Arkivdel, dict[str, Klasse]]:
    """Create (once) the arkiv, arkivdel, klassifikasjonssystem and klasser the policy describes."""
    policy = records_policy()
    arkiv, _c = Arkiv.objects.get_or_create(
        organisation=organisation, defaults={"tittel": policy["arkiv"]["tittel"]}
    )
    arkivdel = arkiv.arkivdeler.order_by("id").first()
    if arkivdel is None:
        arkivdel = Arkivdel.objects.create(arkiv=arkiv, tittel=policy["arkivdel"]["tittel"])
    system, _c = Klassifikasjonssystem.objects.get_or_create(
        arkivdel=arkivdel,
        defaults={
            "tittel": policy["klassifikasjonssystem"]["tittel"],
            "klassifikasjonstype": policy["klassifikasjonssystem"].get("type", ""),
        },
    )
    klasser = {k.klasse_id: k for k in system.klasser.all()}
    for item, parent_id in iter_klasser(policy["klasser"]):
        if item["id"] not in klasser:
            klasser[item["id"]] = Klasse.objects.create(
                klassifikasjonssystem=system,
                klasse_id=item["id"],
                tittel=item["tittel"],
                parent=klasser.get(parent_id) if parent_id else None,
            )
    return arkiv, arkivdel, klasser


def klasse_for(klasser: dict[str, Klasse], route: str) -> Klasse:
    policy = records_policy()
    klasse_id = policy["klasse_for_route"].get(route, policy["default_klasse"])
    return klasser[klasse_id]


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------
def comment_permalink(comment) -> str:
    link = comment.post.permalink or ""
    if link and comment.channel.platform == "facebook":
        sep = "&" if "?" in link else "?"
        return f"{link}{sep}comment_id={comment.external_id}"
    return link


def _snippet(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SNIPPET_LENGTH else text[: SNIPPET_LENGTH - 1].rstrip() + "…"


def _actor_label(user) -> str:
    if user is None:
        return "somedesk"
    return user.get_full_name().strip() or user.get_username()


def _local_date(moment: datetime):
    return timezone.localtime(moment).date()


def _store_file(organisation, year: int, data: bytes, suffix: str = ".pdf") -> str:
    rel = Path("records") / str(organisation.pk) / str(year) / f"{uuid.uuid4()}{suffix}"
    target = Path(settings.MEDIA_ROOT) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return rel.as_posix()


def attach_document(
    journalpost: Journalpost,
    data: bytes,
    *,
    tittel: str,
    filnavn: str,
    actor: str,
    when: datetime,
    dokumentnummer: int = 1,
) -> Dokumentobjekt:
    beskrivelse = Dokumentbeskrivelse.objects.create(
        journalpost=journalpost,
        tittel=tittel,
        dokumentnummer=dokumentnummer,
        tilknyttet_registrering_som="Hoveddokument" if dokumentnummer == 1 else "Vedlegg",
        opprettet_dato=when,
        opprettet_av=actor,
        tilknyttet_dato=when,
        tilknyttet_av=actor,
    )
    return Dokumentobjekt.objects.create(
        dokumentbeskrivelse=beskrivelse,
        fil=_store_file(journalpost.organisation, journalpost.journalaar, data),
        filnavn=filnavn,
        filstoerrelse=len(data),
        sjekksum=sha256_hex(data),
        opprettet_dato=when,
        opprettet_av=actor,
    )


def _screen(titles: list[str], names: list[str], route: str) -> tuple[list[str], dict]:
    """Public versions of the titles, and the skjerming fields to set."""
    screening = records_policy()["screening"]
    public, changed = [], False
    for title in titles:
        result = screen_names(title, names, screening)
        public.append(result.text)
        changed = changed or result.changed
    fields = []
    if screening["private_person_names"] and any(n.strip() for n in names):
        fields.append("korrespondansepartNavn")
    if changed:
        fields.append("tittel")
    if route in screening["withhold_title_routes"]:
        public = [_("Unntatt offentlighet") for _t in titles]
        if "tittel" not in fields:
            fields.append("tittel")
    skjerming = {"tilgangsrestriksjon": "", "skjermingshjemmel": "", "skjerming_metadata": ""}
    if fields:
        skjerming = {
            "tilgangsrestriksjon": screening["tilgangsrestriksjon"],
            "skjermingshjemmel": screening["skjermingshjemmel"],
            "skjerming_metadata": " ".join(fields),
        }
    return public, skjerming


def _check_org(user, organisation) -> None:
    if user is not None and user.organisation_id != organisation.pk:
        raise PermissionDenied


# ------------------------------------------------------------------------------------------------
# The light-case flow
# ------------------------------------------------------------------------------------------------
def case_open_from_comment(
    user, comment, *, route: str | None = None, now: datetime | None = None, render=render_pdfa
) -> Saksmappe:
    """Open a saksmappe for a comment and journal the comment as an incoming journalpost whose main
    document is a PDF/A of the comment (author, time, permalink, thread context).

    `route` defaults to the comment's triage route; a user may also journal a formal inquiry (or any
    citizen comment) on request. Opening twice returns the existing case.
    """
    organisation = comment.channel.organisation
    _check_org(user, organisation)
    if comment.from_page:
        raise ValidationError(_("Kommunens egne kommentarer journalføres ikke som henvendelser."))
    existing = Saksmappe.objects.filter(source_comment=comment).first()
    if existing is not None:
        return existing
    route = route or comment.triage_route or "light_case"
    now = now or timezone.now()
    actor = _actor_label(user)
    policy = records_policy()
    author = comment.author_name or _("ukjent avsender")
    platform = comment.channel.get_platform_display()
    snippet = _snippet(comment.text)
    case_title = _("Henvendelse på %(platform)s fra %(author)s: %(text)s") % {
        "platform": platform,
        "author": author,
        "text": snippet,
    }
    jp_title = _("Kommentar fra %(author)s på %(platform)s: %(text)s") % {
        "platform": platform,
        "author": author,
        "text": snippet,
    }
    (public_case, public_jp), skjerming = _screen([case_title, jp_title], [comment.author_name], route)
    permalink = comment_permalink(comment)

    pdf = render(
        "records/pdf/comment.html",
        {
            "title": jp_title,
            "organisation": organisation,
            "comment": comment,
            "permalink": permalink,
            "parent": comment.parent,
            "thread": comment.post.comments.filter(parent=comment).order_by("created_time")[:20],
            "revisions": comment.revisions.all()[:10],
            "generated_at": now,
        },
    )

    try:
        return _open_case(
            user,
            comment,
            organisation,
            route,
            now,
            actor,
            policy,
            author,
            case_title,
            jp_title,
            public_case,
            public_jp,
            skjerming,
            pdf,
        )
    except IntegrityError:
        # Someone opened a case for the same comment at the same moment; theirs stands.
        existing = Saksmappe.objects.filter(source_comment=comment).first()
        if existing is None:
            raise
        return existing


def _open_case(
    user,
    comment,
    organisation,
    route,
    now,
    actor,
    policy,
    author,
    case_title,
    jp_title,
    public_case,
    public_jp,
    skjerming,
    pdf,
) -> Saksmappe:
    with transaction.atomic():
        _arkiv, arkivdel, klasser = ensure_structure(organisation)
        year = _local_date(now).year
        sak_no = next_number(organisation, "sak", year)
        saksmappe = Saksmappe.objects.create(
            organisation=organisation,
            arkivdel=arkivdel,
            klasse=klasse_for(klasser, route),
            saksaar=year,
            sakssekvensnummer=sak_no,
            tittel=case_title,
            offentlig_tittel=public_case,
            saksdato=_local_date(now),
            administrativ_enhet=user.unit if user and user.unit else policy["administrativ_enhet"],
            saksansvarlig=actor,
            saksansvarlig_user=user,
            route=route,
            source_comment=comment,
            opprettet_dato=now,
            opprettet_av=actor,
            **{k: v for k, v in skjerming.items() if k != "skjerming_metadata"},
            skjerming_metadata="tittel" if "tittel" in skjerming["skjerming_metadata"] else "",
        )
        journalpost = _create_journalpost(
            saksmappe,
            journalposttype=Journalposttype.INNGAAENDE,
            tittel=jp_title,
            offentlig_tittel=public_jp,
            skjerming=skjerming,
            now=now,
            actor=actor,
            dokumentets_dato=_local_date(comment.created_time),
            mottatt_dato=comment.created_time,
            source_comment=comment,
        )
        Korrespondansepart.objects.create(
            journalpost=journalpost,
            korrespondanseparttype=Korrespondanseparttype.AVSENDER,
            korrespondansepart_navn=author,
        )
        Korrespondansepart.objects.create(
            journalpost=journalpost,
            korrespondanseparttype=Korrespondanseparttype.INTERN_MOTTAKER,
            korrespondansepart_navn=saksmappe.administrativ_enhet,
            administrativ_enhet=saksmappe.administrativ_enhet,
            saksbehandler=actor,
        )
        attach_document(
            journalpost,
            pdf,
            tittel=jp_title,
            filnavn=f"henvendelse-{comment.external_id}.pdf",
            actor=actor,
            when=now,
        )
        record(
            user,
            "records.case_opened",
            saksmappe,
            {
                "mappe_id": saksmappe.mappe_id,
                "journalpost": f"{journalpost.journalaar}/{journalpost.journalsekvensnummer}",
                "comment": comment.pk,
                "route": route,
            },
            organisation=organisation,
        )
    return saksmappe


def _create_journalpost(
    saksmappe: Saksmappe, *, journalposttype, tittel, offentlig_tittel, skjerming, now, actor, **extra
) -> Journalpost:
    year = _local_date(now).year
    number = next_number(saksmappe.organisation, "journal", year)
    last = (
        saksmappe.journalposter.order_by("-journalpostnummer")
        .values_list("journalpostnummer", flat=True)
        .first()
        or 0
    )
    return Journalpost.objects.create(
        organisation=saksmappe.organisation,
        saksmappe=saksmappe,
        journalaar=year,
        journalsekvensnummer=number,
        journalpostnummer=last + 1,
        journalposttype=journalposttype,
        journalstatus=Journalstatus.JOURNALFOERT,
        journaldato=_local_date(now),
        tittel=tittel,
        offentlig_tittel=offentlig_tittel,
        saksbehandler=actor,
        administrativ_enhet=saksmappe.administrativ_enhet,
        opprettet_dato=now,
        opprettet_av=actor,
        **skjerming,
        **extra,
    )


def case_for_comment(comment) -> Saksmappe | None:
    """The open case a reply to this comment belongs to (the comment's own, or its parent's)."""
    for candidate in (comment, comment.parent):
        if candidate is None:
            continue
        case = Saksmappe.objects.filter(source_comment=candidate).first()
        if case is not None:
            return case
    return None


def journal_answer(
    saksmappe: Saksmappe,
    *,
    text: str,
    published_at: datetime,
    user=None,
    signature: str = "",
    reply_id: int | None = None,
    permalink: str = "",
    render=render_pdfa,
) -> Journalpost:
    """Journal the published answer as the outgoing journalpost of the case, with the answer as PDF/A,
    and mark the incoming journalpost as answered (avskrevet). Idempotent per reply id."""
    if reply_id is not None:
        existing = Journalpost.objects.filter(source_reply_id=reply_id).first()
        if existing is not None:
            return existing
    if saksmappe.saksstatus != Saksstatus.UNDER_BEHANDLING:
        raise ValidationError(_("Saken er avsluttet."))
    comment = saksmappe.source_comment
    actor = _actor_label(user)
    author = comment.author_name if comment else ""
    jp_title = _("Svar til %(author)s: %(text)s") % {
        "author": author or _("avsender"),
        "text": _snippet(text),
    }
    (public_jp,), skjerming = _screen([jp_title], [author], saksmappe.route)
    pdf = render(
        "records/pdf/answer.html",
        {
            "title": jp_title,
            "organisation": saksmappe.organisation,
            "comment": comment,
            "text": text,
            "published_at": published_at,
            "permalink": permalink,
            "signature": signature,
            "saksmappe": saksmappe,
            "generated_at": timezone.now(),
        },
    )
    try:
        return _journal_answer(
            saksmappe,
            text=text,
            published_at=published_at,
            user=user,
            signature=signature,
            reply_id=reply_id,
            actor=actor,
            author=author,
            jp_title=jp_title,
            public_jp=public_jp,
            skjerming=skjerming,
            pdf=pdf,
        )
    except IntegrityError:
        existing = (
            Journalpost.objects.filter(source_reply_id=reply_id).first() if reply_id is not None else None
        )
        if existing is None:
            raise
        return existing


def _journal_answer(
    saksmappe,
    *,
    text,
    published_at,
    user,
    signature,
    reply_id,
    actor,
    author,
    jp_title,
    public_jp,
    skjerming,
    pdf,
) -> Journalpost:
    with transaction.atomic():
        saksmappe = Saksmappe.objects.select_for_update().get(pk=saksmappe.pk)
        journalpost = _create_journalpost(
            saksmappe,
            journalposttype=Journalposttype.UTGAAENDE,
            tittel=jp_title,
            offentlig_tittel=public_jp,
            skjerming=skjerming,
            now=published_at,
            actor=actor,
            dokumentets_dato=_local_date(published_at),
            sendt_dato=published_at,
            source_reply_id=reply_id,
        )
        journalpost.journalstatus = Journalstatus.EKSPEDERT
        journalpost.save(update_fields=["journalstatus"])
        Korrespondansepart.objects.create(
            journalpost=journalpost,
            korrespondanseparttype=Korrespondanseparttype.MOTTAKER,
            korrespondansepart_navn=author or _("ukjent mottaker"),
        )
        Korrespondansepart.objects.create(
            journalpost=journalpost,
            korrespondanseparttype=Korrespondanseparttype.INTERN_AVSENDER,
            korrespondansepart_navn=signature or actor,
            administrativ_enhet=saksmappe.administrativ_enhet,
            saksbehandler=actor,
        )
        attach_document(
            journalpost,
            pdf,
            tittel=jp_title,
            filnavn=f"svar-{saksmappe.saksaar}-"
            f"{saksmappe.sakssekvensnummer}-{journalpost.journalpostnummer}.pdf",
            actor=actor,
            when=published_at,
        )
        Journalpost.objects.filter(
            saksmappe=saksmappe, journalposttype=Journalposttype.INNGAAENDE, avskrivningsdato__isnull=True
        ).update(
            avskrivningsdato=_local_date(published_at),
            avskrivningsmaate="Besvart med utgående dokument",
            avskrevet_av=actor,
            avskrives_av=journalpost,
        )
        record(
            user,
            "records.answer_journaled",
            journalpost,
            {"mappe_id": saksmappe.mappe_id, "reply": reply_id},
            organisation=saksmappe.organisation,
        )
    return journalpost


def case_close(user, saksmappe: Saksmappe, *, now: datetime | None = None) -> Saksmappe:
    """Close the case: saksstatus Avsluttet, every journalpost Arkivert; both changes go to the
    endringslogg so the extraction shows them."""
    _check_org(user, saksmappe.organisation)
    now = now or timezone.now()
    actor = _actor_label(user)
    with transaction.atomic():
        saksmappe = Saksmappe.objects.select_for_update().get(pk=saksmappe.pk)
        if saksmappe.saksstatus != Saksstatus.UNDER_BEHANDLING:
            return saksmappe
        if not saksmappe.journalposter.exists():
            raise ValidationError(_("En sak uten journalposter kan ikke avsluttes."))
        log = [
            Endring(
                organisation=saksmappe.organisation,
                referanse_arkivenhet=saksmappe.system_id,
                referanse_metadata="saksstatus",
                endret_dato=now,
                endret_av=actor,
                tidligere_verdi=saksmappe.saksstatus,
                ny_verdi=Saksstatus.AVSLUTTET,
            )
        ]
        for jp in saksmappe.journalposter.exclude(journalstatus=Journalstatus.ARKIVERT):
            log.append(
                Endring(
                    organisation=saksmappe.organisation,
                    referanse_arkivenhet=jp.system_id,
                    referanse_metadata="journalstatus",
                    endret_dato=now,
                    endret_av=actor,
                    tidligere_verdi=jp.journalstatus,
                    ny_verdi=Journalstatus.ARKIVERT,
                )
            )
        saksmappe.journalposter.exclude(journalstatus=Journalstatus.ARKIVERT).update(
            journalstatus=Journalstatus.ARKIVERT, arkivert_dato=now, arkivert_av=actor
        )
        Endring.objects.bulk_create(log)
        saksmappe.saksstatus = Saksstatus.AVSLUTTET
        saksmappe.avsluttet_dato = now
        saksmappe.avsluttet_av = actor
        saksmappe.save(update_fields=["saksstatus", "avsluttet_dato", "avsluttet_av"])
        record(
            user,
            "records.case_closed",
            saksmappe,
            {"saksstatus": ["Under behandling", "Avsluttet"]},
            organisation=saksmappe.organisation,
        )
    return saksmappe


def on_reply_published(sender=None, reply=None, **kwargs) -> Journalpost | None:
    """Receiver for the replies app's "reply published" signal: journal the answer if the comment it
    answers has a case. Reads only reply.pk, .comment, .text, .published_at and the author/signature."""
    if reply is None:
        return None
    comment = getattr(reply, "comment", None)
    if comment is None:
        return None
    saksmappe = case_for_comment(comment)
    if saksmappe is None or saksmappe.saksstatus != Saksstatus.UNDER_BEHANDLING:
        return None
    user = None
    for attr in ("published_by", "author", "created_by", "signed_by"):
        candidate = getattr(reply, attr, None)
        if candidate is not None and hasattr(candidate, "get_username"):
            user = candidate
            break
    signature = getattr(reply, "signature", "") or (user.signature if user is not None else "")
    published_at = getattr(reply, "published_at", None) or timezone.now()
    permalink = getattr(reply, "permalink", "") or comment_permalink(comment)
    return journal_answer(
        saksmappe,
        text=getattr(reply, "text", "") or getattr(reply, "body", ""),
        published_at=published_at,
        user=user,
        signature=signature,
        reply_id=reply.pk,
        permalink=permalink,
    )
