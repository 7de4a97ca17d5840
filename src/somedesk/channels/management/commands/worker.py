"""`somedesk worker`: the huey consumer (background work: webhook events, polling, outgoing actions).

Before consuming, it applies the webhook events a previous worker left pending (killed half-way), so
nothing stored is ever lost."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from somedesk.channels import services


class Command(BaseCommand):
    help = "Run the huey consumer."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-sweep", action="store_true", help="do not apply left-over pending events first")

    def handle(self, *args, **options):
        if not options["no_sweep"]:
            n = services.raw_events_drain()
            if n:
                self.stdout.write(f"applied {n} events left pending")
        # Short idle delays keep a webhook's way into the inbox well under a second; flush_locks frees
        # the poll locks a killed worker held.
        call_command("run_huey", workers=options["workers"], worker_type="thread", initial_delay=0.005,
                     max_delay=0.1, backoff=1.15, flush_locks=True)
