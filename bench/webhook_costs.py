"""What one webhook event costs, piece by piece (the breakdown behind bench/webhooks.py).

    python bench/webhook_costs.py [--db sqlite|postgresql] [--events 1000] [--requests 500]

1. Store: `somedesk serve` (gunicorn, 1 process) on a fresh database; `--requests` signed POSTs one after
   the other; server CPU read from /proc, client CPU from this process.
2. Apply: `--events` stored Page comment events drained by `raw_events_drain()` in a child process, once
   with the other apps' `comments_stored` receivers disconnected (channels path only) and once with them.
Last line: one JSON object.
"""

import argparse
import http.client
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webhooks import (  # noqa: E402
    PAGE_ID,
    Database,
    event,
    free_port,
    proc_cpu,
    server_env,
    sign,
    wait_until_serving,
)

ROOT = Path(__file__).resolve().parent.parent

DRAIN = """
import django, json, os, sys, time
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'somedesk.settings'); django.setup()
from somedesk.inbox.models import Organisation, Channel, Comment
from somedesk.inbox.signals import comments_stored
if sys.argv[1] == 'channels-only':
    comments_stored.receivers.clear(); comments_stored.sender_receivers_cache.clear()
org = Organisation.objects.create(name='Fjordvik kommune', org_number='944117784')
Channel.objects.create(organisation=org, platform='facebook', external_id='%(page)s', name='F')
from somedesk.inbox.services import raw_event_store
from somedesk.channels.services import raw_events_drain
for n in range(int(sys.argv[2])):
    raw_event_store(source='webhook', body=sys.modules['__main__'].event(n), platform='facebook')
t = time.perf_counter(); c = time.process_time(); n = raw_events_drain()
print(json.dumps({'events': n, 'wall_ms': (time.perf_counter() - t) / n * 1000,
                  'cpu_ms': (time.process_time() - c) / n * 1000, 'comments': Comment.objects.count()}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    py = sys.executable
    out = {"db": args.db}

    tmp = Path(tempfile.mkdtemp(prefix="bench-webhook-costs-"))
    db = Database(args.db, tmp)
    env = server_env(db.url, tmp)
    web = None
    try:
        subprocess.run([py, "-m", "somedesk", "migrate", "-v", "0"], env=env, check=True)
        port = free_port()
        web = subprocess.Popen(
            [
                py,
                "-m",
                "somedesk",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_serving(port)
        # As bench/webhooks.py sends: bodies signed beforehand, one persistent http.client connection.
        now = int(time.time())
        bodies = [(body, sign(body)) for body in (event(n, now) for n in range(50 + args.requests))]
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

        def post(n):
            body, sig = bodies[n]
            client.request(
                "POST",
                "/webhooks/facebook/",
                body,
                {"X-Hub-Signature-256": sig, "Content-Type": "application/json"},
            )
            response = client.getresponse()
            response.read()
            assert response.status == 200

        for n in range(50):
            post(n)
        server0, client0, wall0 = proc_cpu(web.pid), time.process_time(), time.perf_counter()
        for n in range(50, 50 + args.requests):
            post(n)
        out["store_server_cpu_ms"] = round((proc_cpu(web.pid) - server0) / args.requests * 1000, 2)
        out["store_client_cpu_ms"] = round((time.process_time() - client0) / args.requests * 1000, 2)
        out["store_wall_ms"] = round((time.perf_counter() - wall0) / args.requests * 1000, 2)
    finally:
        if web is not None:
            web.terminate()
            web.wait(20)
        db.drop()

    for mode in ("channels-only", "full"):
        tmp = Path(tempfile.mkdtemp(prefix="bench-webhook-costs-"))
        db = Database(args.db, tmp)
        env = server_env(db.url, tmp)
        try:
            subprocess.run([py, "-m", "somedesk", "migrate", "-v", "0"], env=env, check=True)
            prelude = (
                f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); from webhooks import event as _e;"
                "event = lambda n: _e(n, 1795000000 + n).decode()\n"
            )
            code = prelude + DRAIN % {"page": PAGE_ID}
            result = subprocess.run(
                [py, "-c", code, mode, str(args.events)], env=env, check=True, capture_output=True, text=True
            )
            data = json.loads(result.stdout.strip().splitlines()[-1])
            key = mode.replace("-", "_")
            out[f"apply_{key}_wall_ms"] = round(data["wall_ms"], 2)
            out[f"apply_{key}_cpu_ms"] = round(data["cpu_ms"], 2)
            assert data["comments"] == args.events
        finally:
            db.drop()
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
