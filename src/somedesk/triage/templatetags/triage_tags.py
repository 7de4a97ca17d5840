"""Template helpers for showing a triage decision: its labels and the evidence marked in the text."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from somedesk.triage.forms import CorrectionForm
from somedesk.triage.models import Moderation, Reason, Reply, Route, Sentiment
from somedesk.triage.selectors import decision_current

register = template.Library()

_LABELS = {}
for _choices in (Moderation, Reason, Route, Sentiment, Reply):
    _LABELS.update(dict(_choices.choices))


@register.simple_tag
def triage_decision(comment):
    return decision_current(comment) if comment is not None and getattr(comment, "pk", None) else None


@register.simple_tag
def triage_correction_form(decision, comment):
    initial = {}
    if decision is not None:
        initial = {
            "moderation": decision.moderation,
            "reason": decision.reason,
            "route": decision.route,
            "sentiment": decision.sentiment,
        }
    return CorrectionForm(initial=initial, auto_id=f"triage-{comment.pk}-%s")


@register.filter
def triage_label(value):
    return _LABELS.get(value, value or "")


@register.filter
def triage_percent(value):
    try:
        return f"{float(value):.0%}"
    except (TypeError, ValueError):
        return ""


@register.filter
def triage_highlight(text, reasons):
    """The comment text with every evidence span wrapped in <mark>; everything else escaped."""
    text = text or ""
    spans = []
    for r in reasons or []:
        for s in r.get("spans", []) or []:
            try:
                a, b = int(s[0]), int(s[1])
            except (TypeError, ValueError, IndexError):
                continue
            if 0 <= a < b <= len(text):
                spans.append((a, b, r.get("text", "")))
    spans.sort()
    merged = []
    for a, b, title in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]), merged[-1][2])
        else:
            merged.append((a, b, title))
    out, pos = [], 0
    for a, b, title in merged:
        out.append(escape(text[pos:a]))
        out.append(f'<mark class="triage-evidence" title="{escape(title)}">{escape(text[a:b])}</mark>')
        pos = b
    out.append(escape(text[pos:]))
    return mark_safe("".join(out).replace("\n", "<br>"))
