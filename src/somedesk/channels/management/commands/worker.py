"""`somedesk worker`: the huey consumer (background work: polling, outgoing actions) and the webhook
follow loop (applying stored webhook events as soon as they appear).

Before consuming, it applies the webhook events a previous worker left pending (killed half-way), so
nothing stored is ever lost."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from somedesk.channels import services


class Command(BaseCommand):
    help = "Run the huey consumer and the webhook follow loop."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-sweep", action="store_true", help="do not apply left-over pending events first"
        )
        parser.add_argument(
            "--follow-interval",
            type=float,
            default=services.FOLLOW_INTERVAL,
            help="seconds between looks for new webhook events (default %(default)s)",
        )
        parser.add_argument(
            "--follow-gather",
            type=float,
            default=services.FOLLOW_GATHER,
            help="under load, seconds between drains of webhook events (default %(default)s)",
        )

    def handle(self, *args, **options):
        if not options["no_sweep"]:
            n = services.raw_events_drain()
            if n:
                self.stdout.write(f"applied {n} events left pending")
        # Webhook events: a thread of their own polls the indexed "pending" query (see
        # services.raw_events_follow), so a webhook POST needs no queue round trip.
        stop = threading.Event()
        follower = threading.Thread(
            target=services.raw_events_follow,
            name="webhook-follow",
            daemon=True,
            args=(stop, options["follow_interval"], options["follow_gather"]),
        )
        follower.start()
        try:
            # Short idle delays keep outgoing actions prompt; flush_locks frees the poll locks a killed
            # worker held.
            call_command(
                "run_huey",
                workers=options["workers"],
                worker_type="thread",
                initial_delay=0.005,
                max_delay=0.1,
                backoff=1.15,
                flush_locks=True,
            )
        finally:
            stop.set()  # let a drain in progress commit (or roll back) before the process ends
            follower.join(30)
