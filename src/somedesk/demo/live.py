"""The live demo: a fake Graph API on loopback that posts a new comment now and then and sends its
signed webhook to somedesk, plus the background worker that applies it, so a new user sees comments
arrive, get triaged and land in the queues while they watch.

Everything stays on this machine: the channels' Graph URL must point at loopback (META_GRAPH_URL).
"""

import os
import subprocess
import sys
import threading
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import CommandError

LIVE_INTERVAL_S = 20.0


class LiveDemo:
    def __init__(self, organisation, addrport: str, stdout):
        self.organisation = organisation
        self.addrport = addrport
        self.stdout = stdout
        self.stop = threading.Event()
        self.fake = None
        self.worker = None

    def start(self) -> None:
        from somedesk.channels.fake_graph import DEMO_FACEBOOK, DEMO_INSTAGRAM, FakeGraph, live, seed_demo
        from somedesk.channels.services import channel_connect

        graph = urlparse(settings.META_GRAPH_URL)
        if graph.hostname not in {"127.0.0.1", "localhost"} or not graph.port:
            raise CommandError(
                "The live demo runs a fake Graph API on loopback: start it with "
                "META_GRAPH_URL=http://127.0.0.1:8765 (make demo does this)."
            )
        if not settings.META_APP_SECRET or not settings.SOMEDESK_FERNET_KEY:
            raise CommandError(
                "The live demo needs META_APP_SECRET and SOMEDESK_FERNET_KEY (generated in "
                "development; set them in production)."
            )
        self.fake = FakeGraph(
            app_secret=settings.META_APP_SECRET, webhook_url=f"http://{self.addrport}/webhooks/"
        )
        posts = seed_demo(self.fake)
        self.fake.start(graph.hostname, graph.port)
        for platform, (external_id, name, token) in (
            ("facebook", DEMO_FACEBOOK),
            ("instagram", DEMO_INSTAGRAM),
        ):
            channel_connect(
                organisation=self.organisation,
                platform=platform,
                external_id=external_id,
                name=name,
                token=token,
            )
        threading.Thread(
            target=live, args=(self.fake, posts, LIVE_INTERVAL_S, self.stop), daemon=True
        ).start()
        log_path = settings.VAR_DIR / "worker.log"
        self.log = open(log_path, "ab")  # the worker's chatter stays out of the terminal with the logins
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "somedesk", "worker"],
            env=os.environ.copy(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.stdout.write(
            f"Live: a fake Graph API on {settings.META_GRAPH_URL} sends a new comment every "
            f"{LIVE_INTERVAL_S:.0f} s; the worker (pid {self.worker.pid}, log {log_path}) "
            f"applies them.\n"
        )

    def close(self) -> None:
        self.stop.set()
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.worker.kill()
        if self.fake is not None:
            self.fake.stop()
        if getattr(self, "log", None) is not None:
            self.log.close()
