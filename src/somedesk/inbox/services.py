"""Every write to the inbox goes through here: idempotent upserts keyed on (channel, external id).

The same payload twice changes nothing; a changed text keeps the old one as a CommentRevision; a
platform deletion marks the comment deleted and keeps its text; events that arrive out of order
(an edit before its add) end with the newest text current and the older one in the history.
"""

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter

from django.db import connections, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from somedesk.channels.types import Batch, CommentData, PostData
from somedesk.inbox.models import Channel, Comment, CommentRevision, PlatformState, Post, RawEvent
from somedesk.inbox.signals import comments_stored
from somedesk.lib.text import content_hash

CHUNK = 500  # ids per IN (...) query: well under SQLite's variable limit

# Which state wins when two events disagree: a deletion is final, hiding beats visible only when newer.
_STATE_VALUES = {s.value for s in PlatformState}


@dataclass
class IngestResult:
    posts_created: int = 0
    posts_updated: int = 0
    comments_created: int = 0
    comments_updated: int = 0
    revisions: int = 0
    unchanged: int = 0
    stored: list[Comment] = field(default_factory=list)  # created or changed, for the signal

    def add(self, other: "IngestResult") -> None:
        for name in (
            "posts_created",
            "posts_updated",
            "comments_created",
            "comments_updated",
            "revisions",
            "unchanged",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def raw_event_store(
    *,
    source: str,
    body: str | bytes,
    platform: str = "",
    channel: Channel | None = None,
    status: str = RawEvent.Status.PENDING,
) -> tuple[RawEvent, bool]:
    """Keep a payload exactly as received. Returns (event, created); a byte-identical payload from the
    same source is the same event."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "surrogateescape")
    digest = content_hash(body.encode("utf-8", "surrogateescape"))
    return RawEvent.objects.get_or_create(
        source=source,
        content_hash=digest,
        defaults={"body": body, "platform": platform, "channel": channel, "status": status},
    )


def _chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _version_time(data) -> datetime:
    return data.updated_time or data.created_time


def _posts_upsert(channel: Channel, posts: list[PostData], result: IngestResult) -> dict[str, Post]:
    by_id: dict[str, PostData] = {}
    for item in posts:
        by_id[item.external_id] = item  # last one in the payload wins
    existing: dict[str, Post] = {}
    for chunk in _chunks(list(by_id)):
        for post in Post.objects.filter(channel=channel, external_id__in=chunk).order_by():
            existing[post.external_id] = post
    to_create, to_update = [], []
    for ext_id, data in by_id.items():
        post = existing.get(ext_id)
        if post is None:
            post = Post(
                channel=channel,
                external_id=ext_id,
                text=data.text or "",
                permalink=data.permalink,
                created_time=data.created_time,
                updated_time=data.updated_time,
                platform_state=_state(data.state),
            )
            to_create.append(post)
            existing[ext_id] = post
            continue
        changed = False
        if (
            data.text is not None
            and data.text != post.text
            and (post.text == "" or post.updated_time is None or _version_time(data) >= post.updated_time)
        ):
            post.text, post.updated_time, changed = data.text, data.updated_time or post.updated_time, True
        if data.permalink and data.permalink != post.permalink:
            post.permalink, changed = data.permalink, True
        new_state = _merged_state(post.platform_state, _state(data.state))
        if new_state != post.platform_state:
            post.platform_state, changed = new_state, True
        if data.created_time < post.created_time:  # a placeholder made from a comment gets its real time
            post.created_time, changed = data.created_time, True
        if changed:
            to_update.append(post)
    Post.objects.bulk_create(to_create, batch_size=CHUNK)
    if to_update:
        Post.objects.bulk_update(
            to_update,
            ["text", "permalink", "updated_time", "platform_state", "created_time"],
            batch_size=CHUNK,
        )
    result.posts_created += len(to_create)
    result.posts_updated += len(to_update)
    return existing


def _state(value: str) -> str:
    return value if value in _STATE_VALUES else PlatformState.VISIBLE


def _merged_state(current: str, incoming: str) -> str:
    if current == PlatformState.DELETED:
        return current  # nothing comes back from a platform deletion
    return incoming


def ingest_batch(
    channel: Channel,
    batch: Batch,
    *,
    source: str = "import",
    raw_event: RawEvent | None = None,
    send_signal: bool = True,
) -> IngestResult:
    """Apply one batch of posts and comments to the inbox, idempotently, in one transaction."""
    result = IngestResult()
    with transaction.atomic():
        post_ids = {c.post_external_id for c in batch.comments} - {p.external_id for p in batch.posts}
        # Comments can arrive before their post (webhooks): make a placeholder the post fills in later.
        placeholders = [
            PostData(
                external_id=pid,
                created_time=min(c.created_time for c in batch.comments if c.post_external_id == pid),
                text=None,
            )
            for pid in post_ids
        ]
        posts = _posts_upsert(channel, [*batch.posts, *placeholders], result)
        _comments_upsert(channel, batch.comments, posts, result, raw_event)
        if raw_event is not None and raw_event.status != RawEvent.Status.APPLIED:
            raw_event.status = RawEvent.Status.APPLIED
            raw_event.applied_at = timezone.now()
            raw_event.channel = raw_event.channel or channel
            raw_event.error = ""
            raw_event.save(update_fields=["status", "applied_at", "channel", "error"])
        if send_signal and result.stored:
            comments_stored.send(sender=Comment, comments=result.stored, source=source)
    return result


def _comments_upsert(
    channel,
    comments: list[CommentData],
    posts: dict[str, Post],
    result: IngestResult,
    raw_event: RawEvent | None,
) -> None:
    incoming: dict[str, CommentData] = {}
    for item in comments:
        prev = incoming.get(item.external_id)
        if prev is None or _version_time(item) >= _version_time(prev) or item.state == PlatformState.DELETED:
            incoming[item.external_id] = _merge_same_batch(prev, item)
    wanted = set(incoming) | {c.parent_external_id for c in incoming.values() if c.parent_external_id}
    existing: dict[str, Comment] = {}
    # A cheap id probe first; full rows only for what exists (a fresh import finds nothing).
    present = _present_ids(channel.pk, "external_id", "", list(wanted))
    for chunk in _chunks(present):
        for comment in Comment.objects.filter(channel=channel, external_id__in=chunk).order_by():
            existing[comment.external_id] = comment

    to_create: list[Comment] = []
    to_update: dict[str, Comment] = {}
    revisions: list[CommentRevision] = []
    for ext_id, data in incoming.items():
        comment = existing.get(ext_id)
        if comment is None:
            post = posts[data.post_external_id]
            comment = _comment_new(
                channel_id=channel.pk,
                post_id=post.pk,
                external_id=ext_id,
                author_external_id=data.author_external_id,
                author_name=data.author_name,
                from_page=data.from_page,
                text=data.text or "",
                created_time=data.created_time,
                updated_time=data.updated_time,
                platform_state=_state(data.state),
                parent_external_id=data.parent_external_id,
            )
            comment._state.fields_cache.update(channel=channel, post=post)
            to_create.append(comment)
            existing[ext_id] = comment
            continue
        changed = _apply_to_existing(comment, data, revisions, raw_event)
        if changed:
            to_update[ext_id] = comment
        else:
            result.unchanged += 1

    _comments_insert_linked(to_create, existing)
    # Replies from earlier batches that were waiting for one of these parents.
    linked = []
    if to_create:
        # Served by the partial index comment_orphans (parent IS NULL) of migration 0002.
        awaited = _present_ids(
            channel.pk, "parent_external_id", "AND parent_id IS NULL", [c.external_id for c in to_create]
        )
        for chunk in _chunks(awaited):
            orphans = list(
                Comment.objects.filter(
                    channel=channel, parent__isnull=True, parent_external_id__in=chunk
                ).order_by()
            )
            for orphan in orphans:
                if orphan.parent_external_id != orphan.external_id:
                    orphan.parent = existing[orphan.parent_external_id]
                    linked.append(orphan)
    if linked:
        Comment.objects.bulk_update(linked, ["parent"], batch_size=CHUNK)
    if to_update:
        Comment.objects.bulk_update(
            list(to_update.values()),
            ["text", "updated_time", "platform_state", "author_name", "author_external_id"],
            batch_size=CHUNK,
        )
    CommentRevision.objects.bulk_create(revisions, batch_size=CHUNK)
    result.comments_created += len(to_create)
    result.comments_updated += len(to_update)
    result.revisions += len(revisions)
    result.stored.extend(to_create)
    result.stored.extend(c for c in to_update.values() if getattr(c, "_text_changed", False))


def _present_ids(channel_id: int, column: str, condition: str, ids: list[str]) -> list[str]:
    """Which of `ids` occur in inbox_comment.<column> for the channel: plain SQL, because building
    hundreds of ORM `__in` lookups per batch cost more than the queries themselves."""
    found: set[str] = set()
    connection = connections[Comment.objects.db]
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in _chunks(ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT DISTINCT {column} FROM {table} WHERE channel_id = %s {condition} "
                f"AND {column} IN ({marks})",
                [channel_id, *chunk],
            )
            found.update(row[0] for row in cursor.fetchall())
    return sorted(found)


_COMMENT_DEFAULTS: dict | None = None


def _comment_new(**values) -> Comment:
    """A new, unsaved Comment without Model.__init__'s per-field work (the import's hot path): the
    field defaults, then the given attribute values (attnames: channel_id, not channel)."""
    global _COMMENT_DEFAULTS
    if _COMMENT_DEFAULTS is None:
        _COMMENT_DEFAULTS = {f.attname: f.get_default() for f in Comment._meta.concrete_fields}
    comment = Comment.__new__(Comment)
    attributes = _COMMENT_DEFAULTS.copy()
    attributes.update(values)
    attributes["_state"] = ModelState()
    comment.__dict__ = attributes
    return comment


def _comments_insert_linked(to_create: list[Comment], existing: dict[str, Comment]) -> None:
    """Insert new comments parents first, so each reply is written with its parent id already set
    (no second UPDATE pass); replies whose parent is not known yet stay unlinked until it arrives."""
    remaining = to_create
    while remaining:
        waiting = {c.external_id for c in remaining}
        ready, later = [], []
        for comment in remaining:
            parent_ext = comment.parent_external_id
            if parent_ext and parent_ext in waiting and parent_ext != comment.external_id:
                later.append(comment)
                continue
            if parent_ext and comment.parent_id is None:
                parent = existing.get(parent_ext)
                if parent is not None and parent.pk and parent is not comment:
                    comment.parent_id = parent.pk
            ready.append(comment)
        if not ready:  # a cycle of parents (never from a real platform): store them unlinked
            ready, later = later, []
        _comments_insert(ready)
        remaining = later


def _comments_insert(comments: list[Comment]) -> None:
    """A plain multi-row INSERT, skipping the ORM's per-row SQL compilation (the import's hot path).

    Only for fresh Comment instances built above; ids are read back through the unique
    (channel, external_id) index, which works the same on SQLite and PostgreSQL.
    """
    if not comments:
        return
    fields = [f for f in Comment._meta.concrete_fields if not f.primary_key]
    connection = connections[Comment.objects.db]
    adapt = _sqlite_datetime if connection.vendor == "sqlite" else connection.ops.adapt_datetimefield_value
    datetime_positions = [i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)]
    values_of = attrgetter(*(f.attname for f in fields))
    now = timezone.now()
    now_adapted = adapt(now)
    rows = []
    for comment in comments:
        comment.first_seen_at = now
        row = list(values_of(comment))
        for i in datetime_positions:
            value = row[i]
            if value is now:
                row[i] = now_adapted
            elif value is not None:
                row[i] = adapt(value)
        rows.append(row)
    table = connection.ops.quote_name(Comment._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Multi-row VALUES, not executemany: on SQLite a statement per row pays the FTS trigger's
    # statement-journal cost per row (5x slower); 400 rows x 20 columns stays under every parameter limit.
    rows_per_statement = 400
    by_channel: dict[int, dict[str, Comment]] = {}
    for comment in comments:
        by_channel.setdefault(comment.channel_id, {})[comment.external_id] = comment
    with connection.cursor() as cursor:
        for start in range(0, len(rows), rows_per_statement):
            chunk = rows[start : start + rows_per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one_row] * len(chunk)),
                [value for row in chunk for value in row],
            )
        for channel_id, wanted in by_channel.items():
            for chunk in _chunks(list(wanted)):
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT id, external_id FROM {table} WHERE channel_id = %s AND external_id IN ({marks})",
                    [channel_id, *chunk],
                )
                for pk, external_id in cursor.fetchall():
                    comment = wanted[external_id]
                    comment.pk = pk
                    comment._state.adding = False
                    comment._state.db = connection.alias


def _sqlite_datetime(value: datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text), without its checks."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ")[:-6]  # "2026-11-02 08:15:30[.ffffff]" without "+00:00"


def _merge_same_batch(prev: CommentData | None, item: CommentData) -> CommentData:
    """Within one payload a deletion without text must not erase the text seen just before it."""
    if prev is None or item.text is not None:
        return item
    from dataclasses import replace

    return replace(item, text=prev.text)


def _apply_to_existing(comment: Comment, data: CommentData, revisions: list, raw_event) -> bool:
    changed = False
    current_time = comment.updated_time or comment.created_time
    incoming_time = _version_time(data)
    if data.text is not None and data.text != comment.text:
        if incoming_time >= current_time:
            revisions.append(
                CommentRevision(
                    comment=comment, text=comment.text, valid_from=current_time, raw_event=raw_event
                )
            )
            comment.text = data.text
            comment.updated_time = data.updated_time or incoming_time
            comment._text_changed = True
            changed = True
        elif not comment.revisions.filter(text=data.text).exists():
            # An older version arriving late: history, not the current text.
            revisions.append(
                CommentRevision(
                    comment=comment, text=data.text, valid_from=incoming_time, raw_event=raw_event
                )
            )
            changed = True
    new_state = _merged_state(comment.platform_state, _state(data.state))
    if new_state != comment.platform_state and (
        new_state == PlatformState.DELETED or incoming_time >= current_time
    ):
        comment.platform_state = new_state
        changed = True
    if data.author_name and not comment.author_name:
        comment.author_name, comment.author_external_id = data.author_name, data.author_external_id
        changed = True
    return changed


# ------------------------------------------------------------------------------------------------
# Importing a Graph-shaped file (`somedesk import`)
# ------------------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    posts: int = 0  # post objects read
    comments: int = 0  # comment objects read
    skipped: int = 0  # post objects already imported before (same payload)
    batches: int = 0
    channels_created: list[Channel] = field(default_factory=list)
    ingest: IngestResult = field(default_factory=IngestResult)
    stored_ids: list[int] = field(default_factory=list)  # new or changed comments, for import_settle
    channel_ids: set[int] = field(default_factory=set)


KEEP_IN_MEMORY = 64 * 1024 * 1024  # ~200,000 comments; parsed records take ~5x the file size


class ImportSetupError(ValueError):
    """The file is fine, but the import cannot start (no channel, no organisation...)."""


def feed_import(
    path,
    *,
    channel: Channel | None = None,
    organisation=None,
    batch_size: int = 5000,
    progress=None,
    actor=None,
) -> ImportResult:
    """Import a Graph page feed (JSON) or JSON Lines of post objects.

    The whole file is validated first, so a malformed file changes nothing; then it is written in
    batches of about `batch_size` comments, each batch one transaction (raw events + ingest_batch).
    A post object imported before (byte-identical) is skipped, so importing a file again is a no-op.
    `progress(0, total)` is called once the file is validated, then `progress(n_comments)` after each batch.
    """
    from somedesk.inbox.importer import read_records

    page_id_required = channel is None
    result = ImportResult()
    pages: dict[str, str] = {}
    # Files up to KEEP_IN_MEMORY bytes are parsed once; bigger ones are read a second time to write.
    kept: list | None = [] if os.path.getsize(path) <= KEEP_IN_MEMORY else None
    for record in read_records(path, page_id_required=page_id_required):  # pass 1: validate only
        if kept is not None:
            kept.append(record)
        result.posts += 1
        result.comments += len(record.comments)
        if page_id_required:
            pages[record.page_id] = pages.get(record.page_id) or record.page_name
    channels = {"": channel} if channel is not None else _channels_for_pages(pages, organisation, result)
    if progress is not None:
        progress(0, result.comments)  # the total, now that it is known

    pending: list = []
    pending_comments = 0
    current_key = None
    records = kept if kept is not None else read_records(path, page_id_required=page_id_required)
    for record in records:  # pass 2: write
        key = "" if channel is not None else record.page_id
        if pending and (key != current_key or pending_comments >= batch_size):
            _import_batch(channels[current_key], pending, result, progress)
            pending, pending_comments = [], 0
        current_key = key
        pending.append(record)
        pending_comments += len(record.comments)
    if pending:
        _import_batch(channels[current_key], pending, result, progress)
    if result.ingest.posts_created or result.ingest.comments_created or result.ingest.comments_updated:
        from somedesk.audit.services import record as audit_record

        with transaction.atomic():
            audit_record(
                actor,
                "inbox.import",
                None,
                {
                    "file": str(getattr(path, "name", path)).rsplit("/", 1)[-1],
                    "posts_created": result.ingest.posts_created,
                    "comments_created": result.ingest.comments_created,
                    "comments_updated": result.ingest.comments_updated,
                    "revisions": result.ingest.revisions,
                },
                organisation=next(iter(channels.values())).organisation,
                actor_label=None if actor else "import",
            )
    return result


def import_settle(result: ImportResult, *, chunk: int = 2000, progress=None) -> int:
    """Second stage of an import: send comments_stored for what the import stored, so triage decides
    and the desk opens its cases, one chunk per transaction.

    Also picks up comments of the same channels that have no decision yet, so an import interrupted
    between the stages is completed by running it again (the storing stage is then a no-op)."""
    ids = list(dict.fromkeys(result.stored_ids))
    if result.channel_ids:
        seen = set(ids)
        untriaged = Comment.objects.filter(
            channel_id__in=result.channel_ids, triage_moderation="", from_page=False
        ).values_list("pk", flat=True)
        ids.extend(pk for pk in untriaged.iterator(chunk_size=5000) if pk not in seen)
    if progress is not None:
        progress(0, len(ids))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        comments = list(Comment.objects.filter(pk__in=part).select_related("channel").order_by("pk"))
        with transaction.atomic():
            comments_stored.send(sender=Comment, comments=comments, source=RawEvent.Source.IMPORT)
        if progress is not None:
            progress(len(part))
    return len(ids)


def _channels_for_pages(pages: dict[str, str], organisation, result: ImportResult) -> dict[str, Channel]:
    from somedesk.audit.services import record as audit_record
    from somedesk.inbox.models import Organisation, Platform

    found = {
        c.external_id: c
        for c in Channel.objects.filter(platform=Platform.FACEBOOK, external_id__in=list(pages))
    }
    missing = [page_id for page_id in pages if page_id not in found]
    if missing and organisation is None:
        organisations = list(Organisation.objects.all()[:2])
        if not organisations:
            raise ImportSetupError(
                _(
                    "Det finnes ingen organisasjon å opprette kanalen for side %(page)s i. Opprett kommunen "
                    "først (for eksempel med «somedesk demo») eller oppgi --channel."
                )
                % {"page": missing[0]}
            )
        if len(organisations) > 1:
            raise ImportSetupError(
                _(
                    "Siden %(page)s har ingen kanal, og det finnes flere organisasjoner. Oppgi --organisation "
                    "(organisasjonsnummer) eller --channel."
                )
                % {"page": missing[0]}
            )
        organisation = organisations[0]
    for page_id in missing:
        with transaction.atomic():
            created = Channel.objects.create(
                organisation=organisation,
                platform=Platform.FACEBOOK,
                external_id=page_id,
                name=pages[page_id] or f"Facebook {page_id}",
            )
            audit_record(
                None,
                "channel.create",
                created,
                {"external_id": page_id, "via": "import"},
                organisation=organisation,
                actor_label="import",
            )
        found[page_id] = created
        result.channels_created.append(created)
    return found


def _import_batch(channel: Channel, records: list, result: ImportResult, progress) -> None:
    by_hash: dict[str, object] = {}
    for record in records:
        by_hash.setdefault(content_hash(record.body), record)
    n_comments = sum(len(r.comments) for r in records)
    result.channel_ids.add(channel.pk)
    with transaction.atomic():
        done: set[str] = set()
        retry: list[RawEvent] = []
        for chunk in _chunks(list(by_hash)):
            for event in RawEvent.objects.filter(source=RawEvent.Source.IMPORT, content_hash__in=chunk):
                if event.status == RawEvent.Status.APPLIED:
                    done.add(event.content_hash)
                else:
                    retry.append(event)
        fresh = [(digest, record) for digest, record in by_hash.items() if digest not in done]
        result.skipped += len(by_hash) - len(fresh)
        if fresh:
            now = timezone.now()
            retried = {event.content_hash for event in retry}
            RawEvent.objects.bulk_create(
                [
                    RawEvent(
                        source=RawEvent.Source.IMPORT,
                        platform=channel.platform,
                        channel=channel,
                        body=record.body,
                        content_hash=digest,
                        status=RawEvent.Status.APPLIED,
                        applied_at=now,
                    )
                    for digest, record in fresh
                    if digest not in retried
                ],
                batch_size=CHUNK,
            )
            if retry:
                RawEvent.objects.filter(pk__in=[e.pk for e in retry]).update(
                    status=RawEvent.Status.APPLIED, applied_at=now, channel=channel, error=""
                )
            batch = Batch(
                posts=[record.post for _d, record in fresh],
                comments=[c for _d, record in fresh for c in record.comments],
            )
            # The comments_stored receivers (triage, desk) run afterwards in import_settle: storing
            # 100,000 comments must not wait for each batch to be triaged.
            stored = ingest_batch(channel, batch, source=RawEvent.Source.IMPORT, send_signal=False)
            result.ingest.add(stored)
            result.stored_ids.extend(c.pk for c in stored.stored)
            result.batches += 1
    if progress is not None:
        progress(n_comments)
