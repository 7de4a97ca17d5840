"""The triage sections of the policy file, their validators and a compiled view for the engine.

Sections owned here: ``removal_reasons``, ``routes``, ``reply_templates``, ``politicians``, ``parties``,
``services``. They are registered with :func:`somedesk.lib.policy.register_section` on import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from somedesk.lib.policy import (
    Policy,
    PolicyError,
    expect_keys,
    expect_list,
    expect_mapping,
    expect_str,
    load_policy,
    register_section,
)
from somedesk.triage.engine.lexicon import Lexicon

REASONS = ("threat", "hate", "harassment", "shaming", "personal_data", "spam")
ROUTES = ("none", "service_question", "light_case", "formal_inquiry", "political", "correction")
REPLY_RULES = ("required", "by_sentiment")


def _validate_reasons(value: Any, path) -> dict:
    expect_mapping(value, path)
    for code, spec in value.items():
        if code not in REASONS:
            raise PolicyError(
                f"unknown removal reason '{code}' (allowed: {', '.join(REASONS)})", path + (code,)
            )
        expect_mapping(spec, path + (code,))
        expect_keys(spec, path + (code,), {"label", "description"}, {"unlawful"})
        expect_str(spec["label"], path + (code, "label"))
        expect_str(spec["description"], path + (code, "description"))
        if not isinstance(spec.get("unlawful", False), bool):
            raise PolicyError("must be true or false", path + (code, "unlawful"))
    for code in REASONS:
        if code not in value:
            raise PolicyError(f"missing removal reason '{code}'", path)
    return value


def _validate_routes(value: Any, path) -> dict:
    expect_mapping(value, path)
    for code, spec in value.items():
        p = path + (code,)
        if code not in ROUTES:
            raise PolicyError(f"unknown route '{code}' (allowed: {', '.join(ROUTES)})", p)
        expect_mapping(spec, p)
        expect_keys(spec, p, {"label", "description", "reply"}, {"journal", "reply_template"})
        expect_str(spec["label"], p + ("label",))
        expect_str(spec["description"], p + ("description",))
        if spec["reply"] not in REPLY_RULES:
            raise PolicyError(
                f"reply must be one of {', '.join(REPLY_RULES)}, not '{spec['reply']}'", p + ("reply",)
            )
        if (code == "none") != (spec["reply"] == "by_sentiment"):
            raise PolicyError(
                "route 'none' replies by sentiment; every other route requires a reply", p + ("reply",)
            )
        if not isinstance(spec.get("journal", False), bool):
            raise PolicyError("must be true or false", p + ("journal",))
        if "reply_template" in spec:
            expect_str(spec["reply_template"], p + ("reply_template",))
    for code in ROUTES:
        if code not in value:
            raise PolicyError(f"missing route '{code}'", path)
    return value


def _validate_reply_templates(value: Any, path) -> dict:
    expect_mapping(value, path)
    expect_keys(value, path, set(), {"thank", "try", "optional"})
    for k, v in value.items():
        expect_str(v, path + (k,))
    return value


def _validate_politicians(value: Any, path) -> list:
    expect_list(value, path)
    for i, p in enumerate(value):
        expect_mapping(p, path + (i,))
        expect_keys(p, path + (i,), {"name", "role"}, {"party"})
        expect_str(p["name"], path + (i, "name"))
        expect_str(p["role"], path + (i, "role"))
    return value


def _validate_parties(value: Any, path) -> list:
    expect_list(value, path)
    for i, p in enumerate(value):
        expect_mapping(p, path + (i,))
        expect_keys(p, path + (i,), {"short", "name"}, {"aliases"})
        expect_str(p["short"], path + (i, "short"))
        expect_str(p["name"], path + (i, "name"))
        for j, a in enumerate(expect_list(p.get("aliases", []), path + (i, "aliases"))):
            expect_str(a, path + (i, "aliases", j))
    return value


_URL_RE = re.compile(r"^https?://\S+$")


def _validate_services(value: Any, path) -> list:
    expect_list(value, path)
    seen = set()
    for i, s in enumerate(value):
        p = path + (i,)
        expect_mapping(s, p)
        expect_keys(s, p, {"key", "name", "keywords"}, {"form", "link"})
        expect_str(s["key"], p + ("key",))
        if s["key"] in seen:
            raise PolicyError(f"duplicate service key '{s['key']}'", p + ("key",))
        seen.add(s["key"])
        expect_str(s["name"], p + ("name",))
        kws = expect_list(s["keywords"], p + ("keywords",))
        if not kws:
            raise PolicyError("a service needs at least one keyword", p + ("keywords",))
        for j, k in enumerate(kws):
            expect_str(k, p + ("keywords", j))
        for k in ("form", "link"):
            if k in s and (not isinstance(s[k], str) or not _URL_RE.match(s[k])):
                raise PolicyError("must be a web address starting with http:// or https://", p + (k,))
    return value


register_section("removal_reasons", _validate_reasons)
register_section("routes", _validate_routes)
register_section("reply_templates", _validate_reply_templates)
register_section("politicians", _validate_politicians)
register_section("parties", _validate_parties)
register_section("services", _validate_services)


def _word_alternation(words, inflect: bool = False) -> re.Pattern | None:
    """One regex for a list of words; with ``inflect`` a word may carry an ending (dunk -> dunken)."""
    words = sorted({w.strip() for w in words if w and w.strip()}, key=len, reverse=True)
    if not words:
        return None
    tail = r"\w{0,5}" if inflect else ""
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")" + tail + r"(?!\w)", re.IGNORECASE
    )


@dataclass
class TriagePolicy:
    """What the engine needs from a policy, compiled once."""

    policy: Policy
    version: str
    municipality: str
    official_domains: tuple[str, ...]
    reasons: dict
    routes: dict
    reply_templates: dict
    politician_names: frozenset[str]
    politician_re: re.Pattern | None
    party_re: re.Pattern | None
    services: list[dict]
    service_res: list[tuple[dict, re.Pattern]] = field(default_factory=list)
    service_lex: object = None
    _by_key: dict = field(default_factory=dict)
    service_multi: list = field(default_factory=list)
    politician_tokens: frozenset[str] = frozenset()
    party_tokens: frozenset[str] = frozenset()

    def match_services(self, text: str, analysis=None) -> list[tuple[dict, int, int, str]]:
        """Services whose keywords occur in the text, best (most keyword hits) first."""
        if analysis is not None:
            words = analysis.words
        else:
            words = re.findall(r"\w+", text.lower())
        found: dict[str, list] = {}
        for key, ws in self.service_lex.scan(words).items():
            found[key] = sorted(ws)
        wordset = set(words)
        multi: dict[str, tuple[int, int, str]] = {}
        for key, first, pat in self.service_multi:
            if key in found and len(found[key]) > 2:
                continue
            if first in wordset:
                m = pat.search(text)
                if m:
                    found.setdefault(key, []).append(m.group().lower())
                    multi.setdefault(key, (m.start(), m.end(), m.group()))
        by_key = self._by_key
        out = []
        for key, ws in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            if key in multi:
                s, e, w = multi[key]
            else:
                w = ws[0]
                sp = analysis.find_word(w) if analysis is not None else None
                if sp is None:
                    m = re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text, re.IGNORECASE)
                    sp = (m.start(), m.end()) if m else (0, 0)
                s, e = sp
            out.append((by_key[key], s, e, w))
        return out


def compile_policy(policy: Policy | None = None) -> TriagePolicy:
    if policy is None:
        policy = load_policy()
    if isinstance(policy, TriagePolicy):
        return policy
    for needed in ("removal_reasons", "routes"):
        if needed not in policy.sections:
            raise PolicyError(f"missing section '{needed}'", (needed,), None, policy.source)
    muni = policy.get("municipality", {}) or {}
    politicians = policy.get("politicians", []) or []
    names = set()
    for p in politicians:
        names.add(p["name"])
        parts = p["name"].split()
        if len(parts) > 1:
            names.add(parts[-1])  # surname alone
    party_words = []
    for p in policy.get("parties", []) or []:
        party_words += [p["name"]] + list(p.get("aliases", []))
        if len(p["short"]) >= 2:
            party_words.append(p["short"])
    services = policy.get("services", []) or []
    tp = TriagePolicy(
        policy=policy,
        version=policy.version,
        municipality=muni.get("name", ""),
        official_domains=tuple(d.lower() for d in muni.get("domains", [])),
        reasons=policy["removal_reasons"],
        routes=policy["routes"],
        reply_templates=policy.get("reply_templates", {}) or {},
        politician_names=frozenset(names),
        politician_re=_word_alternation(names),
        party_re=_word_alternation(party_words),
        services=services,
    )
    tp.politician_tokens = frozenset(w.lower() for n in names for w in re.findall(r"\w+", n))
    tp.party_tokens = frozenset(w.lower() for n in party_words for w in re.findall(r"\w+", n))
    tp.service_res = [(s, _word_alternation(s["keywords"], inflect=True)) for s in services]
    single: dict[str, list[str]] = {}
    for s in services:
        for kw in s["keywords"]:
            words = re.findall(r"\w+", kw.lower())
            if len(words) == 1 and words[0] == kw.lower().strip():
                single.setdefault(s["key"], []).append(words[0] + "*")
            elif words:
                tp.service_multi.append((s["key"], words[0], _word_alternation([kw], inflect=True)))
    tp.service_lex = Lexicon(single)
    tp._by_key = {s["key"]: s for s in services}
    return tp
