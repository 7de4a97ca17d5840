"""Waiting for SQLite's write lock in short steps, for the webhook path.

SQLite has one write lock. A connection that finds it taken waits in SQLite's busy handler, which
sleeps in growing steps (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms, ...): a webhook INSERT that
arrives while the worker's drain transaction holds the lock for 30 ms gets in only after 53 ms, and
one that has waited longer sleeps 50-100 ms at a time, well past the moment the lock was free. Under
a steady 200 events/s the web requests and the drain take turns all the time, so those overshoots
are the latency. Here the busy handler is switched off for the one statement that takes the lock
(the INSERT, or the drain's BEGIN IMMEDIATE), and the lock is asked for again every millisecond
instead, up to the connection's usual busy timeout. Once the lock is held nothing else in the
transaction can be refused (WAL: readers never block, and the writer already holds the lock).

On PostgreSQL (row locks, no single write lock) these are the plain operations."""

import sys
import time
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

STEP = 0.001  # seconds between two attempts at the lock


def _locked(exc: Exception) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


@contextmanager
def _busy_handler_off(conn):
    """The connection's busy timeout set to 0 for the block; yields the usual timeout in seconds."""
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        usual = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield max(usual, 1000) / 1000
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")


def execute_write(conn, sql: str, params) -> int:
    """Execute one autocommitted write statement; returns the cursor's rowcount."""
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
    with _busy_handler_off(conn) as patience:
        deadline = time.monotonic() + patience
        while True:
            try:
                with conn.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.rowcount
            except OperationalError as exc:
                if not _locked(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(STEP)


@contextmanager
def write_transaction():
    """``transaction.atomic()`` on the default database; on SQLite its BEGIN IMMEDIATE asks for the
    write lock every millisecond instead of sleeping in the busy handler's growing steps."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with _busy_handler_off(connection) as patience:
        deadline = time.monotonic() + patience
        while True:
            atomic = transaction.atomic()
            try:
                atomic.__enter__()  # BEGIN IMMEDIATE: takes the write lock or fails at once
                break
            except OperationalError as exc:
                if not _locked(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(STEP)
    # The busy timeout is back to usual (a connection setting, not part of the transaction).
    try:
        yield
    except BaseException:
        if not atomic.__exit__(*sys.exc_info()):
            raise
    else:
        atomic.__exit__(None, None, None)
