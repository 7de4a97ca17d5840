"""The interface is bokmål by default, and nynorsk and English are complete translations."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

LOCALE = Path(settings.LOCALE_PATHS[0])


def untranslated(po_file: Path) -> list[str]:
    """msgids whose msgstr (or any plural msgstr) is empty, and fuzzy entries."""
    missing = []
    for block in po_file.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid or msgid.group(1).strip() == '""':
            continue
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        if "#, fuzzy" in block or not strings or any(s.strip() == '""' for s in strings):
            missing.append(msgid.group(1).strip())
    return missing


def msgids(po_file: Path) -> list[str]:
    import ast

    out = []
    for block in po_file.read_text(encoding="utf-8").split("\n\n"):
        found = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if found:
            text = "".join(ast.literal_eval(part) for part in found.group(1).split("\n") if part.strip())
            if text:
                out.append(text)
    return out


@pytest.mark.parametrize("language", ["nn", "en"])
def test_every_message_is_translated_and_compiled(language):
    import gettext

    po_file = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert untranslated(po_file) == []
    with po_file.with_suffix(".mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    compiled = {key if isinstance(key, str) else key[0] for key in catalog}
    stale = [m for m in msgids(po_file) if m not in compiled]
    assert stale == [], "run `somedesk compilemessages`"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, heading, search_label",
    [
        ("nb", "Innboks", "Søk og filtrer"),
        ("nn", "Innboks", "Søk og filtrer"),
        ("en", "Inbox", "Search and filter"),
    ],
)
def test_the_inbox_speaks_the_chosen_language(client, fagperson, language, heading, search_label):
    client.login(username=fagperson.username, password=PASSWORD)
    client.post(reverse("set_language"), {"language": language, "next": reverse("inbox:list")})
    body = client.get(reverse("inbox:list")).content.decode()
    assert f'<html lang="{language}"' in body
    assert search_label in body and heading in body


@pytest.mark.django_db
def test_nynorsk_differs_from_bokmal(client, fagperson):
    client.login(username=fagperson.username, password=PASSWORD)
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    body = client.get(reverse("inbox:list")).content.decode()
    assert "Vis alle kommentarar" in body or "Kommentarar, nyaste først" in body
