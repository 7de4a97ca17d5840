"""System checks: the desk's policy sections must load (`somedesk check` names the file, line and key)."""

from django.core import checks


@checks.register()
def check_desk_policy(app_configs=None, **kwargs):
    from somedesk.lib.deskpolicy import DESK_SECTIONS, desk_policy, reset
    from somedesk.lib.policy import PolicyError, default_policy_path

    reset()
    try:
        sections = desk_policy()
    except (PolicyError, OSError) as exc:
        return [checks.Error(f"The desk's policy cannot be used: {exc}", id="somedesk.E201")]
    missing = [name for name in DESK_SECTIONS if name not in sections]
    if missing:
        return [
            checks.Error(
                f"The policy has no section(s) {', '.join(missing)} (in {default_policy_path()})",
                id="somedesk.E202",
            )
        ]
    return []
