"""Where the desk (moderation, replies, deadlines) reads its sections of the policy.

The sections ``moderation``, ``deadlines``, ``opening_hours``, ``templates`` and ``confidential_words``
are registered with the shared loader (``somedesk.lib.policy``) by ``somedesk.moderation.policy_schema``
and ``somedesk.replies.policy_schema``. They live in the one
policy file (``policy/default.yaml`` or ``$SOMEDESK_POLICY``). No Django here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from somedesk.lib.policy import load_policy

DESK_SECTIONS = ("moderation", "deadlines", "opening_hours", "templates", "confidential_words")


@lru_cache(maxsize=1)
def desk_policy() -> dict[str, Any]:
    """Every policy section the desk uses (its own and the triage sections it reads), validated.

    A broken policy raises PolicyError; the system check (somedesk.E201) refuses to start on it."""
    return dict(load_policy().sections)


def desk_section(name: str, default: Any = None) -> Any:
    return desk_policy().get(name, default)


def reset() -> None:
    """Forget the cached policy (tests, or after the file was edited)."""
    desk_policy.cache_clear()
