"""Analysis of one comment: rule hits, a masked text, and the sparse features the models read.

The same code runs at training time (``scripts/train_models.py``) and at decision time, so the models
see exactly what they were trained on. Entities are masked before n-grams are taken: a phone number
becomes ``telefonnummer``, a person's name ``personnavn``; the models therefore learn "someone posts a
name together with a health term", not the names in the training set, which keeps them general.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from . import detectors as D
from .text import Normalised, normalise

MODEL_CHARS = 1500  # the models read the first 1,500 normalised characters; rules read up to 20,000
_TOKEN = re.compile(r"\w+|[!?]+|[^\w\s]", re.UNICODE)
_DIGITS = re.compile(r"\d")
_SECOND_PERSON = re.compile(r"\b(?:du|deg|din|ditt|dine|dere|dykk|dokker|dykkar|deres)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:jeg|eg|meg|min|mitt|mine|mi|vi|me|oss|vår|vårt|våre|je|æ)\b", re.IGNORECASE)
_STAFF = re.compile(r"\b(?:saksbehandler\w*|saksbehandlar\w*|rektor\w*|lærer\w*|lærar\w*|sjefen|leder(?:en)?|leiar(?:en)?"
                    r"|enhetsleder\w*|einingsleiar\w*|ansatt\w*|tilsett\w*|sjåfør\w*|ansatte|helsesykepleier\w*"
                    r"|hjemmehjelp\w*|naboen|nabo|bussjåfør\w*|vaktmester\w*|styrer(?:en)?|pedagog\w*|assistent\w*"
                    r"|sykepleier\w*|sjukepleiar\w*|legen|fastlegen|kassadame\w*|renovatør\w*|kommunelege\w*)\b",
                    re.IGNORECASE)
_POLITICAL_TITLES = re.compile(r"\b(?:ordfører\w*|ordførar\w*|varaordfør\w*|rådmann\w*|kommunedirektør\w*"
                               r"|kommunestyre\w*|bystyre\w*|formannskap\w*|politiker\w*|politikar\w*|partiet|partia"
                               r"|gruppeleder\w*|gruppeleiar\w*|utvalg\w*|hovedutval\w*|representant\w*|valgkamp\w*"
                               r"|valkamp\w*|flertall\w*|fleirtal\w*|opposisjon\w*|posisjon(?:en)?|vedtak\w*|stemte)\b",
                               re.IGNORECASE)
_INSULTS = re.compile(r"\b(?:idiot\w*|dust\w*|tulling\w*|tosk\w*|kjerring\w*|hore\w*|ludder\w*|fitte\w*|pikk\w*"
                      r"|drittsekk\w*|rasshøl\w*|rævhøl\w*|taper\w*|tapar\w*|feit\w*|tjukk\w*|stygg\w*|ekkel\w*|ekkel"
                      r"|udugelig\w*|inkompetent\w*|hjernedød\w*|evneveik\w*|mongo\w*|retard\w*|psyko\w*|gris(?:en)?\b"
                      r"|svin(?:et)?\b|kuk\w*|pervo\w*|pedo\w*|pedofil\w*|sleisk\w*|kåt\w*|pupper|rumpa|sexy|naken|nakenbilde\w*)",
                      re.IGNORECASE)
_ACCUSE = re.compile(r"\b(?:stjal|stjeler|stjålet|tyv\w*|svindl\w*|underslå\w*|underslag|misbruk\w*|mishandl\w*|slår"
                     r"|slo|voldtok|overgrep\w*|overgriper\w*|pedofil\w*|kriminell\w*|juks\w*|lyver|løgner\w*|full på jobb"
                     r"|ruset|fyllekjør\w*|promille|drikker|drikk|sniker|snik|sjikanerer|trakasser\w*|politianmeld\w*"
                     r"|anmeldt|dømt)\b", re.IGNORECASE)


@dataclass(slots=True)
class Analysis:
    norm: Normalised
    hits: list[D.Hit] = field(default_factory=list)
    masked: str = ""
    flags: set[str] = field(default_factory=set)
    tokens: list[tuple[str, int, int]] = field(default_factory=list)  # (lower token, start, end) in norm


class Resources:
    """Lexicons that are loaded once: the name gazetteer and the profanity list."""

    def __init__(self, names: frozenset[str] = frozenset(), profanity: tuple[str, ...] = ()):
        self.names = names
        self.profanity_re = D.profanity_regex(tuple(profanity)) if profanity else None


_MASKS = {
    "identity_number": " fnrnummer ",
    "phone": " telefonnummer ",
    "email": " epostadresse ",
    "link": " lenke ",
    "person": " personnavn ",
    "politician": " politikernavn ",
}


def analyse(text: str | None, tpolicy=None, res: Resources | None = None) -> Analysis:
    """Run every detector on ``text`` and build the masked text the models read."""
    norm = normalise(text)
    t = norm.text
    a = Analysis(norm=norm)
    if not t.strip():
        a.flags.add("empty")
        return a
    official = tpolicy.official_domains if tpolicy is not None else ()
    hits: list[D.Hit] = []
    ids = D.find_identity_numbers(t)
    hits += ids
    hits += D.find_phone_numbers(t, exclude=ids)
    hits += D.find_emails(t, official)
    emails = [h for h in hits if h.kind == "email"]
    links = [h for h in D.find_links(t, official) if not any(h.start < e.end and e.start < h.end for e in emails)]
    hits += links
    hits += D.find_scam_words(t)
    hits += D.find_special_categories(t)
    hits += D.find_threats(t)
    hits += D.find_hate(t)
    if res is not None and res.profanity_re is not None:
        hits += [D.Hit("profanity", m.start(), m.end(), m.group().lower()) for m in res.profanity_re.finditer(t)]
    if tpolicy is not None and tpolicy.politician_re is not None:
        hits += [D.Hit("politician", m.start(), m.end(), m.group()) for m in tpolicy.politician_re.finditer(t)]
    if tpolicy is not None and tpolicy.party_re is not None:
        hits += [D.Hit("party", m.start(), m.end(), m.group()) for m in tpolicy.party_re.finditer(t)]
    pol_spans = [(h.start, h.end) for h in hits if h.kind == "politician"]
    if res is not None and res.names:
        for h in D.find_names(t, res.names):
            if not any(h.start < e and s < h.end for s, e in pol_spans):
                hits.append(h)
    a.hits = hits

    # masked text for the models
    repl = sorted((h for h in hits if h.kind in _MASKS), key=lambda h: (h.start, -h.end))
    parts, pos = [], 0
    for h in repl:
        if h.start < pos:
            continue
        parts.append(t[pos:h.start])
        mask = _MASKS[h.kind]
        if h.kind == "link" and h.extra.get("scam"):
            mask = " svindellenke "
        elif h.kind == "link" and h.extra.get("official"):
            mask = " offisiell lenke "
        elif h.kind == "email" and h.extra.get("official"):
            mask = " offisiell epostadresse "
        parts.append(mask)
        pos = h.end
    parts.append(t[pos:])
    masked = "".join(parts)[:MODEL_CHARS]
    a.masked = _DIGITS.sub("0", masked.lower())

    kinds = {h.kind for h in hits}
    f = a.flags
    f.update(kinds)
    for h in links:
        if h.extra.get("scam"):
            f.add("scam_link")
            f.add("scam_link_" + h.extra["scam"])
        elif not h.extra.get("official"):
            f.add("other_link")
    if any(h.kind == "email" and not h.extra.get("official") for h in hits):
        f.add("private_email")
    if "person" in kinds:
        for k in ("health", "child_welfare", "profanity", "phone", "private_email"):
            if k in f:
                f.add("person+" + k)
        if _ACCUSE.search(t):
            f.add("person+accuse")
        if _INSULTS.search(t):
            f.add("person+insult")
    if _STAFF.search(t):
        f.add("staff")
        if _ACCUSE.search(t):
            f.add("staff+accuse")
        if _INSULTS.search(t):
            f.add("staff+insult")
    if _INSULTS.search(t):
        f.add("insult")
        if _SECOND_PERSON.search(t):
            f.add("you+insult")
    if _ACCUSE.search(t):
        f.add("accuse")
    if _POLITICAL_TITLES.search(t):
        f.add("political_title")
    if ("link" in kinds or "phone" in kinds or "private_email" in f) and "scam_word" in kinds:
        f.add("contact+scam_word")
    if _FIRST_PERSON.search(t):
        f.add("first_person")
        if "health" in kinds:
            f.add("first_person+health")
    if "?" in t:
        f.add("question")
    n = len(t)
    f.add("len_" + ("xs" if n < 30 else "s" if n < 80 else "m" if n < 200 else "l" if n < 600 else "xl"))
    excl = t.count("!")
    if excl >= 3:
        f.add("many_excl")
    caps = sum(1 for w in t.split() if len(w) > 2 and w.isupper())
    if caps >= 2:
        f.add("shouting")
    return a


def features(a: Analysis) -> Counter:
    """Sparse features: word 1-2-grams, character 2-5-grams within words, and detector flags."""
    feats: Counter = Counter()
    toks = _TOKEN.findall(a.masked)[:400]
    prev = "<s>"
    for tok in toks:
        feats["w=" + tok] += 1
        feats["b=" + prev + "_" + tok] += 1
        prev = tok
        if tok[0].isalnum() or tok[0] == "_":
            w = " " + tok + " "
            L = len(w)
            for n in (2, 3, 4, 5):
                if n > L:
                    break
                for i in range(L - n + 1):
                    feats["c=" + w[i:i + n]] += 1
    for fl in a.flags:
        feats["f=" + fl] += 1
    return feats


def tfidf(feats: Counter, vocab: dict[str, int], idf) -> tuple[list[int], list[float]]:
    """Sublinear TF times IDF, L2-normalised, restricted to the vocabulary."""
    idx, vals = [], []
    for f, c in feats.items():
        j = vocab.get(f)
        if j is not None:
            idx.append(j)
            vals.append((1.0 + math.log(c)) * idf[j])
    norm = math.sqrt(sum(v * v for v in vals)) or 1.0
    return idx, [v / norm for v in vals]
