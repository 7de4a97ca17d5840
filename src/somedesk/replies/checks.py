"""The check before a reply is published (guideline 4.2: confidentiality applies on social media too).

Reuses the triage engine's detectors (identity numbers incl. D-numbers validated with python-stdnum,
phone numbers with `phonenumbers`, e-mail addresses, health and child-welfare terms) on the same
normalised text, so obfuscation with spaces, dots or zero-width characters is caught the same way.
The municipality's own addresses and phone numbers are not third parties' and are allowed; so are the
words of the policy's `confidential_words`... which are, on the contrary, always a hit.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import phonenumbers
from django.utils.translation import gettext_lazy as _

from somedesk.replies import conf
from somedesk.triage.engine import detectors as D
from somedesk.triage.engine.text import normalise

KIND_LABELS = {
    "identity_number": _("Fødselsnummer eller D-nummer"),
    "phone": _("Telefonnummer til en tredjeperson"),
    "email": _("E-postadresse til en tredjeperson"),
    "health": _("Helseopplysning"),
    "child_welfare": _("Barnevern"),
    "confidential": _("Ord kommunen har merket som fortrolig"),
}


@dataclass
class CheckHit:
    kind: str
    start: int  # in the text as written
    end: int
    found: str

    @property
    def label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    def as_dict(self) -> dict:
        return asdict(self)


def _official_numbers() -> set[str]:
    out = set()
    for raw in conf.official_phones():
        try:
            out.add(
                phonenumbers.format_number(phonenumbers.parse(raw, "NO"), phonenumbers.PhoneNumberFormat.E164)
            )
        except phonenumbers.NumberParseException:
            continue
    return out


def check_reply(text: str) -> list[CheckHit]:
    """Every problem in a reply's text, in order of appearance (empty list: clean)."""
    norm = normalise(text)
    t = norm.text
    raw: list[D.Hit] = []
    ids = D.find_identity_numbers(t)
    raw += ids
    official_numbers = _official_numbers()
    raw += [h for h in D.find_phone_numbers(t, exclude=ids) if h.detail not in official_numbers]
    raw += [h for h in D.find_emails(t, conf.official_domains()) if not h.extra.get("official")]
    raw += D.find_special_categories(t)
    words = conf.confidential_words()
    if words:
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)",
            re.IGNORECASE,
        )
        raw += [D.Hit("confidential", m.start(), m.end(), m.group()) for m in pattern.finditer(t)]
    hits = []
    for h in sorted(raw, key=lambda h: (h.start, h.end)):
        start, end = norm.span(h.start, h.end)
        hits.append(CheckHit(h.kind, start, end, text[start:end]))
    return hits
