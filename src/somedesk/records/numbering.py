"""Gap-free sequence numbers per organisation, series and year.

The counter row is locked with SELECT ... FOR UPDATE inside the caller's transaction. Concurrent
callers queue on the lock; a caller that rolls back releases its number with the rollback, so the
series never has a gap and never a duplicate. On SQLite, transactions start IMMEDIATE (settings),
which serialises writers the same way.
"""

from django.db import transaction

from somedesk.records.models import SequenceCounter


def next_number(organisation, series: str, year: int) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that stores the number")
    # INSERT ... ON CONFLICT DO NOTHING: two first callers of a year never fail on the unique constraint.
    SequenceCounter.objects.bulk_create(
        [SequenceCounter(organisation=organisation, series=series, year=year, last_value=0)],
        ignore_conflicts=True,
    )
    counter = SequenceCounter.objects.select_for_update().get(
        organisation=organisation, series=series, year=year
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value
