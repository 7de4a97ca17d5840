"""Every write of the moderation app: hide, unhide, delete, block (through the channel adapter, via
channels.services.action_request), the evidence kept for each, the review queue, and the retention purge.

Platform calls run after the transaction commits (never inside the ingest or a request transaction);
the evidence shows the platform's answer (pending / done / failed with its message) once it is known.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from somedesk.audit.services import record
from somedesk.channels.models import OutgoingAction
from somedesk.channels.services import action_perform, action_request
from somedesk.inbox.models import Comment, PlatformState, RawEvent
from somedesk.lib.deskpolicy import desk_section
from somedesk.moderation.models import Evidence, Review

MAX_RAW_PAYLOADS = 20

# What the platform's copy is once an action is done.
STATE_AFTER = {
    "hide": PlatformState.HIDDEN,
    "auto_hide": PlatformState.HIDDEN,
    "unhide": PlatformState.VISIBLE,
    "delete": PlatformState.DELETED,
}
ACTION_KIND = {"hide": "hide", "auto_hide": "hide", "unhide": "unhide", "delete": "delete", "block": "block"}


class ModerationError(Exception):
    pass


def retention_days() -> int:
    return int((desk_section("moderation") or {}).get("retention_days", 730))


def auto_hide_reasons() -> set[str]:
    reasons = (desk_section("moderation") or {}).get("reasons", {})
    return {code for code, spec in reasons.items() if spec.get("auto_hide")}


# --- evidence -----------------------------------------------------------------------------------------


def _triage_snapshot(comment: Comment) -> dict:
    snap = {
        "moderation": comment.triage_moderation,
        "reason": comment.triage_reason,
        "route": comment.triage_route,
        "sentiment": comment.triage_sentiment,
        "reply": comment.triage_reply,
    }
    # The full decision with its reasons, when the triage app keeps one (read generically: the triage
    # app owns that model and its fields).
    try:
        from somedesk.triage import models as triage_models

        model = getattr(triage_models, "TriageDecision", None)
        if model is not None:
            decisions = model.objects.filter(comment=comment)
            decision = decisions.filter(is_current=True).first() or decisions.order_by("-pk").first()
            if decision is not None:
                from django.forms.models import model_to_dict

                snap["decision"] = {k: v for k, v in model_to_dict(decision).items() if k != "comment"}
    except Exception as exc:  # noqa: BLE001 - the evidence must be kept even if triage is broken
        snap["decision_error"] = str(exc)[:300]
    return snap


def _raw_payloads(comment: Comment) -> list[dict]:
    ids = set(comment.revisions.exclude(raw_event=None).values_list("raw_event_id", flat=True))
    found = list(RawEvent.objects.filter(pk__in=ids)[:MAX_RAW_PAYLOADS])
    since = comment.first_seen_at - timedelta(minutes=10) if comment.first_seen_at else None
    qs = RawEvent.objects.filter(channel_id=comment.channel_id, body__contains=comment.external_id)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    for event in qs.exclude(pk__in=ids).order_by("id")[:MAX_RAW_PAYLOADS]:
        found.append(event)
    return [
        {"id": e.pk, "source": e.source, "received_at": e.received_at.isoformat(), "body": e.body}
        for e in sorted(found, key=lambda e: e.pk)[:MAX_RAW_PAYLOADS]
    ]


def evidence_snapshot(comment: Comment) -> dict:
    """Everything the evidence keeps about a comment, copied."""
    post = comment.post
    return {
        "organisation": comment.channel.organisation,
        "comment": comment,
        "platform": comment.channel.platform,
        "channel_name": comment.channel.name,
        "comment_external_id": comment.external_id,
        "post_external_id": post.external_id,
        "post_text": post.text,
        "author_external_id": comment.author_external_id,
        "author_name": comment.author_name,
        "text": comment.text,
        "revisions": [
            {
                "text": r.text,
                "valid_from": r.valid_from.isoformat(),
                "recorded_at": r.recorded_at.isoformat(),
                "raw_event": r.raw_event_id,
            }
            for r in comment.revisions.order_by("valid_from", "id")
        ],
        "comment_created_time": comment.created_time,
        "comment_updated_time": comment.updated_time,
        "first_seen_at": comment.first_seen_at,
        "raw_payloads": _raw_payloads(comment),
        "triage": _triage_snapshot(comment),
    }


def _act(comment: Comment, action: str, *, actor, reason: str = "", why: str = "") -> Evidence:
    """Request the platform action, keep the evidence and audit it, in one transaction; the platform
    is called after commit."""
    # Snapshot what is stored now, not what the caller's (possibly stale) instance says.
    comment = Comment.objects.select_related("channel__organisation", "post").get(pk=comment.pk)
    channel = comment.channel
    now = timezone.now()
    target = comment.author_external_id if action == "block" else comment.external_id
    if action == "block" and not target:
        raise ModerationError(_("Forfatteren av kommentaren er ukjent og kan ikke blokkeres."))
    with transaction.atomic():
        outgoing = action_request(
            channel, ACTION_KIND[action], target_external_id=target, actor=actor, run=False
        )
        label = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
        evidence = Evidence.objects.create(
            action=action,
            reason=reason,
            why=why,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=label,
            acted_at=now,
            outgoing_action=outgoing,
            purge_after=now + timedelta(days=retention_days()),
            **evidence_snapshot(comment),
        )
        record(
            actor,
            f"comment.{action}",
            comment,
            {"reason": reason, "why": why, "evidence": evidence.pk, "platform_action": outgoing.pk},
            organisation=channel.organisation,
        )
        if action in ("hide", "auto_hide", "delete"):
            _close_desk_item(comment, actor)
        transaction.on_commit(lambda: evidence_perform(evidence.pk))
    return evidence


def _close_desk_item(comment, actor) -> None:
    from somedesk.replies.services import item_close_removed

    item_close_removed(comment, actor)


def evidence_perform(evidence_id: int) -> Evidence:
    """One attempt at the platform call now, then apply its answer (a waiting call is picked up by
    the periodic sync)."""
    evidence = Evidence.objects.select_related("outgoing_action").get(pk=evidence_id)
    if evidence.outgoing_action_id:
        action_perform(evidence.outgoing_action_id)
    return evidence_sync(evidence)


def evidence_sync(evidence: Evidence) -> Evidence:
    """Bring the evidence and the comment's platform state in line with the platform's answer."""
    if evidence.platform_status != Evidence.PlatformStatus.PENDING or evidence.outgoing_action_id is None:
        return evidence
    outgoing = OutgoingAction.objects.get(pk=evidence.outgoing_action_id)
    if outgoing.state == OutgoingAction.State.PENDING:
        if outgoing.platform_message != evidence.platform_message:
            Evidence.objects.filter(pk=evidence.pk).update(platform_message=outgoing.platform_message)
            evidence.platform_message = outgoing.platform_message
        return evidence
    with transaction.atomic():
        evidence.platform_status = (
            Evidence.PlatformStatus.DONE
            if outgoing.state == OutgoingAction.State.DONE
            else Evidence.PlatformStatus.FAILED
        )
        evidence.platform_message = outgoing.platform_message
        evidence.save(update_fields=["platform_status", "platform_message"])
        new_state = STATE_AFTER.get(evidence.action)
        if evidence.platform_status == Evidence.PlatformStatus.DONE and new_state and evidence.comment_id:
            comment = Comment.objects.select_for_update().get(pk=evidence.comment_id)
            if comment.platform_state != PlatformState.DELETED and comment.platform_state != new_state:
                Comment.objects.filter(pk=comment.pk).update(platform_state=new_state)
        record(
            None,
            f"evidence.platform_{evidence.platform_status}",
            evidence,
            {"message": evidence.platform_message[:500]},
            organisation=evidence.organisation,
            actor_label="system",
        )
    return evidence


def evidence_sync_pending() -> int:
    """Periodic: apply platform answers that arrived after the first attempt."""
    n = 0
    for evidence in Evidence.objects.filter(
        platform_status=Evidence.PlatformStatus.PENDING, outgoing_action__isnull=False
    ).order_by("id")[:500]:
        before = evidence.platform_status
        if evidence_sync(evidence).platform_status != before:
            n += 1
    return n


# --- the four actions ----------------------------------------------------------------------------------


def comment_hide(comment: Comment, *, actor, reason: str = "", why: str = "") -> Evidence:
    return _act(comment, "hide", actor=actor, reason=reason, why=why)


def comment_unhide(comment: Comment, *, actor, why: str = "") -> Evidence:
    return _act(comment, "unhide", actor=actor, why=why)


def comment_delete(comment: Comment, *, actor, reason: str = "", why: str = "") -> Evidence:
    if comment.platform_state == PlatformState.DELETED:
        raise ModerationError(_("Kommentaren er allerede slettet på plattformen."))
    return _act(comment, "delete", actor=actor, reason=reason, why=why)


def author_block(comment: Comment, *, actor, reason: str = "", why: str = "") -> Evidence:
    from somedesk.channels.base import adapter_class

    if not adapter_class(comment.channel.platform).supports_block:
        raise ModerationError(_("Denne plattformen lar oss ikke blokkere brukere."))
    return _act(comment, "block", actor=actor, reason=reason, why=why)


# --- on arrival: hide at once or queue for a person ----------------------------------------------------


def _to_remove(comment_ids: list[int]) -> list[int]:
    """Which of the comments triage wants removed: a plain indexed probe, because this runs for every
    webhook batch and almost always finds none (an ORM query with its joins costs ten times as much)."""
    if not comment_ids:
        return []
    table = connection.ops.quote_name(Comment._meta.db_table)
    found: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(comment_ids), 500):
            chunk = list(comment_ids[start : start + 500])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT id FROM {table} WHERE id IN ({marks}) AND triage_moderation = %s", [*chunk, "remove"]
            )
            found.extend(row[0] for row in cursor.fetchall())
    return found


def comments_moderate_on_arrival(comment_ids: list[int]) -> int:
    """For comments triage wants removed: hide at once when the policy says so for the reason (a person
    confirms or restores it in the review queue), else queue them for a person. Idempotent."""
    comment_ids = _to_remove(comment_ids)
    if not comment_ids:
        return 0
    auto = auto_hide_reasons()
    n = 0
    comments = (
        Comment.objects.filter(pk__in=comment_ids, triage_moderation="remove", from_page=False)
        .exclude(platform_state=PlatformState.DELETED)
        .select_related("channel__organisation", "post")
    )
    for comment in comments:
        if Review.objects.filter(comment=comment).exists():
            continue
        org = comment.channel.organisation
        reason = comment.triage_reason or ""
        with transaction.atomic():
            if reason in auto and comment.platform_state == PlatformState.VISIBLE:
                _act(
                    comment,
                    "auto_hide",
                    actor=None,
                    reason=reason,
                    why=f"Skjult automatisk ved mottak etter retningslinjen (grunn: {reason})",
                )
                kind = Review.Kind.AUTO_HIDDEN
            else:
                kind = Review.Kind.FLAGGED
            review = Review.objects.create(
                organisation=org, comment=comment, kind=kind, reason=reason, created_at=timezone.now()
            )
            record(
                None,
                "moderation_review.open",
                review,
                {"kind": kind, "reason": reason},
                organisation=org,
                actor_label="system",
            )
        n += 1
    return n


def review_decide(review: Review, decision: str, *, actor, note: str = "") -> Review:
    """confirm (keep it removed / hide it), restore (show it again), keep (leave a flagged one up),
    delete (remove it for good)."""
    if review.state != Review.State.PENDING:
        raise ModerationError(_("Denne saken er allerede vurdert."))
    comment = review.comment
    with transaction.atomic():
        if decision == "confirm":
            if comment.platform_state == PlatformState.VISIBLE and review.kind == Review.Kind.FLAGGED:
                comment_hide(
                    comment, actor=actor, reason=review.reason, why=note or "Bekreftet ved vurdering"
                )
            review.state = Review.State.CONFIRMED
        elif decision == "delete":
            comment_delete(comment, actor=actor, reason=review.reason, why=note or "Slettet ved vurdering")
            review.state = Review.State.CONFIRMED
        elif decision == "restore":
            if comment.platform_state == PlatformState.HIDDEN:
                comment_unhide(comment, actor=actor, why=note or "Gjenopprettet ved vurdering")
            review.state = Review.State.RESTORED
        elif decision == "keep":
            review.state = Review.State.KEPT
        else:
            raise ModerationError(f"unknown decision {decision!r}")
        review.decided_by = actor
        review.decided_at = timezone.now()
        review.note = note
        review.save(update_fields=["state", "decided_by", "decided_at", "note"])
        record(
            actor,
            f"moderation_review.{review.state}",
            review,
            {"decision": decision, "note": note},
            organisation=review.organisation,
        )
    return review


# --- retention -----------------------------------------------------------------------------------------

PURGED_FIELDS = {
    "text": "",
    "revisions": [],
    "raw_payloads": [],
    "author_name": "",
    "author_external_id": "",
    "post_text": "",
    "triage": {},
    "why": "",
}


def evidence_purge(*, now=None, dry_run: bool = False, actor=None) -> int:
    """Blank the content of evidence past its retention period (the row stays, so the audit trail
    still points somewhere). Audited per organisation with the count and the ids."""
    now = now or timezone.now()
    due = Evidence.objects.filter(purge_after__lte=now, purged_at__isnull=True)
    by_org: dict[int, list[int]] = {}
    for pk, org_id in due.values_list("pk", "organisation_id").order_by("pk"):
        by_org.setdefault(org_id, []).append(pk)
    total = sum(len(ids) for ids in by_org.values())
    if dry_run:
        return total
    from somedesk.inbox.models import Organisation

    for org_id, ids in by_org.items():
        with transaction.atomic():
            for start in range(0, len(ids), 500):
                Evidence.objects.filter(pk__in=ids[start : start + 500]).update(
                    purged_at=now, **PURGED_FIELDS
                )
            record(
                actor,
                "evidence.purge",
                None,
                {"count": len(ids), "evidence_ids": ids[:1000], "retention_days": retention_days()},
                organisation=Organisation.objects.get(pk=org_id),
                actor_label=None if actor else "system",
            )
    return total
