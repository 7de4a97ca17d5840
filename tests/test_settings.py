"""Settings: production refuses to start without a secret, and `check --deploy` is clean."""

import os
import subprocess
import sys

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "a-production-secret-that-is-long-and-random-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "somedesk.fjordvik.kommune.no",
    "SOMEDESK_TESTING": "",
}


def _somedesk(args, env_extra, tmp_path):
    # A clean process environment: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak in.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SOMEDESK_TESTING", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_extra)
    env["SOMEDESK_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "somedesk", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _somedesk(["check", "--deploy", "--fail-level", "DEBUG"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = dict(PRODUCTION, SECRET_KEY="")
    result = _somedesk(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_keeps_its_generated_secret_key(tmp_path):
    env = {"DEBUG": "true", "SECRET_KEY": ""}
    first = _somedesk(["check"], env, tmp_path)
    key = (tmp_path / "secret_key").read_text()
    second = _somedesk(["check"], env, tmp_path)
    assert first.returncode == 0 and second.returncode == 0
    assert (tmp_path / "secret_key").read_text() == key and len(key) > 50
