"""`somedesk fakegraph`: the fake Graph API (see somedesk.channels.fake_graph) for the demo and benches."""

import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the fake Graph API on loopback (options as `python -m somedesk.channels.fake_graph --help`)."

    def run_from_argv(self, argv):
        from somedesk.channels.fake_graph import main

        main(argv[2:])

    def handle(self, *args, **options):  # pragma: no cover - run_from_argv takes over
        sys.exit(0)
