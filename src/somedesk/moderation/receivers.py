"""Reacting to new comments after triage has decided.

Ordering requirement: this receiver reads the Comment.triage_* columns, so it must run after the
triage app's receiver of `comments_stored` has written them. Django calls receivers in the order they
were connected; the triage app comes before moderation and replies in INSTALLED_APPS and connects in
its ready(), so its receiver runs first. The columns are re-read from the database, so a triage
receiver that writes with QuerySet.update() is seen as well. If triage ever decides later (a queued
job), it calls `somedesk.moderation.receivers.desk_after_triage(comment_ids)` itself.

A correction by a person (triage's `decision_correct`) creates a TriageDecision row and then copies it
to the comment in the same transaction; `on_decision_saved` reacts after that transaction commits, so the
desk follows corrections too (a new case, a changed route and deadline, a closed case, or a removal).
"""

from django.db import transaction
from django.db.models.signals import post_save

from somedesk.inbox.signals import comments_stored


def desk_after_triage(comment_ids: list[int], *, page_reply_ids: list[int] | None = None) -> None:
    """`page_reply_ids`: which of the comments are the page's own (None: look them up). Only those can
    be a first response, so a batch without any skips that query."""
    from somedesk.moderation.services import comments_moderate_on_arrival
    from somedesk.replies.services import items_open_for, page_replies_record

    comments_moderate_on_arrival(comment_ids)
    items_open_for(comment_ids)
    page_reply_ids = comment_ids if page_reply_ids is None else page_reply_ids
    if page_reply_ids:
        page_replies_record(page_reply_ids)


def on_comments_stored(sender, comments, source="", **kwargs):
    ids = [c.pk for c in comments if c.pk]
    if ids:
        # from_page is set when a comment is stored and never changes, so the stored objects tell.
        desk_after_triage(ids, page_reply_ids=[c.pk for c in comments if c.pk and c.from_page])


def on_decision_saved(sender, instance, created, **kwargs):
    if created and getattr(instance, "kind", "") == "correction" and getattr(instance, "is_current", False):
        comment_id = instance.comment_id
        transaction.on_commit(lambda: desk_after_triage([comment_id]))


def connect() -> None:
    comments_stored.connect(on_comments_stored, dispatch_uid="somedesk.desk_after_triage")
    post_save.connect(
        on_decision_saved, sender="triage.TriageDecision", dispatch_uid="somedesk.desk_on_correction"
    )
