"""Inbox page latency with a large inbox, through Django's test client.

    python bench/inbox.py [--comments 1000000] [--repeat 40]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_inbox python bench/inbox.py

Loads N comments (default 1,000,000) with raw SQL (not the ORM) into a fresh database -- a temporary
SQLite file, or the PostgreSQL database named in DATABASE_URL, which the script creates and drops and
which must be called bench_inbox -- with the full-text index populated, then times four pages as a
logged-in page administrator: the inbox list, a filtered list, a deep keyset page and a full-text
search. Prints p50/p95 per page; the last line is one JSON object.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# A small Norwegian vocabulary with a Zipf-like spread, so searches hit both common and rare words.
VOCABULARY = (
    "kommunen er det og i på til ikke for med som har vi de en at kan skal om når hvorfor hvordan "
    "biblioteket brøyting veien skolen barnehagen bussen svømmehallen søppel renovasjon eiendomsskatt "
    "vann avløp strøm parkering sykehjemmet helsestasjon legevakt fastlege kulturhuset konsert idrettshall "
    "fotballbanen lekeplass gatelys fortau hull asfalt snø is glatt strøing vinter sommer ferie åpningstider "
    "søknad frist skjema vedtak klage byggesak reguleringsplan kommunestyret ordføreren politikerne budsjett "
    "skatt eldre barn ungdom familie nabo støy hund katt takk flott bra dårlig elendig skandale forslag "
    "spørsmål svar informasjon nettsiden telefon epost sentrum bygda fjorden hytte ferge kai båt turløype "
    "skiløype lysløype dugnad frivillig korps 17mai jul påske kveld morgen helg mandag fredag"
).split()
WEIGHTS = [1 / (rank + 1) ** 0.9 for rank in range(len(VOCABULARY))]
FIRST = [
    "Kari",
    "Ola",
    "Ingrid",
    "Per",
    "Sigrid",
    "Lars",
    "Astrid",
    "Nils",
    "Marit",
    "Jon",
    "Solveig",
    "Eirik",
]
LAST = ["Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl", "Lie", "Moen", "Fjeld"]
PAGE_ID = "104857600112233"


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def setup_database(args):
    url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="somedesk-bench-inbox-"))
    os.environ["SOMEDESK_VAR_DIR"] = str(tmp)
    if url.startswith("postgres"):
        name = urlparse(url).path.lstrip("/")
        if name != "bench_inbox":
            sys.exit("bench/inbox.py creates and drops its database: DATABASE_URL must name bench_inbox")
        import psycopg

        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        if not args.reuse:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS bench_inbox")
                conn.execute("CREATE DATABASE bench_inbox")
        cleanup = (lambda: None) if args.keep else (lambda: _drop_pg(admin_url))
    elif args.reuse:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.reuse).resolve()}"
        cleanup = lambda: None  # noqa: E731
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        cleanup = lambda: None  # noqa: E731
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somedesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return tmp, cleanup


def _drop_pg(admin_url):
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_inbox WITH (FORCE)")


def load(n_comments: int, seed: int = 11):
    """Organisation, two channels, posts and N comments through raw SQL; returns the page admin."""
    from django.db import connection, transaction

    from somedesk.accounts.services import user_create
    from somedesk.inbox.models import Channel, Comment, Organisation, Post

    rng = random.Random(seed)
    org = Organisation.objects.create(name="Fjordvik kommune", org_number="944117784")
    other = Organisation.objects.create(name="Nabovik kommune", org_number="974760673")
    channels = [
        Channel.objects.create(
            organisation=org, platform="facebook", external_id=PAGE_ID, name="Fjordvik kommune"
        ),
        Channel.objects.create(
            organisation=org, platform="instagram", external_id="17841400123456789", name="fjordvikkommune"
        ),
        Channel.objects.create(
            organisation=other, platform="facebook", external_id="999000111", name="Nabovik"
        ),
    ]
    user = user_create(
        username="siri",
        password="bench-passord-42",
        organisation=org,
        role="servicetorg",
        first_name="Siri",
        last_name="Servicetorg",
        job_title="Rådgiver",
    )
    end = datetime(2026, 11, 25, 12, tzinfo=UTC)
    n_posts = max(1, n_comments // 200)
    posts = [
        Post(
            channel=channels[i % 3 if i % 10 == 0 else i % 2],
            external_id=f"{PAGE_ID}_{i}",
            text=" ".join(rng.choices(VOCABULARY, WEIGHTS, k=20)),
            created_time=end - timedelta(days=365) * ((n_posts - i) / n_posts),
        )
        for i in range(n_posts)
    ]
    Post.objects.bulk_create(posts, batch_size=2000)
    posts = list(Post.objects.order_by("id").values_list("id", "channel_id", "created_time"))

    fields = [f for f in Comment._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    sqlite = connection.vendor == "sqlite"

    def when(dt):
        return str(dt.astimezone(UTC).replace(tzinfo=None)) if sqlite else dt

    span = (end - posts[0][2]).total_seconds()
    now = when(end)
    states = ["visible"] * 95 + ["hidden"] * 4 + ["deleted"]
    routes = (
        ["none"] * 60
        + ["service_question"] * 15
        + ["light_case"] * 8
        + ["formal_inquiry"] * 5
        + ["political"] * 7
        + ["correction"] * 5
    )
    reasons = ["threat", "hate", "harassment", "shaming", "personal_data", "spam"]
    sentiments = ["positive"] * 25 + ["neutral"] * 45 + ["negative"] * 30

    def rows():
        for i in range(n_comments):
            post_id, channel_id, post_time = posts[min(int(i * len(posts) / n_comments), len(posts) - 1)]
            created = end - timedelta(seconds=span * (1 - i / n_comments)) + timedelta(seconds=rng.random())
            removed = rng.random() < 0.05
            values = {
                "channel_id": channel_id,
                "post_id": post_id,
                "parent_id": None,
                "parent_external_id": "",
                "external_id": f"c{i}",
                "author_external_id": f"u{rng.randint(1, 80_000)}",
                "author_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "from_page": False,
                "text": " ".join(rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(4, 30))),
                "created_time": when(created),
                "updated_time": None,
                "platform_state": rng.choice(states),
                "first_seen_at": now,
                "triage_moderation": "remove" if removed else "keep",
                "triage_reason": rng.choice(reasons) if removed else "",
                "triage_route": "none" if removed else rng.choice(routes),
                "triage_sentiment": rng.choice(sentiments),
                "triage_reply": "",
            }
            yield tuple(values[f.attname] for f in fields)

    table = "inbox_comment"
    with transaction.atomic():
        _insert(connection, sqlite, table, columns, rows)
    with connection.cursor() as cursor:
        if not sqlite:  # built after the load (outside its transaction: deferred FK checks pend until commit)
            cursor.execute("CREATE INDEX comment_search_vector ON inbox_comment USING GIN (search_vector)")
        cursor.execute("ANALYZE")
    return user


def _insert(connection, sqlite, table, columns, rows):
    if sqlite:
        from importlib import import_module

        migration = import_module("somedesk.inbox.migrations.0002_search_and_orphans")
        with connection.cursor() as cursor:
            # Fill the table first and the FTS index in one 'rebuild' after: the same index the insert
            # trigger would build row by row, in a fraction of the time.
            cursor.execute("DROP TRIGGER inbox_comment_fts_ai")
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
            batch = []
            for row in rows():
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
            cursor.execute(migration.SQLITE_FORWARD[1])  # the insert trigger again
            cursor.execute("INSERT INTO inbox_comment_fts(inbox_comment_fts) VALUES ('rebuild')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS comment_search_vector")
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file (printed) to inspect plans")
    parser.add_argument(
        "--reuse",
        help="time the pages on a SQLite file (or, with a PostgreSQL DATABASE_URL, "
        "any value: bench_inbox) kept by an earlier --keep run",
    )
    args = parser.parse_args()
    tmp, cleanup = setup_database(args)
    import django

    django.setup()
    try:
        run(args)
    finally:
        cleanup()


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from somedesk.inbox.models import Comment

    if args.reuse:
        from somedesk.accounts.models import User

        user = User.objects.get(username="siri")
        args.comments = Comment.objects.count()
        print(f"{connection.vendor}: reusing {args.reuse} with {args.comments:,} comments")
    else:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        user = load(args.comments)
        print(
            f"{connection.vendor}: loaded {Comment.objects.count():,} comments in {time.perf_counter() - t0:.0f} s"
        )

    from somedesk.inbox.selectors import encode_cursor

    deep = Comment.objects.order_by("-created_time", "-id")[int(args.comments * 0.9)]
    list_url = reverse("inbox:list")
    rng = random.Random(3)
    searches = [
        "biblioteket",
        "brøyting",
        "eiendomsskatt klage",
        "kommunen",
        "ordføreren budsjett",
        "ferge",
        "strøing glatt",
        "Hansen",
    ]
    pages = {
        "list": lambda: list_url,
        "filtered": lambda: (
            list_url
            + "?"
            + urlencode(
                rng.choice(
                    [
                        {"platform_state": "hidden"},
                        {"route": "political", "sentiment": "negative"},
                        {"moderation": "remove", "reason": "spam"},
                        {
                            "channel": deep.channel_id,
                            "date_from": str(deep.created_time.date() - timedelta(days=7)),
                            "date_to": str(deep.created_time.date()),
                        },
                    ]
                )
            )
        ),
        "deep_page": lambda: list_url + "?" + urlencode({"etter": encode_cursor(deep)}),
        "search": lambda: list_url + "?" + urlencode({"q": rng.choice(searches)}),
    }
    client = Client()
    client.force_login(user)
    sql_ms = [0.0]

    def timed(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms[0] += (time.perf_counter() - t) * 1000

    result = {}
    for name, make_url in pages.items():
        timings, in_sql = [], []
        for i in range(args.repeat + 3):
            url = make_url()
            sql_ms[0] = 0.0
            with connection.execute_wrapper(timed):
                t0 = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - t0) * 1000
            assert response.status_code == 200, (url, response.status_code)
            assert b'id="kommentar-' in response.content, url
            if i >= 3:  # the first requests warm the caches
                timings.append(elapsed)
                in_sql.append(sql_ms[0])
        result[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "sql_p50_ms": round(statistics.median(in_sql), 1),
        }
        print(
            f"{name:10s} p50 {result[name]['p50_ms']:7.1f} ms   p95 {result[name]['p95_ms']:7.1f} ms   "
            f"(of which SQL p50 {result[name]['sql_p50_ms']:.1f} ms; n={len(timings)}, e.g. {make_url()})"
        )
    result["load_average"] = round(os.getloadavg()[0], 1)
    result["cpus"] = os.cpu_count()
    result["database"] = connection.vendor
    result["comments"] = args.comments
    if args.keep:
        print(f"kept {connection.settings_dict['NAME']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
