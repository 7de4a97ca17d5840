"""Labels for the triage codes kept on Comment (triage_* columns), in the user's language."""

from django import template

from somedesk.inbox.forms import MODERATION_CHOICES, REASON_CHOICES, ROUTE_CHOICES, SENTIMENT_CHOICES

register = template.Library()

_LABELS = {}
for _choices in (MODERATION_CHOICES, REASON_CHOICES, ROUTE_CHOICES, SENTIMENT_CHOICES):
    _LABELS.update({code: label for code, label in _choices if code})


@register.filter
def triage_code_label(code: str) -> str:
    return _LABELS.get(code, code)
