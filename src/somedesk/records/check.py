"""Arkade-like checks of a Noark 5 v5.0 extraction (any extraction, not only ours).

The ids follow Arkade 5 (README §6) where a check corresponds to one of its tests; "SD.x" marks the
checks Arkade does not have under that name (sequence numbers, mandatory fields, date order).
Each check ends `ok`, `fail` or `info` (a count that is reported, not judged).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from somedesk.records.export import NS_ADDML, validate_file

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
MANDATORY = {
    "saksmappe": [
        "systemID",
        "mappeID",
        "tittel",
        "opprettetDato",
        "opprettetAv",
        "avsluttetDato",
        "avsluttetAv",
        "saksaar",
        "sakssekvensnummer",
        "saksdato",
        "administrativEnhet",
        "saksansvarlig",
        "saksstatus",
    ],
    "journalpost": [
        "systemID",
        "opprettetDato",
        "opprettetAv",
        "arkivertDato",
        "arkivertAv",
        "tittel",
        "journalaar",
        "journalsekvensnummer",
        "journalpostnummer",
        "journalposttype",
        "journalstatus",
        "journaldato",
    ],
    "dokumentbeskrivelse": [
        "systemID",
        "dokumenttype",
        "dokumentstatus",
        "tittel",
        "opprettetDato",
        "opprettetAv",
        "tilknyttetRegistreringSom",
        "dokumentnummer",
        "tilknyttetDato",
        "tilknyttetAv",
    ],
    "dokumentobjekt": [
        "systemID",
        "versjonsnummer",
        "variantformat",
        "format",
        "opprettetDato",
        "opprettetAv",
        "referanseDokumentfil",
        "sjekksum",
        "sjekksumAlgoritme",
        "filstoerrelse",
    ],
}
DELIVERABLE_SAKSSTATUS = {"Avsluttet", "Utgår"}
DELIVERABLE_JOURNALSTATUS = {"Arkivert", "Utgår"}


@dataclass
class CheckResult:
    id: str
    name: str
    status: str = "ok"  # ok | fail | info
    messages: list[str] = field(default_factory=list)

    def fail(self, message: str, limit: int = 20) -> None:
        self.status = "fail"
        if len(self.messages) < limit:
            self.messages.append(message)
        elif len(self.messages) == limit:
            self.messages.append("… (more)")


@dataclass
class Report:
    path: Path
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status != "fail" for r in self.results)

    def add(self, id: str, name: str, status: str = "ok") -> CheckResult:
        result = CheckResult(id, name, status)
        self.results.append(result)
        return result

    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == "fail"]

    def render(self) -> str:
        lines = [f"Noark 5 extraction check: {self.path}"]
        for r in self.results:
            mark = {"ok": "OK  ", "fail": "FAIL", "info": "INFO"}[r.status]
            lines.append(f"[{mark}] {r.id:6} {r.name}")
            lines.extend(f"         {m}" for m in r.messages)
        failed = len(self.failures())
        lines.append(
            f"{len(self.results)} checks, {failed} failed."
            if failed
            else f"{len(self.results)} checks, all passed."
        )
        return "\n".join(lines)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(elem) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for child in elem:
        if isinstance(child.tag, str):
            out[_local(child.tag)].append((child.text or "").strip())
    return out


def _first(values: dict, name: str) -> str:
    found = values.get(name)
    return found[0] if found else ""


def _parse_date(text: str) -> date | None:
    if not text:
        return None
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------------
# ADDML
# ------------------------------------------------------------------------------------------------
@dataclass
class AddmlFile:
    name: str
    checksum: tuple[str, str] | None
    schemas: list[tuple[str, tuple[str, str] | None, bool]]  # (file, checksum, main)
    occurrences: dict[str, int | None]


def read_addml(path: Path) -> tuple[list[AddmlFile], dict[str, str]]:
    ns = {"a": NS_ADDML}
    root = etree.parse(str(path)).getroot()

    def checksum_of(prop):
        cs = prop.xpath("a:properties/a:property[@name='checksum']", namespaces=ns)
        if not cs:
            return None
        algo = cs[0].xpath(".//a:property[@name='algorithm']/a:value", namespaces=ns)
        value = cs[0].xpath(".//a:property[@name='value']/a:value", namespaces=ns)
        return ((algo[0].text or "").strip() if algo else "", (value[0].text or "").strip() if value else "")

    files = []
    main = root.xpath(".//a:dataObject[@name='Noark 5-arkivuttrekk']", namespaces=ns)
    if not main:
        raise ValueError("arkivuttrekk.xml has no dataObject 'Noark 5-arkivuttrekk'")
    info = {}
    for prop in main[0].xpath("a:properties//a:property[@name]", namespaces=ns):
        values = prop.xpath("a:value", namespaces=ns)
        if values and prop.get("name") not in info:
            info[prop.get("name")] = (values[0].text or "").strip()
    for obj in main[0].xpath("a:dataObjects/a:dataObject", namespaces=ns):
        file_prop = obj.xpath("a:properties/a:property[@name='file']", namespaces=ns)
        if not file_prop:
            continue
        name = (
            file_prop[0].xpath("a:properties/a:property[@name='name']/a:value", namespaces=ns)[0].text.strip()
        )
        schemas = []
        for schema in obj.xpath("a:properties/a:property[@name='schema']", namespaces=ns):
            sfile = schema.xpath("a:properties/a:property[@name='file']", namespaces=ns)[0]
            sname = sfile.xpath("a:properties/a:property[@name='name']/a:value", namespaces=ns)[
                0
            ].text.strip()
            is_main = (schema.xpath("a:value", namespaces=ns) or [None])[0]
            schemas.append(
                (sname, checksum_of(sfile), is_main is not None and (is_main.text or "") == "main")
            )
        occurrences = {}
        for occ in obj.xpath(".//a:property[@name='numberOfOccurrences']", namespaces=ns):
            element = occ.xpath("a:value", namespaces=ns)[0].text.strip()
            value = occ.xpath("a:properties/a:property[@name='value']/a:value", namespaces=ns)
            try:
                occurrences[element] = int(value[0].text) if value else None
            except (TypeError, ValueError):
                occurrences[element] = None
        files.append(AddmlFile(name, checksum_of(file_prop[0]), schemas, occurrences))
    return files, info


# ------------------------------------------------------------------------------------------------
# The checks
# ------------------------------------------------------------------------------------------------
def check_extraction(path: Path) -> Report:
    path = Path(path)
    report = Report(path)
    addml_path = path / "arkivuttrekk.xml"
    r = report.add("N5.00", "arkivuttrekk.xml is present and readable")
    if not addml_path.is_file():
        r.fail("arkivuttrekk.xml is missing")
        return report
    try:
        files, info = read_addml(addml_path)
    except (etree.XMLSyntaxError, ValueError, IndexError, AttributeError) as exc:
        r.fail(f"arkivuttrekk.xml cannot be read: {exc}")
        return report

    r = report.add("N5.01", "XML files listed in arkivuttrekk.xml exist")
    present = {}
    for f in files:
        present[f.name] = (path / f.name).is_file()
        if not present[f.name]:
            r.fail(f"{f.name} is listed but missing")
    for required in ("arkivstruktur.xml",):
        if required not in present:
            r.fail(f"{required} is not listed in arkivuttrekk.xml")

    r = report.add("N5.02", "ADDML checksums match the XML and XSD files")
    seen_schema = set()
    for f in files:
        targets = [(f.name, f.checksum)] + [(s, c) for s, c, _m in f.schemas if c is not None]
        for name, checksum in targets:
            if name in seen_schema:
                continue
            seen_schema.add(name)
            if checksum is None:
                r.fail(f"{name}: no checksum in arkivuttrekk.xml")
                continue
            algo, value = checksum
            if algo.upper() not in ("SHA-256", "SHA256"):
                r.fail(f"{name}: checksum algorithm {algo!r} is not SHA-256")
                continue
            if not (path / name).is_file():
                r.fail(f"{name}: file missing")
                continue
            actual = sha256_file(path / name)
            if actual.lower() != value.lower():
                r.fail(f"{name}: SHA-256 is {actual}, arkivuttrekk.xml says {value}")

    r = report.add("N5.03", "each XML file validates against its listed XSDs")
    for f in files:
        if not present.get(f.name):
            continue
        mains = [s for s, _c, m in f.schemas if m] or [s for s, _c, _m in f.schemas[:1]]
        if not mains:
            r.fail(f"{f.name}: no schema listed")
            continue
        for schema in mains:
            if not (path / schema).is_file():
                r.fail(f"{f.name}: schema {schema} is not in the extraction")
                continue
            errors = validate_file(path / f.name, path / schema)
            if errors:
                r.fail(f"{f.name}: {errors[0]}")
    errors = (
        validate_file(addml_path, path / "addml.xsd")
        if (path / "addml.xsd").is_file()
        else ["addml.xsd is not in the extraction"]
    )
    if errors:
        r.fail(f"arkivuttrekk.xml: {errors[0]}")

    if not present.get("arkivstruktur.xml"):
        return report
    struct = _scan_arkivstruktur(path / "arkivstruktur.xml")
    declared = {f.name: f.occurrences for f in files}

    r = report.add("N5.10", f"number of mapper: {struct.mapper}")
    _compare(r, declared.get("arkivstruktur.xml", {}).get("mappe"), struct.mapper, "mappe")
    r = report.add("N5.16", f"number of registreringer: {struct.registreringer}")
    _compare(
        r, declared.get("arkivstruktur.xml", {}).get("registrering"), struct.registreringer, "registrering"
    )
    report.add("N5.23", f"number of dokumentbeskrivelser: {struct.dokumentbeskrivelser}", "info")
    report.add("N5.26", f"number of dokumentobjekter: {len(struct.documents)}", "info")
    report.add("N5.39", f"number of korrespondanseparter: {struct.korrespondanseparter}", "info")
    r = report.add("N5.21", "every registrering has a dokumentbeskrivelse")
    for sid in struct.registreringer_without_documents[:20]:
        r.fail(f"registrering {sid} has no dokumentbeskrivelse")
    r = report.add("N5.24", "every dokumentbeskrivelse has a dokumentobjekt")
    for sid in struct.beskrivelser_without_objects[:20]:
        r.fail(f"dokumentbeskrivelse {sid} has no dokumentobjekt")

    # Documents
    doc_files = set()
    for folder in ("DOKUMENT", "dokumenter"):
        root = path / folder
        if root.is_dir():
            doc_files.update(p.relative_to(path).as_posix() for p in root.rglob("*") if p.is_file())
    r = report.add("N5.28", "document files present vs antallDokumentfiler")
    try:
        declared_docs = int(info.get("antallDokumentfiler", ""))
    except ValueError:
        declared_docs = None
        r.fail("antallDokumentfiler is missing or not a number")
    if declared_docs is not None and declared_docs != len(doc_files):
        r.fail(
            f"arkivuttrekk.xml declares {declared_docs} document files, the extraction has {len(doc_files)}"
        )
    r32 = report.add("N5.32", "referenced document files exist")
    r30 = report.add("N5.30", "document files match dokumentobjekt/sjekksum (SHA-256) and filstoerrelse")
    r29 = report.add("N5.29", "format matches the file extension")
    r64 = report.add("N5.64", "no empty (0-byte) document files")
    refs = Counter()
    for doc in struct.documents:
        ref = doc["ref"].replace("\\", "/")
        refs[ref] += 1
        target = path / ref
        if not target.is_file():
            r32.fail(f"{ref} (dokumentobjekt {doc['id']}) does not exist")
            continue
        size = target.stat().st_size
        if size == 0:
            r64.fail(f"{ref} is empty")
        if doc["algo"].upper() not in ("SHA256", "SHA-256"):
            r30.fail(f"{ref}: sjekksumAlgoritme {doc['algo']!r}")
        elif sha256_file(target).lower() != doc["sum"].lower():
            r30.fail(f"{ref}: SHA-256 does not match dokumentobjekt {doc['id']}")
        if doc["size"] and doc["size"] != str(size):
            r30.fail(f"{ref}: filstoerrelse {doc['size']} but the file has {size} bytes")
        if Path(ref).suffix.lstrip(".").lower() != doc["format"].lower():
            r29.fail(f"{ref}: format {doc['format']!r} does not match the extension")
    r = report.add("N5.33", "no document files without a reference")
    for unreferenced in sorted(doc_files - set(refs))[:20]:
        r.fail(f"{unreferenced} is not referenced by any dokumentobjekt")
    r = report.add("N5.34", "no file referenced by several dokumentobjekter")
    for ref, n in refs.items():
        if n > 1:
            r.fail(f"{ref} is referenced {n} times")

    r = report.add("N5.47", "systemIDs are unique")
    for sid, n in struct.system_ids.items():
        if n > 1:
            r.fail(f"systemID {sid} occurs {n} times")

    # Sequence numbers
    r = report.add("SD.1", "journal numbers (journalaar/journalsekvensnummer) have no gaps or duplicates")
    _check_sequence(r, struct.journal_numbers, "journalpost")
    r = report.add("SD.2", "case numbers (saksaar/sakssekvensnummer) have no gaps or duplicates")
    _check_sequence(r, struct.case_numbers, "saksmappe")
    r = report.add("SD.3", "journalpostnummer runs 1..n in every saksmappe")
    for case, numbers in struct.jp_numbers_per_case.items():
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            r.fail(f"saksmappe {case}: journalpostnummer {sorted(numbers)}")

    r = report.add("SD.4", "mandatory fields are present")
    for message in struct.missing[:40]:
        r.fail(message)
    r = report.add("N5.63", "no elements without content")
    for message in struct.empty[:20]:
        r.fail(message)
    r = report.add(
        "SD.5", "statuses may be delivered (saksstatus Avsluttet/Utgår, journalstatus Arkivert/Utgår)"
    )
    for message in struct.bad_status[:20]:
        r.fail(message)
    r = report.add("N5.06", "arkivdelstatus")
    for status in struct.arkivdelstatus:
        if status not in ("Avsluttet periode", "Overlappingsperiode"):
            r.fail(f"arkivdelstatus is {status!r}")

    r = report.add("SD.6", "dates are consistent")
    for message in struct.date_problems[:20]:
        r.fail(message)
    start, end = struct.period
    for sid, jd in struct.journal_dates.items():
        if start and jd < start or end and jd > end:
            r.fail(f"journalpost {sid}: journaldato {jd} outside the arkivdel period {start}–{end}")
            break

    # Journals and endringslogg
    for name in ("loependeJournal.xml", "offentligJournal.xml"):
        if not present.get(name):
            continue
        journal = _scan_journal(path / name)
        r = report.add("N5.59", f"journalposts in arkivstruktur vs {name}")
        _compare(r, declared.get(name, {}).get("journalregistrering"), journal.count, "journalregistrering")
        only_struct = struct.journalpost_ids - journal.ids
        only_journal = journal.ids - struct.journalpost_ids
        if only_struct:
            r.fail(f"{len(only_struct)} journalposts in arkivstruktur are missing from {name}")
        if only_journal:
            r.fail(f"{len(only_journal)} entries in {name} are not in arkivstruktur")
        if journal.declared is not None and journal.declared != journal.count:
            r.fail(f"journalhode says antallJournalposter={journal.declared}, found {journal.count}")
        r = report.add("N5.60", f"start/end dates in arkivstruktur vs {name}")
        if (journal.start, journal.end) != struct.period:
            r.fail(
                f"{name} covers {journal.start}–{journal.end}, arkivdel {struct.period[0]}–{struct.period[1]}"
            )
        if name == "offentligJournal.xml":
            r = report.add("SD.7", "offentligJournal shows no screened title")
            for sid in journal.titles_with_screened[:20]:
                r.fail(f"journalpost {sid} has a full title in the public journal")
    if present.get("endringslogg.xml"):
        refs, count = _scan_endringslogg(path / "endringslogg.xml")
        r = report.add("N5.61", f"number of endringer: {count}")
        _compare(r, declared.get("endringslogg.xml", {}).get("endring"), count, "endring")
        r = report.add("N5.62", "endringslogg references exist in arkivstruktur")
        for ref in sorted(refs - set(struct.system_ids))[:20]:
            r.fail(f"endring refers to {ref}, which is not in arkivstruktur.xml")
    return report


def _compare(r: CheckResult, declared: int | None, actual: int, what: str) -> None:
    if declared is None:
        r.fail(f"arkivuttrekk.xml declares no number of {what}")
    elif declared != actual:
        r.fail(f"arkivuttrekk.xml declares {declared} {what}, the file has {actual}")


def _check_sequence(r: CheckResult, numbers: list[tuple[int, int]], what: str) -> None:
    per_year: dict[int, list[int]] = defaultdict(list)
    for year, seq in numbers:
        per_year[year].append(seq)
    for year, seqs in sorted(per_year.items()):
        counts = Counter(seqs)
        for seq, n in sorted(counts.items()):
            if n > 1:
                r.fail(f"{what} {year}/{seq} occurs {n} times")
        unique = sorted(counts)
        gaps = [(a + 1, b - 1) for a, b in zip(unique, unique[1:], strict=False) if b - a > 1]
        if gaps:
            shown = ", ".join(f"{year}/{lo}" if lo == hi else f"{year}/{lo}–{hi}" for lo, hi in gaps[:10])
            missing = sum(hi - lo + 1 for lo, hi in gaps)
            r.fail(f"{what} numbers missing in {year} ({missing}): {shown}{' …' if len(gaps) > 10 else ''}")


@dataclass
class _Struct:
    mapper: int = 0
    registreringer: int = 0
    dokumentbeskrivelser: int = 0
    korrespondanseparter: int = 0
    documents: list = field(default_factory=list)
    system_ids: Counter = field(default_factory=Counter)
    journalpost_ids: set = field(default_factory=set)
    journal_numbers: list = field(default_factory=list)
    case_numbers: list = field(default_factory=list)
    jp_numbers_per_case: dict = field(default_factory=lambda: defaultdict(list))
    journal_dates: dict = field(default_factory=dict)
    registreringer_without_documents: list = field(default_factory=list)
    beskrivelser_without_objects: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    empty: list = field(default_factory=list)
    bad_status: list = field(default_factory=list)
    date_problems: list = field(default_factory=list)
    arkivdelstatus: list = field(default_factory=list)
    period: tuple = (None, None)


def _scan_arkivstruktur(path: Path) -> _Struct:
    s = _Struct()
    pending_jp: list[tuple[str, str]] = []  # (systemID, journalpostnummer) of the current mappe
    for _event, elem in etree.iterparse(str(path), events=("end",), huge_tree=True):
        name = _local(elem.tag)
        if not name:
            continue
        if len(elem) == 0 and not (elem.text or "").strip():
            s.empty.append(f"empty element <{name}> (line {elem.sourceline})")
        if name == "dokumentobjekt":
            v = _children(elem)
            s.documents.append(
                {
                    "id": _first(v, "systemID"),
                    "ref": _first(v, "referanseDokumentfil"),
                    "sum": _first(v, "sjekksum"),
                    "algo": _first(v, "sjekksumAlgoritme"),
                    "size": _first(v, "filstoerrelse"),
                    "format": _first(v, "format"),
                }
            )
            _mandatory(s, "dokumentobjekt", v)
        elif name == "dokumentbeskrivelse":
            s.dokumentbeskrivelser += 1
            v = _children(elem)
            _mandatory(s, "dokumentbeskrivelse", v)
            if not v.get("dokumentobjekt"):
                s.beskrivelser_without_objects.append(_first(v, "systemID"))
        elif name == "korrespondansepart":
            s.korrespondanseparter += 1
        elif name == "registrering":
            s.registreringer += 1
            v = _children(elem)
            sid = _first(v, "systemID")
            if not v.get("dokumentbeskrivelse"):
                s.registreringer_without_documents.append(sid)
            if elem.get(XSI_TYPE) == "journalpost":
                _mandatory(s, "journalpost", v)
                s.journalpost_ids.add(sid)
                try:
                    s.journal_numbers.append(
                        (int(_first(v, "journalaar")), int(_first(v, "journalsekvensnummer")))
                    )
                except ValueError:
                    pass
                pending_jp.append((sid, _first(v, "journalpostnummer")))
                status = _first(v, "journalstatus")
                if status not in DELIVERABLE_JOURNALSTATUS:
                    s.bad_status.append(f"journalpost {sid}: journalstatus {status!r}")
                jd = _parse_date(_first(v, "journaldato"))
                created = _parse_date(_first(v, "opprettetDato"))
                archived = _parse_date(_first(v, "arkivertDato"))
                received = _parse_date(_first(v, "mottattDato"))
                if jd:
                    s.journal_dates[sid] = jd
                if created and archived and archived < created:
                    s.date_problems.append(f"journalpost {sid}: arkivertDato before opprettetDato")
                if received and jd and received > jd:
                    s.date_problems.append(f"journalpost {sid}: mottattDato after journaldato")
            elem.clear(keep_tail=False)
        elif name == "mappe":
            s.mapper += 1
            v = _children(elem)
            sid = _first(v, "systemID")
            if elem.get(XSI_TYPE) == "saksmappe":
                _mandatory(s, "saksmappe", v)
                try:
                    s.case_numbers.append((int(_first(v, "saksaar")), int(_first(v, "sakssekvensnummer"))))
                except ValueError:
                    pass
                status = _first(v, "saksstatus")
                if status not in DELIVERABLE_SAKSSTATUS:
                    s.bad_status.append(f"saksmappe {sid}: saksstatus {status!r}")
                created = _parse_date(_first(v, "opprettetDato"))
                closed = _parse_date(_first(v, "avsluttetDato"))
                saksdato = _parse_date(_first(v, "saksdato"))
                if created and closed and closed < created:
                    s.date_problems.append(f"saksmappe {sid}: avsluttetDato before opprettetDato")
                for jp_sid, _n in pending_jp:
                    jd = s.journal_dates.get(jp_sid)
                    if saksdato and jd and jd < saksdato:
                        s.date_problems.append(
                            f"journalpost {jp_sid}: journaldato before the saksdato of its case"
                        )
            s.jp_numbers_per_case[sid] = [int(n) for _s, n in pending_jp if n.isdigit()]
            pending_jp = []
            elem.clear(keep_tail=False)
            parent = elem.getparent()
            if parent is not None:  # drop the finished mappe shells (and the klasse fields before them)
                while elem.getprevious() is not None:
                    del parent[0]
        elif name == "arkivdel":
            v = _children(elem)
            s.arkivdelstatus.append(_first(v, "arkivdelstatus"))
            s.period = (
                _parse_date(_first(v, "arkivperiodeStartDato")),
                _parse_date(_first(v, "arkivperiodeSluttDato")),
            )
        if name == "systemID" and elem.getparent() is not None:
            s.system_ids[(elem.text or "").strip()] += 1
    return s


def _mandatory(s: _Struct, kind: str, values: dict) -> None:
    for name in MANDATORY[kind]:
        if not _first(values, name):
            s.missing.append(f"{kind} {_first(values, 'systemID') or '?'}: {name} is missing")


@dataclass
class _Journal:
    count: int = 0
    declared: int | None = None
    ids: set = field(default_factory=set)
    start: date | None = None
    end: date | None = None
    titles_with_screened: list = field(default_factory=list)


def _scan_journal(path: Path) -> _Journal:
    j = _Journal()
    for _event, elem in etree.iterparse(str(path), events=("end",), huge_tree=True):
        name = _local(elem.tag)
        if name == "journalhode":
            v = _children(elem)
            j.start = _parse_date(_first(v, "journalStartDato"))
            j.end = _parse_date(_first(v, "journalSluttDato"))
            try:
                j.declared = int(_first(v, "antallJournalposter"))
            except ValueError:
                j.declared = None
        elif name == "journalpost":
            v = _children(elem)
            j.ids.add(_first(v, "systemID"))
            if v.get("tittel") and v.get("skjermingMetadata"):
                j.titles_with_screened.append(_first(v, "systemID"))
        elif name == "journalregistrering":
            j.count += 1
            elem.clear(keep_tail=False)
    return j


def _scan_endringslogg(path: Path) -> tuple[set, int]:
    refs, count = set(), 0
    for _event, elem in etree.iterparse(str(path), events=("end",), huge_tree=True):
        if _local(elem.tag) == "endring":
            count += 1
            refs.add(_first(_children(elem), "referanseArkivenhet"))
            elem.clear(keep_tail=False)
    return refs, count
