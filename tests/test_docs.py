"""Docs change with the code: every somedesk command and every setting has its line in the README."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS_SOURCE = (ROOT / "src" / "somedesk" / "settings.py").read_text(encoding="utf-8")
INTERNAL_SETTINGS = {"SOMEDESK_TESTING", "SOMEDESK_TEST_SQLITE"}  # used by the test suite only


def test_every_somedesk_command_is_in_the_readme():
    commands = sorted(
        p.stem for p in (ROOT / "src" / "somedesk").glob("*/management/commands/*.py") if p.stem != "__init__"
    )
    assert commands, "no management commands found"
    missing = [c for c in commands if f"somedesk {c}" not in README]
    assert not missing, f"commands without a README entry: {missing}"


def test_every_environment_setting_is_in_the_readme():
    names = set(re.findall(r'(?:os\.environ\.get|env_bool|env_list)\("([A-Z_]+)"', SETTINGS_SOURCE))
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= names
    missing = sorted(n for n in names - INTERNAL_SETTINGS if f"`{n}`" not in README)
    assert not missing, f"settings without a README entry: {missing}"


def test_the_readme_lists_every_role():
    from somedesk.accounts.roles import Role

    assert all(role.value in README for role in Role)
    assert settings.LANGUAGE_CODE == "nb"
