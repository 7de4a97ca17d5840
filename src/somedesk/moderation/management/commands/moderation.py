"""`somedesk moderation purge [--dry-run]`: blank evidence past the policy's retention period (audited)."""

from django.core.management.base import BaseCommand

from somedesk.moderation.services import evidence_purge, retention_days


class Command(BaseCommand):
    help = "Moderation housekeeping. purge: blank evidence older than the policy's retention period."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="Purge evidence past its retention period.")
        purge.add_argument("--dry-run", action="store_true", help="Only count what would be purged.")

    def handle(self, *args, action, dry_run=False, **options):
        n = evidence_purge(dry_run=dry_run)
        verb = "would be purged" if dry_run else "purged"
        self.stdout.write(f"{n} evidence record(s) {verb} (retention {retention_days()} days).")
