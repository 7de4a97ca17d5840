"""Every write to the inbox goes through here: idempotent upserts keyed on (channel, external id).

The same payload twice changes nothing; a changed text keeps the old one as a CommentRevision; a
platform deletion marks the comment deleted and keeps its text; events that arrive out of order
(an edit before its add) end with the newest text current and the older one in the history.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

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
        for name in ("posts_created", "posts_updated", "comments_created", "comments_updated", "revisions",
                     "unchanged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def raw_event_store(*, source: str, body: str | bytes, platform: str = "", channel: Channel | None = None,
                    status: str = RawEvent.Status.PENDING) -> tuple[RawEvent, bool]:
    """Keep a payload exactly as received. Returns (event, created); a byte-identical payload from the
    same source is the same event."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "surrogateescape")
    digest = content_hash(body.encode("utf-8", "surrogateescape"))
    return RawEvent.objects.get_or_create(
        source=source, content_hash=digest,
        defaults={"body": body, "platform": platform, "channel": channel, "status": status},
    )


def _chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _version_time(data) -> datetime:
    return data.updated_time or data.created_time


def _posts_upsert(channel: Channel, posts: list[PostData], result: IngestResult) -> dict[str, Post]:
    by_id: dict[str, PostData] = {}
    for item in posts:
        by_id[item.external_id] = item  # last one in the payload wins
    existing: dict[str, Post] = {}
    for chunk in _chunks(list(by_id)):
        for post in Post.objects.filter(channel=channel, external_id__in=chunk):
            existing[post.external_id] = post
    to_create, to_update = [], []
    for ext_id, data in by_id.items():
        post = existing.get(ext_id)
        if post is None:
            post = Post(channel=channel, external_id=ext_id, text=data.text or "", permalink=data.permalink,
                        created_time=data.created_time, updated_time=data.updated_time,
                        platform_state=_state(data.state))
            to_create.append(post)
            existing[ext_id] = post
            continue
        changed = False
        if data.text is not None and data.text != post.text and (
            post.text == "" or post.updated_time is None or _version_time(data) >= post.updated_time
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
        Post.objects.bulk_update(to_update, ["text", "permalink", "updated_time", "platform_state", "created_time"],
                                 batch_size=CHUNK)
    result.posts_created += len(to_create)
    result.posts_updated += len(to_update)
    return existing


def _state(value: str) -> str:
    return value if value in _STATE_VALUES else PlatformState.VISIBLE


def _merged_state(current: str, incoming: str) -> str:
    if current == PlatformState.DELETED:
        return current  # nothing comes back from a platform deletion
    return incoming


def ingest_batch(channel: Channel, batch: Batch, *, source: str = "import", raw_event: RawEvent | None = None,
                 send_signal: bool = True) -> IngestResult:
    """Apply one batch of posts and comments to the inbox, idempotently, in one transaction."""
    result = IngestResult()
    with transaction.atomic():
        post_ids = {c.post_external_id for c in batch.comments} - {p.external_id for p in batch.posts}
        # Comments can arrive before their post (webhooks): make a placeholder the post fills in later.
        placeholders = [
            PostData(external_id=pid, created_time=min(c.created_time for c in batch.comments
                                                      if c.post_external_id == pid), text=None)
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


def _comments_upsert(channel, comments: list[CommentData], posts: dict[str, Post], result: IngestResult,
                     raw_event: RawEvent | None) -> None:
    incoming: dict[str, CommentData] = {}
    for item in comments:
        prev = incoming.get(item.external_id)
        if prev is None or _version_time(item) >= _version_time(prev) or item.state == PlatformState.DELETED:
            incoming[item.external_id] = _merge_same_batch(prev, item)
    wanted = set(incoming) | {c.parent_external_id for c in incoming.values() if c.parent_external_id}
    existing: dict[str, Comment] = {}
    for chunk in _chunks(list(wanted)):
        for comment in Comment.objects.filter(channel=channel, external_id__in=chunk):
            existing[comment.external_id] = comment

    to_create: list[Comment] = []
    to_update: dict[str, Comment] = {}
    revisions: list[CommentRevision] = []
    for ext_id, data in incoming.items():
        comment = existing.get(ext_id)
        if comment is None:
            comment = Comment(
                channel=channel, post=posts[data.post_external_id], external_id=ext_id,
                author_external_id=data.author_external_id, author_name=data.author_name,
                from_page=data.from_page, text=data.text or "", created_time=data.created_time,
                updated_time=data.updated_time, platform_state=_state(data.state),
                parent_external_id=data.parent_external_id,
            )
            to_create.append(comment)
            existing[ext_id] = comment
            continue
        changed = _apply_to_existing(comment, data, revisions, raw_event)
        if changed:
            to_update[ext_id] = comment
        else:
            result.unchanged += 1

    Comment.objects.bulk_create(to_create, batch_size=CHUNK)
    # Link replies to parents, also parents that arrived in an earlier batch and children waiting for them.
    linked = []
    for comment in to_create:
        if comment.parent_external_id and comment.parent_id is None:
            parent = existing.get(comment.parent_external_id)
            if parent is not None and parent.pk:
                comment.parent = parent
                linked.append(comment)
    if to_create:
        new_ids = [c.external_id for c in to_create]
        for chunk in _chunks(new_ids):
            orphans = list(Comment.objects.filter(channel=channel, parent__isnull=True, parent_external_id__in=chunk))
            for orphan in orphans:
                orphan.parent = existing[orphan.parent_external_id]
            linked.extend(orphans)
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
            revisions.append(CommentRevision(comment=comment, text=comment.text, valid_from=current_time,
                                             raw_event=raw_event))
            comment.text = data.text
            comment.updated_time = data.updated_time or incoming_time
            comment._text_changed = True
            changed = True
        elif not comment.revisions.filter(text=data.text).exists():
            # An older version arriving late: history, not the current text.
            revisions.append(CommentRevision(comment=comment, text=data.text, valid_from=incoming_time,
                                             raw_event=raw_event))
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
