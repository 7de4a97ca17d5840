"""Case pages, the comment action, and the public journal (no login; screened titles never shown)."""

import csv
import io
import json

import pytest
from django.urls import reverse

from somedesk.records import views
from somedesk.records.models import Saksmappe
from somedesk.records.services import case_close, case_open_from_comment, journal_answer
from tests.conftest import PASSWORD, at
from tests.records.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened_case(servicetorg, arkivar, post):
    from django.utils import timezone

    today = timezone.now()
    comment = make_comment(
        post,
        "v1",
        "Naboen Ola Hansen har parkert på fortauet igjen, kan dere fjerne bilen?",
        author="Per Pedersen",
        created=today,
    )
    case = case_open_from_comment(servicetorg, comment, now=today)
    journal_answer(
        case,
        text="Vi sender parkeringsvakt.",
        published_at=today,
        user=servicetorg,
        signature=servicetorg.signature,
        reply_id=11,
    )
    return case


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_public_journal_is_public_and_marked(client, screened_case):
    assert getattr(views.public_journal, "public", False) is True
    response = client.get(reverse("records:public_journal"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unntatt offentlighet" in html and "Offl. § 13 jf. fvl. § 13" in html
    for secret in ("Pedersen", "Ola Hansen", "Hansen"):
        assert secret not in html
    assert "******" in html and "parkert på fortauet" in html


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_public_downloads_never_contain_screened_text(client, screened_case, fmt):
    response = client.get(reverse("records:public_journal"), {"format": fmt})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "Pedersen" not in body and "Hansen" not in body
    if fmt == "json":
        rows = json.loads(body)["journalposter"]
        assert len(rows) == 2 and all(r["skjermet"] for r in rows)
        assert {r["skjermingshjemmel"] for r in rows} == {"Offl. § 13 jf. fvl. § 13"}
    else:
        rows = list(csv.reader(io.StringIO(body), delimiter=";"))
        assert rows[0][0] == "journalpost" and len(rows) == 3


def test_public_search_cannot_probe_screened_names(client, screened_case):
    response = client.get(reverse("records:public_journal"), {"q": "Pedersen"})
    assert "Ingen journalposter" in response.content.decode()
    response = client.get(reverse("records:public_journal"), {"q": "fortauet"})
    assert response.content.decode().count("parkert på fortauet") >= 1


def test_archivist_sees_full_titles_redaktor_does_not(client, screened_case, arkivar, redaktor):
    _login(client, arkivar)
    html = client.get(reverse("records:public_journal")).content.decode()
    assert "Per Pedersen" in html and "Ola Hansen" in html
    assert "Pedersen" in client.get(reverse("records:public_journal"), {"q": "Pedersen"}).content.decode()
    client.logout()
    _login(client, redaktor)
    html = client.get(reverse("records:public_journal")).content.decode()
    assert "Pedersen" not in html and "Unntatt offentlighet" in html


def test_public_journal_date_range(client, screened_case):
    response = client.get(reverse("records:public_journal"), {"fra": "2020-01-01", "til": "2020-01-31"})
    assert "Ingen journalposter" in response.content.decode()
    response = client.get(reverse("records:public_journal"), {"fra": "2020-02-01", "til": "2020-01-01"})
    assert "Fra-dato må være før til-dato" in response.content.decode()


def test_case_pages_and_close(client, screened_case, servicetorg, outsider, fagperson):
    _login(client, servicetorg)
    assert screened_case.mappe_id in client.get(reverse("records:case_list")).content.decode()
    detail = client.get(reverse("records:case_detail", args=[screened_case.pk])).content.decode()
    assert "Per Pedersen" in detail and "Avslutt saken" in detail
    doc = screened_case.journalposter.first().dokumentbeskrivelser.first().dokumentobjekter.first()
    response = client.get(reverse("records:document", args=[doc.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.post(reverse("records:case_close", args=[screened_case.pk]))
    assert response.status_code == 302
    assert Saksmappe.objects.get(pk=screened_case.pk).saksstatus == "Avsluttet"
    client.logout()
    _login(client, fagperson)  # may view, not close, sees public titles only
    assert client.post(reverse("records:case_close", args=[screened_case.pk])).status_code == 403
    assert (
        "Per Pedersen"
        not in client.get(reverse("records:case_detail", args=[screened_case.pk])).content.decode()
    )
    client.logout()
    _login(client, outsider)
    assert client.get(reverse("records:case_detail", args=[screened_case.pk])).status_code == 404
    assert client.get(reverse("records:document", args=[doc.pk])).status_code == 404


def test_comment_action_opens_case(client, servicetorg, redaktor, post):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    comment = make_comment(post, "btn", "Strømmen er borte i Fjellveien, hvem ringer jeg?", created=at(4, 9))
    request = RequestFactory().get("/")
    request.user = servicetorg
    from django.contrib.auth.context_processors import PermWrapper

    html = render_to_string(
        "records/partials/comment_actions.html",
        {"comment": comment, "perms": PermWrapper(servicetorg)},
        request=request,
    )
    assert "Opprett sak og journalfør" in html
    _login(client, redaktor)
    assert client.post(reverse("records:comment_journal", args=[comment.pk])).status_code == 403
    client.logout()
    _login(client, servicetorg)
    response = client.post(reverse("records:comment_journal", args=[comment.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Journalført i sak" in response.content.decode()
    case = Saksmappe.objects.get(source_comment=comment)
    assert case.journalposter.count() == 1
    # Anonymous users are sent to the login page.
    client.logout()
    response = client.post(reverse("records:comment_journal", args=[comment.pk]))
    assert response.status_code == 302 and "logg-inn" in response.url


def test_case_close_requires_journalposts_and_org(arkivar, outsider, screened_case):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        case_close(outsider, screened_case)
