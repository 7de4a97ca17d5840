from django.core.management import call_command


def test_the_shipped_desk_policy_passes_the_system_check():
    from somedesk.moderation.checks import check_desk_policy

    assert check_desk_policy() == []


def test_a_broken_desk_policy_is_an_error_naming_the_key(tmp_path, monkeypatch):
    from somedesk.lib import deskpolicy
    from somedesk.moderation.checks import check_desk_policy

    (tmp_path / "default.yaml").write_text(
        'version: "1"\nmoderation:\n  retention_days: -3\n  reasons: {}\n', encoding="utf-8"
    )
    monkeypatch.setenv("SOMEDESK_POLICY", str(tmp_path / "default.yaml"))
    try:
        errors = check_desk_policy()
        assert [e.id for e in errors] == ["somedesk.E201"]
        assert "moderation.retention_days" in errors[0].msg and "line 3" in errors[0].msg
    finally:
        monkeypatch.undo()
        deskpolicy.reset()
    call_command("check")  # and the real one is fine again
