"""Import speed: N comments through `somedesk import` against plain sqlite3 executemany.

    python bench/ingest.py [--comments N] [--per-post K] [--batch-size B]

Builds a Graph-shaped page feed (JSON) in a temporary directory, runs the `import` management command on
a fresh temporary SQLite database (migrated first), then inserts the very rows the import stored with
plain `sqlite3` `executemany` into a table of the same columns in another fresh database file (same
journal settings, one transaction). Prints the figures and, as the last line, one JSON object.
"""

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PAGE_ID = "104857600112233"
WORDS = (
    "når åpner biblioteket igjen etter ferien takk for god informasjon hvorfor er veien stengt "
    "kommunen må svare på dette brøytingen i går var elendig flott tiltak for barna i bygda kva tid "
    "kjem bussen skolen svømmehallen søknad frist barnehage plass"
).split()


def build_feed(path: Path, n_comments: int, per_post: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    posts, made, post_no = [], 0, 0
    while made < n_comments:
        post_no += 1
        post_time = start + timedelta(minutes=37 * post_no)
        comments = []
        count = min(per_post, n_comments - made)
        top = None
        for i in range(count):
            created = post_time + timedelta(seconds=45 * (i + 1))
            item = {
                "id": f"{post_no}_{i + 1}",
                "message": " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 24))),
                "created_time": created.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "from": {"id": f"u{rng.randint(1, 50_000)}", "name": f"Innbygger {rng.randint(1, 50_000)}"},
            }
            if top is not None and rng.random() < 0.2:  # a reply, nested as Graph nests them
                top.setdefault("comments", {"data": []})["data"].append(item)
            else:
                comments.append(item)
                top = item
        made += count
        posts.append(
            {
                "id": f"{PAGE_ID}_{post_no}",
                "message": f"Innlegg {post_no} fra kommunen",
                "created_time": post_time.strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "permalink_url": f"https://www.facebook.com/{PAGE_ID}/posts/{post_no}",
                "from": {"id": PAGE_ID, "name": "Fjordvik kommune"},
                "comments": {"data": comments, "paging": {"cursors": {"before": "b", "after": "a"}}},
            }
        )
    path.write_text(
        json.dumps(
            {"data": posts, "paging": {"cursors": {"before": "x", "after": "y"}}},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--per-post", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument(
        "--without-receivers",
        action="store_true",
        help="disconnect the comments_stored receivers (triage, desk): the inbox's own cost",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="somedesk-bench-ingest-"))
    os.environ["SOMEDESK_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somedesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Production settings: DEBUG off (no query log); nothing here serves pages.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-ingest-not-secret-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from somedesk.inbox.models import Comment, Organisation

    if args.without_receivers:
        from somedesk.inbox.signals import comments_stored

        receivers = len(comments_stored.receivers)
        comments_stored.receivers.clear()
        comments_stored.sender_receivers_cache.clear()
        print(f"disconnected {receivers} receiver(s) of comments_stored")
    feed = tmp / "feed.json"
    t0 = time.perf_counter()
    n = build_feed(feed, args.comments, args.per_post)
    print(
        f"built {feed} ({feed.stat().st_size / 1e6:.1f} MB, {n} comments) in {time.perf_counter() - t0:.1f} s"
    )
    call_command("migrate", verbosity=0)
    Organisation.objects.create(name="Fjordvik kommune", org_number="944117784")

    from somedesk.inbox.services import feed_import, import_settle

    # The two stages of `somedesk import`, timed apart: storing (the figure the target is about) and
    # the comments_stored receivers (triage and the desk) that run after it.
    t0 = time.perf_counter()
    result = feed_import(str(feed), batch_size=args.batch_size)
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    settled = import_settle(result)
    settle_s = time.perf_counter() - t0
    stored = Comment.objects.count()
    assert stored == n, (stored, n)
    t0 = time.perf_counter()
    call_command("import", str(feed), "--no-progress", verbosity=0)
    reimport_s = time.perf_counter() - t0
    assert Comment.objects.count() == n

    columns = [f.column for f in Comment._meta.local_fields]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM inbox_comment ORDER BY id")
        rows = cursor.fetchall()
    connection.close()

    with sqlite3.connect(tmp / "bench.sqlite3") as source:
        ddl = source.execute("SELECT sql FROM sqlite_master WHERE name = 'inbox_comment'").fetchone()[0]
    # Same columns and types; the foreign keys point at tables the raw database does not have.
    ddl = ddl.replace('"inbox_comment"', '"raw_comment"', 1)
    ddl = "".join(
        part.split(" REFERENCES ")[0] + ("," if part.rstrip().endswith(",") else "")
        if " REFERENCES " in part
        else part
        for part in _split_columns(ddl)
    )
    placeholders = ", ".join("?" for _ in columns)
    raw_runs = []
    for attempt in range(3):  # the plain insert takes about a second: take the median of three
        raw_db = sqlite3.connect(tmp / f"raw{attempt}.sqlite3", isolation_level=None)
        raw_db.execute("PRAGMA journal_mode=WAL")
        raw_db.execute("PRAGMA synchronous=NORMAL")
        raw_db.execute(ddl)
        t0 = time.perf_counter()
        raw_db.execute("BEGIN")
        raw_db.executemany(f"INSERT INTO raw_comment ({', '.join(columns)}) VALUES ({placeholders})", rows)
        raw_db.execute("COMMIT")
        raw_runs.append(time.perf_counter() - t0)
        raw_db.close()
    raw_s = sorted(raw_runs)[1]

    comments_per_s = n / import_s
    raw_per_s = n / raw_s
    print(
        f"somedesk import, storing: {n} comments in {import_s:.2f} s = {comments_per_s:,.0f} comments/s "
        f"(re-import, a no-op: {reimport_s:.2f} s)"
    )
    settle_per_s = settled / settle_s if settle_s and settled else 0.0
    print(
        f"somedesk import, triage and desk afterwards: {settled} comments in {settle_s:.2f} s "
        f"= {settle_per_s:,.0f} comments/s"
    )
    print(
        f"sqlite3 executemany: {n} rows in {raw_s:.2f} s = {raw_per_s:,.0f} rows/s "
        f"(median of {', '.join(f'{r:.2f}' for r in raw_runs)} s)"
    )
    print(
        json.dumps(
            {
                "comments_per_s": round(comments_per_s),
                "raw_per_s": round(raw_per_s),
                "ratio": round(comments_per_s / raw_per_s, 3),
                "comments": n,
                "settle_per_s": round(settle_per_s),
                "receivers": not args.without_receivers,
            }
        )
    )


def _split_columns(ddl: str) -> list[str]:
    """Split CREATE TABLE's column list into its items, keeping the separators."""
    head, body = ddl.split("(", 1)
    body, tail = body.rsplit(")", 1)
    items, depth, current = [], 0, ""
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(current + ",")
            current = ""
        else:
            current += ch
    items.append(current)
    return [head + "(", *items, ")" + tail]


if __name__ == "__main__":
    main()
