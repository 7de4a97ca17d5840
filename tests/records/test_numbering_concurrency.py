"""Gap-free, duplicate-free sequence numbers under concurrent creation (PostgreSQL, real transactions).

Run: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/somedesk_records pytest tests/records/test_numbering_concurrency.py
(pytest-django creates and drops its own test database, test_somedesk_records).
"""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection, transaction

from somedesk.records.models import Journalpost, Saksmappe, SequenceCounter
from somedesk.records.numbering import next_number
from tests.conftest import at
from tests.records.conftest import make_comment

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL; SQLite "
        "serialises whole transactions, so the race cannot happen there",
    ),
    pytest.mark.django_db(transaction=True),
]
WORKERS = 12


class Rollback(Exception):
    pass


def test_parallel_numbers_have_no_gaps_or_duplicates(org):
    committed: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WORKERS)

    def worker(index: int):
        rng = random.Random(index)
        barrier.wait()
        try:
            for round_ in range(20):
                try:
                    with transaction.atomic():
                        n = next_number(org, "journal", 2026)
                        time.sleep(rng.random() / 500)  # hold the lock while others queue
                        if (index + round_) % 7 == 0:
                            raise Rollback  # a failed creation must give its number back
                    with lock:
                        committed.append(n)
                except Rollback:
                    pass
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(worker, range(WORKERS)))
    assert len(committed) == len(set(committed)), "duplicate numbers"
    assert sorted(committed) == list(range(1, len(committed) + 1)), "gap in numbers"
    assert SequenceCounter.objects.get(organisation=org, series="journal", year=2026).last_value == len(
        committed
    )


def test_parallel_case_creation(servicetorg, post):
    comments = [make_comment(post, f"p{i}", f"Spørsmål nummer {i}?") for i in range(WORKERS * 3)]
    barrier = threading.Barrier(WORKERS)
    from somedesk.records.services import case_open_from_comment

    def stub(*args, **kwargs):
        return b"%PDF-1.7\n% stub for the concurrency test\n"

    def worker(index: int):
        barrier.wait()
        try:
            for comment in comments[index::WORKERS]:
                case_open_from_comment(servicetorg, comment, now=at(5, 10), render=stub)
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(worker, range(WORKERS)))
    case_numbers = sorted(Saksmappe.objects.values_list("sakssekvensnummer", flat=True))
    journal_numbers = sorted(Journalpost.objects.values_list("journalsekvensnummer", flat=True))
    assert case_numbers == list(range(1, len(comments) + 1))
    assert journal_numbers == list(range(1, len(comments) + 1))


def test_parallel_opening_of_the_same_comment_gives_one_case(servicetorg, post):
    from somedesk.records.services import case_open_from_comment

    comment = make_comment(post, "same", "Alle trykker på knappen samtidig?")
    barrier = threading.Barrier(WORKERS)
    results = []
    lock = threading.Lock()

    def stub(*args, **kwargs):
        return b"%PDF-1.7\n% stub\n"

    def worker(_index: int):
        barrier.wait()
        try:
            case = case_open_from_comment(servicetorg, comment, now=at(5, 10), render=stub)
            with lock:
                results.append(case.pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(worker, range(WORKERS)))
    assert Saksmappe.objects.count() == 1 and set(results) == {Saksmappe.objects.get().pk}
    assert list(Journalpost.objects.values_list("journalsekvensnummer", flat=True)) == [1]
    assert SequenceCounter.objects.get(series="sak").last_value == 1
