"""Text normalisation with an offset map back to the original text.

Every detector and model works on a *normalised* copy of the comment: zero-width and
bidirectional control characters removed, HTML tags blanked, entities decoded, compatibility
characters folded (NFKC), runs of whitespace kept as they are. Evidence spans must point into
the text the citizen wrote, so the normaliser keeps, for each normalised character, the index of
the original character it came from.

Time is bounded: the original is cut at ``MAX_CHARS`` before anything else happens, so a
100,000-character comment costs the same as a 20,000-character one.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 20_000

# Zero-width, soft hyphen, bidi embeddings/overrides/isolates, BOM, word joiner, invisible operators.
_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069"
    "\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)
_INVISIBLE_RE = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")
_TAG_RE = re.compile(r"<(?:[a-zA-Z/!][^<>]{0,300})>")
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")
_SPACE_LIKE = frozenset(
    "\t\n\r\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(slots=True)
class Normalised:
    """A normalised text and the map from its characters to the original's."""

    original: str
    text: str
    offsets: list[int] | None  # None means identity (text is a prefix-copy of original)
    ends: list[int] | None = None  # end (exclusive) in the original of each normalised character

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text."""
        if self.offsets is None:
            return start, end
        n = len(self.offsets)
        if n == 0 or start >= n:
            m = len(self.original)
            return m, m
        end = max(min(end, n), start + 1)
        return self.offsets[start], self.ends[end - 1]


_SLOW_RE = re.compile(
    "[<&\x00-\x09\x0b-\x1f\x7f-\x9f" + "".join(sorted(_INVISIBLE | _SPACE_LIKE - {"\n"})) + "]"
)


def _needs_slow_path(text: str) -> bool:
    if _SLOW_RE.search(text):
        return True
    return not text.isascii() and not unicodedata.is_normalized("NFKC", text)


def normalise(text: str | None) -> Normalised:
    """Return the normalised form of ``text`` (never raises, bounded time)."""
    if not text:
        return Normalised("", "", None)
    if not isinstance(text, str):
        text = str(text)
    original = text
    text = text[:MAX_CHARS]
    if not _needs_slow_path(text):
        return Normalised(original, text, None)

    # Blank HTML tags, decode entities: collect replacements by position.
    repl: dict[int, tuple[int, str]] = {}
    if "<" in text:
        for m in _TAG_RE.finditer(text):
            repl[m.start()] = (m.end(), " ")
    if "&" in text:
        for m in _ENTITY_RE.finditer(text):
            if m.start() not in repl:
                decoded = html.unescape(m.group())
                if decoded != m.group():
                    repl[m.start()] = (m.end(), decoded)

    out: list[str] = []
    offsets: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        r = repl.get(i)
        if r is not None:
            end, s = r
            for ch in s:
                if ch in _INVISIBLE:
                    continue
                out.append(ch)
                offsets.append(i)
                ends.append(end)
            i = end
            continue
        ch = text[i]
        if ch in _INVISIBLE:
            i += 1
            continue
        if ch in _SPACE_LIKE:
            out.append("\n" if ch in "\r\u2028\u2029" else " ")
            offsets.append(i)
            ends.append(i + 1)
        elif ch.isascii():
            if ch < " " and ch != "\n":
                out.append(" ")
            else:
                out.append(ch)
            offsets.append(i)
            ends.append(i + 1)
        else:
            cat = unicodedata.category(ch)
            if cat in ("Cc", "Cf", "Co", "Cs", "Cn") and not _is_emoji_part(ch):
                i += 1
                continue
            folded = unicodedata.normalize("NFKC", ch) if cat != "Mn" else ch
            for fc in folded:
                if fc in _INVISIBLE:
                    continue
                out.append(fc)
                offsets.append(i)
                ends.append(i + 1)
        i += 1
    return Normalised(original, "".join(out), offsets, ends)


def _is_emoji_part(ch: str) -> bool:
    # Variation selectors and tag characters used in flag emoji sequences.
    o = ord(ch)
    return 0xFE00 <= o <= 0xFE0F or 0xE0020 <= o <= 0xE007F
