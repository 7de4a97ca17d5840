"""The light-case flow: open from a comment, journal the answer, close; screening; PDF/A."""

import pytest
from django.core.exceptions import PermissionDenied

from somedesk.records.models import (
    Endring,
    Journalpost,
    Journalposttype,
    Journalstatus,
    Saksmappe,
    Saksstatus,
)
from somedesk.records.pdf import pdfa_claim, sha256_hex
from somedesk.records.services import case_close, case_open_from_comment, journal_answer
from tests.conftest import at
from tests.records.conftest import make_comment

pytestmark = pytest.mark.django_db


def _inflate(data: bytes) -> bytes:
    """The PDF with its Flate streams (object streams included) decompressed, for searching."""
    import re
    import zlib

    parts = [data]
    for match in re.finditer(rb"/FlateDecode[^>]*>>\s*stream\r?\n", data):
        try:
            parts.append(
                zlib.decompressobj().decompress(data[match.end() : data.find(b"endstream", match.end())])
            )
        except zlib.error:
            pass
    return b"\n".join(parts)


def test_open_case_creates_saksmappe_incoming_journalpost_and_pdfa(servicetorg, light_comment):
    case = case_open_from_comment(servicetorg, light_comment, now=at(3, 11))
    assert case.saksaar == 2026 and case.sakssekvensnummer == 1
    assert case.saksstatus == Saksstatus.UNDER_BEHANDLING
    assert case.klasse.klasse_id == "000.1"
    jp = case.journalposter.get()
    assert jp.journalposttype == Journalposttype.INNGAAENDE
    assert (jp.journalaar, jp.journalsekvensnummer, jp.journalpostnummer) == (2026, 1, 1)
    assert jp.mottatt_dato == light_comment.created_time
    parts = {k.korrespondanseparttype: k.korrespondansepart_navn for k in jp.korrespondanseparter.all()}
    assert parts["Avsender"] == "Kari Nordmann"
    obj = jp.dokumentbeskrivelser.get().dokumentobjekter.get()
    data = obj.path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdfa_claim(data) == {"part": "2", "conformance": "B"}
    # What PDF/A-2b needs beyond the claim: an sRGB output intent, embedded fonts, and an unfiltered
    # XMP metadata stream (ISO 19005-2 6.6.2.1).
    inflated = _inflate(data)
    assert b"/OutputIntents" in inflated and b"/GTS_PDFA1" in inflated
    assert b"/FontFile2" in inflated or b"/FontFile3" in inflated
    meta = data.index(b"/Type /Metadata")
    assert b"/Filter" not in data[data.rfind(b"<<", 0, meta) : data.index(b">>", meta)]
    assert obj.sjekksum == sha256_hex(data) and obj.filstoerrelse == len(data)
    # Opening twice gives the same case and no new numbers.
    assert case_open_from_comment(servicetorg, light_comment).pk == case.pk
    assert Journalpost.objects.count() == 1


def test_private_names_never_in_public_titles(servicetorg, post):
    comment = make_comment(
        post, "c2", "Naboen min Ola Hansen sier at veien er stengt. Stemmer det?", author="Per Pedersen"
    )
    case = case_open_from_comment(servicetorg, comment, now=at(3, 11))
    jp = case.journalposter.get()
    assert "Per Pedersen" in jp.tittel and "Ola Hansen" in jp.tittel
    for public in (jp.offentlig_tittel, case.offentlig_tittel):
        assert "Pedersen" not in public and "Per" not in public.split()
        assert "Ola Hansen" not in public and "Hansen" not in public
        assert "******" in public
    assert jp.tilgangsrestriksjon == "13"
    assert jp.skjermingshjemmel == "Offl. § 13 jf. fvl. § 13"
    assert "korrespondansepartNavn" in jp.screened_fields and "tittel" in jp.screened_fields


def test_formal_inquiry_title_withheld(servicetorg, post):
    comment = make_comment(post, "c3", "Jeg klager på vedtaket om byggetillatelse.", route="formal_inquiry")
    case = case_open_from_comment(servicetorg, comment, now=at(3, 11))
    assert case.klasse.klasse_id == "000.2"
    assert case.journalposter.get().offentlig_tittel == "Unntatt offentlighet"


def test_answer_then_close(servicetorg, arkivar, light_comment):
    case = case_open_from_comment(servicetorg, light_comment, now=at(3, 11))
    out = journal_answer(
        case,
        text="Hei! Bilen kommer i morgen.",
        published_at=at(3, 14),
        user=servicetorg,
        signature=servicetorg.signature,
        reply_id=77,
    )
    assert out.journalposttype == Journalposttype.UTGAAENDE and out.journalstatus == Journalstatus.EKSPEDERT
    assert (out.journalsekvensnummer, out.journalpostnummer) == (2, 2)
    assert pdfa_claim(out.dokumentbeskrivelser.get().dokumentobjekter.get().path.read_bytes())["part"] == "2"
    incoming = case.journalposter.get(journalpostnummer=1)
    assert incoming.avskrivningsmaate == "Besvart med utgående dokument" and incoming.avskrives_av == out
    # The same reply is never journaled twice.
    assert journal_answer(case, text="x", published_at=at(3, 15), reply_id=77).pk == out.pk
    closed = case_close(arkivar, case, now=at(4, 9))
    assert closed.saksstatus == Saksstatus.AVSLUTTET and closed.avsluttet_av == "Arne Arkiv"
    assert set(closed.journalposter.values_list("journalstatus", flat=True)) == {Journalstatus.ARKIVERT}
    assert Endring.objects.filter(referanse_arkivenhet=case.system_id, ny_verdi="Avsluttet").exists()
    assert Endring.objects.filter(referanse_metadata="journalstatus").count() == 2


def test_reply_published_signal_hook(servicetorg, light_comment):
    from types import SimpleNamespace

    from somedesk.records.services import on_reply_published

    case = case_open_from_comment(servicetorg, light_comment, now=at(3, 11))
    reply = SimpleNamespace(
        pk=5, comment=light_comment, text="Takk, vi ordner det.", published_at=at(3, 12), author=servicetorg
    )
    jp = on_reply_published(reply=reply)
    assert jp is not None and jp.saksmappe_id == case.pk and jp.source_reply_id == 5
    other = make_comment(light_comment.post, "c9", "Bare en kommentar", route="none")
    assert on_reply_published(reply=SimpleNamespace(pk=6, comment=other, text="ok")) is None


def test_other_organisation_cannot_open(outsider, light_comment):
    with pytest.raises(PermissionDenied):
        case_open_from_comment(outsider, light_comment)
    assert not Saksmappe.objects.exists()


def test_numbers_are_per_year_and_gap_free(servicetorg, post):
    from datetime import UTC, datetime

    c1 = make_comment(post, "y1", "Spørsmål en?")
    c2 = make_comment(post, "y2", "Spørsmål to?")
    c3 = make_comment(post, "y3", "Spørsmål tre?")
    a = case_open_from_comment(servicetorg, c1, now=datetime(2026, 12, 31, 10, tzinfo=UTC))
    b = case_open_from_comment(servicetorg, c2, now=datetime(2027, 1, 2, 10, tzinfo=UTC))
    c = case_open_from_comment(servicetorg, c3, now=datetime(2027, 1, 3, 10, tzinfo=UTC))
    assert (a.saksaar, a.sakssekvensnummer) == (2026, 1)
    assert [(x.saksaar, x.sakssekvensnummer) for x in (b, c)] == [(2027, 1), (2027, 2)]


def test_failed_creation_leaves_no_gap(servicetorg, post, monkeypatch):
    from somedesk.records import services

    c1 = make_comment(post, "g1", "Spørsmål en?")
    c2 = make_comment(post, "g2", "Spørsmål to?")
    real = services.attach_document

    def broken(*args, **kwargs):  # fails after both numbers were taken, inside the transaction
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "attach_document", broken)
    with pytest.raises(RuntimeError):
        case_open_from_comment(servicetorg, c1, now=at(3, 11))
    monkeypatch.setattr(services, "attach_document", real)
    case = case_open_from_comment(servicetorg, c2, now=at(3, 11))
    assert case.sakssekvensnummer == 1
    assert case.journalposter.get().journalsekvensnummer == 1


def test_emoji_are_written_out_not_dropped_in_the_pdf(servicetorg, post, caplog):
    import logging

    comment = make_comment(post, "emo", "Takk for brøytinga 💛👍 men fortauet er glatt")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        case = case_open_from_comment(servicetorg, comment, now=at(3, 11))
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()]
    data = case.journalposter.get().dokumentbeskrivelser.get().dokumentobjekter.get().path.read_bytes()
    assert pdfa_claim(data) == {"part": "2", "conformance": "B"}


def test_publishing_a_desk_reply_journals_the_answer(
    servicetorg, light_comment, django_capture_on_commit_callbacks
):
    from django.apps import apps

    from somedesk.records.signals import REPLIES_HOOK

    assert REPLIES_HOOK in ("reply_published", "post_save")
    reply_model = apps.get_model("replies", "Reply")
    case = case_open_from_comment(servicetorg, light_comment, now=at(3, 11))
    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_model.objects.create(
            comment=light_comment,
            organisation=light_comment.channel.organisation,
            author=servicetorg,
            body="Bilen kommer i morgen.",
            signature=servicetorg.signature,
            text=f"Bilen kommer i morgen.\n{servicetorg.signature}",
            created_at=at(3, 12),
            state="pending",
        )
    assert case.journalposter.count() == 1  # not published yet
    with django_capture_on_commit_callbacks(execute=True):
        reply.state = "published"
        reply.published_at = at(3, 13)
        reply.save(update_fields=["state", "published_at"])
        if REPLIES_HOOK == "reply_published":
            from somedesk.replies.signals import reply_published

            reply_published.send(sender=reply_model, reply=reply)
    out = Journalpost.objects.get(source_reply_id=reply.pk)
    assert out.saksmappe_id == case.pk and out.journalposttype == Journalposttype.UTGAAENDE
    assert out.sendt_dato == at(3, 13)
    with django_capture_on_commit_callbacks(execute=True):
        reply.save()  # saving again never journals twice
    assert Journalpost.objects.filter(source_reply_id=reply.pk).count() == 1
