"""What the replies app reads from the policy: deadlines, opening hours, templates, confidential words,
and from the triage sections the municipality, the service catalogue and the politicians."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from somedesk.lib.deskpolicy import desk_policy, desk_section
from somedesk.lib.workinghours import Schedule

# Which template a comment gets by default: the route's, else the reply rule's (route none).
ROUTE_TEMPLATES = {
    "service_question": "svar_tjeneste",
    "light_case": "lett_sak_mottatt",
    "formal_inquiry": "formell_henvendelse",
    "political": "henvis_politisk",
    "correction": "rett_faktafeil",
}
RULE_TEMPLATES = {"thank": "takk", "try": "svar_negativ", "optional": "valgfritt_svar"}


def schedule() -> Schedule:
    return _schedule(id(desk_policy()))


@lru_cache(maxsize=4)
def _schedule(_key) -> Schedule:
    return Schedule.from_policy(desk_section("opening_hours"))


def target_hours(route: str) -> float:
    deadlines = desk_section("deadlines") or {}
    return float(deadlines.get(route) or deadlines.get("none") or 8)


def default_template(route: str, reply_rule: str) -> str:
    routes = desk_section("routes") or {}
    if route in routes and routes[route].get("reply_template"):
        return routes[route]["reply_template"]
    if route in ROUTE_TEMPLATES:
        return ROUTE_TEMPLATES[route]
    names = desk_section("reply_templates") or {}
    return names.get(reply_rule) or RULE_TEMPLATES.get(reply_rule, "takk")


def template_choices() -> list[tuple[str, str]]:
    return [(key, spec["label"]) for key, spec in desk_section("templates")["texts"].items()]


@dataclass
class Match:
    name: str
    link: str
    form: str


def service_for(text: str) -> Match | None:
    """The service catalogue entry the comment is about (first keyword match)."""
    for svc, pattern in _service_patterns(id(desk_policy())):
        if pattern.search(text or ""):
            return Match(svc["name"], svc.get("link", ""), svc.get("form", "") or svc.get("link", ""))
    return None


@lru_cache(maxsize=4)
def _service_patterns(_key):
    out = []
    for svc in desk_section("services") or []:
        words = sorted({w for w in svc["keywords"] if w.strip()}, key=len, reverse=True)
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")\w{0,5}(?!\w)", re.IGNORECASE
        )
        out.append((svc, pattern))
    return out


def politician_in(text: str) -> dict | None:
    for p in desk_section("politicians") or []:
        surname = p["name"].split()[-1]
        if re.search(
            r"(?<!\w)(?:" + re.escape(p["name"]) + "|" + re.escape(surname) + r")(?!\w)", text or ""
        ):
            return p
    return None


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render_template(name: str, language: str, comment_text: str) -> str:
    """The template's text in `language`, filled from the policy for this comment."""
    texts = desk_section("templates")["texts"]
    spec = texts.get(name) or texts[next(iter(texts))]
    muni = desk_section("municipality") or {}
    homepage = muni.get("homepage", "")
    service = service_for(comment_text)
    contact = desk_section("templates")["political_contact"]
    contact_name = contact["name_nn" if language == "nn" else "name_nb"]
    politician = politician_in(comment_text)
    if politician is not None:
        contact_name = f"{politician['role']} {politician['name']} / {contact_name}"
    values = _Blank(
        municipality=muni.get("name", ""),
        homepage=homepage,
        email=muni.get("email", ""),
        phone=muni.get("phone", ""),
        service=service.name.lower()
        if service
        else ("tenestene våre" if language == "nn" else "tjenestene våre"),
        service_link=(service.link if service and service.link else homepage),
        form_link=(service.form if service and service.form else homepage),
        contact=contact_name,
        contact_email=contact["email"],
        answer="",
    )
    text = spec["nn" if language == "nn" else "nb"].format_map(values)
    return re.sub(r"  +", " ", text).strip()


def confidential_words() -> list[str]:
    return list(desk_section("confidential_words") or [])


def official_domains() -> tuple[str, ...]:
    muni = desk_section("municipality") or {}
    return tuple(d.lower() for d in muni.get("domains", []))


def official_phones() -> tuple[str, ...]:
    muni = desk_section("municipality") or {}
    return tuple(p for p in [muni.get("phone", "")] if p)
