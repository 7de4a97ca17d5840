"""Hooks into other apps. The replies app sends `reply_published(sender, reply=...)` when an answer is
published; records journals it as the outgoing journalpost of the comment's case."""

import importlib
import logging

log = logging.getLogger(__name__)


def _connect_replies() -> bool:
    try:
        replies_signals = importlib.import_module("somedesk.replies.signals")
    except ModuleNotFoundError:
        return False
    signal = getattr(replies_signals, "reply_published", None)
    if signal is None:
        return False
    from somedesk.records.services import on_reply_published

    signal.connect(on_reply_published, dispatch_uid="records.journal_answer")
    return True


REPLIES_CONNECTED = _connect_replies()
