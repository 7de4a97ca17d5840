"""Screening of private persons' names in public titles (offentlig tittel), as the policy says."""

from __future__ import annotations

import re
from dataclasses import dataclass

NAME_WORD = r"[A-ZÆØÅÉ][a-zæøåéèüö]+(?:-[A-ZÆØÅÉ][a-zæøåéèüö]+)?"
# Two or more capitalised words in a row: the shape of a person's full name ("Kari Nordmann").
NAME_SEQUENCE = re.compile(rf"\b{NAME_WORD}(?:\s+{NAME_WORD})+\b")


@dataclass(frozen=True)
class Screened:
    text: str
    changed: bool


def screen_names(text: str, known_names: list[str], screening: dict) -> Screened:
    """Replace the given private persons' names, and anything shaped like a full name that is not a
    public word, with the policy's replacement ("******")."""
    if not screening.get("private_person_names", True):
        return Screened(text, False)
    replacement = screening.get("replacement") or "******"
    public = {w.casefold() for w in screening.get("public_words", [])}
    out = text
    for name in sorted({n.strip() for n in known_names if n and n.strip()}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", replacement, out, flags=re.IGNORECASE)
        for part in name.split():
            if len(part) >= 2 and part.casefold() not in public:
                out = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", replacement, out, flags=re.IGNORECASE)

    def _maybe(match: re.Match) -> str:
        words = match.group(0).split()
        if any(w.casefold() in public for w in words):
            return match.group(0)
        return replacement

    out = NAME_SEQUENCE.sub(_maybe, out)
    # Collapse runs such as "****** ******" into one marker.
    out = re.sub(rf"{re.escape(replacement)}(?:\s+{re.escape(replacement)})+", replacement, out)
    return Screened(out, out != text)
