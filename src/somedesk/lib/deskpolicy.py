"""Where the desk (moderation, replies, deadlines) reads its sections of the policy.

The sections ``moderation``, ``deadlines``, ``opening_hours``, ``templates`` and ``confidential_words``
are registered with the shared loader (``somedesk.lib.policy``) by ``somedesk.moderation.policy_schema``
and ``somedesk.replies.policy_schema``. A section present in the main policy file wins; until the
sections are merged into ``policy/default.yaml`` they are read from ``policy/desk.yaml`` beside it,
validated by the same validators. No Django here.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from somedesk.lib.policy import PolicyError, default_policy_path, load_policy, parse_policy

log = logging.getLogger(__name__)

DESK_SECTIONS = ("moderation", "deadlines", "opening_hours", "templates", "confidential_words")


@lru_cache(maxsize=1)
def desk_policy() -> dict[str, Any]:
    """Every policy section the desk uses (its own and the triage sections it reads), validated."""
    sections: dict[str, Any] = {}
    try:
        sections.update(load_policy().sections)
    except PolicyError as exc:
        log.warning("desk: the main policy could not be loaded (%s); using policy/desk.yaml only", exc)
    missing = [name for name in DESK_SECTIONS if name not in sections]
    if missing:
        path: Path = default_policy_path().parent / "desk.yaml"
        extra = parse_policy(path.read_text(encoding="utf-8"), str(path))
        for name in missing:
            if name in extra.sections:
                sections[name] = extra.sections[name]
    return sections


def desk_section(name: str, default: Any = None) -> Any:
    return desk_policy().get(name, default)


def reset() -> None:
    """Forget the cached policy (tests, or after the file was edited)."""
    desk_policy.cache_clear()
