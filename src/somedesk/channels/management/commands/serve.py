"""`somedesk serve`: the production WSGI server (gunicorn) for somedesk.wsgi."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run somedesk under gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("SOMEDESK_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--timeout", type=int, default=30)

    def handle(self, *args, **options):
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "somedesk.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--timeout",
            str(options["timeout"]),
            "--access-logfile",
            "-",
        ]
        os.execv(sys.executable, argv)
