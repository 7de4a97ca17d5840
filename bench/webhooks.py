"""Webhook latency: signed events at a steady rate over loopback, until each comment is in the inbox.

    python bench/webhooks.py [--db sqlite|postgresql] [--rate 200] [--seconds 30] [--web-workers 3]

Starts somedesk under gunicorn (`somedesk serve`) and the huey consumer (`somedesk worker`) on a fresh
database of its own (a temporary SQLite file, or a PostgreSQL database `bench_webhooks_<pid>` created and
dropped by the script through the local socket), sends Page `feed` comment events signed with
X-Hub-Signature-256 at `--rate` per second, and watches the inbox table from another connection: the
latency of a comment is the time from the start of its POST until a committed row is visible.

The load generator must not eat the machine it measures: bodies and signatures are made before the
timed phase, and `--senders` threads send over persistent `http.client` connections (no HTTP library on
top), each taking the next event and waiting for its due time. It reports its own CPU and how long
sending really took (~`--seconds` when the rate was kept).
The last line is one JSON object: sent, stored, lost, p50_ms, p99_ms, send_seconds (and a few more).
"""

import argparse
import hashlib
import hmac
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_ID = "104857600112233"
SECRET = "bench-app-secret"


WARMUP_FIRST = 10_000_000  # event numbers of the warm-up events (not measured)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, seconds: float = 30) -> None:
    """Until somedesk answers on the webhook path (gunicorn and Django loaded)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request(
                "GET", "/webhooks/facebook/?hub.mode=subscribe&hub.verify_token=bench&hub.challenge=1"
            )
            probe.getresponse().read()
            probe.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("somedesk did not start") from None
            time.sleep(0.2)


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


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its direct children (gunicorn's workers)."""
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().split(")")[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def postgres_cpu() -> float:
    """CPU seconds of every postgres process on the machine (the database server of the PG runs)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            fields = text.split(")")[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def event(n: int, now: int) -> bytes:
    value = {
        "from": {"id": f"u{n % 5000}", "name": f"Innbygger {n % 5000}"},
        "post_id": f"{PAGE_ID}_{1000 + n % 40}",
        "comment_id": f"{1000 + n % 40}_{900000 + n}",
        "created_time": now,
        "item": "comment",
        "parent_id": f"{PAGE_ID}_{1000 + n % 40}",
        "verb": "add",
        "message": f"Bench-kommentar {n}: når kommer brøytebilen til Fjordvik?",
    }
    return json.dumps(
        {
            "object": "page",
            "entry": [{"id": PAGE_ID, "time": now, "changes": [{"field": "feed", "value": value}]}],
        }
    ).encode()


def server_env(database_url: str, var_dir: Path) -> dict:
    """The environment of the benchmarked server and worker: production-like (no debug cursor,
    persistent connections, also for SQLite), huey on its own storage, the bench's app secret."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SOMEDESK_VAR_DIR": str(var_dir),
        "HUEY_IMMEDIATE": "false",
        "HUEY_REDIS_URL": "",
        "SOMEDESK_TESTING": "false",
        "META_APP_SECRET": SECRET,
        "META_VERIFY_TOKEN": "bench",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DB_CONN_MAX_AGE": "60",
        "SQLITE_CONN_MAX_AGE": "60",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--senders", type=int, default=16, help="client threads, each with one persistent HTTP/1.1 connection"
    )
    parser.add_argument(
        "--worker-arg",
        action="append",
        default=[],
        help="extra argument for `somedesk worker` (repeatable), e.g. --worker-arg=--follow-gather=0.1",
    )
    parser.add_argument("--drain-timeout", type=float, default=60)
    parser.add_argument(
        "--channels-only",
        action="store_true",
        help="diagnostic: the worker runs without other apps' comments_stored receivers "
        "(triage, moderation, replies), measuring the channels path alone",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    db = Database(args.db, tmp)
    port = free_port()
    env = server_env(db.url, tmp)
    py = sys.executable
    procs: list[subprocess.Popen] = []
    try:
        subprocess.run([py, "-m", "somedesk", "migrate", "-v", "0"], env=env, check=True)
        subprocess.run(
            [
                py,
                "-c",
                (
                    "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','somedesk.settings');django.setup();"
                    "from somedesk.inbox.models import Organisation, Channel;"
                    "o=Organisation.objects.create(name='Fjordvik kommune', org_number='944117784');"
                    f"Channel.objects.create(organisation=o, platform='facebook', external_id='{PAGE_ID}', name='Fjordvik')"
                ),
            ],
            env=env,
            check=True,
        )
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        procs.append(
            subprocess.Popen(
                [
                    py,
                    "-m",
                    "somedesk",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.web_workers),
                    "--threads",
                    str(args.threads),
                ],
                env=env,
                **quiet,
            )
        )
        if args.channels_only:
            worker = [
                py,
                "-c",
                (
                    "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','somedesk.settings');django.setup();"
                    "from somedesk.inbox.signals import comments_stored;comments_stored.receivers.clear();"
                    "comments_stored.sender_receivers_cache.clear();"
                    "import sys;from django.core.management import call_command;"
                    "call_command('worker', '--workers', '2', *sys.argv[1:])"
                ),
                *args.worker_arg,
            ]
        else:
            worker = [py, "-m", "somedesk", "worker", "--workers", "2", *args.worker_arg]
        procs.append(subprocess.Popen(worker, env=env, **quiet))
        wait_until_serving(port)

        # Warm-up, not measured: a long-running server and worker have their code loaded (the triage
        # engine's model is loaded on the first comment), and every gunicorn process has its connection.
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        warmup = 40
        for n in range(WARMUP_FIRST, WARMUP_FIRST + warmup):
            body = event(n, int(time.time()))
            warm.request(
                "POST",
                "/webhooks/facebook/",
                body,
                {"X-Hub-Signature-256": sign(body), "Content-Type": "application/json"},
            )
            response = warm.getresponse()
            response.read()
            if response.will_close:
                warm.close()
        warm.close()
        check = db.connect()
        deadline = time.monotonic() + 60
        while (
            check.execute("SELECT count(*) FROM inbox_rawevent WHERE status = 'applied'").fetchone()[0]
            < warmup
        ):
            if time.monotonic() > deadline:
                raise SystemExit("the warm-up events were not applied within 60 s")
            time.sleep(0.05)
        check.close()

        total = int(args.rate * args.seconds)
        # Everything the client does per event that is not the send itself happens here, before the
        # timed phase: the bodies and their signatures.
        now = int(time.time())
        prepared = []
        for n in range(total):
            body = event(n, now)
            prepared.append((f"{1000 + n % 40}_{900000 + n}", body, sign(body)))
        sent_at: dict[str, float] = {}
        statuses: dict[int, int] = {}
        answered: list[float] = []
        count_lock = threading.Lock()
        seen_at: dict[str, float] = {}
        stop = threading.Event()

        def watch():
            con = db.connect()
            last = con.execute("SELECT coalesce(max(id), 0) FROM inbox_comment").fetchone()[
                0
            ]  # after the warm-up
            sql = "SELECT id, external_id FROM inbox_comment WHERE id > %s ORDER BY id"
            sql = sql.replace("%s", "?") if db.kind == "sqlite" else sql
            while not stop.is_set():
                rows = con.execute(sql, (last,)).fetchall()
                now = time.perf_counter()
                for pk, ext in rows:
                    seen_at.setdefault(ext, now)
                    last = max(last, pk)
                time.sleep(0.005)  # a row is seen at most 5 ms late: latencies err on the long side
            con.close()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        next_index = itertools.count()  # next() on a count is atomic under the GIL
        start = time.perf_counter() + 0.05

        def sender():
            """One persistent HTTP/1.1 connection; takes the next event, waits for its due time, sends."""
            conn = None
            while True:
                n = next(next_index)
                if n >= total:
                    break
                ext, body, signature = prepared[n]
                delay = start + n / args.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                headers = {
                    "X-Hub-Signature-256": signature,
                    "Content-Type": "application/json",
                    "Content-Length": str(len(body)),
                }
                sent_at[ext] = began = time.perf_counter()
                status = 0
                for _attempt in range(2):  # a keep-alive connection the server closed: once more on a new one
                    try:
                        if conn is None:
                            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                        conn.request("POST", "/webhooks/facebook/", body, headers)
                        response = conn.getresponse()
                        response.read()
                        status = response.status
                        if response.will_close:
                            conn.close()
                            conn = None
                        break
                    except (OSError, http.client.HTTPException):
                        if conn is not None:
                            conn.close()
                        conn = None
                with count_lock:
                    answered.append((time.perf_counter() - began) * 1000)
                    statuses[status] = statuses.get(status, 0) + 1
            if conn is not None:
                conn.close()

        cpu0 = time.process_time()
        web_cpu0, worker_cpu0 = proc_cpu(procs[0].pid), proc_cpu(procs[1].pid)
        machine0, pg0 = machine_cpu(), postgres_cpu()
        senders = [threading.Thread(target=sender, daemon=True) for _ in range(args.senders)]
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join()
        send_seconds = time.perf_counter() - start
        client_cpu = time.process_time() - cpu0
        web_cpu, worker_cpu = proc_cpu(procs[0].pid) - web_cpu0, proc_cpu(procs[1].pid) - worker_cpu0
        machine1, pg_cpu = machine_cpu(), postgres_cpu() - pg0
        machine_busy = (machine1[0] - machine0[0]) / (machine1[1] - machine0[1])  # share of all CPUs
        drain_deadline = time.monotonic() + args.drain_timeout
        while len(seen_at) < total and time.monotonic() < drain_deadline:
            time.sleep(0.05)
        stop.set()
        watcher.join(5)
        con = db.connect()
        stored = (
            con.execute("SELECT count(*) FROM inbox_rawevent WHERE source = 'webhook'").fetchone()[0] - warmup
        )
        unapplied = con.execute(
            "SELECT count(*) FROM inbox_rawevent WHERE source = 'webhook' AND status <> 'applied'"
        ).fetchone()[0]
        # Where the time went: stored (received_at, set by the web process) -> applied (applied_at, set
        # in the worker's drain transaction, just before its commit).
        span = (
            "(julianday(applied_at) - julianday(received_at)) * 86400000.0"
            if db.kind == "sqlite"
            else "EXTRACT(EPOCH FROM applied_at - received_at) * 1000"
        )
        waits = [
            float(row[0])
            for row in con.execute(
                f"SELECT {span} FROM inbox_rawevent WHERE source = 'webhook' AND applied_at IS NOT NULL"
            ).fetchall()
        ]
        con.close()
        latencies = [(seen_at[k] - sent_at[k]) * 1000 for k in sent_at if k in seen_at]
        lost = total - len([k for k in sent_at if k in seen_at])
        loadavg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(
            f"database: {args.db}{' (channels only)' if args.channels_only else ''}; rate {args.rate}/s for "
            f"{args.seconds}s; sending took {send_seconds:.1f}s; client CPU {client_cpu:.1f} s "
            f"({client_cpu / total * 1000:.2f} ms per event, watcher included); load average {loadavg}"
        )
        print(
            f"lost = sent but not in the inbox {args.drain_timeout:.0f} s after the last send "
            f"(stored events still waiting to be applied then: {unapplied})"
        )
        print(
            f"HTTP statuses: {statuses}; answer time p50 {percentile(answered, 50):.1f} ms, "
            f"p99 {percentile(answered, 99):.1f} ms"
        )
        print(
            f"stored -> applied (database clock): p50 {percentile(waits, 50):.1f} ms, "
            f"p99 {percentile(waits, 99):.1f} ms; CPU during sending: web {web_cpu:.1f} s, "
            f"worker {worker_cpu:.1f} s, postgres {pg_cpu:.1f} s; the whole machine was "
            f"{machine_busy * 100:.0f} % busy ({os.cpu_count()} CPUs, other users' processes included)"
        )
        print(
            f"p50 {percentile(latencies, 50):.1f} ms, p90 {percentile(latencies, 90):.1f} ms, "
            f"p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms"
        )
        print(
            json.dumps(
                {
                    "db": args.db,
                    "channels_only": args.channels_only,
                    "rate": args.rate,
                    "seconds": args.seconds,
                    "send_seconds": round(send_seconds, 2),
                    "sent": total,
                    "stored": stored,
                    "lost": lost,
                    "p50_ms": round(percentile(latencies, 50), 1),
                    "p99_ms": round(percentile(latencies, 99), 1),
                    "max_ms": round(max(latencies), 1),
                    "http_200": statuses.get(200, 0),
                    "answer_p99_ms": round(percentile(answered, 99), 1),
                    "unapplied_at_end": unapplied,
                    "client_cpu_s": round(client_cpu, 2),
                    "web_cpu_s": round(web_cpu, 2),
                    "worker_cpu_s": round(worker_cpu, 2),
                    "postgres_cpu_s": round(pg_cpu, 2),
                    "machine_busy": round(machine_busy, 2),
                    "applied_p99_ms": round(percentile(waits, 99), 1),
                    "loadavg": loadavg,
                }
            )
        )
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
