"""Demo history of moderation for Fjordvik: comments the guideline removes were hidden by the editor
some minutes after they arrived, with evidence, and the automatic hides were confirmed in review.

History is written as what happened (the platform calls are not replayed: the demo channels have no
tokens). Idempotent: a comment that already has evidence is left alone.
"""

import json
from datetime import timedelta

from django.db import transaction

from somedesk.audit.services import record
from somedesk.inbox.models import Comment, PlatformState
from somedesk.moderation.models import Evidence, Review
from somedesk.moderation.services import evidence_snapshot, retention_days


def removal_intents(path=None) -> dict[str, str]:
    """external-id suffix (post key _ comment key) -> removal reason, from the demo data's hand labels."""
    from somedesk.demo.loader import DATA_FILE

    data = json.loads((path or DATA_FILE).read_text(encoding="utf-8"))
    out = {}

    def walk(post_key, comments):
        for c in comments:
            intent = c.get("intent") or ""
            if intent.startswith("remove:"):
                out[f"{post_key}_{c['key']}"] = intent.split(":", 1)[1]
            walk(post_key, c.get("replies", []))

    for post in data["posts"]:
        walk(post["key"], post.get("comments", []))
    return out


def load(organisation, stdout=None):
    from somedesk.accounts.models import User

    editor = User.objects.filter(organisation=organisation, groups__name="redaktor").order_by("pk").first()
    labels = removal_intents()
    n = 0
    comments = (
        Comment.objects.filter(channel__organisation=organisation, from_page=False)
        .exclude(platform_state=PlatformState.DELETED)
        .select_related("channel", "post")
    )
    for comment in comments:
        suffix = comment.external_id.split("_", 1)[-1]
        reason = comment.triage_reason if comment.triage_moderation == "remove" else labels.get(suffix, "")
        if not reason or Evidence.objects.filter(comment=comment).exists():
            continue
        acted = comment.created_time + timedelta(minutes=20)
        with transaction.atomic():
            evidence = Evidence.objects.create(
                action=Evidence.Action.HIDE,
                reason=reason,
                why="Fjernet etter retningslinjen punkt 3.3",
                actor=editor,
                actor_label=editor.get_username() if editor else "system",
                acted_at=acted,
                platform_status=Evidence.PlatformStatus.DONE,
                purge_after=acted + timedelta(days=retention_days()),
                **evidence_snapshot(comment),
            )
            Comment.objects.filter(pk=comment.pk).update(platform_state=PlatformState.HIDDEN)
            review, _ = Review.objects.get_or_create(
                comment=comment,
                defaults={
                    "organisation": organisation,
                    "kind": Review.Kind.FLAGGED,
                    "reason": reason,
                    "created_at": comment.created_time,
                },
            )
            review.state, review.decided_by, review.decided_at = Review.State.CONFIRMED, editor, acted
            review.save(update_fields=["state", "decided_by", "decided_at"])
            record(
                editor,
                "comment.hide",
                comment,
                {"reason": reason, "evidence": evidence.pk, "demo": True},
                organisation=organisation,
            )
        n += 1
    if stdout is not None:
        stdout.write(f"Moderation: {n} comments hidden with evidence.\n")
