"""Reads of the triage app."""

from __future__ import annotations

from collections.abc import Iterator

from somedesk.triage.models import TriageDecision

_MISSING = object()


def decision_current(comment) -> TriageDecision | None:
    """The comment's current decision; uses what decisions_current_for() loaded (also "none")."""
    cached = getattr(comment, "_triage_current", _MISSING)
    if cached is not _MISSING:
        return cached
    d = TriageDecision.objects.select_related("created_by").filter(comment=comment, is_current=True).first()
    comment._triage_current = d
    return d


def decisions_current_for(comments) -> None:
    """Fetch the current decisions of many comments in one query (sets comment._triage_current)."""
    by_id = {c.pk: c for c in comments if c.pk}
    for c in by_id.values():
        c._triage_current = None
    for d in TriageDecision.objects.select_related("created_by").filter(
        comment_id__in=list(by_id), is_current=True
    ):
        by_id[d.comment_id]._triage_current = d


def decision_history(comment) -> list[TriageDecision]:
    return list(TriageDecision.objects.select_related("created_by").filter(comment=comment))


def corrections_as_labels(organisation=None) -> Iterator[dict]:
    """Current corrections as training lines in the LABELS.md format (newest correction per comment)."""
    qs = (
        TriageDecision.objects.filter(kind=TriageDecision.Kind.CORRECTION, is_current=True)
        .select_related("comment__channel", "comment__post")
        .order_by("id")
    )
    if organisation is not None:
        qs = qs.filter(comment__channel__organisation=organisation)
    for d in qs.iterator(chunk_size=500):
        c = d.comment
        yield {
            "id": f"corr-{d.pk}",
            "channel": c.channel.platform if c.channel_id else "",
            "post": c.post.text if c.post_id else "",
            "text": d.text or c.text,
            "moderation": d.moderation,
            "reason": d.reason or None,
            "route": d.route,
            "sentiment": d.sentiment,
            "reply": d.reply,
        }
