"""Webhook latency: signed events at a steady rate over loopback, until each comment is in the inbox.

    python bench/webhooks.py [--db sqlite|postgresql] [--rate 200] [--seconds 30] [--web-workers 3]

Starts somedesk under gunicorn (`somedesk serve`) and the huey consumer (`somedesk worker`) on a fresh
database of its own (a temporary SQLite file, or a PostgreSQL database `bench_webhooks_<pid>` created and
dropped by the script through the local socket), sends Page `feed` comment events signed with
X-Hub-Signature-256 at `--rate` per second, and watches the inbox table from another connection: the
latency of a comment is the time from the start of its POST until a committed row is visible.
The last line is one JSON object: sent, stored, lost, p50_ms, p99_ms (and a few more).
"""

import argparse
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PAGE_ID = "104857600112233"
SECRET = "bench-app-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Database:
    def __init__(self, kind: str, tmp: Path):
        self.kind = kind
        if kind == "sqlite":
            self.path = tmp / "bench.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"bench_webhooks_{os.getpid()}"
            subprocess.run(["createdb", self.name], check=True)
            self.url = f"postgresql:///{self.name}"

    def connect(self):
        if self.kind == "sqlite":
            import sqlite3

            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            return con
        import psycopg

        return psycopg.connect(dbname=self.name, autocommit=True)

    def drop(self):
        if self.kind != "sqlite":
            subprocess.run(["dropdb", "--if-exists", "--force", self.name], check=False)


def event(n: int, now: int) -> bytes:
    value = {
        "from": {"id": f"u{n % 5000}", "name": f"Innbygger {n % 5000}"},
        "post_id": f"{PAGE_ID}_{1000 + n % 40}", "comment_id": f"{1000 + n % 40}_{900000 + n}",
        "created_time": now, "item": "comment", "parent_id": f"{PAGE_ID}_{1000 + n % 40}", "verb": "add",
        "message": f"Bench-kommentar {n}: når kommer brøytebilen til Fjordvik?",
    }
    return json.dumps({"object": "page", "entry": [{"id": PAGE_ID, "time": now,
                                                    "changes": [{"field": "feed", "value": value}]}]}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--drain-timeout", type=float, default=60)
    parser.add_argument("--channels-only", action="store_true",
                        help="diagnostic: the worker runs without other apps' comments_stored receivers "
                             "(triage, moderation, replies), measuring the channels path alone")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    db = Database(args.db, tmp)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db.url, "SOMEDESK_VAR_DIR": str(tmp), "HUEY_IMMEDIATE": "false",
           "HUEY_REDIS_URL": "", "SOMEDESK_TESTING": "false", "META_APP_SECRET": SECRET,
           "META_VERIFY_TOKEN": "bench", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT / "src"),
           # production-like: no debug cursor, persistent connections (also for SQLite)
           "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "DB_CONN_MAX_AGE": "60", "SQLITE_CONN_MAX_AGE": "60"}
    py = sys.executable
    procs: list[subprocess.Popen] = []
    try:
        subprocess.run([py, "-m", "somedesk", "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([py, "-c", (
            "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','somedesk.settings');django.setup();"
            "from somedesk.inbox.models import Organisation, Channel;"
            "o=Organisation.objects.create(name='Fjordvik kommune', org_number='944117784');"
            f"Channel.objects.create(organisation=o, platform='facebook', external_id='{PAGE_ID}', name='Fjordvik')")],
            env=env, check=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        procs.append(subprocess.Popen([py, "-m", "somedesk", "serve", "--bind", f"127.0.0.1:{port}",
                                       "--workers", str(args.web_workers), "--threads", str(args.threads)], env=env, **quiet))
        if args.channels_only:
            worker = [py, "-c", (
                "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','somedesk.settings');django.setup();"
                "from somedesk.inbox.signals import comments_stored;comments_stored.receivers.clear();"
                "comments_stored.sender_receivers_cache.clear();"
                "from django.core.management import call_command;call_command('worker', workers=2)")]
        else:
            worker = [py, "-m", "somedesk", "worker", "--workers", "2"]
        procs.append(subprocess.Popen(worker, env=env, **quiet))
        url = f"http://127.0.0.1:{port}/webhooks/facebook/"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "bench", "hub.challenge": "1"})
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("somedesk did not start") from None
                time.sleep(0.2)

        total = int(args.rate * args.seconds)
        sent_at: dict[str, float] = {}
        statuses: dict[int, int] = {}
        answered: list[float] = []
        count_lock = threading.Lock()
        seen_at: dict[str, float] = {}
        stop = threading.Event()

        def watch():
            con = db.connect()
            last = 0
            while not stop.is_set():
                rows = con.execute("SELECT id, external_id FROM inbox_comment WHERE id > %s ORDER BY id"
                                   .replace("%s", "?" if db.kind == "sqlite" else "%s"), (last,)).fetchall()
                now = time.perf_counter()
                for pk, ext in rows:
                    seen_at.setdefault(ext, now)
                    last = max(last, pk)
                time.sleep(0.002)
            con.close()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        local = threading.local()

        def send(n):
            client = getattr(local, "client", None)
            if client is None:
                client = local.client = httpx.Client(timeout=10)
            body = event(n, int(time.time()))
            signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            ext = f"{1000 + n % 40}_{900000 + n}"
            sent_at[ext] = began = time.perf_counter()
            try:
                status = client.post(url, content=body, headers={"X-Hub-Signature-256": signature,
                                                                 "Content-Type": "application/json"}).status_code
            except httpx.HTTPError:
                status = 0
            with count_lock:
                answered.append((time.perf_counter() - began) * 1000)
                statuses[status] = statuses.get(status, 0) + 1

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=32) as pool:
            for n in range(total):
                target = start + n / args.rate
                delay = target - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(send, n)
        send_seconds = time.perf_counter() - start
        drain_deadline = time.monotonic() + args.drain_timeout
        while len(seen_at) < total and time.monotonic() < drain_deadline:
            time.sleep(0.05)
        stop.set()
        watcher.join(5)
        con = db.connect()
        stored = con.execute("SELECT count(*) FROM inbox_rawevent WHERE source = 'webhook'").fetchone()[0]
        unapplied = con.execute("SELECT count(*) FROM inbox_rawevent WHERE source = 'webhook' "
                                "AND status <> 'applied'").fetchone()[0]
        con.close()
        latencies = [(seen_at[k] - sent_at[k]) * 1000 for k in sent_at if k in seen_at]
        lost = total - len([k for k in sent_at if k in seen_at])
        print(f"database: {args.db}{' (channels only)' if args.channels_only else ''}; rate {args.rate}/s for {args.seconds}s; sending took {send_seconds:.1f}s")
        print(f"lost = sent but not in the inbox {args.drain_timeout:.0f} s after the last send "
              f"(stored events still waiting to be applied then: {unapplied})")
        print(f"HTTP statuses: {statuses}; answer time p50 {percentile(answered, 50):.1f} ms, "
              f"p99 {percentile(answered, 99):.1f} ms")
        print(f"p50 {percentile(latencies, 50):.1f} ms, p90 {percentile(latencies, 90):.1f} ms, "
              f"p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms")
        print(json.dumps({"db": args.db, "channels_only": args.channels_only, "rate": args.rate, "seconds": args.seconds, "sent": total,
                          "stored": stored, "lost": lost, "p50_ms": round(percentile(latencies, 50), 1),
                          "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies), 1),
                          "http_200": statuses.get(200, 0),
                          "answer_p99_ms": round(percentile(answered, 99), 1),
                          "unapplied_at_end": unapplied}))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        db.drop()


if __name__ == "__main__":
    main()
