"""Publishing: a text is written, approved by someone else, and published on each chosen channel once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from somedesk.audit.models import AuditEvent
from somedesk.channels.models import LocalAction
from somedesk.inbox.models import Channel
from somedesk.publishing import services
from somedesk.publishing.models import Publication
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_channel(org):
    return Channel.objects.create(
        organisation=org, platform="local", external_id="local-fjordvik", name="Fjordvik (lokal)"
    )


def _draft(author, channel, **extra):
    fields = dict(
        kind="news",
        title="Ny bussrute",
        text="Fra mandag går rute 214 hver halvtime.",
        link="https://www.fjordvik.kommune.no/buss",
        channels=[channel],
    )
    fields.update(extra)
    return services.publication_create(author, **fields)


def test_an_approved_text_is_published_on_the_channel(servicetorg, redaktor, local_channel):
    publication = _draft(servicetorg, local_channel)
    services.publication_submit(servicetorg, publication)
    services.publication_approve(redaktor, publication, note="Fint")
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED
    assert publication.published_at is not None
    sent = LocalAction.objects.get(channel=local_channel, kind="publish")
    assert sent.text == "Fra mandag går rute 214 hver halvtime.\n\nhttps://www.fjordvik.kommune.no/buss"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "publication.create",
        "publication.submit",
        "publication.approve",
        "publication.published",
    } <= actions


def test_nobody_approves_their_own_text(redaktor, local_channel):
    publication = _draft(redaktor, local_channel)
    services.publication_submit(redaktor, publication)
    with pytest.raises(PermissionDenied):
        services.publication_approve(redaktor, publication)
    publication.refresh_from_db()
    assert publication.status == Publication.Status.AWAITING_APPROVAL
    assert not LocalAction.objects.exists()


def test_a_scheduled_text_waits_for_its_time_and_goes_out_once(servicetorg, redaktor, local_channel):
    when = timezone.now() + timedelta(hours=3)
    publication = _draft(servicetorg, local_channel, publish_at=when)
    services.publication_submit(servicetorg, publication)
    services.publication_approve(redaktor, publication)
    publication.refresh_from_db()
    assert publication.status == Publication.Status.SCHEDULED
    assert services.publications_due(now=when - timedelta(minutes=1)) == 0
    assert not LocalAction.objects.exists()
    assert services.publications_due(now=when) == 1
    assert services.publications_due(now=when + timedelta(minutes=1)) == 0
    assert LocalAction.objects.filter(kind="publish").count() == 1
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED


def test_a_rejected_text_needs_a_reason_and_can_be_edited_again(servicetorg, redaktor, local_channel):
    publication = _draft(servicetorg, local_channel)
    services.publication_submit(servicetorg, publication)
    with pytest.raises(ValidationError):
        services.publication_reject(redaktor, publication, note="  ")
    services.publication_reject(redaktor, publication, note="Skriv tidspunktet tydeligere")
    services.publication_update(
        servicetorg,
        publication,
        kind="news",
        title="Ny bussrute",
        text="Fra mandag 7. september går rute 214 hver halvtime.",
        channels=[local_channel],
    )
    publication.refresh_from_db()
    assert publication.status == Publication.Status.REJECTED and "7. september" in publication.text


def test_a_published_text_cannot_be_changed(servicetorg, redaktor, local_channel):
    publication = _draft(servicetorg, local_channel)
    services.publication_submit(servicetorg, publication)
    services.publication_approve(redaktor, publication)
    with pytest.raises(ValidationError):
        services.publication_update(
            servicetorg, publication, kind="news", title="x", text="y", channels=[local_channel]
        )


def test_another_municipalitys_channel_cannot_be_chosen(servicetorg, other_channel):
    with pytest.raises(PermissionDenied):
        _draft(servicetorg, other_channel)


def test_the_whole_flow_through_the_pages(client, servicetorg, redaktor, local_channel):
    client.login(username=servicetorg.username, password=PASSWORD)
    response = client.post(
        reverse("publishing:new"),
        {
            "kind": "announcement",
            "title": "Kunngjøring",
            "text": "Offentlig ettersyn av reguleringsplan.",
            "link": "",
            "channels": [local_channel.pk],
            "publish_at": "",
        },
    )
    publication = Publication.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "publishing:detail", args=[publication.pk]
    )
    client.post(reverse("publishing:submit", args=[publication.pk]))
    assert client.post(reverse("publishing:approve", args=[publication.pk])).status_code == 403
    client.logout()
    client.login(username=redaktor.username, password=PASSWORD)
    page = client.get(reverse("publishing:detail", args=[publication.pk]))
    assert "Godkjenn" in page.content.decode()
    client.post(reverse("publishing:approve", args=[publication.pk]), {"note": ""})
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED


def test_other_municipalities_see_nothing(client, servicetorg, outsider, local_channel):
    publication = _draft(servicetorg, local_channel)
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(reverse("publishing:detail", args=[publication.pk])).status_code == 404
    assert "Ny bussrute" not in client.get(reverse("publishing:list")).content.decode()


def test_staff_without_the_role_are_refused(client, fagperson, arkivar):
    for user in (fagperson, arkivar):
        client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("publishing:list")).status_code == 403
        client.logout()
