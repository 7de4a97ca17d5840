"""Where the records app reads its part of the policy."""

from __future__ import annotations

from functools import lru_cache

from somedesk.lib.policy import PolicyError, load_policy


@lru_cache(maxsize=1)
def records_policy() -> dict:
    """The validated `records` section of the policy file."""
    section = load_policy().get("records")
    if not section:
        raise PolicyError("the policy has no `records` section", ("records",))
    return section


def iter_klasser(klasser=None, parent=None):
    """Yield (klasse dict, parent id) depth-first, parents before children."""
    for item in klasser if klasser is not None else records_policy()["klasser"]:
        yield item, parent
        yield from iter_klasser(item["klasser"], item["id"])
