"""Benchmark: `noark export` of N journalposts with documents (default 100,000).

    python bench/noark_export.py                      # 100,000 journalposts
    python bench/noark_export.py --journalposts 10000
    python bench/noark_export.py --compare            # 10,000 and 100,000, RSS side by side

Data is generated fast with bulk inserts into a throw-away SQLite database (or the PostgreSQL database
in $BENCH_DATABASE_URL) under a temporary folder: N/2 closed saksmapper, each with an incoming and an
outgoing journalpost, one small PDF per journalpost, two korrespondanseparter and endringslogg entries.
The export (including its own XSD validation of every file) then runs in a fresh child process, whose
wall time and peak RSS (getrusage ru_maxrss) are reported.

The last printed line is one JSON object: {"journalposts", "seconds", "peak_rss_mb", ...}.
Targets: < 120 s and peak RSS < 300 MB at 100,000, and RSS that does not grow with N.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _setup_django(workdir: Path) -> None:
    os.environ["SOMEDESK_VAR_DIR"] = str(workdir / "var")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DEBUG"] = "true"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somedesk.settings")
    import django

    django.setup()


def _pdf(n: int) -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td (somedesk bench document {n}) Tj ET".encode()
    return (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 1/Kids[3 0 R]>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
        + f"4 0 obj<</Length {len(body)}>>stream\n".encode()
        + body
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def generate(journalposts: int) -> None:
    import hashlib

    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from somedesk.inbox.models import Organisation
    from somedesk.records.models import (
        Dokumentbeskrivelse,
        Dokumentobjekt,
        Endring,
        Journalpost,
        Korrespondansepart,
        Saksmappe,
        SequenceCounter,
    )
    from somedesk.records.services import ensure_structure

    try:
        call_command("migrate", verbosity=0)
    except LookupError as exc:  # role sync after migrate; the bench needs the tables, not the roles
        print(f"note: role sync after migrate failed ({exc}); tables are in place", file=sys.stderr)
    org, _ = Organisation.objects.get_or_create(org_number="944117784", defaults={"name": "Fjordvik kommune"})
    _arkiv, arkivdel, klasser = ensure_structure(org)
    klasse = klasser["000.1"]
    media = Path(settings.MEDIA_ROOT)
    from django.utils import timezone

    cases = journalposts // 2
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    local_date = lambda moment: timezone.localtime(moment).date()  # noqa: E731 - dates are local, as in services
    batch = 2500
    seq_jp = 0
    for first in range(0, cases, batch):
        with transaction.atomic():
            count = min(batch, cases - first)
            sm = []
            for i in range(first, first + count):
                when = start + timedelta(minutes=5 * i)
                sm.append(
                    Saksmappe(
                        organisation=org,
                        arkivdel=arkivdel,
                        klasse=klasse,
                        saksaar=2025,
                        sakssekvensnummer=i + 1,
                        tittel=f"Henvendelse på Facebook fra Innbygger {i}: søppeldunken ble ikke tømt",
                        offentlig_tittel="Henvendelse på Facebook fra ******: søppeldunken ble ikke tømt",
                        saksdato=local_date(when),
                        administrativ_enhet="Servicetorget",
                        saksansvarlig="Marte Lien",
                        saksstatus="Avsluttet",
                        route="light_case",
                        opprettet_dato=when,
                        opprettet_av="Marte Lien",
                        avsluttet_dato=when + timedelta(days=1),
                        avsluttet_av="Solveig Nygård",
                        tilgangsrestriksjon="13",
                        skjermingshjemmel="Offl. § 13 jf. fvl. § 13",
                        skjerming_metadata="tittel",
                    )
                )
            sm = Saksmappe.objects.bulk_create(sm)
            jps = []
            for case in sm:
                when = case.opprettet_dato
                for n, kind in ((1, "Inngående dokument"), (2, "Utgående dokument")):
                    seq_jp += 1
                    jps.append(
                        Journalpost(
                            organisation=org,
                            saksmappe=case,
                            journalaar=2025,
                            journalsekvensnummer=seq_jp,
                            journalpostnummer=n,
                            journalposttype=kind,
                            journalstatus="Arkivert",
                            journaldato=local_date(when),
                            dokumentets_dato=local_date(when),
                            mottatt_dato=when if n == 1 else None,
                            sendt_dato=when if n == 2 else None,
                            tittel=f"{'Kommentar fra' if n == 1 else 'Svar til'} Innbygger {case.sakssekvensnummer}",
                            offentlig_tittel=f"{'Kommentar fra' if n == 1 else 'Svar til'} ******",
                            saksbehandler="Marte Lien",
                            administrativ_enhet="Servicetorget",
                            opprettet_dato=when,
                            opprettet_av="Marte Lien",
                            arkivert_dato=when + timedelta(days=1),
                            arkivert_av="Solveig Nygård",
                            tilgangsrestriksjon="13",
                            skjermingshjemmel="Offl. § 13 jf. fvl. § 13",
                            skjerming_metadata="korrespondansepartNavn tittel",
                        )
                    )
            jps = Journalpost.objects.bulk_create(jps)
            parts, besk, endr = [], [], []
            for jp in jps:
                parts.append(
                    Korrespondansepart(
                        journalpost=jp,
                        korrespondanseparttype="Avsender" if jp.journalpostnummer == 1 else "Mottaker",
                        korrespondansepart_navn=f"Innbygger {jp.saksmappe.sakssekvensnummer}",
                    )
                )
                parts.append(
                    Korrespondansepart(
                        journalpost=jp,
                        korrespondanseparttype="Intern mottaker"
                        if jp.journalpostnummer == 1
                        else "Intern avsender",
                        korrespondansepart_navn="Servicetorget",
                        administrativ_enhet="Servicetorget",
                        saksbehandler="Marte Lien",
                    )
                )
                besk.append(
                    Dokumentbeskrivelse(
                        journalpost=jp,
                        tittel=jp.tittel,
                        opprettet_dato=jp.opprettet_dato,
                        opprettet_av="Marte Lien",
                        tilknyttet_dato=jp.opprettet_dato,
                        tilknyttet_av="Marte Lien",
                    )
                )
                endr.append(
                    Endring(
                        organisation=org,
                        referanse_arkivenhet=jp.system_id,
                        referanse_metadata="journalstatus",
                        endret_dato=jp.arkivert_dato,
                        endret_av="Solveig Nygård",
                        tidligere_verdi="Journalført",
                        ny_verdi="Arkivert",
                    )
                )
            for case in sm:
                endr.append(
                    Endring(
                        organisation=org,
                        referanse_arkivenhet=case.system_id,
                        referanse_metadata="saksstatus",
                        endret_dato=case.avsluttet_dato,
                        endret_av="Solveig Nygård",
                        tidligere_verdi="Under behandling",
                        ny_verdi="Avsluttet",
                    )
                )
            Korrespondansepart.objects.bulk_create(parts)
            besk = Dokumentbeskrivelse.objects.bulk_create(besk)
            Endring.objects.bulk_create(endr)
            objs = []
            folder = media / "records" / str(org.pk) / "2025"
            folder.mkdir(parents=True, exist_ok=True)
            for db in besk:
                data = _pdf(db.journalpost.journalsekvensnummer)
                rel = f"records/{org.pk}/2025/{uuid.uuid4()}.pdf"
                (media / rel).write_bytes(data)
                objs.append(
                    Dokumentobjekt(
                        dokumentbeskrivelse=db,
                        fil=rel,
                        filnavn=f"{db.pk}.pdf",
                        filstoerrelse=len(data),
                        sjekksum=hashlib.sha256(data).hexdigest(),
                        opprettet_dato=db.opprettet_dato,
                        opprettet_av="Marte Lien",
                    )
                )
            Dokumentobjekt.objects.bulk_create(objs)
    SequenceCounter.objects.update_or_create(
        organisation=org, series="sak", year=2025, defaults={"last_value": cases}
    )
    SequenceCounter.objects.update_or_create(
        organisation=org, series="journal", year=2025, defaults={"last_value": seq_jp}
    )


def run_export(workdir: Path, out: Path) -> dict:
    """In the child process: export and report time and peak RSS of this process."""
    import resource

    from somedesk.inbox.models import Organisation
    from somedesk.records.export import export

    org = Organisation.objects.get(org_number="944117784")
    started = time.perf_counter()
    result = export(org, out, date_from=date(2025, 1, 1), date_to=date(2026, 12, 31))
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024
    return {
        "journalposts": result.registreringer,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "phases": result.timings,
        "mapper": result.mapper,
        "dokumentfiler": result.dokumentfiler,
        "arkivstruktur_mb": round((out / "arkivstruktur.xml").stat().st_size / 1e6, 1),
    }


def bench(journalposts: int, keep: bool = False) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"noark-bench-{journalposts}-"))
    try:
        env = dict(os.environ)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--child-generate", str(journalposts), "--workdir", str(workdir)],
            check=True,
            env=env,
        )
        generated = time.perf_counter() - t0
        proc = subprocess.run(
            [sys.executable, __file__, "--child-export", "--workdir", str(workdir)],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        )
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["generate_seconds"] = round(generated, 1)
        return result
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journalposts", type=int, default=100_000)
    parser.add_argument("--compare", action="store_true", help="run 10,000 and 100,000")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child-generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-export", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_generate:
        _setup_django(Path(args.workdir))
        generate(args.child_generate)
        return
    if args.child_export:
        _setup_django(Path(args.workdir))
        print(json.dumps(run_export(Path(args.workdir), Path(args.workdir) / "uttrekk")))
        return

    if args.compare:
        small = bench(10_000)
        print(json.dumps(small), flush=True)
        large = bench(100_000)
        large["peak_rss_mb_10k"] = small["peak_rss_mb"]
        large["seconds_10k"] = small["seconds"]
        print(json.dumps(large))
        return
    print(json.dumps(bench(args.journalposts, keep=args.keep)))


if __name__ == "__main__":
    main()
