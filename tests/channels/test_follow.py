"""The worker's follow loop: webhook events stored the way the webhook POST stores them (one INSERT, no
queued task) are applied by `somedesk worker` within moments, also while it runs, and on restart."""

import json
import signal
import sqlite3
import time

import pytest

from tests.channels.test_kill import PAGE_ID, query, script, start_worker, wait_for, world  # noqa: F401

pytestmark = pytest.mark.slow


def event_body(n: int) -> str:
    value = {
        "from": {"id": f"u{n}", "name": f"Person {n}"},
        "post_id": f"{PAGE_ID}_p1",
        "comment_id": f"p1_c{n}",
        "created_time": 1795000000 + n,
        "item": "comment",
        "parent_id": f"{PAGE_ID}_p1",
        "verb": "add",
        "message": f"kommentar {n}",
    }
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {"id": PAGE_ID, "time": 1795000000 + n, "changes": [{"field": "feed", "value": value}]}
            ],
        }
    )


def store(env, first: int, count: int) -> None:
    script(
        env,
        f"""
        import json
        from somedesk.channels.webhooks import raw_event_insert
        for n in range({first}, {first + count}):
            value = {{"from": {{"id": f"u{{n}}", "name": f"Person {{n}}"}}, "post_id": "{PAGE_ID}_p1",
                      "comment_id": f"p1_c{{n}}", "created_time": 1795000000 + n, "item": "comment",
                      "parent_id": "{PAGE_ID}_p1", "verb": "add", "message": f"kommentar {{n}}"}}
            body = json.dumps({{"object": "page", "entry": [{{"id": "{PAGE_ID}", "time": 1795000000 + n,
                                "changes": [{{"field": "feed", "value": value}}]}}]}}).encode()
            assert raw_event_insert("facebook", body)
            assert not raw_event_insert("facebook", body)  # the same body again: nothing new
    """,
    )


def test_the_worker_applies_events_that_were_only_stored(world):  # noqa: F811
    env, db = world["env"], world["db"]
    store(env, 0, 50)  # before the worker starts: the start-up sweep and the loop take them
    assert query(db, "select count(*) from inbox_rawevent where status='pending'") == 50
    worker = start_worker(env)
    try:
        assert wait_for(lambda: query(db, "select count(*) from inbox_comment") == 50, 60)
        started = time.monotonic()
        store(env, 50, 20)  # while it runs: nothing is queued, the loop finds them
        assert wait_for(lambda: query(db, "select count(*) from inbox_comment") == 70, 30)
        assert time.monotonic() - started < 15
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    assert worker.returncode is not None
    assert query(db, "select count(*) from inbox_rawevent") == 70
    assert query(db, "select count(*) from inbox_rawevent where status != 'applied'") == 0
    assert query(db, "select count(distinct external_id) from inbox_comment") == 70


def test_the_worker_waits_for_a_write_lock_held_elsewhere_and_then_applies(world):  # noqa: F811
    env, db = world["env"], world["db"]
    worker = start_worker(env)
    try:
        holder = sqlite3.connect(db, timeout=30, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
        try:
            holder.execute(
                "INSERT INTO inbox_rawevent (source, platform, received_at, body, content_hash, status, "
                "error) VALUES ('webhook', 'facebook', '2026-11-26 08:00:00', ?, 'h1', 'pending', '')",
                [event_body(1)],
            )
            time.sleep(1.5)  # the worker's drain polls for the lock meanwhile
        finally:
            holder.execute("COMMIT")
            holder.close()
        assert wait_for(lambda: query(db, "select count(*) from inbox_comment") == 1, 30)
        assert worker.poll() is None  # still running: a locked database is waited for, not an error
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    assert query(db, "select status from inbox_rawevent") == "applied"
