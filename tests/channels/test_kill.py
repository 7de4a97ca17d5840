"""Kill the worker (SIGKILL) in the middle of applying 10,000 webhook events, and a poll in the middle
of its pages; restart; every event is applied exactly once.

These run somedesk in separate processes on a SQLite file of their own (the test database of pytest
lives in memory and cannot be shared), with the fake Graph API on loopback."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from somedesk.channels.fake_graph import FakeGraph

pytestmark = pytest.mark.slow

EVENTS = 10_000
EDITS = 500  # of the events, this many are edits of earlier comments
PAGE_ID = "104857600112233"
TOKEN = "EAAB-kill-test-token"
APP_SECRET = "kill-test-secret"


@pytest.fixture
def world(tmp_path):
    fake = FakeGraph(app_secret=APP_SECRET)
    fake.add_account("facebook", PAGE_ID, "Fjordvik kommune", TOKEN)
    url = fake.start()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SOMEDESK_VAR_DIR": str(tmp_path),
        "SOMEDESK_TESTING": "false",
        "HUEY_IMMEDIATE": "false",
        "HUEY_REDIS_URL": "",
        "SOMEDESK_FERNET_KEY": Fernet.generate_key().decode(),
        "META_APP_SECRET": APP_SECRET,
        "META_GRAPH_URL": url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
    }
    run(env, "migrate", "--verbosity", "0")
    script(
        env,
        f"""
        from somedesk.inbox.models import Organisation
        from somedesk.channels.services import channel_connect
        org = Organisation.objects.create(name="Fjordvik kommune", org_number="944117784")
        channel_connect(organisation=org, platform="facebook", external_id="{PAGE_ID}", name="Fjordvik",
                        token="{TOKEN}")
    """,
    )
    yield {"env": env, "db": tmp_path / "db.sqlite3", "fake": fake}
    fake.stop()


def run(env, *args, timeout=300):
    subprocess.run([sys.executable, "-m", "somedesk", *args], env=env, check=True, timeout=timeout)


def script(env, code, timeout=600):
    code = (
        "import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'somedesk.settings')\n"
        "django.setup()\n" + textwrap.dedent(code)
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=timeout)


def query(db, sql):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def start_worker(env):
    return subprocess.Popen(
        [sys.executable, "-m", "somedesk", "worker", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_worker_loses_and_duplicates_nothing(world):
    env, db = world["env"], world["db"]
    # The events as the webhook view stores them (raw_event_store + one queued apply task each).
    script(
        env,
        f"""
        import json, time
        from somedesk.inbox.services import raw_event_store
        from somedesk.channels.tasks import raw_event_apply_task
        base = 1795000000
        for n in range({EVENTS}):
            if n >= {EVENTS - EDITS}:  # an edit of comment k, an hour later
                k, verb, text, when = n - {EVENTS - EDITS}, "edited", f"endret {{n}}", base + 3600 + n
            else:
                k, verb, text, when = n, "add", f"kommentar {{n}}", base + n
            value = {{"from": {{"id": f"u{{k}}", "name": f"Person {{k}}"}}, "post_id": "{PAGE_ID}_p{{k % 50}}",
                      "comment_id": f"p{{k % 50}}_c{{k}}", "created_time": base + k, "item": "comment",
                      "parent_id": "{PAGE_ID}_p{{k % 50}}", "verb": verb, "message": text}}
            body = json.dumps({{"object": "page", "entry": [{{"id": "{PAGE_ID}", "time": when,
                                "changes": [{{"field": "feed", "value": value}}]}}]}})
            event, created = raw_event_store(source="webhook", body=body, platform="facebook")
            raw_event_apply_task(event.pk)
    """,
    )
    assert query(db, "select count(*) from inbox_rawevent where status='pending'") == EVENTS

    worker = start_worker(env)
    try:
        assert wait_for(
            lambda: query(db, "select count(*) from inbox_rawevent where status='applied'") >= 2500, 120
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    applied_at_kill = query(db, "select count(*) from inbox_rawevent where status='applied'")
    assert applied_at_kill < EVENTS, "the worker finished before it could be killed"

    worker = start_worker(env)
    try:
        assert wait_for(
            lambda: query(db, "select count(*) from inbox_rawevent where status='applied'") == EVENTS, 240
        ), "not every event was applied after the restart"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    assert query(db, "select count(*) from inbox_rawevent") == EVENTS
    assert query(db, "select count(*) from inbox_rawevent where applied_at is null") == 0
    assert query(db, "select count(*) from inbox_comment") == EVENTS - EDITS  # 0 lost, 0 duplicated
    assert query(db, "select count(*) from inbox_commentrevision") == EDITS  # each edit once
    assert query(db, "select count(*) from inbox_comment where text like 'endret %'") == EDITS
    assert query(db, "select count(distinct external_id) from inbox_comment") == EVENTS - EDITS


def test_a_poll_killed_half_way_resumes_from_its_cursor(world):
    env, db, fake = world["env"], world["db"], world["fake"]
    now = time.time()
    expected = 0
    for p in range(6):
        post = fake.add_post(PAGE_ID, f"Innlegg {p}", created=now - 3600 + p)
        for c in range(450):  # five comment pages per post
            fake.add_comment(post.id, f"Kommentar {p}.{c}", created=post.created + c)
            expected += 1
    fake.fault("slow", times=10_000, seconds=0.15)
    sync = subprocess.Popen(
        [sys.executable, "-m", "somedesk", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: query(db, "select count(*) from inbox_comment") >= 600, 120)
    finally:
        sync.send_signal(signal.SIGKILL)
        sync.wait(10)
    at_kill = query(db, "select count(*) from inbox_comment")
    assert 0 < at_kill < expected
    assert query(db, "select count(*) from channels_synccursor where cursor != ''") >= 1  # saved half-way
    fake.clear_faults()
    run(env, "sync")
    run(env, "sync")  # and once more: nothing changes
    assert query(db, "select count(*) from inbox_comment") == expected
    assert query(db, "select count(distinct external_id) from inbox_comment") == expected
    assert query(db, "select count(*) from inbox_commentrevision") == 0
    assert query(db, "select count(*) from inbox_rawevent where source='poll' and status != 'applied'") == 0
    assert query(db, "select count(*) from channels_synccursor where cursor != ''") == 0
