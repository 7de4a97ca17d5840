from django.core.management import call_command
from django.core.management.base import BaseCommand

from somedesk.demo.loader import DEMO_PASSWORD, demo_load, login_lines


class Command(BaseCommand):
    help = "Load the demo municipality Fjordvik kommune (idempotent), print the logins and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--load-only", action="store_true", help="Load the data and stop; do not serve.")
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000)."
        )
        parser.add_argument(
            "--live",
            action="store_true",
            help="Also run a fake Graph API and the worker, so new comments arrive while you watch.",
        )

    def handle(self, *args, load_only=False, logins=False, addrport="127.0.0.1:8000", live=False, **options):
        from somedesk.accounts.models import User
        from somedesk.demo.loader import load_data

        if logins:
            usernames = [p["username"] for p in load_data()["people"]]
            self._print_logins(list(User.objects.filter(username__in=usernames).order_by("id")), addrport)
            return
        summary = demo_load(stdout=self.stdout)
        if load_only:
            return
        live_demo = None
        if live:
            from somedesk.demo.live import LiveDemo

            live_demo = LiveDemo(summary.organisation, addrport, self.stdout)
            live_demo.start()
        self._print_logins(summary.users, addrport)
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if live_demo is not None:
                live_demo.close()

    def _print_logins(self, users, addrport):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"somedesk demo: open http://{addrport}/ and log in as one of:"))
        for line in login_lines(users):
            self.stdout.write(line)
        self.stdout.write(f"  password for all of them: {DEMO_PASSWORD}")
        self.stdout.write("")
