"""Cases of work: created when a comment needs a reply, with a deadline in working hours; queues,
assignment, status, notes, counters; all audited and scoped to the municipality."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from somedesk.audit.models import AuditEvent
from somedesk.replies import selectors, services
from somedesk.replies.models import DeskItem
from tests.replies.conftest import store_comment

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*a):
    return datetime(*a, tzinfo=OSLO)


@pytest.mark.django_db
def test_a_service_question_gets_an_item_due_in_four_working_hours(local_channel):
    comment = store_comment(local_channel, "Når er biblioteket åpent?", created=oslo(2026, 11, 20, 14, 0))
    item = DeskItem.objects.get(pk=comment.pk)
    assert item.route == "service_question" and item.status == "new" and item.is_open
    assert item.target_hours == 4
    assert item.due_at == oslo(2026, 11, 23, 10, 30)  # Friday afternoon -> Monday morning
    assert AuditEvent.objects.filter(action="desk_item.open", target_id=str(item.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reply,route,expected",
    [("thank", "none", True), ("try", "none", True), ("optional", "none", False), ("none", "none", False)],
)
def test_items_follow_the_reply_rule(local_channel, reply, route, expected):
    comment = store_comment(local_channel, "Flott!", created=oslo(2026, 11, 20, 10), route=route, reply=reply)
    assert DeskItem.objects.filter(pk=comment.pk).exists() is expected


@pytest.mark.django_db
def test_opening_twice_is_idempotent(local_channel):
    comment = store_comment(local_channel, "Hvor er skjemaet?", created=oslo(2026, 11, 20, 10))
    assert services.items_open_for([comment.pk]) == 0
    assert DeskItem.objects.filter(pk=comment.pk).count() == 1


@pytest.mark.django_db
def test_queues_show_the_right_items(local_channel, servicetorg, fagperson):
    sq = store_comment(local_channel, "Når tømmes dunken?", created=oslo(2026, 11, 2, 9))
    pol = store_comment(
        local_channel, "Hvorfor stemte Ap for dette?", created=oslo(2026, 11, 20, 9), route="political"
    )
    light = store_comment(
        local_channel, "Gatelyset er gått", created=oslo(2026, 11, 20, 9), route="light_case"
    )
    formal = store_comment(
        local_channel, "Jeg klager på vedtaket", created=oslo(2026, 11, 20, 9), route="formal_inquiry"
    )
    now = oslo(2026, 11, 20, 12)
    keys = lambda key, user=servicetorg: [i.pk for i in selectors.queue_items(user, key, now=now)[0]]  # noqa: E731
    assert keys("svar") == [sq.pk, pol.pk, light.pk, formal.pk] or set(keys("svar")) == {
        sq.pk,
        pol.pk,
        light.pk,
        formal.pk,
    }
    assert keys("svar")[0] == sq.pk  # soonest deadline first
    assert keys("forfalt") == [sq.pk]
    assert keys("politisk") == [pol.pk]
    assert keys("lett") == [light.pk]
    assert keys("formell") == [formal.pk]
    assert keys("mine", fagperson) == []
    services.item_assign(DeskItem.objects.get(pk=light.pk), fagperson, actor=servicetorg)
    assert keys("mine", fagperson) == [light.pk]
    counts = selectors.queue_counts(servicetorg, now=now)
    assert counts["svar"] == 4 and counts["forfalt"] == 1 and counts["politisk"] == 1
    assert selectors.queue_counts(fagperson, now=now)["mine"] == 1


@pytest.mark.django_db
def test_assignment_status_and_notes_are_audited(local_channel, servicetorg, fagperson):
    comment = store_comment(local_channel, "Hvor er skjemaet?", created=oslo(2026, 11, 20, 10))
    item = DeskItem.objects.get(pk=comment.pk)
    services.item_assign(item, fagperson, actor=servicetorg)
    item.refresh_from_db()
    assert item.assignee == fagperson and item.status == "in_progress"
    services.item_set_status(item, "closed", actor=servicetorg)
    item.refresh_from_db()
    assert not item.is_open
    note = services.item_note_add(item, "Sjekket med teknisk.", actor=fagperson)
    actions = set(AuditEvent.objects.filter(target_id=str(item.pk)).values_list("action", flat=True))
    assert {"desk_item.assign", "desk_item.status", "desk_note.add"} <= actions
    assert note.item == item


@pytest.mark.django_db
def test_cannot_assign_to_another_municipality(local_channel, servicetorg, outsider):
    from django.core.exceptions import PermissionDenied

    item = DeskItem.objects.get(pk=store_comment(local_channel, "Hei?", created=oslo(2026, 11, 20, 10)).pk)
    with pytest.raises(PermissionDenied):
        services.item_assign(item, outsider, actor=servicetorg)


@pytest.mark.django_db
def test_queue_pages_and_counter_endpoint(client, local_channel, other_local_channel, servicetorg):
    from tests.conftest import PASSWORD

    mine = store_comment(local_channel, "Når åpner svømmehallen?", created=oslo(2026, 11, 20, 10))
    theirs = store_comment(other_local_channel, "Hemmelig nabospørsmål?", created=oslo(2026, 11, 20, 10))
    client.login(username=servicetorg.username, password=PASSWORD)
    for key in ("svar", "forfalt", "politisk", "lett", "formell", "mine"):
        assert client.get(f"/svar/ko/{key}/").status_code == 200
    page = client.get("/svar/ko/svar/").content.decode()
    assert "Når åpner svømmehallen?" in page and "Hemmelig nabospørsmål?" not in page
    counters = client.get("/svar/tellere/")
    assert counters.status_code == 200 and 'hx-trigger="every 15s"' in counters.content.decode()
    assert 'data-queue="svar">1<' in counters.content.decode()
    assert client.get(f"/svar/kommentar/{theirs.pk}/").status_code == 404
    assert client.get(f"/svar/kommentar/{mine.pk}/").status_code == 200


@pytest.mark.django_db
def test_queue_needs_permission(client, arkivar, local_channel):
    from tests.conftest import PASSWORD

    client.login(username=arkivar.username, password=PASSWORD)
    assert client.get("/svar/ko/svar/").status_code == 200  # may look
    comment = store_comment(local_channel, "Hei?", created=oslo(2026, 11, 20, 10))
    assert client.post(f"/svar/kommentar/{comment.pk}/ta/").status_code == 403  # may not work on it


@pytest.mark.django_db
def test_queue_queries_are_index_range_scans(servicetorg):
    """Each queue reads one range of one DeskItem index (no table scan, no sort), on SQLite and PostgreSQL."""
    from django.db import connection

    from somedesk.replies.models import DeskItem

    wanted = {"svar": "desk_open_due", "politisk": "desk_route_due", "mine": "desk_mine_due"}
    for key, index in wanted.items():
        if key == "mine":
            qs = DeskItem.objects.filter(assignee=servicetorg, is_open=True)
        elif key == "politisk":
            qs = DeskItem.objects.filter(
                organisation_id=servicetorg.organisation_id, is_open=True, route="political"
            )
        else:
            qs = DeskItem.objects.filter(organisation_id=servicetorg.organisation_id, is_open=True)
        sql, params = qs.order_by("due_at", "comment_id").values_list("pk")[:51].query.sql_with_params()
        assert '"is_open" = %s' in sql  # an equality the index can use, not a bare boolean column
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert index in plan and "TEMP B-TREE" not in plan, plan
