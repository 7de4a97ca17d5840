"""The `records` policy section: validated by the policy loader, errors name the key and the line."""

from pathlib import Path

import pytest

from somedesk.lib.policy import PolicyError, parse_policy
from somedesk.records.conf import iter_klasser, records_policy

RECORDS_YAML = Path(__file__).resolve().parents[2] / "policy" / "default.yaml"


def test_shipped_records_policy_is_valid():
    policy = parse_policy(RECORDS_YAML.read_text(encoding="utf-8"), "policy/default.yaml")
    section = policy["records"]
    assert section["screening"]["skjermingshjemmel"] == "Offl. § 13 jf. fvl. § 13"
    assert section["klasse_for_route"]["light_case"] == "000.1"
    assert [k["id"] for k, _p in iter_klasser(section["klasser"])] == ["000", "000.1", "000.2", "001"]
    assert records_policy()["default_klasse"] == "000.1"


def test_unknown_klasse_is_refused_with_line():
    text = RECORDS_YAML.read_text(encoding="utf-8").replace('light_case: "000.1"', 'light_case: "999"')
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "default.yaml")
    assert "unknown klasse '999'" in str(info.value) and "klasse_for_route.light_case" in str(info.value)
    assert info.value.line is not None


def test_missing_legal_basis_is_refused():
    text = RECORDS_YAML.read_text(encoding="utf-8").replace(
        '    skjermingshjemmel: "Offl. § 13 jf. fvl. § 13"\n', ""
    )
    with pytest.raises(PolicyError, match="skjermingshjemmel"):
        parse_policy(text, "default.yaml")
