"""Template filters for the archival PDFs."""

import unicodedata
from functools import lru_cache
from pathlib import Path

from django import template

register = template.Library()
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    try:
        from fontTools.ttLib import TTFont

        return frozenset(TTFont(str(FONT), lazy=True).getBestCmap())
    except Exception:  # noqa: BLE001 - without the font table, only replace what is surely missing
        return frozenset()


@register.filter
def pdfsafe(text) -> str:
    """Characters the PDF font cannot draw (emoji) would become .notdef glyphs, which PDF/A forbids and
    which lose the content; write them as their Unicode name instead: "[YELLOW HEART]"."""
    if not text:
        return ""
    covered = _covered()
    out = []
    for char in str(text):
        code = ord(char)
        if char in "\n\r\t" or (covered and code in covered) or (not covered and code < 0x2000):
            out.append(char)
        elif unicodedata.category(char) in ("Mn", "Me", "Cf"):  # variation selectors, joiners
            continue
        else:
            out.append(f"[{unicodedata.name(char, f'U+{code:04X}')}]")
    return "".join(out)
