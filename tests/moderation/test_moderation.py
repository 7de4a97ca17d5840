"""Moderation: hide/unhide/delete/block through the channel adapter, evidence that outlives the
platform copy, auto-hide on arrival per the policy, the review queue, and the retention purge."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from somedesk.audit.models import AuditEvent
from somedesk.channels.models import LocalAction
from somedesk.inbox.models import Comment
from somedesk.moderation import services
from somedesk.moderation.models import Evidence, Review
from somedesk.replies.models import DeskItem
from tests.conftest import PASSWORD
from tests.replies.conftest import store_comment

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*a):
    return datetime(*a, tzinfo=OSLO)


@pytest.fixture
def run_now(django_capture_on_commit_callbacks):
    """Run the platform calls that wait for the commit, as in production."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        return result

    return run


@pytest.mark.django_db
def test_hiding_goes_through_the_adapter_and_keeps_the_evidence(local_channel, redaktor, run_now):
    comment = store_comment(
        local_channel, "Du er en idiot, Per Hansen", created=oslo(2026, 11, 20, 9), route="none", reply="none"
    )
    evidence = run_now(
        services.comment_hide, comment, actor=redaktor, reason="harassment", why="Personangrep"
    )
    evidence.refresh_from_db()
    assert LocalAction.objects.get(kind="hide").target_external_id == comment.external_id
    assert evidence.platform_status == "done"
    comment.refresh_from_db()
    assert comment.platform_state == "hidden"
    assert evidence.text == "Du er en idiot, Per Hansen"
    assert (
        evidence.author_name == "Kari Nordmann" and evidence.author_external_id == comment.author_external_id
    )
    assert evidence.actor == redaktor and evidence.why == "Personangrep" and evidence.reason == "harassment"
    assert evidence.triage["route"] == "none"
    assert evidence.raw_payloads and comment.external_id in evidence.raw_payloads[0]["body"]
    assert evidence.purge_after > timezone.now() + timedelta(days=700)
    assert AuditEvent.objects.filter(action="comment.hide", target_id=str(comment.pk)).exists()


@pytest.mark.django_db
def test_evidence_keeps_every_revision_and_outlives_platform_deletion(local_channel, redaktor, run_now):
    from somedesk.channels.types import Batch, CommentData
    from somedesk.inbox.services import ingest_batch

    comment = store_comment(
        local_channel, "Første versjon", created=oslo(2026, 11, 20, 9), route="none", reply="none"
    )
    ingest_batch(
        local_channel,
        Batch(
            comments=[
                CommentData(
                    external_id=comment.external_id,
                    post_external_id="p1",
                    created_time=comment.created_time,
                    updated_time=oslo(2026, 11, 20, 10),
                    text="Andre versjon med trussel",
                )
            ]
        ),
        send_signal=False,
    )
    evidence = run_now(services.comment_delete, comment, actor=redaktor, reason="threat", why="Trussel")
    # the platform deletes it; the inbox hears about it; the evidence is untouched
    ingest_batch(
        local_channel,
        Batch(
            comments=[
                CommentData(
                    external_id=comment.external_id,
                    post_external_id="p1",
                    created_time=comment.created_time,
                    updated_time=oslo(2026, 11, 20, 11),
                    text=None,
                    state="deleted",
                )
            ]
        ),
        send_signal=False,
    )
    evidence.refresh_from_db()
    assert Comment.objects.get(pk=comment.pk).platform_state == "deleted"
    assert evidence.text == "Andre versjon med trussel"
    assert [r["text"] for r in evidence.revisions] == ["Første versjon"]
    assert LocalAction.objects.filter(kind="delete").exists()


@pytest.mark.django_db
def test_unhide_and_block(local_channel, redaktor, run_now):
    comment = store_comment(
        local_channel, "Kjøp billige solbriller", created=oslo(2026, 11, 20, 9), route="none", reply="none"
    )
    run_now(services.comment_hide, comment, actor=redaktor, reason="spam", why="Reklame")
    run_now(services.comment_unhide, comment, actor=redaktor, why="Feil, det var en ekte butikk")
    comment.refresh_from_db()
    assert comment.platform_state == "visible"
    ev = run_now(services.author_block, comment, actor=redaktor, reason="spam", why="Gjentatt spam")
    assert LocalAction.objects.get(kind="block").target_external_id == comment.author_external_id
    assert ev.action == "block"
    assert list(Evidence.objects.filter(comment=comment).values_list("action", flat=True).order_by("id")) == [
        "hide",
        "unhide",
        "block",
    ]


@pytest.mark.django_db
def test_block_is_refused_where_the_platform_cannot(instagram, redaktor):
    comment = store_comment(instagram, "spam", created=oslo(2026, 11, 20, 9), route="none", reply="none")
    with pytest.raises(services.ModerationError):
        services.author_block(comment, actor=redaktor, why="x")


@pytest.mark.django_db
def test_a_threat_is_hidden_on_arrival_and_queued_for_review(local_channel, run_now):
    comment = run_now(
        store_comment,
        local_channel,
        "Jeg skal drepe deg",
        created=oslo(2026, 11, 20, 9),
        moderation="remove",
        reason="threat",
        reply="none",
    )
    comment.refresh_from_db()
    assert comment.platform_state == "hidden"
    review = Review.objects.get(comment=comment)
    assert review.kind == "auto_hidden" and review.state == "pending"
    ev = Evidence.objects.get(comment=comment)
    assert ev.action == "auto_hide" and ev.actor is None and ev.actor_label == "system"
    assert ev.triage["moderation"] == "remove" and ev.triage["reason"] == "threat"
    assert not DeskItem.objects.filter(pk=comment.pk).exists()


@pytest.mark.django_db
def test_harassment_is_queued_for_a_person_not_hidden(local_channel, run_now):
    comment = run_now(
        store_comment,
        local_channel,
        "Rådmannen er en løgner",
        created=oslo(2026, 11, 20, 9),
        moderation="remove",
        reason="harassment",
        reply="none",
    )
    comment.refresh_from_db()
    assert comment.platform_state == "visible"
    assert Review.objects.get(comment=comment).kind == "flagged"
    assert not LocalAction.objects.exists()


@pytest.mark.django_db
def test_review_confirm_and_restore(local_channel, servicetorg, run_now):
    threat = run_now(
        store_comment,
        local_channel,
        "Jeg skal drepe deg",
        created=oslo(2026, 11, 20, 9),
        moderation="remove",
        reason="threat",
        reply="none",
    )
    spam = run_now(
        store_comment,
        local_channel,
        "Tjen penger raskt",
        created=oslo(2026, 11, 20, 9),
        moderation="remove",
        reason="spam",
        reply="none",
    )
    run_now(services.review_decide, Review.objects.get(comment=threat), "confirm", actor=servicetorg)
    run_now(
        services.review_decide,
        Review.objects.get(comment=spam),
        "restore",
        actor=servicetorg,
        note="Ikke spam",
    )
    threat.refresh_from_db()
    spam.refresh_from_db()
    assert threat.platform_state == "hidden" and spam.platform_state == "visible"
    assert Review.objects.get(comment=spam).state == "restored"
    assert AuditEvent.objects.filter(action="moderation_review.restored").exists()
    with pytest.raises(services.ModerationError):
        services.review_decide(Review.objects.get(comment=spam), "confirm", actor=servicetorg)


@pytest.mark.django_db
def test_the_signal_receiver_runs_after_triage(local_channel, run_now):
    """Connected after triage's receiver, ours sees the decision triage just wrote."""
    from somedesk.channels.types import Batch, CommentData
    from somedesk.inbox.services import ingest_batch
    from somedesk.inbox.signals import comments_stored
    from somedesk.moderation import receivers

    def fake_triage(sender, comments, **kwargs):
        Comment.objects.filter(pk__in=[c.pk for c in comments]).update(
            triage_moderation="remove",
            triage_reason="personal_data",
            triage_route="none",
            triage_reply="none",
        )

    comments_stored.disconnect(dispatch_uid="somedesk.desk_after_triage")
    comments_stored.connect(fake_triage, dispatch_uid="test.fake_triage")
    receivers.connect()
    try:
        run_now(
            ingest_batch,
            local_channel,
            Batch(
                comments=[
                    CommentData(
                        external_id="fnr-1",
                        post_external_id="p1",
                        created_time=oslo(2026, 11, 20, 9),
                        text="Mitt fnr er ...",
                        author_external_id="u1",
                    )
                ]
            ),
            source="webhook",
        )
    finally:
        comments_stored.disconnect(dispatch_uid="test.fake_triage")
    comment = Comment.objects.get(external_id="fnr-1")
    assert comment.platform_state == "hidden"
    assert Review.objects.get(comment=comment).reason == "personal_data"


@pytest.mark.django_db
def test_retention_purge_blanks_old_evidence_and_is_audited(local_channel, redaktor, run_now):
    old = store_comment(
        local_channel, "Gammel trussel", created=oslo(2024, 1, 5, 9), route="none", reply="none"
    )
    new = store_comment(
        local_channel, "Ny trussel", created=oslo(2026, 11, 20, 9), route="none", reply="none"
    )
    ev_old = run_now(services.comment_hide, old, actor=redaktor, reason="threat", why="x")
    ev_new = run_now(services.comment_hide, new, actor=redaktor, reason="threat", why="y")
    Evidence.objects.filter(pk=ev_old.pk).update(purge_after=timezone.now() - timedelta(days=1))
    assert services.evidence_purge(dry_run=True) == 1
    ev_old.refresh_from_db()
    assert ev_old.text == "Gammel trussel"  # a dry run changes nothing
    call_command("moderation", "purge")
    ev_old.refresh_from_db()
    ev_new.refresh_from_db()
    assert (
        ev_old.purged_at is not None
        and ev_old.text == ""
        and ev_old.raw_payloads == []
        and ev_old.revisions == []
    )
    assert ev_new.text == "Ny trussel"
    event = AuditEvent.objects.get(action="evidence.purge")
    assert event.changes["count"] == 1 and event.changes["evidence_ids"] == [ev_old.pk]
    assert services.evidence_purge() == 0


@pytest.mark.django_db
def test_purge_command_dry_run(capsys):
    call_command("moderation", "purge", "--dry-run")
    assert "0 evidence record(s) would be purged" in capsys.readouterr().out


@pytest.mark.django_db
def test_pages_and_permissions(client, local_channel, servicetorg, fagperson, outsider, run_now):
    comment = run_now(
        store_comment,
        local_channel,
        "Jeg skal drepe deg",
        created=oslo(2026, 11, 20, 9),
        moderation="remove",
        reason="threat",
        reply="none",
    )
    ev = Evidence.objects.get(comment=comment)
    client.login(username=servicetorg.username, password=PASSWORD)
    page = client.get("/moderering/").content.decode()
    assert "Jeg skal drepe deg" in page
    assert "Jeg skal drepe deg" in client.get(f"/moderering/bevis/{ev.pk}/").content.decode()
    assert client.get(f"/moderering/kommentar/{comment.pk}/").status_code == 200
    client.logout()
    client.login(username=fagperson.username, password=PASSWORD)
    assert client.get("/moderering/").status_code == 403
    assert (
        client.post(f"/moderering/kommentar/{comment.pk}/", {"action": "unhide", "why": "x"}).status_code
        == 403
    )
    client.logout()
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(f"/moderering/bevis/{ev.pk}/").status_code == 404
    assert "Jeg skal drepe deg" not in client.get("/moderering/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_moderating_through_the_form(client, local_channel, redaktor):
    comment = store_comment(
        local_channel,
        "Ola Nordmann i Storgata 5 stjeler",
        created=oslo(2026, 11, 20, 9),
        route="none",
        reply="none",
    )
    client.login(username=redaktor.username, password=PASSWORD)
    response = client.post(
        f"/moderering/kommentar/{comment.pk}/",
        {"action": "hide", "reason": "shaming", "why": "Uthenging av navngitt person"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.platform_state == "hidden"
    assert Evidence.objects.get(comment=comment).platform_status == "done"


@pytest.mark.django_db
def test_with_the_real_triage_engine_a_threat_is_hidden_and_a_question_gets_a_case(local_channel, run_now):
    """End to end through comments_stored: triage's receiver decides, then ours acts on its decision."""
    from somedesk.channels.types import Batch, CommentData
    from somedesk.inbox.services import ingest_batch

    run_now(
        ingest_batch,
        local_channel,
        Batch(
            comments=[
                CommentData(
                    external_id="e2e-threat",
                    post_external_id="p1",
                    created_time=oslo(2026, 11, 20, 9),
                    text="Jeg vet hvor du bor, og jeg skal drepe deg",
                    author_external_id="u1",
                ),
                CommentData(
                    external_id="e2e-question",
                    post_external_id="p1",
                    created_time=oslo(2026, 11, 20, 9),
                    text="Hei! Når blir søppeldunken tømt i Fjordgata neste uke?",
                    author_external_id="u2",
                ),
            ]
        ),
        source="webhook",
    )
    threat = Comment.objects.get(external_id="e2e-threat")
    question = Comment.objects.get(external_id="e2e-question")
    assert (threat.triage_moderation, threat.triage_reason) == ("remove", "threat")
    assert threat.platform_state == "hidden"
    ev = Evidence.objects.get(comment=threat)
    assert ev.triage["decision"]["reason"] == "threat" and ev.triage["decision"]["reasons"]
    assert Review.objects.get(comment=threat).kind == "auto_hidden"
    assert question.triage_reply == "required"
    assert DeskItem.objects.get(pk=question.pk).route == question.triage_route


@pytest.mark.django_db
def test_a_triage_correction_reaches_the_desk(local_channel, servicetorg, run_now):
    from somedesk.triage.services import decision_correct

    comment = store_comment(
        local_channel,
        "Hvorfor stemte dere for nedleggelsen?",
        created=oslo(2026, 11, 20, 9),
        route="service_question",
    )
    assert DeskItem.objects.get(pk=comment.pk).route == "service_question"
    run_now(
        decision_correct,
        servicetorg,
        comment,
        moderation="keep",
        reason=None,
        route="political",
        sentiment="negative",
    )
    item = DeskItem.objects.get(pk=comment.pk)
    assert item.route == "political" and item.target_hours == 8
    run_now(
        decision_correct,
        servicetorg,
        comment,
        moderation="remove",
        reason="harassment",
        route="none",
        sentiment="negative",
    )
    assert Review.objects.get(comment=comment).kind == "flagged"
    assert not DeskItem.objects.get(pk=comment.pk).is_open


@pytest.mark.django_db
def test_the_periodic_tasks_call_the_services(local_channel, redaktor, run_now):
    from somedesk.moderation.tasks import evidence_purge_task, evidence_sync_task
    from somedesk.replies.tasks import replies_sync_task

    comment = store_comment(local_channel, "Trussel", created=oslo(2024, 1, 5, 9), route="none", reply="none")
    ev = run_now(services.comment_hide, comment, actor=redaktor, reason="threat", why="x")
    Evidence.objects.filter(pk=ev.pk).update(purge_after=timezone.now() - timedelta(days=1))
    assert evidence_purge_task.call_local() == 1
    assert evidence_sync_task.call_local() == 0 and replies_sync_task.call_local() == 0
