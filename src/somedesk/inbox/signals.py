"""Signals the inbox sends so later apps (triage, moderation) can react without the inbox
importing them."""

from django.dispatch import Signal

# Sent after comments were created or their text changed, inside the storing transaction.
# kwargs: comments (list[Comment]), created (bool per comment in `created_flags`), source (str)
comments_stored = Signal()
