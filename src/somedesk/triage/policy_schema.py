"""Registers the triage sections of the policy file (see somedesk.lib.policy). No Django here."""

from somedesk.triage.engine import policy as _policy  # noqa: F401  (registration happens on import)
