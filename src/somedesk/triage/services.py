"""Every write of the triage app: deciding stored comments, correcting a decision."""

from __future__ import annotations

import hashlib

from django.db import transaction

from somedesk.audit.services import record
from somedesk.inbox.models import Comment, Post
from somedesk.triage.engine import decide, derive_reply, get_engine
from somedesk.triage.models import TriageDecision

FIELDS = ("moderation", "reason", "route", "sentiment", "reply")


def _hash(text: str) -> str:
    return hashlib.sha256((text or "").encode("utf-8", "surrogatepass")).hexdigest()


def _apply_to_comment(comment: Comment, values: dict) -> None:
    comment.triage_moderation = values["moderation"]
    comment.triage_reason = values["reason"] or ""
    comment.triage_route = values["route"]
    comment.triage_sentiment = values["sentiment"]
    comment.triage_reply = values["reply"]


def comments_triage(comments, *, source: str = "") -> list[TriageDecision]:
    """Decide every comment from the public, store the decision and copy it to the comment's columns.

    A comment whose text is unchanged since its current decision is left alone; a staff correction on
    an unchanged text is never overwritten by the engine.
    """
    comments = [c for c in comments if c.pk and not c.from_page]
    if not comments:
        return []
    engine = get_engine()
    ids = [c.pk for c in comments]
    current = {d.comment_id: d for d in TriageDecision.objects.filter(comment_id__in=ids, is_current=True)}
    posts = Post.objects.in_bulk({c.post_id for c in comments})
    new: list[TriageDecision] = []
    changed: list[Comment] = []
    replaced: list[int] = []
    for c in comments:
        h = _hash(c.text)
        cur = current.get(c.pk)
        if cur is not None and cur.text_hash == h:
            continue
        post = posts.get(c.post_id)
        d = decide(
            c.text,
            post=post.text if post else None,
            channel=c.channel.platform if c.channel_id else None,
            engine=engine,
        )
        new.append(
            TriageDecision(
                comment_id=c.pk,
                kind=TriageDecision.Kind.ENGINE,
                is_current=True,
                moderation=d["moderation"],
                reason=d["reason"] or "",
                route=d["route"],
                sentiment=d["sentiment"],
                reply=d["reply"],
                confidence=d["confidence"],
                reasons=d["reasons"],
                model_version=d["model_version"],
                policy_version=d["policy_version"],
                text_hash=h,
            )
        )
        if cur is not None:
            replaced.append(cur.pk)
        _apply_to_comment(c, d)
        changed.append(c)
    if not new:
        return []
    # One plain UPDATE per distinct outcome (a few dozen at most) instead of a CASE over every row.
    groups: dict[tuple, list[int]] = {}
    for c in changed:
        key = (c.triage_moderation, c.triage_reason, c.triage_route, c.triage_sentiment, c.triage_reply)
        groups.setdefault(key, []).append(c.pk)
    with transaction.atomic():
        if replaced:
            TriageDecision.objects.filter(pk__in=replaced).update(is_current=False)
        TriageDecision.objects.bulk_create(new, batch_size=500)
        for (mod, reason, route, sentiment, reply), ids in groups.items():
            for i in range(0, len(ids), 500):
                Comment.objects.filter(pk__in=ids[i : i + 500]).update(
                    triage_moderation=mod,
                    triage_reason=reason,
                    triage_route=route,
                    triage_sentiment=sentiment,
                    triage_reply=reply,
                )
    return new


def comment_retriage(comment: Comment) -> TriageDecision | None:
    """Decide one comment again (e.g. after a model or policy update), unless staff corrected it."""
    cur = TriageDecision.objects.filter(comment=comment, is_current=True).first()
    if cur is not None and cur.kind == TriageDecision.Kind.CORRECTION:
        return cur
    if cur is not None:
        cur.text_hash = ""  # force
        TriageDecision.objects.filter(pk=cur.pk).update(text_hash="")
    made = comments_triage([comment], source="retriage")
    return made[0] if made else cur


def decision_correct(
    actor,
    comment: Comment,
    *,
    moderation: str,
    reason: str | None,
    route: str,
    sentiment: str,
    note: str = "",
) -> TriageDecision:
    """Staff correct a decision: kept as a new decision, copied to the comment, audited."""
    if moderation == "remove":
        route = "none"
        if not reason:
            raise ValueError("a removed comment needs a reason")
    else:
        reason = ""
    reply = derive_reply(moderation, route, sentiment)
    with transaction.atomic():
        cur = TriageDecision.objects.select_for_update().filter(comment=comment, is_current=True).first()
        before = {f: (getattr(cur, f) or None) for f in FIELDS} if cur else {f: None for f in FIELDS}
        after = {
            "moderation": moderation,
            "reason": reason or None,
            "route": route,
            "sentiment": sentiment,
            "reply": reply,
        }
        if cur is not None:
            cur.is_current = False
            cur.save(update_fields=["is_current"])
        engine = get_engine()
        decision = TriageDecision.objects.create(
            comment=comment,
            kind=TriageDecision.Kind.CORRECTION,
            is_current=True,
            moderation=moderation,
            reason=reason or "",
            route=route,
            sentiment=sentiment,
            reply=reply,
            reasons=cur.reasons if cur else [],
            confidence={},
            model_version=cur.model_version if cur else engine.models.version,
            policy_version=cur.policy_version if cur else engine.policy.version,
            text_hash=_hash(comment.text),
            text=comment.text,
            note=note,
            created_by=actor,
        )
        _apply_to_comment(comment, after)
        comment.save(
            update_fields=[
                "triage_moderation",
                "triage_reason",
                "triage_route",
                "triage_sentiment",
                "triage_reply",
            ]
        )
        changes = {f: [before[f], after[f]] for f in FIELDS if before[f] != after[f]}
        if note:
            changes["note"] = note
        record(
            actor,
            "triage.correct",
            comment,
            changes,
            organisation=comment.channel.organisation if comment.channel_id else None,
        )
    return decision
