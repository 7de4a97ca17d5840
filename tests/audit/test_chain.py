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
