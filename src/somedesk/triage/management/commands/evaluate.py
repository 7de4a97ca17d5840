"""somedesk evaluate IN.jsonl [--json]: compare the engine's decisions with the labels in the file."""

import json

from django.core.management.base import BaseCommand, CommandError

from somedesk.lib.policy import PolicyError, load_policy


class Command(BaseCommand):
    help = "Compare the triage engine with labelled comments: per-field precision, recall, F1, confusion, mistakes."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .jsonl file in the LABELS.md format")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object")
        parser.add_argument("--policy", default=None)
        parser.add_argument("--worst", type=int, default=15, help="how many mistakes to list")

    def handle(self, *args, path, as_json, policy, worst, **options):
        from somedesk.triage.engine import get_engine
        from somedesk.triage.engine.evaluate import evaluate_rows, format_report

        try:
            engine = get_engine(load_policy(policy) if policy else None)
        except PolicyError as exc:
            raise CommandError(str(exc)) from None
        rows = []
        try:
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    if line.strip():
                        try:
                            rows.append(json.loads(line))
                        except ValueError:
                            raise CommandError(f"{path}, line {lineno}: not JSON") from None
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        report = evaluate_rows(rows, engine=engine, worst=worst)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(format_report(report))
