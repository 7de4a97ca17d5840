"""Policy loading: valid default policy, registered sections, refusals that name the key and the line."""

import pytest

from somedesk.lib import policy as P
from somedesk.triage.engine.policy import ROUTES, compile_policy


def test_the_shipped_policy_loads_and_compiles():
    pol = P.load_policy()
    tp = compile_policy(pol)
    assert tp.municipality == "Fjordvik kommune"
    assert set(tp.routes) == set(ROUTES)
    assert tp.politician_re.search("Spør ordfører Ingrid Solheim")
    assert tp.match_services("Søppeldunken ble ikke tømt i går")[0][0]["key"] == "renovasjon"
    assert pol.version.startswith("2026.1+")


def refused(text):
    with pytest.raises(P.PolicyError) as exc:
        P.parse_policy(text, "test.yaml")
    return exc.value


def test_broken_yaml_names_the_line():
    err = refused("version: 1\nroutes:\n  none: [unclosed\n")
    assert err.line in (3, 4)
    assert "test.yaml, line" in str(err)


def test_unknown_section_names_key_and_line():
    err = refused("version: 1\n\nmystery:\n  a: 1\n")
    assert err.line == 3 and err.key == "mystery"
    assert "unknown section 'mystery'" in str(err)


def test_a_wrong_value_deep_in_a_section_names_its_key_and_line():
    text = P.default_policy_path().read_text(encoding="utf-8")
    broken = text.replace(
        "    reply: required\n    journal: true", "    reply: sometimes\n    journal: true", 1
    )
    err = refused(broken)
    assert err.key == "routes.light_case.reply"
    assert broken.splitlines()[err.line - 1].strip() == "reply: sometimes"


def test_a_bad_service_link_is_refused_with_its_list_position():
    text = "services:\n  - key: a\n    name: A\n    keywords: [x]\n    link: not-a-url\n"
    err = refused(text)
    assert err.key == "services[0].link" and err.line == 5


def test_duplicate_keys_are_refused():
    err = refused("version: 1\nversion: 2\n")
    assert "duplicate key" in str(err) and err.line == 2


def test_empty_or_non_mapping_policy_is_refused():
    assert "empty" in str(refused(""))
    assert "mapping" in str(refused("- a\n- b\n"))


def test_an_app_can_register_its_own_section():
    def validate(value, path):
        if not isinstance(value, int):
            raise P.PolicyError("must be a number of days", path)
        return value * 2

    P.register_section("test_section_days", validate)
    try:
        assert P.parse_policy("test_section_days: 3\n").sections["test_section_days"] == 6
        err = refused("version: 1\ntest_section_days: many\n")
        assert err.key == "test_section_days" and err.line == 2 and "number of days" in str(err)
    finally:
        P._VALIDATORS.pop("test_section_days", None)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(P.PolicyError):
        P.load_policy(tmp_path / "nope.yaml")


def test_another_municipalitys_copy_changes_the_politicians_the_engine_knows(tmp_path):
    from somedesk.triage.engine import decide

    text = P.default_policy_path().read_text(encoding="utf-8")
    copy = text.replace("Ingrid Solheim", "Nils Nordvoll").replace("Fjordvik kommune", "Nabovik kommune", 1)
    path = tmp_path / "nabovik.yaml"
    path.write_text(copy, encoding="utf-8")
    comment = "Nils Nordvoll må svare på hvorfor skolen legges ned"
    mine = decide(comment, policy=str(path))
    default = decide(comment)
    assert any(r["code"] == "politician" for r in mine["reasons"])
    assert not any(r["code"] == "politician" for r in default["reasons"])
    assert mine["policy_version"] != default["policy_version"]
