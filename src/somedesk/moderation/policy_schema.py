"""Registers the `moderation` section of the policy (see somedesk.lib.policy). No Django here."""

from somedesk.lib.policy import PolicyError, expect_keys, expect_mapping, register_section

REASONS = ("threat", "hate", "harassment", "shaming", "personal_data", "spam")


def validate_moderation(value, path):
    expect_mapping(value, path)
    expect_keys(value, path, {"retention_days", "reasons"})
    days = value["retention_days"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise PolicyError("must be a whole number of days, at least 1", path + ("retention_days",))
    reasons = expect_mapping(value["reasons"], path + ("reasons",))
    for code, spec in reasons.items():
        p = path + ("reasons", code)
        if code not in REASONS:
            raise PolicyError(f"unknown removal reason '{code}' (allowed: {', '.join(REASONS)})", p)
        expect_mapping(spec, p)
        expect_keys(spec, p, {"auto_hide"})
        if not isinstance(spec["auto_hide"], bool):
            raise PolicyError("must be true or false", p + ("auto_hide",))
    for code in REASONS:
        if code not in reasons:
            raise PolicyError(f"missing removal reason '{code}'", path + ("reasons",))
    return value


register_section("moderation", validate_moderation)
