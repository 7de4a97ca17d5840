"""The `records` section of the policy: archive structure, classes and screening rules (Noark 5).

Registered with somedesk.lib.policy; read through somedesk.records.conf.records_policy.
"""

from __future__ import annotations

from typing import Any

from somedesk.lib.policy import (
    PolicyError,
    expect_keys,
    expect_list,
    expect_mapping,
    expect_str,
    register_section,
)


def _validate_klasser(value: Any, path, seen: set[str]) -> list[dict]:
    out = []
    for i, item in enumerate(expect_list(value, path)):
        p = path + (i,)
        expect_mapping(item, p)
        expect_keys(item, p, {"id", "tittel"}, {"klasser", "beskrivelse"})
        klasse_id = expect_str(
            str(item["id"]) if isinstance(item["id"], int | str) else item["id"], p + ("id",)
        )
        if klasse_id in seen:
            raise PolicyError(f"klasse id '{klasse_id}' is used twice", p + ("id",))
        seen.add(klasse_id)
        children = _validate_klasser(item.get("klasser", []), p + ("klasser",), seen)
        out.append(
            {
                "id": klasse_id,
                "tittel": expect_str(item["tittel"], p + ("tittel",)),
                "beskrivelse": item.get("beskrivelse", ""),
                "klasser": children,
            }
        )
    return out


def validate_records(value: Any, path=("records",)) -> dict:
    expect_mapping(value, path)
    expect_keys(
        value,
        path,
        {"arkiv", "arkivdel", "klassifikasjonssystem", "klasser", "administrativ_enhet", "screening"},
        {"klasse_for_route", "default_klasse", "journalenhet"},
    )
    for key in ("arkiv", "arkivdel", "klassifikasjonssystem"):
        expect_mapping(value[key], path + (key,))
        expect_str(value[key].get("tittel"), path + (key, "tittel"))
    seen: set[str] = set()
    klasser = _validate_klasser(value["klasser"], path + ("klasser",), seen)
    if not klasser:
        raise PolicyError("at least one klasse is needed", path + ("klasser",))
    routes = value.get("klasse_for_route", {}) or {}
    expect_mapping(routes, path + ("klasse_for_route",))
    for route, klasse_id in routes.items():
        if str(klasse_id) not in seen:
            raise PolicyError(f"unknown klasse '{klasse_id}'", path + ("klasse_for_route", route))
    default = str(value.get("default_klasse") or klasser[0]["id"])
    if default not in seen:
        raise PolicyError(f"unknown klasse '{default}'", path + ("default_klasse",))
    screening = expect_mapping(value["screening"], path + ("screening",))
    expect_keys(
        screening,
        path + ("screening",),
        {"skjermingshjemmel", "tilgangsrestriksjon"},
        {"private_person_names", "replacement", "public_words", "withhold_title_routes"},
    )
    expect_str(screening["skjermingshjemmel"], path + ("screening", "skjermingshjemmel"))
    expect_str(str(screening["tilgangsrestriksjon"]), path + ("screening", "tilgangsrestriksjon"))
    public_words = expect_list(screening.get("public_words", []), path + ("screening", "public_words"))
    withhold = expect_list(
        screening.get("withhold_title_routes", []), path + ("screening", "withhold_title_routes")
    )
    return {
        "arkiv": dict(value["arkiv"]),
        "arkivdel": dict(value["arkivdel"]),
        "klassifikasjonssystem": dict(value["klassifikasjonssystem"]),
        "klasser": klasser,
        "klasse_for_route": {str(k): str(v) for k, v in routes.items()},
        "default_klasse": default,
        "administrativ_enhet": expect_str(value["administrativ_enhet"], path + ("administrativ_enhet",)),
        "journalenhet": str(value.get("journalenhet") or ""),
        "screening": {
            "private_person_names": bool(screening.get("private_person_names", True)),
            "replacement": str(screening.get("replacement") or "******"),
            "tilgangsrestriksjon": str(screening["tilgangsrestriksjon"]),
            "skjermingshjemmel": screening["skjermingshjemmel"],
            "public_words": [str(w) for w in public_words],
            "withhold_title_routes": [str(r) for r in withhold],
        },
    }


register_section("records", validate_records)
