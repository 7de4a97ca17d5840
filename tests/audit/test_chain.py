import pytest

from somedesk.audit.models import AuditEvent
from somedesk.audit.services import record, verify_chain

pytestmark = pytest.mark.django_db


def _three_events(actor, target):
    for action in ("comment.hide", "comment.unhide", "reply.publish"):
        record(actor, action, target, {"why": action})


def test_an_untouched_chain_verifies(servicetorg):
    _three_events(servicetorg, servicetorg)
    assert verify_chain() is None


def test_an_altered_event_is_named(servicetorg):
    _three_events(servicetorg, servicetorg)
    middle = AuditEvent.objects.order_by("id")[AuditEvent.objects.count() - 2]
    AuditEvent.objects.filter(pk=middle.pk).update(changes={"why": "something else"})
    problem = verify_chain()
    assert problem is not None and problem.event_id == middle.pk


def test_a_removed_event_is_detected(servicetorg):
    _three_events(servicetorg, servicetorg)
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    AuditEvent.objects.filter(pk=ids[-2]).delete()
    problem = verify_chain()
    assert problem is not None and problem.event_id == ids[-1]


def test_events_written_together_chain_like_single_ones(servicetorg):
    from somedesk.audit.services import Entry, record_many

    record(servicetorg, "comment.hide", servicetorg)
    events = record_many(
        [Entry(None, "desk_item.open", servicetorg, {"n": n}, actor_label="system") for n in range(5)]
    )
    record(servicetorg, "reply.publish", servicetorg)
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert verify_chain() is None
    AuditEvent.objects.filter(pk=events[2].pk).update(changes={"n": 99})
    assert verify_chain().event_id == events[2].pk
