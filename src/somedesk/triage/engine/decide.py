"""decide(): the guideline's decision for one comment, with confidence and reasons.

Order of authority: rules for unlawful content and identity numbers win (an identity number is always
removed as ``personal_data``, an explicit threat as ``threat``, a slur or hateful generalisation as
``hate``, a scam link as ``spam``); otherwise the trained models decide, with the removal threshold
chosen by cross-validation on the training set. ``reply`` is derived from route and sentiment exactly
as LABELS.md says.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass

from somedesk.lib.policy import load_policy

from .features import Analysis, analyse, numbers_not_in_post
from .model import Models
from .policy import TriagePolicy, compile_policy

_LOCK = threading.Lock()
_ENGINE: Engine | None = None

REASON_WORDS = {
    "threat": "trussel",
    "hate": "hatefull ytring",
    "harassment": "sjikane",
    "shaming": "uthenging",
    "personal_data": "personopplysninger",
    "spam": "spam eller svindel",
}
ROUTE_WORDS = {
    "none": "ingen sak",
    "service_question": "spørsmål om tjenester",
    "light_case": "lett saksbehandling",
    "formal_inquiry": "formell henvendelse",
    "political": "politisk henvendelse",
    "correction": "faktafeil som må rettes",
}
SENT_WORDS = {"positive": "positiv", "neutral": "nøytral", "negative": "negativ"}


@dataclass
class Engine:
    models: Models
    policy: TriagePolicy

    @property
    def version(self) -> str:
        return self.models.version


_BY_POLICY: dict[str, Engine] = {}


def get_engine(policy=None) -> Engine:
    """The process-wide engine (models loaded once).

    ``policy`` may be None (the default policy file), a path, a loaded ``Policy`` or a compiled
    ``TriagePolicy``; engines for other policies share the models and are cached by policy version.
    """
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            _ENGINE = Engine(Models(), compile_policy(None))
        if policy is None:
            return _ENGINE
        if isinstance(policy, Engine):
            return policy
        if isinstance(policy, str | os.PathLike):
            policy = load_policy(policy)
        version = getattr(policy, "version", None)
        if version == _ENGINE.policy.version:
            return _ENGINE
        eng = _BY_POLICY.get(version)
        if eng is None:
            eng = Engine(_ENGINE.models, compile_policy(policy))
            if len(_BY_POLICY) > 16:
                _BY_POLICY.clear()
            _BY_POLICY[version] = eng
        return eng


def derive_reply(moderation: str, route: str, sentiment: str) -> str:
    """LABELS.md: removed -> none; route other than none -> required; else by sentiment."""
    if moderation == "remove":
        return "none"
    if route != "none":
        return "required"
    return {"positive": "thank", "negative": "try"}.get(sentiment, "optional")


def _pct(p: float) -> str:
    """A probability as a percentage a person reads: never "100 %" for a model."""
    return f"{min(p, 0.99):.0%}"


def _quote(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def decide(text, post=None, channel=None, policy=None, engine: Engine | None = None) -> dict:
    """Decide moderation, reason, route, sentiment and reply for one comment. Never raises on bad text."""
    eng = engine or get_engine(policy)
    tp = eng.policy
    a: Analysis = analyse(
        text if isinstance(text, str) else ("" if text is None else str(text)),
        tp,
        eng.models.resources,
        post=post if isinstance(post, str) else None,
    )
    norm = a.norm
    reasons: list[dict] = []

    def span(h):
        s, e = norm.span(h.start, h.end)
        return [s, e]

    def add(field, source, code, msg, spans=()):
        reasons.append(
            {"field": field, "source": source, "code": code, "text": msg, "spans": [list(x) for x in spans]}
        )

    if "empty" in a.flags:
        add("moderation", "rule", "empty", "Kommentaren er tom eller består bare av tegn uten tekst.")
        return _result(
            "keep",
            None,
            "none",
            "neutral",
            {"moderation": 0.99, "reason": 0.99, "route": 0.9, "sentiment": 0.6, "reply": 0.6},
            reasons,
            eng,
        )

    probs, words_ctx = eng.models.scores_for(a)
    models = eng.models
    hits = a.hits
    by_kind: dict[str, list] = {}
    for h in hits:
        by_kind.setdefault(h.kind, []).append(h)

    # ---- removal: rules first -----------------------------------------------------------------
    rem_head = models.heads["removal"]
    p_rem = probs["removal"]
    classes = rem_head.classes
    p_keep = float(p_rem[classes.index("keep")])
    reason_probs = {c: float(p) for c, p in zip(classes, p_rem, strict=True) if c != "keep"}
    total_reason = sum(reason_probs.values()) or 1.0
    model_reason = max(reason_probs, key=reason_probs.get)

    rule_reason, rule_conf = None, 0.0
    if "identity_number" in by_kind:
        hs = by_kind["identity_number"]
        kind = {"d_number": "et D-nummer", "h_number": "et H-nummer"}.get(hs[0].detail, "et fødselsnummer")
        add(
            "moderation",
            "rule",
            "identity_number",
            f"Inneholder {kind} med gyldige kontrollsifre. Det skal ikke stå offentlig, heller ikke når det er "
            "avsenderens eget.",
            [span(h) for h in hs],
        )
        rule_reason, rule_conf = "personal_data", 0.99
    if rule_reason is None and "threat" in by_kind:
        hs = by_kind["threat"]
        add(
            "moderation",
            "rule",
            "threat",
            f"Inneholder en trussel om vold: «{_quote(norm.text[hs[0].start : hs[0].end])}».",
            [span(h) for h in hs],
        )
        rule_reason, rule_conf = "threat", 0.95
    if rule_reason is None and ("hate_pattern" in by_kind or "slur" in by_kind):
        hs = by_kind.get("hate_pattern", []) + by_kind.get("slur", [])
        words = ", ".join(f"«{_quote(norm.text[h.start : h.end], 40)}»" for h in hs[:3])
        if "hate_pattern" in by_kind:
            add(
                "moderation",
                "rule",
                "hate",
                f"Hatefull generalisering om en gruppe: {words}.",
                [span(h) for h in hs],
            )
            rule_reason, rule_conf = "hate", 0.93
        else:
            add(
                "moderation",
                "rule",
                "slur",
                f"Inneholder nedsettende ord om en gruppe: {words}.",
                [span(h) for h in hs],
            )
            # a slur aimed at one person is harassment; the model tells which
            rule_reason = "harassment" if reason_probs["harassment"] > reason_probs["hate"] else "hate"
            rule_conf = 0.9
    if rule_reason is None:
        scam = [
            h
            for h in by_kind.get("link", [])
            if h.extra.get("scam") in ("shortener", "lookalike", "punycode")
        ]
        risky = [h for h in by_kind.get("link", []) if h.extra.get("scam") == "risky_tld"]
        if scam or (risky and "scam_word" in by_kind):
            hs = scam or risky
            why = {
                "shortener": "går via en lenkeforkorter som skjuler hvor den fører",
                "lookalike": "etterligner navnet til en kjent virksomhet, men går ikke til det ekte nettstedet",
                "punycode": "bruker tegn som får adressen til å ligne en annen",
                "risky_tld": "går til et domene som ofte brukes i svindel",
            }[hs[0].extra["scam"]]
            add("moderation", "rule", "scam_link", f"Lenken {hs[0].detail} {why}.", [span(h) for h in hs])
            rule_reason, rule_conf = "spam", 0.95

    if rule_reason is not None:
        moderation, reason = "remove", rule_reason
        conf_mod, conf_reason = rule_conf, rule_conf
    elif p_keep < models.thresholds.get("keep", 0.5):
        moderation, reason = "remove", model_reason
        conf_mod = 1.0 - p_keep
        conf_reason = reason_probs[model_reason] / total_reason
        words = models.evidence("removal", model_reason, words_ctx)
        add(
            "moderation",
            "model",
            "removal_model",
            f"Modellen vurderer kommentaren som {REASON_WORDS[model_reason]} ({_pct(conf_mod)} sikker)."
            + (
                " Ord som trakk i den retningen: " + ", ".join(f"«{w}»" for w in words) + "." if words else ""
            ),
            _word_spans(a, words),
        )
    else:
        moderation, reason = "keep", None
        conf_mod = p_keep
        conf_reason = p_keep

    # supporting evidence (always shown, never decisive on its own)
    _supporting(a, by_kind, add, span, norm)

    # ---- route -------------------------------------------------------------------------------------
    route_head = models.heads["route"]
    p_route = probs["route"]
    if moderation == "remove":
        route, conf_route = "none", conf_mod
    else:
        bias = models.thresholds.get("route_bias") or {}
        if bias:
            adj = [p * math.exp(bias.get(c, 0.0)) for c, p in zip(route_head.classes, p_route, strict=True)]
            tot = sum(adj)
            p_route = [x / tot for x in adj]
        i = max(range(len(p_route)), key=p_route.__getitem__)
        route, conf_route = route_head.classes[i], float(p_route[i])
        if route != "none":
            words = models.evidence("route", route, words_ctx)
            add(
                "route",
                "model",
                "route_model",
                f"Modellen vurderer dette som {ROUTE_WORDS[route]} ({_pct(conf_route)} sikker)."
                + (
                    " Ord som trakk i den retningen: " + ", ".join(f"«{w}»" for w in words) + "."
                    if words
                    else ""
                ),
                _word_spans(a, words),
            )
            if route == "correction" and "post_number_differs" in a.flags:
                spans = numbers_not_in_post(norm.text, post)
                add(
                    "route",
                    "rule",
                    "post_numbers",
                    "Kommentaren oppgir andre tall enn innlegget: "
                    + ", ".join(f"«{norm.text[s:e]}»" for s, e in spans[:3])
                    + ". Sjekk hva som er riktig før du svarer.",
                    [list(norm.span(s, e)) for s, e in spans],
                )
            spec = tp.routes.get(route, {})
            if spec.get("description"):
                add(
                    "route",
                    "policy",
                    "route_rule",
                    f"Retningslinjen: {spec['label']} – {spec['description']}",
                )
        if route in ("service_question", "light_case", "formal_inquiry", "correction"):
            for svc, s, e, _word in tp.match_services(norm.text, analysis=a)[:1]:
                link = (
                    svc.get("form") if route == "formal_inquiry" and svc.get("form") else svc.get("link", "")
                )
                add(
                    "route",
                    "policy",
                    "service",
                    f"Gjelder tjenesten «{svc['name']}»" + (f" – lenke: {link}" if link else "") + ".",
                    [list(norm.span(s, e))],
                )

    # ---- sentiment ---------------------------------------------------------------------------------
    sent_head = models.heads["sentiment"]
    p_sent = probs["sentiment"]
    j = max(range(len(p_sent)), key=p_sent.__getitem__)
    sentiment, conf_sent = sent_head.classes[j], float(p_sent[j])

    if moderation == "remove":
        conf_reply = conf_mod
    elif route != "none":
        conf_reply = conf_route
    else:
        conf_reply = conf_route * conf_sent
    conf = {
        "moderation": conf_mod,
        "reason": conf_reason,
        "route": conf_route,
        "sentiment": conf_sent,
        "reply": conf_reply,
    }
    return _result(moderation, reason, route, sentiment, conf, reasons, eng)


def _supporting(a, by_kind, add, span, norm):
    if "phone" in by_kind:
        add(
            "moderation",
            "rule",
            "phone",
            "Inneholder et telefonnummer. Fjernes hvis det er en annens nummer lagt ut i fiendtlig hensikt.",
            [span(h) for h in by_kind["phone"]],
        )
    emails = [h for h in by_kind.get("email", []) if not h.extra.get("official")]
    if emails:
        add("moderation", "rule", "email", "Inneholder en e-postadresse.", [span(h) for h in emails])

    def mention(kind, field, source, code, lead, tail=".", width=30):
        """One reason quoting up to three of the hits of `kind` in the comment."""
        hs = by_kind.get(kind)
        if not hs:
            return
        quoted = ", ".join(
            f"«{_quote(norm.text[h.start : h.end], width) if width else norm.text[h.start : h.end]}»"
            for h in hs[:3]
        )
        add(field, source, code, f"{lead}{quoted}{tail}", [span(h) for h in hs])

    for kind, word in (("health", "helseopplysninger"), ("child_welfare", "barnevern")):
        mention(kind, "moderation", "rule", kind, f"Nevner {word}: ")
    mention("person", "moderation", "rule", "person", "Nevner en person ved navn: ")
    mention(
        "politician",
        "route",
        "policy",
        "politician",
        "Nevner en folkevalgt i kommunen: ",
        ". Kritikk av politikere som ombudspersoner skal stå.",
    )
    mention("scam_word", "moderation", "rule", "scam_words", "Ord som ofte brukes i svindel eller reklame: ")
    mention(
        "profanity",
        "moderation",
        "rule",
        "profanity",
        "Inneholder banning: ",
        ". Banning alene er ikke grunn til å fjerne.",
        width=None,
    )


def _word_spans(a: Analysis, words: list[str]) -> list[list[int]]:
    out = []
    for w in words:
        sp = a.find_word(w)
        if sp:
            out.append(list(a.norm.span(*sp)))
    return out


def _result(moderation, reason, route, sentiment, conf, reasons, eng) -> dict:
    return {
        "moderation": moderation,
        "reason": reason,
        "route": route,
        "sentiment": sentiment,
        "reply": derive_reply(moderation, route, sentiment),
        "confidence": {k: round(float(v), 3) for k, v in conf.items()},
        "reasons": reasons,
        "model_version": eng.models.version,
        "policy_version": eng.policy.version,
    }
