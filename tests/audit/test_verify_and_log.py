"""`somedesk audit verify` and the audit log page."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from somedesk.audit.models import AuditEvent
from somedesk.audit.services import record
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def verify():
    call_command("audit", "verify", "--no-progress", verbosity=0)


def test_verify_passes_on_an_untouched_chain(servicetorg, capsys):
    record(servicetorg, "comment.hide", servicetorg, {"why": "spam"})
    call_command("audit", "verify", "--no-progress")
    assert "hel" in capsys.readouterr().out


def test_verify_names_the_first_altered_event(servicetorg):
    for action in ("comment.hide", "comment.unhide", "reply.publish"):
        record(servicetorg, action, servicetorg, {"n": action})
    altered = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=altered.pk).update(actor_label="someone else")
    with pytest.raises(CommandError, match=rf"hendelse {altered.pk}\b"):
        verify()


def test_verify_notices_a_removed_event(servicetorg):
    for action in ("comment.hide", "comment.unhide", "reply.publish"):
        record(servicetorg, action, servicetorg, {"n": action})
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    AuditEvent.objects.filter(pk=ids[1]).delete()
    with pytest.raises(CommandError, match=rf"hendelse {ids[2]}\b"):
        verify()


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def event_ids(response):
    return [int(pk) for pk in re.findall(r'id="hendelse-(\d+)"', response.content.decode())]


@pytest.mark.parametrize(
    "role, status",
    [("leder", 200), ("arkivar", 200), ("servicetorg", 403), ("redaktor", 403), ("fagperson", 403)],
)
def test_only_managers_and_archivists_read_the_log(client, users, role, status):
    assert login(client, users[role]).get(reverse("audit:log")).status_code == status


def test_the_log_shows_only_the_own_organisation_newest_first(client, leder, outsider, servicetorg):
    mine = [record(servicetorg, "comment.hide", servicetorg, {"i": i}).pk for i in range(3)]
    theirs = record(outsider, "comment.hide", outsider, {}).pk
    ids = event_ids(login(client, leder).get(reverse("audit:log"), {"action": "comment.hide"}))
    assert ids == sorted(mine, reverse=True) and theirs not in ids


def test_the_log_filters_by_action_and_actor(client, leder, servicetorg, redaktor):
    a = record(servicetorg, "comment.hide", servicetorg, {}).pk
    b = record(redaktor, "reply.publish", redaktor, {}).pk
    client = login(client, leder)
    assert event_ids(client.get(reverse("audit:log"), {"action": "reply.publish"})) == [b]
    assert a in event_ids(client.get(reverse("audit:log"), {"actor": servicetorg.username}))
    assert b not in event_ids(client.get(reverse("audit:log"), {"actor": servicetorg.username}))


def test_the_log_pages_by_keyset(client, arkivar, servicetorg):
    made = [record(servicetorg, "comment.hide", servicetorg, {"i": i}).pk for i in range(60)]
    client = login(client, arkivar)
    first = client.get(reverse("audit:log"), {"action": "comment.hide"})
    assert event_ids(first) == sorted(made, reverse=True)[:50]
    link = re.search(r'href="\?([^"]+)"', first.content.decode().split('id="audit-more"')[1]).group(1)
    second = client.get(reverse("audit:log") + "?" + link.replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert event_ids(second) == sorted(made, reverse=True)[50:]
