"""Hooks into other apps: journal a published answer as the outgoing journalpost of the comment's case.

Preferred: the replies app sends `somedesk.replies.signals.reply_published(sender, reply=...)`. Until it
does, records listens to post_save of replies.Reply and reacts when a reply is saved as published.
Either way the journaling runs after the reply's transaction commits (robust: a failure is logged and
never undoes the publication), and it is idempotent per reply id.
"""

import importlib
import logging

from django.db import transaction

log = logging.getLogger(__name__)


def _journal_after_commit(reply_pk: int, model) -> None:
    def run():
        from somedesk.records.services import on_reply_published

        reply = (
            model.objects.select_related("comment__channel", "comment__post", "author")
            .filter(pk=reply_pk)
            .first()
        )
        if reply is not None:
            on_reply_published(reply=reply)

    transaction.on_commit(run, robust=True)


def _connect_replies() -> str:
    from django.apps import apps

    try:
        model = apps.get_model("replies", "Reply")
    except LookupError:
        return ""
    try:
        replies_signals = importlib.import_module("somedesk.replies.signals")
    except ModuleNotFoundError:
        replies_signals = None
    signal = getattr(replies_signals, "reply_published", None)
    if signal is not None:

        def on_published(sender=None, reply=None, **kwargs):
            if reply is not None:
                _journal_after_commit(reply.pk, model)

        signal.connect(on_published, weak=False, dispatch_uid="records.journal_answer")
        return "reply_published"

    from django.db.models.signals import post_save

    def on_saved(sender, instance, created=False, update_fields=None, **kwargs):
        if getattr(instance, "state", "") != "published" or not getattr(instance, "published_at", None):
            return
        if update_fields is not None and "state" not in update_fields:
            return
        _journal_after_commit(instance.pk, model)

    post_save.connect(on_saved, sender=model, weak=False, dispatch_uid="records.journal_answer_post_save")
    return "post_save"


REPLIES_HOOK = _connect_replies()
