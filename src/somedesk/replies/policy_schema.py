"""Registers the desk's reply sections of the policy: `deadlines`, `opening_hours`, `templates`,
`confidential_words` (see somedesk.lib.policy). No Django here."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from somedesk.lib.policy import (
    PolicyError,
    expect_keys,
    expect_list,
    expect_mapping,
    expect_str,
    register_section,
)
from somedesk.lib.workinghours import WEEKDAYS, parse_window

ROUTES = ("none", "service_question", "light_case", "formal_inquiry", "political", "correction")
TEMPLATE_NAMES = (
    "takk",
    "svar_tjeneste",
    "lett_sak_mottatt",
    "formell_henvendelse",
    "henvis_politisk",
    "rett_faktafeil",
    "svar_negativ",
    "valgfritt_svar",
)


def validate_deadlines(value, path):
    expect_mapping(value, path)
    for route, hours in value.items():
        if route not in ROUTES:
            raise PolicyError(f"unknown route '{route}' (allowed: {', '.join(ROUTES)})", path + (route,))
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
            raise PolicyError("must be a number of working hours above 0", path + (route,))
    for route in ROUTES:
        if route not in value:
            raise PolicyError(f"missing route '{route}'", path)
    return value


def validate_opening_hours(value, path):
    expect_mapping(value, path)
    expect_keys(value, path, {"days"}, {"timezone", "holidays", "closed_dates"})
    try:
        ZoneInfo(str(value.get("timezone", "Europe/Oslo")))
    except (ZoneInfoNotFoundError, ValueError):
        raise PolicyError("unknown time zone", path + ("timezone",)) from None
    country = str(value.get("holidays", "NO"))
    if country not in holidays.list_supported_countries():
        raise PolicyError(f"no public holidays known for country '{country}'", path + ("holidays",))
    value["holidays"] = country
    days = expect_mapping(value["days"], path + ("days",))
    if not days:
        raise PolicyError("the desk must be open at least one day a week", path + ("days",))
    for day, window in days.items():
        if day not in WEEKDAYS:
            raise PolicyError(f"unknown day '{day}' (allowed: {', '.join(WEEKDAYS)})", path + ("days", day))
        try:
            parse_window(expect_str(window, path + ("days", day)))
        except ValueError as exc:
            raise PolicyError(str(exc), path + ("days", day)) from None
    import datetime as _dt

    closed = expect_list(value.get("closed_dates", []), path + ("closed_dates",))
    for i, d in enumerate(closed):
        try:
            _dt.date.fromisoformat(str(d))
        except ValueError:
            raise PolicyError("must be a date like 2026-12-24", path + ("closed_dates", i)) from None
    return value


def validate_templates(value, path):
    expect_mapping(value, path)
    expect_keys(value, path, {"texts", "political_contact"})
    contact = expect_mapping(value["political_contact"], path + ("political_contact",))
    expect_keys(contact, path + ("political_contact",), {"name_nb", "name_nn", "email"}, {"url"})
    for k in ("name_nb", "name_nn", "email"):
        expect_str(contact[k], path + ("political_contact", k))
    texts = expect_mapping(value["texts"], path + ("texts",))
    for name, spec in texts.items():
        p = path + ("texts", name)
        expect_mapping(spec, p)
        expect_keys(spec, p, {"label", "nb", "nn"})
        for k in ("label", "nb", "nn"):
            expect_str(spec[k], p + (k,))
    for name in TEMPLATE_NAMES:
        if name not in texts:
            raise PolicyError(f"missing template '{name}'", path + ("texts",))
    return value


def validate_confidential_words(value, path):
    expect_list(value, path)
    for i, word in enumerate(value):
        expect_str(word, path + (i,))
    return value


register_section("deadlines", validate_deadlines)
register_section("opening_hours", validate_opening_hours)
register_section("templates", validate_templates)
register_section("confidential_words", validate_confidential_words)
