"""Queue pages and the response-times page with a million comments.

    python bench/queues.py [--comments 1000000] [--requests 40] [--database-url URL] [--priority]
                           [--keep | --reuse-sqlite FILE]

Without --database-url a fresh temporary SQLite file is used (removed afterwards unless --keep; a kept
file can be measured again with --reuse-sqlite, after `migrate`). With a PostgreSQL URL the script
creates that database, runs the benchmark and drops it again (e.g. postgresql:///bench_queues).
--priority raises this process's and its PostgreSQL backend's CPU priority (root only), so that on a
shared, busy machine the figures measure the code rather than the queue for the CPU; the process CPU
time per request is reported beside the wall time either way.

Fills the database with N comments over two years (about 35 % need a reply: a DeskItem with a deadline
in working hours; most answered in the past, the last days open; about 2 % were removed and sit in the
review queue), then requests every queue page, the counter endpoint, the review queue and the
response-times page through Django's test client as a logged-in servicetorg user, `--requests` times
each, and prints p50/p95 per page. The last line is one JSON object.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ROUTES = [
    ("service_question", 0.45),
    ("light_case", 0.15),
    ("formal_inquiry", 0.1),
    ("political", 0.08),
    ("correction", 0.07),
    ("none", 0.15),
]
WORDS = (
    "når åpner biblioteket igjen takk for informasjon hvorfor er veien stengt kommunen må svare "
    "brøytingen var elendig flott tiltak kva tid kjem bussen skolen søknad frist barnehage"
).split()


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = url.split("?", 1)[0].rsplit("/", 1)[0] + "/postgres"  # the maintenance database, same server
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--database-url", default="")
    ap.add_argument(
        "--reuse-sqlite", default="", help="measure an SQLite file filled by an earlier --keep run"
    )
    ap.add_argument("--keep", action="store_true", help="keep the SQLite file (its path is printed)")
    ap.add_argument(
        "--priority",
        action="store_true",
        help="raise this process's (and its PostgreSQL backend's) CPU priority, so a shared, busy "
        "machine measures the code rather than other jobs (needs root)",
    )
    args = ap.parse_args()
    if args.priority:
        os.setpriority(os.PRIO_PROCESS, 0, -15)

    tmp = tempfile.mkdtemp(prefix="bench_queues_")
    url = args.database_url or f"sqlite:///{args.reuse_sqlite or tmp + '/bench.sqlite3'}"
    is_pg = url.startswith("postgres")
    dbname = url.rsplit("/", 1)[-1].split("?")[0]
    if is_pg:
        pg_admin(url, f'DROP DATABASE IF EXISTS "{dbname}"')
        pg_admin(url, f'CREATE DATABASE "{dbname}"')
    elif args.keep:
        print(f"SQLite file kept: {url[len('sqlite:///') :]}")
    os.environ["DATABASE_URL"] = url
    os.environ["SOMEDESK_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somedesk.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    try:
        result = run(args, is_pg)
    finally:
        if not is_pg and not args.keep and not args.reuse_sqlite:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        if is_pg:
            from django.db import connections

            connections.close_all()
            pg_admin(url, f'DROP DATABASE IF EXISTS "{dbname}"')
    print(json.dumps(result))


def run(args, is_pg: bool) -> dict:
    import django

    django.setup()
    from django.db import connection

    from somedesk.accounts.models import User

    if args.priority and is_pg:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            os.setpriority(os.PRIO_PROCESS, cur.fetchone()[0], -15)
    fill_s = 0.0
    if not args.reuse_sqlite:
        fill_s = fill(args, is_pg)
    return measure(args, User.objects.get(username="siri"), fill_s)


def fill(args, is_pg: bool) -> float:
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    from somedesk.accounts.services import user_create
    from somedesk.inbox.models import Channel, Comment, Organisation, Post
    from somedesk.lib.workinghours import add_working_hours, week_start, working_seconds_between
    from somedesk.replies import conf

    org = Organisation.objects.create(name="Fjordvik kommune", org_number="944117784")
    channel = Channel.objects.create(organisation=org, platform="local", external_id="bench", name="Bench")
    user = user_create(
        username="siri",
        password="x-bench-password-1",
        organisation=org,
        role="servicetorg",
        first_name="Siri",
        last_name="S",
        job_title="Rådgiver",
    )
    rng = random.Random(42)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=730)
    span = (now - start).total_seconds()
    n = args.comments
    n_posts = max(1, n // 200)
    Post.objects.bulk_create(
        [
            Post(
                channel=channel,
                external_id=f"p{i}",
                text=f"Innlegg {i}",
                created_time=start + timedelta(seconds=span * i / n_posts),
            )
            for i in range(n_posts)
        ],
        batch_size=5000,
    )
    post_ids = list(Post.objects.order_by("id").values_list("id", flat=True))
    schedule = conf.schedule()

    fields = [f for f in Comment._meta.concrete_fields if not f.primary_key]
    cols = [f.column for f in fields]
    table = Comment._meta.db_table
    ph = ", ".join(["%s"] * len(cols))
    insert_comment = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({ph})"

    def comment_row(i, created, route, reply, moderation, reason, state):
        values = {
            "channel_id": channel.pk,
            "post_id": post_ids[min(len(post_ids) - 1, i * len(post_ids) // n)],
            "parent_id": None,
            "parent_external_id": "",
            "external_id": f"c{i}",
            "author_external_id": f"u{i % 50000}",
            "author_name": f"Innbygger {i % 50000}",
            "from_page": False,
            "text": " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 18))),
            "created_time": created,
            "updated_time": None,
            "platform_state": state,
            "first_seen_at": created,
            "triage_moderation": moderation,
            "triage_reason": reason,
            "triage_route": route,
            "triage_sentiment": "neutral",
            "triage_reply": reply,
        }
        out = []
        for f in fields:
            if f.column in values:
                out.append(values[f.column])
            elif f.name in values:
                out.append(values[f.name])
            else:
                out.append(f.get_default())
        return out

    route_names = [r for r, _ in ROUTES]
    route_weights = [w for _, w in ROUTES]
    comments, items_plan, reviews_plan = [], [], []
    for i in range(n):
        created = start + timedelta(seconds=span * i / n)
        r = rng.random()
        if r < 0.02:
            comments.append(comment_row(i, created, "none", "none", "remove", "threat", "hidden"))
            reviews_plan.append((i, created))
        elif r < 0.37:
            route = rng.choices(route_names, route_weights)[0]
            reply = "required" if route != "none" else rng.choice(["thank", "try"])
            comments.append(comment_row(i, created, route, reply, "keep", "", "visible"))
            items_plan.append((i, created, route, reply))
        else:
            comments.append(comment_row(i, created, "none", "optional", "keep", "", "visible"))
    with connection.cursor() as cur:
        for s in range(0, len(comments), 5000):
            cur.executemany(insert_comment, comments[s : s + 5000])
    comments = None
    id_of = dict(Comment.objects.values_list("external_id", "id").iterator(chunk_size=20000))

    from somedesk.moderation.models import Review
    from somedesk.replies.models import DeskItem

    items = []
    for i, created, route, reply in items_plan:
        hours = conf.target_hours(route)
        due = add_working_hours(created, hours, schedule)
        age_days = (now - created).days
        status, first, secs, in_time, assignee = "answered", None, None, None, None
        if age_days <= 3 or rng.random() < 0.01:
            status = rng.choice(["new", "in_progress"])
            assignee = user.pk if rng.random() < 0.1 else None
        else:
            first = created + timedelta(minutes=rng.lognormvariate(5, 1.2))
            secs = working_seconds_between(created, first, schedule)
            in_time = first <= due
        items.append(
            DeskItem(
                comment_id=id_of[f"c{i}"],
                organisation_id=org.pk,
                route=route,
                reply_rule=reply,
                status=status,
                assignee_id=assignee,
                received_at=created,
                week=week_start(created),
                target_hours=hours,
                due_at=due,
                first_response_at=first,
                response_seconds=secs,
                answered_in_time=in_time,
                is_open=status in ("new", "in_progress"),
            )
        )
    DeskItem.objects.bulk_create(items, batch_size=5000)
    Review.objects.bulk_create(
        [
            Review(
                organisation=org,
                comment_id=id_of[f"c{i}"],
                kind="auto_hidden",
                reason="threat",
                created_at=created,
                state="pending" if (now - created).days < 14 else "confirmed",
            )
            for i, created in reviews_plan
        ],
        batch_size=5000,
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        if is_pg:
            cur.execute("VACUUM ANALYZE") if connection.connection.autocommit else None
    return time.perf_counter() - t0


def measure(args, user, fill_s: float) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from somedesk.inbox.models import Comment
    from somedesk.replies.models import DeskItem

    n = Comment.objects.count()
    n_items = DeskItem.objects.count()
    n_open = DeskItem.objects.filter(is_open=True).count()

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages = {
        f"queue_{k}": f"/svar/ko/{k}/" for k in ("svar", "forfalt", "politisk", "lett", "formell", "mine")
    }
    pages.update(
        {
            "counters": "/svar/tellere/",
            "review_queue": "/moderering/",
            "response_times": "/rapporter/svartider/",
            "response_times_26w": "/rapporter/svartider/?uker=26",
        }
    )
    figures = {}
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as queries:
            resp = client.get(path)
        n_queries = len(queries.captured_queries)
        assert resp.status_code == 200, (path, resp.status_code)
        if os.environ.get("BENCH_SQL"):
            for q in queries.captured_queries:
                print(f"  {q['time']}s {q['sql'][:200]}")
        times, cpu = [], []
        for _ in range(args.requests):
            t, c = time.perf_counter(), time.process_time()
            resp = client.get(path)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            assert resp.status_code == 200
        times.sort()
        cpu.sort()
        p95 = min(len(times) - 1, int(0.95 * len(times)))
        figures[name] = {
            "queries": n_queries,
            "p50_ms": round(times[len(times) // 2], 1),
            "p95_ms": round(times[p95], 1),
            "cpu_p95_ms": round(cpu[p95], 1),
        }
        print(
            f"{name:22s} {n_queries:3d} queries  p50 {figures[name]['p50_ms']:7.1f} ms   "
            f"p95 {figures[name]['p95_ms']:7.1f} ms   (process CPU p95 {figures[name]['cpu_p95_ms']:6.1f} ms)"
        )
    # The target covers the queue pages, the counters, the review queue and the response-times page as it
    # opens (8 weeks); the 26-week view is measured as an extra and reported, not counted.
    extra = {"response_times_26w"}
    worst = max(v["p95_ms"] for k, v in figures.items() if k not in extra)
    print(
        f"{n} comments, {n_items} desk items ({n_open} open), filled in {fill_s:.0f} s; worst p95 {worst} ms"
    )
    return {
        "bench": "queues",
        "database": connection.vendor,
        "comments": n,
        "desk_items": n_items,
        "open_items": n_open,
        "requests_per_page": args.requests,
        "load_average": round(os.getloadavg()[0], 1),
        "priority_raised": bool(args.priority),
        "pages": figures,
        "worst_p95_ms": worst,
        "extra_pages_not_in_target": sorted(extra),
        "target_p95_ms": 150,
        "ok": worst < 150,
    }


if __name__ == "__main__":
    main()
