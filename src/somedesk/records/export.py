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

import contextlib
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone
from lxml import etree

from somedesk.records.models import (
    Arkiv,
    Dokumentbeskrivelse,
    Dokumentobjekt,
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
SCHEMA_FILES = [
    "arkivstruktur.xsd",
    "metadatakatalog.xsd",
    "endringslogg.xsd",
    "loependeJournal.xsd",
    "offentligJournal.xsd",
    "addml.xsd",
]
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
    timings: dict[str, float] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------
# Small writing helpers
# ------------------------------------------------------------------------------------------------
class _Namespaced:
    """Clark-notation tag names of one namespace, built once per name."""

    def __init__(self, ns: str):
        self.ns = ns
        self.tags: dict[str, str] = {}

    def tag(self, name: str) -> str:
        tag = self.tags.get(name)
        if tag is None:
            tag = self.tags[name] = f"{{{self.ns}}}{name}"
        return tag


class Writer(_Namespaced):
    """Thin wrapper over etree.xmlfile that writes elements of one namespace and skips empty values
    (Arkade N5.63 flags empty elements)."""

    def __init__(self, xf, ns: str):
        super().__init__(ns)
        self.xf = xf

    def element(self, name: str, **attrib):
        return self.xf.element(self.tag(name), attrib=attrib or None)

    def leaf(self, name: str, value) -> None:
        if value is None or value == "":
            return
        with self.xf.element(self.tag(name)):
            self.xf.write(_text(value))

    def newline(self) -> None:
        self.xf.write("\n")


_TZ = None


def _text(value) -> str:
    global _TZ
    if isinstance(value, datetime):
        if _TZ is None:
            _TZ = timezone.get_default_timezone()
        return value.astimezone(_TZ).isoformat()
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
    qs = Saksmappe.objects.filter(
        organisation=organisation, saksstatus__in=[Saksstatus.AVSLUTTET, Saksstatus.UTGAAR]
    )
    if date_from:
        qs = qs.filter(saksdato__gte=date_from)
    if date_to:
        qs = qs.filter(saksdato__lte=date_to)
    return qs


CASE_FIELDS = (
    "id",
    "system_id",
    "saksaar",
    "sakssekvensnummer",
    "tittel",
    "offentlig_tittel",
    "opprettet_dato",
    "opprettet_av",
    "avsluttet_dato",
    "avsluttet_av",
    "tilgangsrestriksjon",
    "skjermingshjemmel",
    "skjerming_metadata",
    "saksdato",
    "administrativ_enhet",
    "saksansvarlig",
    "saksstatus",
)
JP_FIELDS = (
    "id",
    "saksmappe_id",
    "system_id",
    "opprettet_dato",
    "opprettet_av",
    "arkivert_dato",
    "arkivert_av",
    "tilgangsrestriksjon",
    "skjermingshjemmel",
    "skjerming_metadata",
    "journalpostnummer",
    "tittel",
    "offentlig_tittel",
    "journalaar",
    "journalsekvensnummer",
    "journalposttype",
    "journalstatus",
    "journaldato",
    "dokumentets_dato",
    "mottatt_dato",
    "sendt_dato",
    "avskrivningsdato",
    "avskrevet_av",
    "avskrivningsmaate",
    "avskrives_av__system_id",
)
KP_FIELDS = (
    "journalpost_id",
    "korrespondanseparttype",
    "korrespondansepart_navn",
    "administrativ_enhet",
    "saksbehandler",
)
DB_FIELDS = (
    "id",
    "journalpost_id",
    "system_id",
    "dokumenttype",
    "dokumentstatus",
    "tittel",
    "opprettet_dato",
    "opprettet_av",
    "tilknyttet_registrering_som",
    "dokumentnummer",
    "tilknyttet_dato",
    "tilknyttet_av",
)
DO_FIELDS = (
    "dokumentbeskrivelse_id",
    "system_id",
    "versjonsnummer",
    "variantformat",
    "format",
    "format_detaljer",
    "opprettet_dato",
    "opprettet_av",
    "fil",
    "sjekksum",
    "sjekksum_algoritme",
    "filstoerrelse",
)


def _grouped(rows, key: str) -> dict:
    out: dict = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _keyset(qs, order: tuple[str, str], fields, chunk: int = CHUNK):
    """Iterate a queryset as dicts in chunks ordered by (year, number), with keyset pagination on the number
    within each year: a plain range condition the (organisation, year, number) unique index serves, so
    every chunk costs the same however far into the series it is (no OFFSET, no OR condition)."""
    first, second = order
    years = sorted(set(qs.order_by().values_list(first, flat=True).distinct()))
    for year in years:
        last = None
        base = qs.filter(**{first: year})
        while True:
            page = base if last is None else base.filter(**{f"{second}__gt": last})
            rows = list(page.order_by(second).values(*fields)[:chunk])
            if not rows:
                break
            yield rows
            last = rows[-1][second]


# ------------------------------------------------------------------------------------------------
# The export
# ------------------------------------------------------------------------------------------------
def export(
    organisation,
    out: Path,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    exported_by: str = "somedesk",
    now: datetime | None = None,
    validate: bool = True,
    progress=None,
) -> ExportResult:
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ExportError(f"{out} is not empty; an extraction is written into a new folder")
    arkiv = Arkiv.objects.filter(organisation=organisation).first()
    if arkiv is None:
        raise ExportError(f"{organisation} has no archive yet (no case was ever opened)")
    cases = selected_cases(organisation, date_from, date_to)
    result = ExportResult(out=out)
    result.open_cases_skipped = Saksmappe.objects.filter(
        organisation=organisation,
        saksstatus=Saksstatus.UNDER_BEHANDLING,
        **({"saksdato__gte": date_from} if date_from else {}),
        **({"saksdato__lte": date_to} if date_to else {}),
    ).count()
    # Same selection as `cases`, as a join (cheap per row) rather than an IN list rebuilt for every chunk.
    journalposts = Journalpost.objects.filter(
        organisation=organisation,
        saksmappe__saksstatus__in=[Saksstatus.AVSLUTTET, Saksstatus.UTGAAR],
        **({"saksmappe__saksdato__gte": date_from} if date_from else {}),
        **({"saksmappe__saksdato__lte": date_to} if date_to else {}),
    )
    bounds = journalposts.aggregate(first=Min("journaldato"), last=Max("journaldato"))
    if bounds["first"] is None:
        raise ExportError("no closed case with journalposts in the period; nothing to extract")
    result.start = min(d for d in (date_from, bounds["first"]) if d)
    result.end = max(d for d in (date_to, bounds["last"]) if d)
    now = now or timezone.now()

    out.mkdir(parents=True, exist_ok=True)
    for name in SCHEMA_FILES:
        shutil.copyfile(XSD_DIR / name, out / name)

    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now_ = time.perf_counter()
        result.timings[name] = round(now_ - clock, 2)
        clock = now_

    # Each file is validated on a background thread as soon as it is written (libxml2 parses without
    # the GIL), overlapping with writing the next file.
    from concurrent.futures import ThreadPoolExecutor

    checks = {}
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="noark-validate") as validator:

        def check(name: str) -> None:
            if validate:
                schema = XML_FILES[name][0]
                checks[name] = validator.submit(validate_file, out / name, out / schema)

        _write_arkivstruktur(out, arkiv, cases, result, exported_by, now, progress)
        check("arkivstruktur.xml")
        lap("arkivstruktur")
        _write_endringslogg(out, organisation, cases, result)
        check("endringslogg.xml")
        lap("endringslogg")
        _write_journals(out, organisation, journalposts, result)
        check("loependeJournal.xml")
        check("offentligJournal.xml")
        lap("journals")
        for name, future in checks.items():
            errors = future.result()
            if errors:
                raise ExportError(f"{name} does not validate against {XML_FILES[name][0]}: {errors[0]}")
    lap("validate (what was left)")
    for name in list(XML_FILES) + [s for s in SCHEMA_FILES if s != "addml.xsd"]:
        result.checksums[name] = sha256_file(out / name)
    _write_addml(out, arkiv, organisation, result, journalposts)
    if validate:
        errors = validate_file(out / "arkivuttrekk.xml", out / "addml.xsd")
        if errors:
            raise ExportError(f"arkivuttrekk.xml does not validate against addml.xsd: {errors[0]}")
    lap("addml")
    return result


def _write_arkivstruktur(
    out: Path, arkiv: Arkiv, cases, result: ExportResult, exported_by: str, now, progress
) -> None:
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
        with xf.element(
            w.tag("arkiv"),
            nsmap={None: NS_ARKIVSTRUKTUR, "xsi": XSI},
            attrib={f"{{{XSI}}}schemaLocation": schema_location},
        ):
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
                    copier = _Copier(doc_root, result)
                    try:
                        for klasse in children.get(None, []):
                            _write_klasse(w, klasse, children, cases, copier, result, progress)
                    finally:
                        copier.close()


def _write_klasse(
    w: Writer, klasse: Klasse, children, cases, copier: _Copier, result: ExportResult, progress
) -> None:
    with w.element("klasse"):
        w.leaf("systemID", klasse.system_id)
        w.leaf("klasseID", klasse.klasse_id)
        w.leaf("tittel", klasse.tittel)
        w.leaf("opprettetDato", klasse.opprettet_dato)
        w.leaf("opprettetAv", klasse.opprettet_av)
        w.newline()
        for child in children.get(klasse.pk, []):
            _write_klasse(w, child, children, cases, copier, result, progress)
        builder = _TreeBuilder(NS_ARKIVSTRUKTUR)
        for chunk in _keyset(cases.filter(klasse=klasse), ("saksaar", "sakssekvensnummer"), CASE_FIELDS):
            # Explicit id lists (not joins), so every lookup is an index probe whatever the database's planner.
            ids = [c["id"] for c in chunk]
            jp_rows = list(
                Journalpost.objects.filter(saksmappe_id__in=ids)
                .order_by("journalpostnummer")
                .values(*JP_FIELDS)
            )
            jp_ids = [jp["id"] for jp in jp_rows]
            jps = _grouped(jp_rows, "saksmappe_id")
            kps = _grouped(
                Korrespondansepart.objects.filter(journalpost_id__in=jp_ids)
                .order_by("id")
                .values(*KP_FIELDS),
                "journalpost_id",
            )
            db_rows = list(
                Dokumentbeskrivelse.objects.filter(journalpost_id__in=jp_ids)
                .order_by("dokumentnummer", "id")
                .values(*DB_FIELDS)
            )
            dbs = _grouped(db_rows, "journalpost_id")
            dos = _grouped(
                Dokumentobjekt.objects.filter(dokumentbeskrivelse_id__in=[d["id"] for d in db_rows])
                .order_by("id")
                .values(*DO_FIELDS),
                "dokumentbeskrivelse_id",
            )
            for case in chunk:
                element = _saksmappe_element(
                    builder, case, jps.get(case["id"], []), kps, dbs, dos, copier, result
                )
                w.xf.write(element)
                w.newline()
            copier.flush()
            if progress is not None:
                progress(sum(len(v) for v in jps.values()))


class _TreeBuilder(_Namespaced):
    """Builds one mappe at a time as an lxml subtree (C-speed), then hands it to the stream writer."""

    def sub(self, parent, name: str):
        return etree.SubElement(parent, self.tag(name))

    def leaf(self, parent, name: str, value, _sub=etree.SubElement) -> None:
        if value is None or value == "":
            return
        tag = self.tags.get(name) or self.tag(name)
        _sub(parent, tag).text = value if value.__class__ is str else _text(value)


def _skjerming_element(b: _TreeBuilder, parent, unit: dict) -> None:
    if not unit["tilgangsrestriksjon"]:
        return
    el = b.sub(parent, "skjerming")
    b.leaf(el, "tilgangsrestriksjon", unit["tilgangsrestriksjon"])
    b.leaf(el, "skjermingshjemmel", unit["skjermingshjemmel"])
    for name in unit["skjerming_metadata"].split() or ["tittel"]:
        b.leaf(el, "skjermingMetadata", name)


def _saksmappe_element(
    b: _TreeBuilder,
    case: dict,
    jps: list,
    kps: dict,
    dbs: dict,
    dos: dict,
    copier: _Copier,
    result: ExportResult,
):
    result.mapper += 1
    mappe = etree.Element(b.tag("mappe"), nsmap={None: b.ns, "xsi": XSI})
    mappe.set(f"{{{XSI}}}type", "saksmappe")
    b.leaf(mappe, "systemID", str(case["system_id"]))
    b.leaf(mappe, "mappeID", f"{case['saksaar']}/{case['sakssekvensnummer']}")
    b.leaf(mappe, "tittel", case["tittel"])
    b.leaf(mappe, "offentligTittel", case["offentlig_tittel"])
    b.leaf(mappe, "opprettetDato", case["opprettet_dato"])
    b.leaf(mappe, "opprettetAv", case["opprettet_av"])
    b.leaf(mappe, "avsluttetDato", case["avsluttet_dato"])
    b.leaf(mappe, "avsluttetAv", case["avsluttet_av"])
    _skjerming_element(b, mappe, case)
    mappe_id = f"{case['saksaar']}/{case['sakssekvensnummer']}"
    for jp in jps:
        _journalpost_element(
            b, mappe, mappe_id, jp, kps.get(jp["id"], []), dbs.get(jp["id"], []), dos, copier, result
        )
    b.leaf(mappe, "saksaar", str(case["saksaar"]))
    b.leaf(mappe, "sakssekvensnummer", str(case["sakssekvensnummer"]))
    b.leaf(mappe, "saksdato", case["saksdato"])
    b.leaf(mappe, "administrativEnhet", case["administrativ_enhet"])
    b.leaf(mappe, "saksansvarlig", case["saksansvarlig"])
    b.leaf(mappe, "saksstatus", case["saksstatus"])
    return mappe


def _journalpost_element(
    b: _TreeBuilder,
    mappe,
    mappe_id: str,
    jp: dict,
    kps: list,
    dbs: list,
    dos: dict,
    copier: _Copier,
    result: ExportResult,
) -> None:
    result.registreringer += 1
    reg = b.sub(mappe, "registrering")
    reg.set(f"{{{XSI}}}type", "journalpost")
    b.leaf(reg, "systemID", str(jp["system_id"]))
    b.leaf(reg, "opprettetDato", jp["opprettet_dato"])
    b.leaf(reg, "opprettetAv", jp["opprettet_av"])
    b.leaf(reg, "arkivertDato", jp["arkivert_dato"])
    b.leaf(reg, "arkivertAv", jp["arkivert_av"])
    _skjerming_element(b, reg, jp)
    for besk in dbs:
        el = b.sub(reg, "dokumentbeskrivelse")
        b.leaf(el, "systemID", str(besk["system_id"]))
        b.leaf(el, "dokumenttype", besk["dokumenttype"])
        b.leaf(el, "dokumentstatus", besk["dokumentstatus"])
        b.leaf(el, "tittel", besk["tittel"])
        b.leaf(el, "opprettetDato", besk["opprettet_dato"])
        b.leaf(el, "opprettetAv", besk["opprettet_av"])
        b.leaf(el, "tilknyttetRegistreringSom", besk["tilknyttet_registrering_som"])
        b.leaf(el, "dokumentnummer", str(besk["dokumentnummer"]))
        b.leaf(el, "tilknyttetDato", besk["tilknyttet_dato"])
        b.leaf(el, "tilknyttetAv", besk["tilknyttet_av"])
        for obj in dos.get(besk["id"], []):
            ref = copier(obj, jp["journalaar"])
            do = b.sub(el, "dokumentobjekt")
            b.leaf(do, "systemID", str(obj["system_id"]))
            b.leaf(do, "versjonsnummer", str(obj["versjonsnummer"]))
            b.leaf(do, "variantformat", obj["variantformat"])
            b.leaf(do, "format", obj["format"])
            b.leaf(do, "formatDetaljer", obj["format_detaljer"])
            b.leaf(do, "opprettetDato", obj["opprettet_dato"])
            b.leaf(do, "opprettetAv", obj["opprettet_av"])
            b.leaf(do, "referanseDokumentfil", ref)
            b.leaf(do, "sjekksum", obj["sjekksum"])
            b.leaf(do, "sjekksumAlgoritme", obj["sjekksum_algoritme"])
            b.leaf(do, "filstoerrelse", str(obj["filstoerrelse"]))
    b.leaf(reg, "registreringsID", f"{mappe_id}-{jp['journalpostnummer']}")
    b.leaf(reg, "tittel", jp["tittel"])
    b.leaf(reg, "offentligTittel", jp["offentlig_tittel"])
    for kp in kps:
        el = b.sub(reg, "korrespondansepart")
        b.leaf(el, "korrespondanseparttype", kp["korrespondanseparttype"])
        b.leaf(el, "korrespondansepartNavn", kp["korrespondansepart_navn"])
        b.leaf(el, "administrativEnhet", kp["administrativ_enhet"])
        b.leaf(el, "saksbehandler", kp["saksbehandler"])
    b.leaf(reg, "journalaar", str(jp["journalaar"]))
    b.leaf(reg, "journalsekvensnummer", str(jp["journalsekvensnummer"]))
    b.leaf(reg, "journalpostnummer", str(jp["journalpostnummer"]))
    b.leaf(reg, "journalposttype", jp["journalposttype"])
    b.leaf(reg, "journalstatus", jp["journalstatus"])
    b.leaf(reg, "journaldato", jp["journaldato"])
    b.leaf(reg, "dokumentetsDato", jp["dokumentets_dato"])
    b.leaf(reg, "mottattDato", jp["mottatt_dato"])
    b.leaf(reg, "sendtDato", jp["sendt_dato"])
    if jp["avskrivningsdato"]:
        el = b.sub(reg, "avskrivning")
        b.leaf(el, "avskrivningsdato", jp["avskrivningsdato"])
        b.leaf(el, "avskrevetAv", jp["avskrevet_av"])
        b.leaf(el, "avskrivningsmaate", jp["avskrivningsmaate"])
        if jp["avskrives_av__system_id"]:
            b.leaf(el, "referanseAvskrivesAvJournalpost", str(jp["avskrives_av__system_id"]))


class _Copier:
    """Copies documents into the package on a few threads (file I/O releases the GIL) while the XML is
    built; every file's bytes are checked against the stored SHA-256. Work is submitted in batches, and
    `flush()` (after every chunk) waits for it and raises the first failure, so memory stays bounded."""

    BATCH = 200

    def __init__(self, doc_root: Path, result: ExportResult, workers: int = 4):
        from concurrent.futures import ThreadPoolExecutor

        self.doc_root = str(doc_root)
        self.result = result
        self.media = str(settings.MEDIA_ROOT)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="noark-copy")
        self.pending: list = []
        self.batch: list = []
        self.folders: set[int] = set()

    def __call__(self, obj: dict, year: int) -> str:
        name = f"{obj['system_id']}.{obj['format']}"
        if year not in self.folders:
            os.makedirs(os.path.join(self.doc_root, str(year)), exist_ok=True)
            self.folders.add(year)
        self.batch.append((os.path.join(self.media, obj["fil"]), f"{self.doc_root}/{year}/{name}", obj))
        if len(self.batch) >= self.BATCH:
            self.pending.append(self.pool.submit(_copy_batch, self.batch))
            self.batch = []
        self.result.dokumentfiler += 1
        return f"{DOCUMENT_DIR}/{year}/{name}"

    def flush(self) -> None:
        if self.batch:
            self.pending.append(self.pool.submit(_copy_batch, self.batch))
            self.batch = []
        pending, self.pending = self.pending, []
        for future in pending:
            future.result()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _copy_batch(items) -> None:
    for source, target, obj in items:
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise ExportError(
                f"document {obj['fil']} (dokumentobjekt {obj['system_id']}) cannot be read: "
                f"{exc.strerror or exc}"
            ) from None
        if hashlib.sha256(data).hexdigest() != obj["sjekksum"]:
            raise ExportError(
                f"document {obj['fil']} (dokumentobjekt {obj['system_id']}) does not match its "
                "stored SHA-256; the document store is damaged"
            )
        with open(target, "wb") as handle:
            handle.write(data)


def _write_endringslogg(out: Path, organisation, cases, result: ExportResult) -> None:
    case_ids = cases.values("system_id")
    jp_ids = Journalpost.objects.filter(saksmappe__in=cases).values("system_id")
    queries = [
        Endring.objects.filter(organisation=organisation, referanse_arkivenhet__in=case_ids),
        Endring.objects.filter(organisation=organisation, referanse_arkivenhet__in=jp_ids),
    ]
    fields = (
        "referanse_arkivenhet",
        "referanse_metadata",
        "endret_dato",
        "endret_av",
        "tidligere_verdi",
        "ny_verdi",
    )
    with etree.xmlfile(str(out / "endringslogg.xml"), encoding="utf-8") as xf:
        xf.write_declaration()
        w = Writer(xf, NS_ENDRINGSLOGG)
        b = _TreeBuilder(NS_ENDRINGSLOGG)
        with xf.element(
            w.tag("endringslogg"),
            nsmap={None: NS_ENDRINGSLOGG, "xsi": XSI},
            attrib={f"{{{XSI}}}schemaLocation": f"{NS_ENDRINGSLOGG} endringslogg.xsd"},
        ):
            w.newline()
            for qs in queries:
                for e in qs.order_by("endret_dato", "id").values_list(*fields).iterator(chunk_size=CHUNK):
                    result.endringer += 1
                    el = etree.Element(b.tag("endring"), nsmap={None: NS_ENDRINGSLOGG})
                    b.leaf(el, "referanseArkivenhet", str(e[0]))
                    b.leaf(el, "referanseMetadata", e[1])
                    b.leaf(el, "endretDato", e[2])
                    b.leaf(el, "endretAv", e[3])
                    b.leaf(el, "tidligereVerdi", e[4])
                    b.leaf(el, "nyVerdi", e[5])
                    xf.write(el)
                    w.newline()


JOURNAL_FIELDS = (
    "id",
    "system_id",
    "journalaar",
    "journalsekvensnummer",
    "journalpostnummer",
    "tittel",
    "offentlig_tittel",
    "journaldato",
    "dokumentets_dato",
    "avskrivningsdato",
    "avskrivningsmaate",
    "avskrives_av__system_id",
    "tilgangsrestriksjon",
    "skjermingshjemmel",
    "skjerming_metadata",
    "saksmappe__saksaar",
    "saksmappe__sakssekvensnummer",
    "saksmappe__tittel",
    "saksmappe__offentlig_tittel",
    "saksmappe__tilgangsrestriksjon",
    "saksmappe__klasse__klasse_id",
    "saksmappe__klasse__tittel",
)


def _write_journals(out: Path, organisation, journalposts, result: ExportResult) -> None:
    """loependeJournal.xml and offentligJournal.xml in one pass over the journalposts."""
    total = journalposts.count()
    targets = [
        ("loependeJournal.xml", NS_LOEPENDE, "loependeJournal", False),
        ("offentligJournal.xml", NS_OFFENTLIG, "offentligJournal", True),
    ]
    with contextlib.ExitStack() as stack:
        streams = []
        for filename, ns, root, public in targets:
            xf = stack.enter_context(etree.xmlfile(str(out / filename), encoding="utf-8"))
            xf.write_declaration()
            w = Writer(xf, ns)
            stack.enter_context(
                xf.element(
                    w.tag(root),
                    nsmap={None: ns, "xsi": XSI},
                    attrib={f"{{{XSI}}}schemaLocation": f"{ns} {XML_FILES[filename][0]}"},
                )
            )
            w.newline()
            with w.element("journalhode"):
                w.leaf("journalStartDato", result.start)
                w.leaf("journalSluttDato", result.end)
                w.leaf("antallJournalposter", total)
                with w.element("arkivskaper"):
                    w.leaf("arkivskaperID", organisation.org_number)
                    w.leaf("arkivskaperNavn", organisation.name)
            w.newline()
            streams.append((xf, _TreeBuilder(ns), public))
        for chunk in _keyset(journalposts, ("journalaar", "journalsekvensnummer"), JOURNAL_FIELDS):
            kps = _grouped(
                Korrespondansepart.objects.filter(journalpost_id__in=[jp["id"] for jp in chunk])
                .order_by("id")
                .values(*KP_FIELDS),
                "journalpost_id",
            )
            for jp in chunk:
                parts = kps.get(jp["id"], [])
                for xf, builder, public in streams:
                    xf.write(_journal_element(builder, jp, parts, public))
                    xf.write("\n")


def _journal_element(b: _TreeBuilder, jp: dict, kps: list, public: bool):
    screened = jp["skjerming_metadata"].split() if jp["tilgangsrestriksjon"] else []
    reg = etree.Element(b.tag("journalregistrering"), nsmap={None: b.ns})
    klasse = b.sub(reg, "klasse")
    b.leaf(klasse, "klasseID", jp["saksmappe__klasse__klasse_id"])
    b.leaf(klasse, "tittel", jp["saksmappe__klasse__tittel"])
    case = b.sub(reg, "saksmappe")
    b.leaf(case, "saksaar", str(jp["saksmappe__saksaar"]))
    b.leaf(case, "sakssekvensnummer", str(jp["saksmappe__sakssekvensnummer"]))
    if not public:
        b.leaf(case, "tittel", jp["saksmappe__tittel"])
    b.leaf(case, "offentligTittel", jp["saksmappe__offentlig_tittel"])
    if not public and jp["saksmappe__tilgangsrestriksjon"]:
        b.leaf(case, "skjermingMetadata", "tittel")
    el = b.sub(reg, "journalpost")
    b.leaf(el, "systemID", str(jp["system_id"]))
    b.leaf(el, "journalaar", str(jp["journalaar"]))
    b.leaf(el, "journalsekvensnummer", str(jp["journalsekvensnummer"]))
    b.leaf(el, "journalpostnummer", str(jp["journalpostnummer"]))
    if not public:
        b.leaf(el, "tittel", jp["tittel"])
    b.leaf(el, "offentligTittel", jp["offentlig_tittel"])
    if "tittel" in screened:
        b.leaf(el, "skjermingMetadata", "tittel")
    b.leaf(el, "journaldato", jp["journaldato"])
    b.leaf(el, "dokumentetsDato", jp["dokumentets_dato"])
    if jp["avskrivningsdato"]:
        b.leaf(el, "avskrivningsdato", jp["avskrivningsdato"])
        b.leaf(el, "avskrivningsmaate", jp["avskrivningsmaate"])
        if jp["avskrives_av__system_id"]:
            b.leaf(el, "referanseAvskrivesAvJournalpost", str(jp["avskrives_av__system_id"]))
    if jp["tilgangsrestriksjon"]:
        b.leaf(el, "tilgangsrestriksjon", jp["tilgangsrestriksjon"])
        b.leaf(el, "skjermingshjemmel", jp["skjermingshjemmel"])
    for kp in kps:
        hide = "korrespondansepartNavn" in screened and kp["korrespondanseparttype"] in (
            "Avsender",
            "Mottaker",
        )
        part = b.sub(el, "korrespondansepart")
        b.leaf(part, "korrespondanseparttype", kp["korrespondanseparttype"])
        b.leaf(
            part,
            "korrespondansepartNavn",
            SCREENED_TEXT if (public and hide) else kp["korrespondansepart_navn"],
        )
        if not public and hide:
            b.leaf(part, "skjermingMetadata", "korrespondansepartNavn")
    return reg


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
            values = schema.xpath(
                ".//a:property[@name='checksum']//a:property[@name='value']/a:value", namespaces=ns
            )
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
    """Validate while parsing, discarding each repeating unit once seen, so memory does not grow with the
    file. Python only sees the end of the big repeating elements; libxml2 validates everything."""
    schema = load_schema(xsd)
    units = ("{*}mappe", "{*}registrering", "{*}journalregistrering", "{*}endring", "{*}dataObject")
    try:
        for _event, elem in etree.iterparse(
            str(xml), events=("end",), tag=units, schema=schema, huge_tree=True
        ):
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
