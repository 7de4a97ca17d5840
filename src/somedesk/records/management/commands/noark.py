"""`somedesk noark export|check|send`: Noark 5 extraction, Arkade-like checks and delivery to the archive."""

import json
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from somedesk.inbox.models import Organisation


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Noark 5: export an arkivuttrekk, check an extraction, or send arkivmeldinger to the archive."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="write a Noark 5 v5.0 arkivuttrekk")
        exp.add_argument("--out", required=True, help="new, empty folder for the extraction")
        exp.add_argument("--from", dest="date_from", type=_date, help="first saksdato (YYYY-MM-DD)")
        exp.add_argument("--to", dest="date_to", type=_date, help="last saksdato (YYYY-MM-DD)")
        exp.add_argument("--org", help="organisation number (default: the only organisation)")
        chk = sub.add_parser("check", help="run Arkade-like checks on an extraction")
        chk.add_argument("dir")
        chk.add_argument("--json", action="store_true", help="print the report as JSON")
        snd = sub.add_parser("send", help="deliver new journalposts as Fiks Arkiv arkivmeldinger")
        snd.add_argument("--backend", default="folder", help="folder (default) or fiksio")
        snd.add_argument(
            "--folder", help="import folder for the folder backend (default: $SOMEDESK_ARKIV_IMPORT_DIR)"
        )
        snd.add_argument("--org", help="organisation number (default: every organisation)")
        snd.add_argument("--limit", type=int, default=0)

    def handle(self, *args, **options):
        action = options["action"]
        if action == "export":
            return self._export(options)
        if action == "check":
            return self._check(options)
        return self._send(options)

    def _organisation(self, number):
        if number:
            try:
                return Organisation.objects.get(org_number=number)
            except Organisation.DoesNotExist:
                raise CommandError(f"no organisation with number {number}") from None
        orgs = list(Organisation.objects.filter(arkiv__isnull=False)[:2])
        if len(orgs) != 1:
            raise CommandError("several (or no) organisations have an archive; choose one with --org")
        return orgs[0]

    def _export(self, options):
        from somedesk.records.export import ExportError, export

        organisation = self._organisation(options["org"])
        started = time.perf_counter()
        try:
            result = export(
                organisation, Path(options["out"]), date_from=options["date_from"], date_to=options["date_to"]
            )
        except ExportError as exc:
            raise CommandError(f"export failed: {exc}") from None
        seconds = time.perf_counter() - started
        from somedesk.audit.services import record

        record(
            None,
            "records.exported",
            None,
            {
                "out": str(result.out),
                "mapper": result.mapper,
                "journalposter": result.registreringer,
                "dokumentfiler": result.dokumentfiler,
                "start": str(result.start),
                "end": str(result.end),
                "arkivstruktur_sha256": result.checksums.get("arkivstruktur.xml", ""),
            },
            organisation=organisation,
            actor_label="somedesk noark export",
        )
        self.stdout.write(
            f"Wrote {result.out}: {result.mapper} saksmapper, {result.registreringer} journalposter, "
            f"{result.dokumentfiler} documents, {result.endringer} endringer, period {result.start}–{result.end}, "
            f"in {seconds:.1f} s. All XML files validate against the Noark 5 v5.0 schemas."
        )
        if result.open_cases_skipped:
            self.stdout.write(
                f"{result.open_cases_skipped} cases still open (Under behandling) were not extracted."
            )

    def _check(self, options):
        from somedesk.records.check import check_extraction

        report = check_extraction(Path(options["dir"]))
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"ok": report.ok, "checks": [r.__dict__ for r in report.results]},
                    ensure_ascii=False,
                    indent=1,
                )
            )
        else:
            self.stdout.write(report.render())
        if not report.ok:
            raise CommandError(f"{len(report.failures())} checks failed")

    def _send(self, options):
        from somedesk.records.delivery import BackendUnavailable, collect_answers, get_backend, send_pending

        try:
            backend = get_backend(options["backend"], folder=options["folder"])
        except BackendUnavailable as exc:
            raise CommandError(
                f"backend {options['backend']!r} is not available: {exc}. Nothing was sent."
            ) from None
        orgs = (
            [self._organisation(options["org"])]
            if options["org"]
            else list(Organisation.objects.filter(arkiv__isnull=False))
        )
        total = {"delivered": 0, "failed": 0, "skipped": 0}
        answers = {"received": 0, "rejected": 0}
        for organisation in orgs:
            collected = collect_answers(organisation, backend)
            for key in answers:
                answers[key] += collected[key]
            for line in collected["errors"]:
                self.stderr.write(line)
            summary = send_pending(organisation, backend, limit=options["limit"] or None)
            if summary["delivered"] or summary["failed"]:
                from somedesk.audit.services import record

                record(
                    None,
                    "records.sent",
                    None,
                    {"backend": backend.name, "delivered": summary["delivered"], "failed": summary["failed"]},
                    organisation=organisation,
                    actor_label="somedesk noark send",
                )
            for key in total:
                total[key] += summary[key]
            for line in summary["errors"]:
                self.stderr.write(line)
        if answers["received"] or answers["rejected"]:
            self.stdout.write(
                f"Archive answers: {answers['received']} receipts, {answers['rejected']} rejected "
                "(sent again as new messages)."
            )
        self.stdout.write(
            f"{backend.name}: {total['delivered']} delivered, {total['failed']} failed "
            f"(will be retried), {total['skipped']} already delivered."
        )
        if total["failed"]:
            raise CommandError(f"{total['failed']} deliveries failed")
