"""Triage in the desk: decided when stored, shown with evidence, corrected by staff (audited), exported."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from somedesk.audit.models import AuditEvent
from somedesk.channels.types import Batch, CommentData, PostData
from somedesk.inbox.models import Comment
from somedesk.inbox.services import ingest_batch
from somedesk.triage.models import TriageDecision
from tests.conftest import PASSWORD, at
from tests.triage.helpers import make_fnr

pytestmark = pytest.mark.django_db

FNR = make_fnr("110385")


def _ingest(channel, comments):
    return ingest_batch(
        channel,
        Batch(
            posts=[
                PostData(
                    external_id="P1", created_time=at(1), text="Nye åpningstider på biblioteket fra mandag."
                )
            ],
            comments=[
                CommentData(
                    external_id=cid,
                    post_external_id="P1",
                    created_time=at(1, 12 + i),
                    text=text,
                    author_external_id=f"u{i}",
                    author_name=f"Innbygger {i}",
                    from_page=page,
                )
                for i, (cid, text, page) in enumerate(comments)
            ],
        ),
    )


@pytest.fixture
def stored(facebook):
    _ingest(
        facebook,
        [
            ("C1", "Når åpner biblioteket på lørdager?", False),
            ("C2", f"Her er personnummeret mitt {FNR}, kan dere sjekke søknaden?", False),
            ("C3", "Biblioteket åpner klokka ti.", True),
        ],
    )
    return {c.external_id: c for c in Comment.objects.all()}


def test_each_stored_comment_is_triaged_with_versions(stored):
    c2 = stored["C2"]
    assert (c2.triage_moderation, c2.triage_reason, c2.triage_route, c2.triage_reply) == (
        "remove",
        "personal_data",
        "none",
        "none",
    )
    d = TriageDecision.objects.get(comment=c2, is_current=True)
    assert (
        d.kind == "engine" and d.model_version.startswith("triage-") and d.policy_version.startswith("2026.1")
    )
    assert any(r["code"] == "identity_number" for r in d.reasons)
    assert stored["C1"].triage_moderation == "keep" and stored["C1"].triage_reply
    # the municipality's own reply is not triaged
    assert (
        stored["C3"].triage_moderation == ""
        and not TriageDecision.objects.filter(comment=stored["C3"]).exists()
    )


def test_the_same_payload_again_makes_no_new_decision_but_an_edit_does(facebook, stored):
    _ingest(facebook, [("C1", "Når åpner biblioteket på lørdager?", False)])
    assert TriageDecision.objects.filter(comment=stored["C1"]).count() == 1
    ingest_batch(
        facebook,
        Batch(
            comments=[
                CommentData(
                    external_id="C1",
                    post_external_id="P1",
                    created_time=at(1, 12),
                    updated_time=at(1, 18),
                    text="Jeg skal drepe bibliotekaren",
                )
            ]
        ),
    )
    c1 = Comment.objects.get(pk=stored["C1"].pk)
    assert (c1.triage_moderation, c1.triage_reason) == ("remove", "threat")
    assert TriageDecision.objects.filter(comment=c1).count() == 2
    assert TriageDecision.objects.filter(comment=c1, is_current=True).count() == 1


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_decision_fragment_shows_reasons_with_the_evidence_marked(client, servicetorg, stored):
    response = login(client, servicetorg).get(reverse("triage:decision", args=[stored["C2"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="triage-evidence"' in html and FNR in html.split('<mark class="triage-evidence"')[1]
    assert "fødselsnummer" in html
    assert "Rett vurderingen" in html  # staff may correct


def test_a_person_without_the_permission_sees_no_correction_form(client, fagperson, stored):
    html = login(client, fagperson).get(reverse("triage:decision", args=[stored["C1"].pk])).content.decode()
    assert "Rett vurderingen" not in html


def test_another_municipality_cannot_see_or_correct(client, outsider, stored):
    client = login(client, outsider)
    assert client.get(reverse("triage:decision", args=[stored["C1"].pk])).status_code == 404
    assert (
        client.post(
            reverse("triage:correct", args=[stored["C1"].pk]),
            {"moderation": "keep", "route": "none", "sentiment": "neutral"},
        ).status_code
        == 404
    )


def test_staff_correct_a_decision_and_it_is_kept_audited_shown_and_exported(client, servicetorg, stored):
    c1 = stored["C1"]
    before = TriageDecision.objects.get(comment=c1, is_current=True)
    response = login(client, servicetorg).post(
        reverse("triage:correct", args=[c1.pk]),
        {
            "moderation": "keep",
            "reason": "",
            "route": "light_case",
            "sentiment": "negative",
            "note": "Gjelder en konkret feil",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Rettet av" in response.content.decode()
    c1.refresh_from_db()
    assert (c1.triage_route, c1.triage_sentiment, c1.triage_reply) == ("light_case", "negative", "required")
    current = TriageDecision.objects.get(comment=c1, is_current=True)
    assert current.kind == "correction" and current.created_by == servicetorg and current.pk != before.pk
    assert TriageDecision.objects.filter(pk=before.pk, is_current=False).exists()
    event = AuditEvent.objects.get(action="triage.correct")
    assert event.target_id == str(c1.pk) and event.changes["route"][1] == "light_case"

    out = io.StringIO()
    call_command("triage", "export-labels", stdout=out, stderr=io.StringIO())
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert lines == [
        {
            "id": f"corr-{current.pk}",
            "channel": "facebook",
            "post": "Nye åpningstider på biblioteket fra mandag.",
            "text": c1.text,
            "moderation": "keep",
            "reason": None,
            "route": "light_case",
            "sentiment": "negative",
            "reply": "required",
        }
    ]

    # a later import of the same text does not overwrite the correction
    from somedesk.triage.services import comments_triage

    assert comments_triage([c1]) == []
    c1.refresh_from_db()
    assert c1.triage_route == "light_case"


def test_a_removal_correction_needs_a_reason(client, servicetorg, stored):
    response = login(client, servicetorg).post(
        reverse("triage:correct", args=[stored["C1"].pk]),
        {"moderation": "remove", "reason": "", "route": "none", "sentiment": "negative"},
    )
    assert response.status_code == 422
    assert not TriageDecision.objects.filter(kind="correction").exists()


def test_the_triage_command_decides_a_jsonl_file(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            json.dumps(x, ensure_ascii=False)
            for x in [
                {"id": "a", "text": "Når åpner svømmehallen?", "channel": "facebook", "moderation": "remove"},
                {"id": "b", "text": f"fnr {FNR}", "post": "x"},
                {"id": "c", "text": ""},
            ]
        )
        + "\n\nnot json\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    err = io.StringIO()
    call_command("triage", str(src), "--out", str(out), stderr=err)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    for r in rows:
        assert set(r) == {
            "id",
            "moderation",
            "reason",
            "route",
            "sentiment",
            "reply",
            "confidence",
            "reasons",
        }
    assert rows[1]["moderation"] == "remove" and rows[1]["route"] == "none"
    assert "3 comments decided, 1 lines skipped" in err.getvalue()


def test_the_evaluate_command_prints_figures_and_json(tmp_path):
    src = tmp_path / "labelled.jsonl"
    rows = [
        {
            "id": "1",
            "text": f"Mitt fnr er {FNR}",
            "moderation": "remove",
            "reason": "personal_data",
            "route": "none",
            "sentiment": "neutral",
            "reply": "none",
        },
        {
            "id": "2",
            "text": "Tusen takk for flott innsats i helgen!",
            "moderation": "keep",
            "reason": None,
            "route": "none",
            "sentiment": "positive",
            "reply": "thank",
        },
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("evaluate", str(src), "--json", stdout=out)
    rep = json.loads(out.getvalue())
    assert rep["n"] == 2 and rep["fields"]["moderation"]["per_label"]["remove"]["recall"] == 1.0
    assert rep["summary"]["identity_number"]["false_hits"] == 0
    out = io.StringIO()
    call_command("evaluate", str(src), stdout=out)
    assert "== moderation" in out.getvalue() and "confusion" in out.getvalue()


def test_inbox_rows_link_to_the_reasons_and_the_thread_shows_them(client, servicetorg, stored):
    client = login(client, servicetorg)
    rows = client.get(reverse("inbox:list")).content.decode()
    assert reverse("triage:decision", args=[stored["C2"].pk]) in rows
    thread = client.get(reverse("inbox:thread", args=[stored["C2"].pk])).content.decode()
    assert 'class="triage-evidence"' in thread and "fødselsnummer" in thread
