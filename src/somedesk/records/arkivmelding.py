"""Fiks Arkiv V1 "arkivmelding" (no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett) for one journalpost.

The first journalpost of a case carries the saksmappe; later ones point to it with
referanseForelderMappe/referanseEksternNoekkel (fagsystem "somedesk", noekkel = the saksmappe's
systemID), so a retry is idempotent on the archive side (the receipt says Opprettet or Eksisterende).
Our own case and journal numbers are not sent: the archive system numbers its own journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone
from lxml import etree

from somedesk.records.export import load_schema
from somedesk.records.models import Journalpost

NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
NS_MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = (
    Path(__file__).parent
    / "xsd"
    / "fiks-arkiv-v1"
    / "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.xsd"
)
MESSAGE_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"
FAGSYSTEM = "somedesk"

JOURNALPOSTTYPE = {
    "Inngående dokument": "I",
    "Utgående dokument": "U",
    "Organinternt dokument uten oppfølging": "X",
}
JOURNALSTATUS = {"Journalført": "J", "Ekspedert": "E", "Arkivert": "A", "Utgår": "U"}
SAKSSTATUS = {"Under behandling": "B", "Avsluttet": "A", "Utgår": "U"}
KORRESPONDANSEPARTTYPE = {
    "Avsender": "EA",
    "Mottaker": "EM",
    "Intern avsender": "IA",
    "Intern mottaker": "IM",
}


class ArkivmeldingInvalid(Exception):
    pass


@dataclass
class Message:
    journalpost_id: int
    xml: bytes
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (name inside the message, content)

    @property
    def message_type(self) -> str:
        return MESSAGE_TYPE


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _m(name: str) -> str:
    return f"{{{NS_MDK}}}{name}"


def _leaf(parent, name: str, value, ns=NS):
    if value is None or value == "":
        return None
    el = etree.SubElement(parent, f"{{{ns}}}{name}")
    el.text = _text(value)
    return el


def _kode(parent, name: str, code: str):
    el = etree.SubElement(parent, _q(name))
    etree.SubElement(el, _m("kode")).text = code
    return el


def _navn(parent, name: str, value: str):
    if not value:
        return None
    el = etree.SubElement(parent, _q(name))
    etree.SubElement(el, _m("navn")).text = value
    return el


def _text(value) -> str:
    from datetime import date, datetime

    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ekstern(parent, name: str, key: str, ns=NS):
    el = etree.SubElement(parent, f"{{{ns}}}{name}")
    etree.SubElement(el, _m("fagsystem")).text = FAGSYSTEM
    etree.SubElement(el, _m("noekkel")).text = key
    return el


def _skjerming(parent, unit) -> None:
    if not unit.tilgangsrestriksjon:
        return
    el = etree.SubElement(parent, _q("skjerming"))
    _kode(el, "tilgangsrestriksjon", unit.tilgangsrestriksjon)
    _leaf(el, "skjermingshjemmel", unit.skjermingshjemmel)


def build_arkivmelding(jp: Journalpost, *, include_case: bool | None = None) -> Message:
    case = jp.saksmappe
    if include_case is None:
        include_case = jp.journalpostnummer == 1
    files: list[tuple[str, bytes]] = []
    root = etree.Element(_q("arkivmelding"), nsmap={None: NS, "xsi": XSI})
    _leaf(root, "system", FAGSYSTEM)
    antall = _leaf(root, "antallFiler", 0)

    if include_case:
        mappe = etree.SubElement(root, _q("mappe"))
        mappe.set(f"{{{XSI}}}type", "saksmappe")
        _leaf(mappe, "tittel", case.tittel)
        _leaf(mappe, "offentligTittel", case.offentlig_tittel)
        _leaf(mappe, "opprettetDato", case.opprettet_dato)
        _leaf(mappe, "opprettetAv", case.opprettet_av)
        _skjerming(mappe, case)
        klass = etree.SubElement(mappe, _q("klassifikasjon"))
        _leaf(klass, "klassifikasjonssystemID", str(case.arkivdel.klassifikasjonssystem.system_id))
        _leaf(klass, "klasseID", case.klasse.klasse_id)
        _ekstern(mappe, "referanseEksternNoekkel", str(case.system_id))
        _leaf(mappe, "saksdato", case.saksdato)
        _navn(mappe, "administrativEnhet", case.administrativ_enhet)
        _navn(mappe, "saksansvarlig", case.saksansvarlig)
        _kode(mappe, "saksstatus", SAKSSTATUS[case.saksstatus])

    reg = etree.SubElement(root, _q("registrering"))
    reg.set(f"{{{XSI}}}type", "journalpost")
    _leaf(reg, "opprettetDato", jp.opprettet_dato)
    _leaf(reg, "opprettetAv", jp.opprettet_av)
    _leaf(reg, "arkivertDato", jp.arkivert_dato)
    _leaf(reg, "arkivertAv", jp.arkivert_av)
    parent = etree.SubElement(reg, _q("referanseForelderMappe"))
    _ekstern(parent, "referanseEksternNoekkel", str(case.system_id), ns=NS_MDK)
    _skjerming(reg, jp)
    for beskrivelse in jp.dokumentbeskrivelser.order_by("dokumentnummer"):
        db = etree.SubElement(reg, _q("dokumentbeskrivelse"))
        _leaf(db, "systemID", str(beskrivelse.system_id))
        _kode(db, "dokumentstatus", "F")
        _leaf(db, "tittel", beskrivelse.tittel)
        _leaf(db, "opprettetDato", beskrivelse.opprettet_dato)
        _leaf(db, "opprettetAv", beskrivelse.opprettet_av)
        _kode(
            db,
            "tilknyttetRegistreringSom",
            "H" if beskrivelse.tilknyttet_registrering_som == "Hoveddokument" else "V",
        )
        _leaf(db, "dokumentnummer", beskrivelse.dokumentnummer)
        _leaf(db, "tilknyttetDato", beskrivelse.tilknyttet_dato)
        _leaf(db, "tilknyttetAv", beskrivelse.tilknyttet_av)
        for obj in beskrivelse.dokumentobjekter.all():
            name = f"{obj.system_id}.{obj.format}"
            files.append((name, obj.path.read_bytes()))
            do = etree.SubElement(db, _q("dokumentobjekt"))
            _leaf(do, "systemID", str(obj.system_id))
            _leaf(do, "versjonsnummer", obj.versjonsnummer)
            _kode(do, "variantformat", "A")
            _kode(do, "format", "RA-PDF")
            _leaf(do, "formatDetaljer", obj.format_detaljer)
            _leaf(do, "mimeType", obj.mime_type)
            _leaf(do, "opprettetDato", obj.opprettet_dato)
            _leaf(do, "opprettetAv", obj.opprettet_av)
            _leaf(do, "filnavn", obj.filnavn)
            _leaf(do, "referanseDokumentfil", name)
            _leaf(do, "sjekksum", obj.sjekksum)
            _leaf(do, "sjekksumAlgoritme", "SHA256")
            _leaf(do, "filstoerrelse", obj.filstoerrelse)
    _leaf(reg, "registreringsID", f"{case.mappe_id}-{jp.journalpostnummer}")
    _leaf(reg, "tittel", jp.tittel)
    _leaf(reg, "offentligTittel", jp.offentlig_tittel)
    screened_names = "korrespondansepartNavn" in jp.screened_fields
    for kp in jp.korrespondanseparter.all():
        el = etree.SubElement(reg, _q("korrespondansepart"))
        _kode(el, "korrespondanseparttype", KORRESPONDANSEPARTTYPE[kp.korrespondanseparttype])
        _leaf(el, "korrespondansepartNavn", kp.korrespondansepart_navn)
        _navn(el, "administrativEnhet", kp.administrativ_enhet)
        _navn(el, "saksbehandler", kp.saksbehandler)
        if kp.korrespondanseparttype in ("Avsender", "Mottaker"):
            _leaf(el, "erSkjermet", screened_names)
            _leaf(el, "erPersonnavn", True)
    _ekstern(reg, "referanseEksternNoekkel", str(jp.system_id))
    _kode(reg, "journalposttype", JOURNALPOSTTYPE[jp.journalposttype])
    _kode(reg, "journalstatus", JOURNALSTATUS[jp.journalstatus])
    _leaf(reg, "journaldato", jp.journaldato)
    _leaf(reg, "dokumentetsDato", jp.dokumentets_dato)
    _leaf(reg, "mottattDato", jp.mottatt_dato)
    _leaf(reg, "sendtDato", jp.sendt_dato)
    _leaf(reg, "avskrivningsdato", jp.avskrivningsdato)

    antall.text = str(len(files))
    xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    errors = validate_arkivmelding(xml)
    if errors:
        raise ArkivmeldingInvalid(
            f"arkivmelding for journalpost {jp.journalaar}/{jp.journalsekvensnummer} "
            f"does not validate: {errors[0]}"
        )
    return Message(journalpost_id=jp.pk, xml=xml, files=files)


def validate_arkivmelding(xml: bytes) -> list[str]:
    schema = load_schema(XSD)
    doc = etree.fromstring(xml)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
