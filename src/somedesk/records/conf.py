"""Where the records app reads its part of the policy."""

from __future__ import annotations

import logging
from functools import lru_cache

import yaml

from somedesk.lib.policy import PolicyError, default_policy_path, load_policy
from somedesk.records.policy_schema import validate_records

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def records_policy() -> dict:
    """The validated `records` policy section: from the main policy file when it has one, else from
    policy/records.yaml beside it."""
    try:
        section = load_policy().get("records")
        if section:
            return section
    except PolicyError as exc:
        log.warning("records: the main policy could not be loaded (%s); using policy/records.yaml", exc)
    path = default_policy_path().parent / "records.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return validate_records(data["records"], ("records",))


def iter_klasser(klasser=None, parent=None):
    """Yield (klasse dict, parent id) depth-first, parents before children."""
    for item in klasser if klasser is not None else records_policy()["klasser"]:
        yield item, parent
        yield from iter_klasser(item["klasser"], item["id"])
