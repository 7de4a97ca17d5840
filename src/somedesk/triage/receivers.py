"""Triage every comment the inbox stores (import, webhooks, polling).

Connected in TriageConfig.ready(); the triage app comes before moderation and replies in INSTALLED_APPS,
so this receiver has written Comment.triage_* before theirs run (see somedesk.moderation.receivers).
"""

from somedesk.inbox.signals import comments_stored


def on_comments_stored(sender, comments, source="", **kwargs):
    from somedesk.triage.services import comments_triage

    comments_triage(comments, source=source)


def connect() -> None:
    comments_stored.connect(on_comments_stored, dispatch_uid="somedesk.triage_on_store")
