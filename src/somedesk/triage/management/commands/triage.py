"""somedesk triage IN.jsonl [--out OUT.jsonl]   decide every line of a JSONL file (no database needed)
somedesk triage export-labels [--out FILE]     staff corrections as training lines (LABELS.md format)
somedesk triage retriage [--all]              decide stored comments again (corrections are kept)"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from somedesk.lib.policy import PolicyError, load_policy


class Command(BaseCommand):
    help = (
        "Decide comments: `triage IN.jsonl [--out OUT.jsonl]`; export staff corrections: "
        "`triage export-labels [--out FILE]`; decide stored comments again: `triage retriage`."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="a .jsonl file (or - for stdin), 'export-labels' or 'retriage'")
        parser.add_argument("--out", default="-", help="output file (default: standard output)")
        parser.add_argument(
            "--policy", default=None, help="policy file (default: SOMEDESK_POLICY or policy/default.yaml)"
        )
        parser.add_argument(
            "--organisation", type=int, default=None, help="export-labels: only this organisation id"
        )
        parser.add_argument(
            "--all", action="store_true", help="retriage: every comment, not only undecided ones"
        )

    def handle(self, *args, target, out, policy, organisation, all, **options):
        if target == "export-labels":
            return self._export(out, organisation)
        if target == "retriage":
            return self._retriage(all)
        return self._triage_file(target, out, policy)

    def _open_out(self, out):
        if out == "-":
            return self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout, False
        return open(out, "w", encoding="utf-8"), True

    def _triage_file(self, path, out, policy_path):
        from somedesk.triage.engine import decide, get_engine

        try:
            policy = load_policy(policy_path) if policy_path else None
            engine = get_engine(policy)
        except PolicyError as exc:
            raise CommandError(str(exc)) from None
        try:
            src = sys.stdin if path == "-" else open(path, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        fh, close = self._open_out(out)
        n = bad = 0
        try:
            for lineno, line in enumerate(src, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("not an object")
                except ValueError:
                    self.stderr.write(f"line {lineno}: not a JSON object, skipped")
                    bad += 1
                    continue
                text = row.get("text")
                d = decide(
                    text if isinstance(text, str) else "",
                    post=row.get("post"),
                    channel=row.get("channel"),
                    engine=engine,
                )
                outrow = {
                    "id": row.get("id", lineno),
                    **{
                        k: d[k]
                        for k in (
                            "moderation",
                            "reason",
                            "route",
                            "sentiment",
                            "reply",
                            "confidence",
                            "reasons",
                        )
                    },
                }
                fh.write(json.dumps(outrow, ensure_ascii=False) + "\n")
                n += 1
        finally:
            if src is not sys.stdin:
                src.close()
            if close:
                fh.close()
        self.stderr.write(
            f"{n} comments decided"
            + (f", {bad} lines skipped" if bad else "")
            + f" (model {engine.models.version}, policy {engine.policy.version})"
        )

    def _export(self, out, organisation_id):
        from somedesk.inbox.models import Organisation
        from somedesk.triage.selectors import corrections_as_labels

        org = None
        if organisation_id is not None:
            org = Organisation.objects.filter(pk=organisation_id).first()
            if org is None:
                raise CommandError(f"no organisation with id {organisation_id}")
        fh, close = self._open_out(out)
        n = 0
        try:
            for row in corrections_as_labels(org):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        finally:
            if close:
                fh.close()
        self.stderr.write(f"{n} corrections exported")

    def _retriage(self, everything):
        from somedesk.inbox.models import Comment
        from somedesk.triage.services import comment_retriage, comments_triage

        qs = Comment.objects.filter(from_page=False).select_related("channel")
        if not everything:
            qs = qs.filter(triage_moderation="")
            made = comments_triage(list(qs), source="retriage")
            self.stderr.write(f"{len(made)} comments decided")
            return
        n = 0
        for c in qs.iterator(chunk_size=500):
            comment_retriage(c)
            n += 1
        self.stderr.write(f"{n} comments decided again (staff corrections kept)")
