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
from .lexicon import DEFAULT as LEX
from .lexicon import WORD_RE
from .text import Normalised, normalise

MODEL_CHARS = 1500  # the models read the first 1,500 normalised characters; rules read up to 20,000
MAX_MODEL_TOKENS = 400  # and at most this many tokens of them
_TOKEN = re.compile(r"\w+|[!?]+|[^\w\s]", re.UNICODE)
_DIGITS = re.compile(r"\d")
_ALNUM = re.compile(r"[^\W_]")
_DOMAINISH = re.compile(r"[A-Za-z0-9\-]\.[A-Za-z]{2,}|https?:|www\.", re.IGNORECASE)


@dataclass(slots=True)
class Analysis:
    norm: Normalised
    hits: list[D.Hit] = field(default_factory=list)
    masked: str = ""
    flags: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)  # lower-case word tokens of the normalised text
    _spans: list[tuple[str, int, int]] | None = None
    _low: str | None = None

    @property
    def tokens(self) -> list[tuple[str, int, int]]:
        """(lower token, start, end) in the normalised text; computed only when a span is needed."""
        if self._spans is None:
            self._spans = [(m.group().lower(), m.start(), m.end()) for m in WORD_RE.finditer(self.norm.text)]
        return self._spans

    def find_word(self, word: str) -> tuple[int, int] | None:
        """Span (in the normalised text) of the first whole-word occurrence of a lower-case word."""
        text = self.norm.text
        low = self._low if self._low is not None else text.lower()
        self._low = low
        if len(low) != len(text):
            for w, s, e in self.tokens:
                if w == word:
                    return s, e
            return None
        i = low.find(word)
        n = len(word)
        while i >= 0:
            before = low[i - 1] if i else " "
            after = low[i + n] if i + n < len(low) else " "
            if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
                return i, i + n
            i = low.find(word, i + 1)
        return None

    def word_hits(self, kind: str, words) -> list[D.Hit]:
        return [D.Hit(kind, s, e, w) for w, s, e in self.tokens if w in words]


class Resources:
    """Lexicons that are loaded once: the name gazetteer and the profanity list."""

    def __init__(self, names: frozenset[str] = frozenset(), profanity: tuple[str, ...] = ()):
        self.names = names
        words = [w.lower() for w in profanity if w and " " not in w.strip()]
        self.profanity = frozenset(words)


_MASKS = {
    "identity_number": " fnrnummer ",
    "phone": " telefonnummer ",
    "email": " epostadresse ",
    "link": " lenke ",
    "person": " personnavn ",
    "politician": " politikernavn ",
}


POST_CHARS = 3000  # the post is read up to this many characters
_NUMBER = re.compile(r"\d+")
_NEGATION = frozenset({"ikke", "ikkje", "itj", "ikkj", "feil", "usant", "aldri", "nei"})
_post_cache: dict[str, tuple[frozenset, frozenset]] = {}


def _post_terms(post: str) -> tuple[frozenset, frozenset]:
    """Content words (five letters or more) and numbers of a post; cached, as many comments share one."""
    post = post[:POST_CHARS]
    got = _post_cache.get(post)
    if got is None:
        low = normalise(post).text.lower()
        got = (
            frozenset(w for w in WORD_RE.findall(low) if len(w) >= 5),
            frozenset(_NUMBER.findall(low)),
        )
        if len(_post_cache) >= 2048:
            _post_cache.clear()
        _post_cache[post] = got
    return got


def post_flags(words: list[str], text: str, post: str) -> set[str]:
    """How a comment relates to the post it answers.

    A `correction` answers the facts of the post: it repeats the post's words with a negation ("det er
    ikke ...", "feil"), or gives other numbers (a date, a price, an opening hour) than the post does. The
    models see these as flags; they learn from the training set's posts how much each counts.
    """
    post_words, post_numbers = _post_terms(post)
    flags = set()
    content = {w for w in words if len(w) >= 5}
    shared = content & post_words
    if not content or not shared:
        flags.add("post_overlap_0")
    else:
        flags.add("post_overlap_" + ("hi" if len(shared) * 3 >= len(content) else "lo"))
    if shared and not _NEGATION.isdisjoint(words):
        flags.add("post_negates")
    numbers = set(_NUMBER.findall(text)) if any(map(str.isdigit, text)) else ()
    if numbers:
        if not post_numbers:
            flags.add("post_number_new")
        else:
            if not numbers <= post_numbers:
                flags.add("post_number_differs")
            if not post_numbers.isdisjoint(numbers):
                flags.add("post_number_repeats")
    return flags


def numbers_not_in_post(text: str, post: str) -> list[tuple[int, int]]:
    """Spans of the numbers in ``text`` that the post does not give (shown as evidence for a correction)."""
    post_numbers = _post_terms(post)[1]
    if not post_numbers:
        return []
    return [m.span() for m in _NUMBER.finditer(text[:MODEL_CHARS]) if m.group() not in post_numbers]


def analyse(
    text: str | None, tpolicy=None, res: Resources | None = None, post: str | None = None
) -> Analysis:
    """Run every detector on ``text`` and build the masked text the models read.

    ``post`` is the text of the post the comment answers (None when unknown): it adds the ``post_*``
    flags (see ``post_flags``)."""
    norm = normalise(text)
    t = norm.text
    a = Analysis(norm=norm)
    if not t.strip() or not _ALNUM.search(t):
        a.flags.add("empty" if not t.strip() else "no_words")
        if not t.strip():
            return a
    official = tpolicy.official_domains if tpolicy is not None else ()
    words = WORD_RE.findall(t.lower())
    a.words = words
    lex = LEX.scan(words)
    hits: list[D.Hit] = []
    for cat in ("health", "child_welfare", "scam_word", "slur"):
        if cat in lex:
            hits += a.word_hits(cat, lex[cat])
    ndigits = sum(map(str.isdigit, t)) if not t.isalpha() else 0
    ids = D.find_identity_numbers(t) if ndigits >= 11 else []
    hits += ids
    if ndigits >= 8:
        hits += D.find_phone_numbers(t, exclude=ids)
    emails = D.find_emails(t, official) if "@" in t else []
    hits += emails
    links = []
    if ("." in t or ":" in t) and _DOMAINISH.search(t):
        links = [
            h
            for h in D.find_links(t, official)
            if not any(h.start < e.end and e.start < h.end for e in emails)
        ]
        hits += links
    if "threat_trigger" in lex:
        hits += D.find_threats(t)
    if "group" in lex:
        hits += [h for h in D.find_hate(t) if h.kind == "hate_pattern"]
    toks = set(words)
    if res is not None and res.profanity and not toks.isdisjoint(res.profanity):
        hits += a.word_hits("profanity", res.profanity)
    if tpolicy is not None:
        if tpolicy.politician_re is not None and toks & tpolicy.politician_tokens:
            hits += [
                D.Hit("politician", m.start(), m.end(), m.group()) for m in tpolicy.politician_re.finditer(t)
            ]
        if tpolicy.party_re is not None and toks & tpolicy.party_tokens:
            hits += [D.Hit("party", m.start(), m.end(), m.group()) for m in tpolicy.party_re.finditer(t)]
    pol_spans = [(h.start, h.end) for h in hits if h.kind == "politician"]
    if res is not None and res.names and not toks.isdisjoint(res.names):
        for h in D.find_names(t, res.names):
            if not any(h.start < e and s < h.end for s, e in pol_spans):
                hits.append(h)
    a.hits = hits

    # masked text for the models
    repl = sorted((h for h in hits if h.kind in _MASKS), key=lambda h: (h.start, -h.end))
    if repl:
        parts, pos = [], 0
        for h in repl:
            if h.start < pos:
                continue
            parts.append(t[pos : h.start])
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
        masked = "".join(parts)
    else:
        masked = t
    masked = masked[:MODEL_CHARS].lower()
    a.masked = _DIGITS.sub("0", masked) if ndigits else masked

    kinds = {h.kind for h in hits}
    f = a.flags
    f.update(kinds)
    f.update(k for k in lex if k not in ("threat_trigger", "threat_cue"))
    if "weapon" in f and ("first_person" in f or "second_person" in f or "threat_cue" in lex):
        f.add("weapon+person")
    if "threat_cue" in lex and "threat_trigger" in lex:
        f.add("threat_cue+trigger")
    if "group" in f:
        for k in ("insult", "accuse", "profanity", "health"):
            if k in f:
                f.add("group+" + k)
    for h in links:
        if h.extra.get("scam"):
            f.add("scam_link")
            f.add("scam_link_" + h.extra["scam"])
        elif not h.extra.get("official"):
            f.add("other_link")
    if any(h.kind == "email" and not h.extra.get("official") for h in hits):
        f.add("private_email")
    if "person" in kinds:
        for k in ("health", "child_welfare", "profanity", "phone", "private_email", "accuse", "insult"):
            if k in f:
                f.add("person+" + k)
    if "staff" in f:
        for k in ("accuse", "insult", "health"):
            if k in f:
                f.add("staff+" + k)
    if "insult" in f and "second_person" in f:
        f.add("you+insult")
    if ("link" in kinds or "phone" in kinds or "private_email" in f) and "scam_word" in kinds:
        f.add("contact+scam_word")
    if "first_person" in f and "health" in f:
        f.add("first_person+health")
    if "?" in t:
        f.add("question")
    n = len(t)
    f.add("len_" + ("xs" if n < 30 else "s" if n < 80 else "m" if n < 200 else "l" if n < 600 else "xl"))
    if t.count("!") >= 3:
        f.add("many_excl")
    if sum(1 for w in filter(str.isupper, t.split()) if len(w) > 2) >= 2:
        f.add("shouting")
    if post and isinstance(post, str):
        f.update(post_flags(words, t[:MODEL_CHARS], post))
    return a


def token_features(tok: str) -> list[str]:
    """Features of one token: the word itself and its character 3-5-grams with word boundaries."""
    out = ["w=" + tok]
    if tok[0].isalnum() or tok[0] == "_":
        w = " " + tok[:30] + " "
        L = len(w)
        for n in (3, 4, 5):
            if n > L:
                break
            for i in range(L - n + 1):
                out.append("c=" + w[i : i + n])
    return out


def pair_features(a: str, b: str) -> list[str]:
    """Features of two adjacent tokens: the bigram and the character 3-5-grams across the gap."""
    out = ["b=" + a + "_" + b]
    if a == "<s>":
        return out
    left = a[-4:]
    s = left + " " + b[:4]
    k = len(left)
    L = len(s)
    for n in (3, 4, 5):
        for i in range(max(0, k - n + 2), k):
            if i + n <= L:
                out.append("x=" + s[i : i + n])
    return out


def model_tokens(a: Analysis) -> list[str]:
    return _TOKEN.findall(a.masked)[:MAX_MODEL_TOKENS]


def features(a: Analysis) -> Counter:
    """Sparse features: word 1-2-grams, character 2-5-grams within words, and detector flags."""
    feats: Counter = Counter()
    prev2 = prev = "<s>"
    for tok in model_tokens(a):
        feats.update(token_features(tok))
        feats.update(pair_features(prev, tok))
        feats["t=" + prev2 + "_" + prev + "_" + tok] += 1
        prev2, prev = prev, tok
    for fl in a.flags:
        feats["f=" + fl] += 1
    return feats


def tfidf(feats: Counter, vocab: dict[str, int], idf) -> tuple[list[int], list[float]]:
    """x_f = c_f * idf_f / sqrt(sum_f c_f * idf_f^2), restricted to the vocabulary.

    The norm counts every occurrence once (the square root of counts, not of squared counts), which makes
    the vector a sum of per-token parts: decide() caches each token's part (see Models.scores_for).
    """
    idx, vals = [], []
    sq = 0.0
    for f, c in feats.items():
        j = vocab.get(f)
        if j is not None:
            idx.append(j)
            vals.append(c * idf[j])
            sq += c * idf[j] * idf[j]
    norm = math.sqrt(sq) or 1.0
    return idx, [v / norm for v in vals]
