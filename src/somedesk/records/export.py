"""Noark 5 v5.0 arkivuttrekk (archive extraction), written as a stream.

Layout of the package (krav 6.4.15):

    arkivuttrekk.xml  arkivstruktur.xml  endringslogg.xml  loependeJournal.xml  offentligJournal.xml
    *.xsd (the official schemas, byte for byte)   DOKUMENT/<year>/<systemID>.pdf

Every XML file is written with lxml's incremental writer (etree.xmlfile) from database iterators, so
memory stays flat whatever the number of journalposts. Afterwards every file is validated against the
shipped XSDs with a streaming validator, and arkivuttrekk.xml (ADDML 8.3, Riksarkivarens Noark 5-mal)
is filled in last with the SHA-256 of the exact bytes shipped. Anything invalid raises ExportError.

Choices recorded here (README §7): `format` is the file extension "pdf" (what Arkade N5.29 compares),
the PRONOM id goes in formatDetaljer. Only closed cases (saksstatus Avsluttet/Utgår) are extracted.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db.models import Max, Min, Prefetch
from django.utils import timezone
from lxml import etree

from somedesk.records.models import (
    Arkiv,
    Dokumentbeskrivelse,
    Endring,
    Journalpost,
    Klasse,
    Korrespondansepart,
    Saksmappe,
    Saksstatus,
)

XSD_DIR = Path(__file__).parent / "xsd" / "noark5"
ADDML_TEMPLATE = Path(__file__).parent / "xsd" / "arkivuttrekk_v5_0_mal.xml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_ARKIVSTRUKTUR = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
NS_ENDRINGSLOGG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
NS_LOEPENDE = "http://www.arkivverket.no/standarder/noark5/loependeJournal"
NS_OFFENTLIG = "http://www.arkivverket.no/standarder/noark5/offentligJournal"
NS_ADDML = "http://www.arkivverket.no/standarder/addml"
XML_FILES = {  # file -> (main schema, root namespace)
    "arkivstruktur.xml": ("arkivstruktur.xsd", NS_ARKIVSTRUKTUR),
    "endringslogg.xml": ("endringslogg.xsd", NS_ENDRINGSLOGG),
    "loependeJournal.xml": ("loependeJournal.xsd", NS_LOEPENDE),
    "offentligJournal.xml": ("offentligJournal.xsd", NS_OFFENTLIG),
}
SCHEMA_FILES = ["arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd", "loependeJournal.xsd",
                "offentligJournal.xsd", "addml.xsd"]
DOCUMENT_DIR = "DOKUMENT"
CHUNK = 1000
SCREENED_TEXT = "******"


class ExportError(Exception):
    """The extraction could not be made or did not validate; the message says which file and why."""


@dataclass
class ExportResult:
    out: Path
    mapper: int = 0
    registreringer: int = 0
    dokumentfiler: int = 0
    endringer: int = 0
    open_cases_skipped: int = 0
    start: date | None = None
    end: date | None = None
    checksums: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------
# Small writing helpers
# ------------------------------------------------------------------------------------------------
class Writer:
    """Thin wrapper over etree.xmlfile that writes elements of one namespace and skips empty values
    (Arkade N5.63 flags empty elements)."""

    def __init__(self, xf, ns: str):
        self.xf = xf
        self.ns = ns
        self._tags: dict[str, str] = {}

    def tag(self, name: str) -> str:
        tag = self._tags.get(name)
        if tag is None:
            tag = self._tags[name] = f"{{{self.ns}}}{name}"
        return tag

    def element(self, name: str, **attrib):
        return self.xf.element(self.tag(name), attrib=attrib or None)

    def leaf(self, name: str, value) -> None:
        if value is None or value == "":
            return
        with self.xf.element(self.tag(name)):
            self.xf.write(_text(value))

    def newline(self) -> None:
        self.xf.write("\n")


def _text(value) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------------
# Selection
# ------------------------------------------------------------------------------------------------
def selected_cases(organisation, date_from: date | None, date_to: date | None):
    qs = Saksmappe.objects.filter(organisation=organisation,
                                  saksstatus__in=[Saksstatus.AVSLUTTET, Saksstatus.UTGAAR])
    if date_from:
        qs = qs.filter(saksdato__gte=date_from)
    if date_to:
        qs = qs.filter(saksdato__lte=date_to)
    return qs


def _journalposts_prefetch():
    return Prefetch(
        "journalposter",
        queryset=Journalpost.objects.order_by("journalpostnummer").select_related("avskrives_av").prefetch_related(
            Prefetch("korrespondanseparter", queryset=Korrespondansepart.objects.order_by("id")),
            Prefetch("dokumentbeskrivelser",
                     queryset=Dokumentbeskrivelse.objects.order_by("dokumentnummer").prefetch_related(
                         "dokumentobjekter")),
        ),
    )


# ------------------------------------------------------------------------------------------------
# The export
# ------------------------------------------------------------------------------------------------
def export(organisation, out: Path, *, date_from: date | None = None, date_to: date | None = None,
           exported_by: str = "somedesk", now: datetime | None = None, validate: bool = True,
           progress=None) -> ExportResult:
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ExportError(f"{out} is not empty; an extraction is written into a new folder")
    arkiv = Arkiv.objects.filter(organisation=organisation).first()
    if arkiv is None:
        raise ExportError(f"{organisation} has no archive yet (no case was ever opened)")
    cases = selected_cases(organisation, date_from, date_to)
    result = ExportResult(out=out)
    result.open_cases_skipped = Saksmappe.objects.filter(
        organisation=organisation, saksstatus=Saksstatus.UNDER_BEHANDLING,
        **({"saksdato__gte": date_from} if date_from else {}), **({"saksdato__lte": date_to} if date_to else {}),
    ).count()
    journalposts = Journalpost.objects.filter(saksmappe__in=cases)
    bounds = journalposts.aggregate(first=Min("journaldato"), last=Max("journaldato"))
    if bounds["first"] is None:
        raise ExportError("no closed case with journalposts in the period; nothing to extract")
    result.start = min(d for d in (date_from, bounds["first"]) if d)
    result.end = max(d for d in (date_to, bounds["last"]) if d)
    now = now or timezone.now()

    out.mkdir(parents=True, exist_ok=True)
    for name in SCHEMA_FILES:
        shutil.copyfile(XSD_DIR / name, out / name)

    _write_arkivstruktur(out, arkiv, cases, result, exported_by, now, progress)
    _write_endringslogg(out, organisation, cases, result)
    _write_journal(out, "loependeJournal.xml", NS_LOEPENDE, organisation, journalposts, result, public=False)
    _write_journal(out, "offentligJournal.xml", NS_OFFENTLIG, organisation, journalposts, result, public=True)

    if validate:
        for name, (schema, _ns) in XML_FILES.items():
            errors = validate_file(out / name, out / schema)
            if errors:
                raise ExportError(f"{name} does not validate against {schema}: {errors[0]}")
    for name in list(XML_FILES) + [s for s in SCHEMA_FILES if s != "addml.xsd"]:
        result.checksums[name] = sha256_file(out / name)
    _write_addml(out, arkiv, organisation, result, journalposts)
    if validate:
        errors = validate_file(out / "arkivuttrekk.xml", out / "addml.xsd")
        if errors:
            raise ExportError(f"arkivuttrekk.xml does not validate against addml.xsd: {errors[0]}")
    return result


def _write_arkivstruktur(out: Path, arkiv: Arkiv, cases, result: ExportResult, exported_by: str, now,
                         progress) -> None:
    arkivdel = arkiv.arkivdeler.order_by("id").first()
    system = arkivdel.klassifikasjonssystem
    klasser = list(system.klasser.order_by("klasse_id"))
    children: dict[int | None, list[Klasse]] = {}
    for k in klasser:
        children.setdefault(k.parent_id, []).append(k)
    doc_root = out / DOCUMENT_DIR
    schema_location = f"{NS_ARKIVSTRUKTUR} arkivstruktur.xsd"
    with etree.xmlfile(str(out / "arkivstruktur.xml"), encoding="utf-8") as xf:
        xf.write_declaration()
        w = Writer(xf, NS_ARKIVSTRUKTUR)
        with xf.element(w.tag("arkiv"), nsmap={None: NS_ARKIVSTRUKTUR, "xsi": XSI},
                        attrib={f"{{{XSI}}}schemaLocation": schema_location}):
            w.newline()
            w.leaf("systemID", arkiv.system_id)
            w.leaf("tittel", arkiv.tittel)
            w.leaf("arkivstatus", "Avsluttet")
            w.leaf("opprettetDato", arkiv.opprettet_dato)
            w.leaf("opprettetAv", arkiv.opprettet_av)
            w.leaf("avsluttetDato", now)
            w.leaf("avsluttetAv", exported_by)
            with w.element("arkivskaper"):
                w.leaf("arkivskaperID", arkiv.organisation.org_number)
                w.leaf("arkivskaperNavn", arkiv.organisation.name)
            w.newline()
            with w.element("arkivdel"):
                w.leaf("systemID", arkivdel.system_id)
                w.leaf("tittel", arkivdel.tittel)
                w.leaf("arkivdelstatus", "Avsluttet periode")
                w.leaf("opprettetDato", arkivdel.opprettet_dato)
                w.leaf("opprettetAv", arkivdel.opprettet_av)
                w.leaf("avsluttetDato", now)
                w.leaf("avsluttetAv", exported_by)
                w.leaf("arkivperiodeStartDato", result.start)
                w.leaf("arkivperiodeSluttDato", result.end)
                w.newline()
                with w.element("klassifikasjonssystem"):
                    w.leaf("systemID", system.system_id)
                    w.leaf("klassifikasjonstype", system.klassifikasjonstype)
                    w.leaf("tittel", system.tittel)
                    w.leaf("opprettetDato", system.opprettet_dato)
                    w.leaf("opprettetAv", system.opprettet_av)
                    w.newline()
                    for klasse in children.get(None, []):
                        _write_klasse(w, klasse, children, cases, doc_root, result, progress)


def _write_klasse(w: Writer, klasse: Klasse, children, cases, doc_root: Path, result: ExportResult,
                  progress) -> None:
    with w.element("klasse"):
        w.leaf("systemID", klasse.system_id)
        w.leaf("klasseID", klasse.klasse_id)
        w.leaf("tittel", klasse.tittel)
        w.leaf("opprettetDato", klasse.opprettet_dato)
        w.leaf("opprettetAv", klasse.opprettet_av)
        w.newline()
        for child in children.get(klasse.pk, []):
            _write_klasse(w, child, children, cases, doc_root, result, progress)
        qs = (cases.filter(klasse=klasse).order_by("saksaar", "sakssekvensnummer")
              .prefetch_related(_journalposts_prefetch()))
        for case in qs.iterator(chunk_size=CHUNK):
            _write_saksmappe(w, case, doc_root, result)
            if progress is not None:
                progress(len(case.journalposter.all()))


def _write_skjerming(w: Writer, unit) -> None:
    if not unit.tilgangsrestriksjon:
        return
    with w.element("skjerming"):
        w.leaf("tilgangsrestriksjon", unit.tilgangsrestriksjon)
        w.leaf("skjermingshjemmel", unit.skjermingshjemmel)
        for name in unit.screened_fields or ["tittel"]:
            w.leaf("skjermingMetadata", name)


def _write_saksmappe(w: Writer, case: Saksmappe, doc_root: Path, result: ExportResult) -> None:
    result.mapper += 1
    with w.element("mappe", **{f"{{{XSI}}}type": "saksmappe"}):
        w.leaf("systemID", case.system_id)
        w.leaf("mappeID", case.mappe_id)
        w.leaf("tittel", case.tittel)
        w.leaf("offentligTittel", case.offentlig_tittel)
        w.leaf("opprettetDato", case.opprettet_dato)
        w.leaf("opprettetAv", case.opprettet_av)
        w.leaf("avsluttetDato", case.avsluttet_dato)
        w.leaf("avsluttetAv", case.avsluttet_av)
        _write_skjerming(w, case)
        w.newline()
        for jp in case.journalposter.all():
            _write_journalpost(w, case, jp, doc_root, result)
        w.leaf("saksaar", case.saksaar)
        w.leaf("sakssekvensnummer", case.sakssekvensnummer)
        w.leaf("saksdato", case.saksdato)
        w.leaf("administrativEnhet", case.administrativ_enhet)
        w.leaf("saksansvarlig", case.saksansvarlig)
        w.leaf("saksstatus", case.saksstatus)
    w.newline()


def _write_journalpost(w: Writer, case: Saksmappe, jp: Journalpost, doc_root: Path, result: ExportResult) -> None:
    result.registreringer += 1
    with w.element("registrering", **{f"{{{XSI}}}type": "journalpost"}):
        w.leaf("systemID", jp.system_id)
        w.leaf("opprettetDato", jp.opprettet_dato)
        w.leaf("opprettetAv", jp.opprettet_av)
        w.leaf("arkivertDato", jp.arkivert_dato)
        w.leaf("arkivertAv", jp.arkivert_av)
        _write_skjerming(w, jp)
        for beskrivelse in jp.dokumentbeskrivelser.all():
            with w.element("dokumentbeskrivelse"):
                w.leaf("systemID", beskrivelse.system_id)
                w.leaf("dokumenttype", beskrivelse.dokumenttype)
                w.leaf("dokumentstatus", beskrivelse.dokumentstatus)
                w.leaf("tittel", beskrivelse.tittel)
                w.leaf("opprettetDato", beskrivelse.opprettet_dato)
                w.leaf("opprettetAv", beskrivelse.opprettet_av)
                w.leaf("tilknyttetRegistreringSom", beskrivelse.tilknyttet_registrering_som)
                w.leaf("dokumentnummer", beskrivelse.dokumentnummer)
                w.leaf("tilknyttetDato", beskrivelse.tilknyttet_dato)
                w.leaf("tilknyttetAv", beskrivelse.tilknyttet_av)
                for obj in beskrivelse.dokumentobjekter.all():
                    ref = _copy_document(obj, jp.journalaar, doc_root, result)
                    with w.element("dokumentobjekt"):
                        w.leaf("systemID", obj.system_id)
                        w.leaf("versjonsnummer", obj.versjonsnummer)
                        w.leaf("variantformat", obj.variantformat)
                        w.leaf("format", obj.format)
                        w.leaf("formatDetaljer", obj.format_detaljer)
                        w.leaf("opprettetDato", obj.opprettet_dato)
                        w.leaf("opprettetAv", obj.opprettet_av)
                        w.leaf("referanseDokumentfil", ref)
                        w.leaf("sjekksum", obj.sjekksum)
                        w.leaf("sjekksumAlgoritme", obj.sjekksum_algoritme)
                        w.leaf("filstoerrelse", obj.filstoerrelse)
        w.leaf("registreringsID", f"{case.mappe_id}-{jp.journalpostnummer}")
        w.leaf("tittel", jp.tittel)
        w.leaf("offentligTittel", jp.offentlig_tittel)
        for kp in jp.korrespondanseparter.all():
            with w.element("korrespondansepart"):
                w.leaf("korrespondanseparttype", kp.korrespondanseparttype)
                w.leaf("korrespondansepartNavn", kp.korrespondansepart_navn)
                w.leaf("administrativEnhet", kp.administrativ_enhet)
                w.leaf("saksbehandler", kp.saksbehandler)
        w.leaf("journalaar", jp.journalaar)
        w.leaf("journalsekvensnummer", jp.journalsekvensnummer)
        w.leaf("journalpostnummer", jp.journalpostnummer)
        w.leaf("journalposttype", jp.journalposttype)
        w.leaf("journalstatus", jp.journalstatus)
        w.leaf("journaldato", jp.journaldato)
        w.leaf("dokumentetsDato", jp.dokumentets_dato)
        w.leaf("mottattDato", jp.mottatt_dato)
        w.leaf("sendtDato", jp.sendt_dato)
        if jp.avskrivningsdato:
            with w.element("avskrivning"):
                w.leaf("avskrivningsdato", jp.avskrivningsdato)
                w.leaf("avskrevetAv", jp.avskrevet_av)
                w.leaf("avskrivningsmaate", jp.avskrivningsmaate)
                if jp.avskrives_av_id:
                    w.leaf("referanseAvskrivesAvJournalpost", jp.avskrives_av.system_id)
    w.newline()


def _copy_document(obj, year: int, doc_root: Path, result: ExportResult) -> str:
    """Copy one file into the package, checking its bytes against the stored checksum on the way."""
    rel = f"{DOCUMENT_DIR}/{year}/{obj.system_id}.{obj.format}"
    target = doc_root / str(year) / f"{obj.system_id}.{obj.format}"
    if not target.parent.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = obj.path.read_bytes()
    except OSError as exc:
        raise ExportError(f"document {obj.fil} (dokumentobjekt {obj.system_id}) cannot be read: {exc}") from None
    if hashlib.sha256(data).hexdigest() != obj.sjekksum:
        raise ExportError(f"document {obj.fil} (dokumentobjekt {obj.system_id}) does not match its stored "
                          "SHA-256; the document store is damaged")
    target.write_bytes(data)
    result.dokumentfiler += 1
    return rel


def _write_endringslogg(out: Path, organisation, cases, result: ExportResult) -> None:
    case_ids = cases.values("system_id")
    jp_ids = Journalpost.objects.filter(saksmappe__in=cases).values("system_id")
    queries = [
        Endring.objects.filter(organisation=organisation, referanse_arkivenhet__in=case_ids),
        Endring.objects.filter(organisation=organisation, referanse_arkivenhet__in=jp_ids),
    ]
    with etree.xmlfile(str(out / "endringslogg.xml"), encoding="utf-8") as xf:
        xf.write_declaration()
        w = Writer(xf, NS_ENDRINGSLOGG)
        with xf.element(w.tag("endringslogg"), nsmap={None: NS_ENDRINGSLOGG, "xsi": XSI},
                        attrib={f"{{{XSI}}}schemaLocation": f"{NS_ENDRINGSLOGG} endringslogg.xsd"}):
            w.newline()
            for qs in queries:
                for e in qs.order_by("endret_dato", "id").iterator(chunk_size=CHUNK):
                    result.endringer += 1
                    with w.element("endring"):
                        w.leaf("referanseArkivenhet", e.referanse_arkivenhet)
                        w.leaf("referanseMetadata", e.referanse_metadata)
                        w.leaf("endretDato", e.endret_dato)
                        w.leaf("endretAv", e.endret_av)
                        w.leaf("tidligereVerdi", e.tidligere_verdi)
                        w.leaf("nyVerdi", e.ny_verdi)
                    w.newline()


def _write_journal(out: Path, filename: str, ns: str, organisation, journalposts, result: ExportResult, *,
                   public: bool) -> None:
    total = journalposts.count()
    qs = (journalposts.select_related("saksmappe__klasse", "avskrives_av")
          .prefetch_related(Prefetch("korrespondanseparter", queryset=Korrespondansepart.objects.order_by("id")))
          .order_by("journalaar", "journalsekvensnummer"))
    schema = XML_FILES[filename][0]
    with etree.xmlfile(str(out / filename), encoding="utf-8") as xf:
        xf.write_declaration()
        w = Writer(xf, ns)
        root = "offentligJournal" if public else "loependeJournal"
        with xf.element(w.tag(root), nsmap={None: ns, "xsi": XSI},
                        attrib={f"{{{XSI}}}schemaLocation": f"{ns} {schema}"}):
            w.newline()
            with w.element("journalhode"):
                w.leaf("journalStartDato", result.start)
                w.leaf("journalSluttDato", result.end)
                w.leaf("antallJournalposter", total)
                with w.element("arkivskaper"):
                    w.leaf("arkivskaperID", organisation.org_number)
                    w.leaf("arkivskaperNavn", organisation.name)
            w.newline()
            for jp in qs.iterator(chunk_size=CHUNK):
                case = jp.saksmappe
                screened = jp.screened_fields if jp.tilgangsrestriksjon else []
                with w.element("journalregistrering"):
                    with w.element("klasse"):
                        w.leaf("klasseID", case.klasse.klasse_id)
                        w.leaf("tittel", case.klasse.tittel)
                    with w.element("saksmappe"):
                        w.leaf("saksaar", case.saksaar)
                        w.leaf("sakssekvensnummer", case.sakssekvensnummer)
                        if not public:
                            w.leaf("tittel", case.tittel)
                        w.leaf("offentligTittel", case.offentlig_tittel)
                        if not public and case.tilgangsrestriksjon:
                            w.leaf("skjermingMetadata", "tittel")
                    with w.element("journalpost"):
                        w.leaf("systemID", jp.system_id)
                        w.leaf("journalaar", jp.journalaar)
                        w.leaf("journalsekvensnummer", jp.journalsekvensnummer)
                        w.leaf("journalpostnummer", jp.journalpostnummer)
                        if not public:
                            w.leaf("tittel", jp.tittel)
                        w.leaf("offentligTittel", jp.offentlig_tittel)
                        if "tittel" in screened:
                            w.leaf("skjermingMetadata", "tittel")
                        w.leaf("journaldato", jp.journaldato)
                        w.leaf("dokumentetsDato", jp.dokumentets_dato)
                        if jp.avskrivningsdato:
                            w.leaf("avskrivningsdato", jp.avskrivningsdato)
                            w.leaf("avskrivningsmaate", jp.avskrivningsmaate)
                            if jp.avskrives_av_id:
                                w.leaf("referanseAvskrivesAvJournalpost", jp.avskrives_av.system_id)
                        if jp.tilgangsrestriksjon:
                            w.leaf("tilgangsrestriksjon", jp.tilgangsrestriksjon)
                            w.leaf("skjermingshjemmel", jp.skjermingshjemmel)
                        for kp in jp.korrespondanseparter.all():
                            hide = ("korrespondansepartNavn" in screened
                                    and kp.korrespondanseparttype in ("Avsender", "Mottaker"))
                            with w.element("korrespondansepart"):
                                w.leaf("korrespondanseparttype", kp.korrespondanseparttype)
                                w.leaf("korrespondansepartNavn",
                                       SCREENED_TEXT if (public and hide) else kp.korrespondansepart_navn)
                                if not public and hide:
                                    w.leaf("skjermingMetadata", "korrespondansepartNavn")
                w.newline()


def _write_addml(out: Path, arkiv: Arkiv, organisation, result: ExportResult, journalposts) -> None:
    """Fill in Riksarkivarens Noark 5-mal, keeping its element order (Arkade reads some values by position)."""
    tree = etree.parse(str(ADDML_TEMPLATE))
    ns = {"a": NS_ADDML}
    root = tree.getroot()

    def prop_value(context, name: str, value) -> None:
        nodes = context.xpath(f".//a:property[@name='{name}']/a:value", namespaces=ns)
        if not nodes:
            raise ExportError(f"ADDML template has no property {name}")
        nodes[0].text = str(value)

    def additional(name: str, value: str) -> None:
        node = root.xpath(f".//a:additionalElement[@name='{name}']/a:value", namespaces=ns)[0]
        node.text = value

    creator = root.xpath(".//a:additionalElement[@name='recordCreator']/a:value", namespaces=ns)[0]
    creator.text = organisation.name
    additional("systemType", "Fagsystem for henvendelser i sosiale medier (Noark 5-uttrekk)")
    additional("systemName", "somedesk")
    additional("archive", arkiv.tittel)
    period = root.xpath(".//a:additionalElement[@name='archivalPeriod']", namespaces=ns)[0]
    prop_value(period, "startDate", result.start.isoformat())
    prop_value(period, "endDate", result.end.isoformat())
    main = root.xpath(".//a:dataObject[@name='Noark 5-arkivuttrekk']", namespaces=ns)[0]
    prop_value(main, "inngaaendeSkille", "skarpt")
    prop_value(main, "utgaaendeSkille", "skarpt")
    screened = journalposts.exclude(tilgangsrestriksjon="").exists()
    prop_value(main, "inneholderSkjermetInformasjon", "true" if screened else "false")
    prop_value(main, "omfatterDokumenterSomErKassert", "false")
    prop_value(main, "inneholderDokumenterSomSkalKasseres", "false")
    prop_value(main, "inneholderVirksomhetsspesifikkeMetadata", "false")
    prop_value(main, "antallDokumentfiler", result.dokumentfiler)
    counts = {
        ("arkivstruktur", "mappe"): result.mapper,
        ("arkivstruktur", "registrering"): result.registreringer,
        ("endringslogg", "endring"): result.endringer,
        ("loependeJournal", "journalregistrering"): result.registreringer,
        ("offentligJournal", "journalregistrering"): result.registreringer,
    }
    for obj_name in ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal"):
        obj = main.xpath(f"a:dataObjects/a:dataObject[@name='{obj_name}']", namespaces=ns)[0]
        file_prop = obj.xpath("a:properties/a:property[@name='file']", namespaces=ns)[0]
        prop_value(file_prop, "value", result.checksums[f"{obj_name}.xml"])
        for schema in obj.xpath("a:properties/a:property[@name='schema']", namespaces=ns):
            name = schema.xpath(".//a:property[@name='name']/a:value", namespaces=ns)[0].text
            values = schema.xpath(".//a:property[@name='checksum']//a:property[@name='value']/a:value",
                                  namespaces=ns)
            if values:
                values[0].text = result.checksums[name]
        for occ in obj.xpath(".//a:property[@name='numberOfOccurrences']", namespaces=ns):
            element = occ.xpath("a:value", namespaces=ns)[0].text
            prop_value(occ, "value", counts[(obj_name, element)])
    leftover = [v.text for v in root.iter(f"{{{NS_ADDML}}}value") if v.text and v.text.startswith("Oppgi")]
    if leftover:
        raise ExportError(f"ADDML placeholders left unfilled: {leftover[:3]}")
    tree.write(str(out / "arkivuttrekk.xml"), encoding="utf-8", xml_declaration=True)


# ------------------------------------------------------------------------------------------------
# Streaming validation
# ------------------------------------------------------------------------------------------------
_SCHEMAS: dict[str, etree.XMLSchema] = {}


def load_schema(xsd: Path) -> etree.XMLSchema:
    key = str(Path(xsd).resolve())
    schema = _SCHEMAS.get(key)
    if schema is None:
        schema = _SCHEMAS[key] = etree.XMLSchema(etree.parse(key))
    return schema


def validate_file(xml: Path, xsd: Path) -> list[str]:
    """Validate while parsing, discarding each element once seen, so memory does not grow with the file."""
    schema = load_schema(xsd)
    try:
        for _event, elem in etree.iterparse(str(xml), events=("end",), schema=schema, huge_tree=True):
            elem.clear(keep_tail=False)
            parent = elem.getparent()
            if parent is not None:
                while elem.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        return [str(exc)]
    except OSError as exc:
        return [f"cannot read {xml.name}: {exc}"]
    return []
