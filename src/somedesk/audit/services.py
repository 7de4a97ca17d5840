"""The audit trail: an append-only, hash-chained log written in the same transaction as the change."""

import hashlib
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from somedesk.audit.models import AuditEvent
from somedesk.lib.text import canonical_json

GENESIS = "0" * 64


def _event_digest(
    prev_hash: str,
    *,
    created_at,
    actor_label,
    action,
    target_type,
    target_id,
    target_repr,
    changes,
    organisation_id,
) -> str:
    body = canonical_json(
        {
            "prev": prev_hash,
            "at": created_at.isoformat(timespec="microseconds"),
            "actor": actor_label,
            "action": action,
            "target": [target_type, str(target_id), target_repr],
            "changes": changes,
            "org": organisation_id,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    """Serialise appends so two writers never chain onto the same predecessor."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [738_001])
    # SQLite: transactions start IMMEDIATE (settings), which already serialises writers.


def _chain_head() -> str:
    """The hash of the newest event (plain SQL: this runs for every webhook batch, and the ORM query
    costs ten times the statement)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else GENESIS


@dataclass
class Entry:
    """One event to append; `record_many` writes several in one go."""

    actor: object
    action: str
    target: object = None
    changes: dict | None = None
    organisation: object = None
    actor_label: str | None = None
    at: object = None


def record(
    actor,
    action: str,
    target=None,
    changes: dict | None = None,
    *,
    organisation=None,
    actor_label: str | None = None,
    at=None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it describes.

    `at` is only for loading history (the demo); live actions are stamped now.
    """
    return record_many([Entry(actor, action, target, changes, organisation, actor_label, at)])[0]


def record_many(entries: list[Entry]) -> list[AuditEvent]:
    """Append several events under one lock: one event per object still, at the cost of one insert.

    Used where the system changes many objects at once (a webhook batch opening desk items)."""
    rows = []
    for entry in entries:
        actor = entry.actor
        if actor is not None and getattr(actor, "is_authenticated", False):
            label, actor_obj = entry.actor_label or actor.get_username(), actor
        else:
            label, actor_obj = entry.actor_label or "system", None
        organisation = entry.organisation
        if organisation is None and actor_obj is not None:
            organisation = getattr(actor_obj, "organisation", None)
        target_type = target_id = target_repr = ""
        if entry.target is not None:
            target = entry.target
            target_type = f"{target._meta.app_label}.{target._meta.model_name}"
            target_id = str(target.pk)
            target_repr = str(target)[:300]
        rows.append(
            dict(
                actor=actor_obj,
                actor_label=label,
                action=entry.action,
                target_type=target_type,
                target_id=target_id,
                target_repr=target_repr,
                changes=_json_safe(entry.changes or {}),
                organisation_id=getattr(organisation, "pk", organisation),
                at=entry.at,
            )
        )
    if not rows:
        return []
    with transaction.atomic():
        _lock_chain()
        prev_hash = _chain_head()
        now = timezone.now()
        events = []
        for row in rows:
            created_at = row.pop("at") or now
            digest = _event_digest(
                prev_hash,
                created_at=created_at,
                actor_label=row["actor_label"],
                action=row["action"],
                target_type=row["target_type"],
                target_id=row["target_id"],
                target_repr=row["target_repr"],
                changes=row["changes"],
                organisation_id=row["organisation_id"],
            )
            events.append(AuditEvent(created_at=created_at, prev_hash=prev_hash, hash=digest, **row))
            prev_hash = digest
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            # Insert in chain order; ids ascend with the chain (verify walks by id).
            AuditEvent.objects.bulk_create(events, batch_size=500)
        return events


def _json_safe(value):
    import json

    return json.loads(canonical_json(value))


@dataclass
class ChainProblem:
    event_id: int
    message: str


def verify_chain(progress=None) -> ChainProblem | None:
    """Walk the chain in order; return the first event whose hash or link does not hold."""
    prev_hash = GENESIS
    events = AuditEvent.objects.order_by("id").values(
        "id",
        "created_at",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "changes",
        "organisation_id",
        "prev_hash",
        "hash",
    )
    for row in events.iterator(chunk_size=2000):
        if row["prev_hash"] != prev_hash:
            return ChainProblem(
                row["id"], "the link to the previous event is broken (an event was removed or altered)"
            )
        expected = _event_digest(
            prev_hash,
            created_at=row["created_at"],
            actor_label=row["actor_label"],
            action=row["action"],
            target_type=row["target_type"],
            target_id=row["target_id"],
            target_repr=row["target_repr"],
            changes=row["changes"],
            organisation_id=row["organisation_id"],
        )
        if expected != row["hash"]:
            return ChainProblem(row["id"], "the event's content does not match its hash (it was altered)")
        prev_hash = row["hash"]
        if progress is not None:
            progress(1)
    return None
