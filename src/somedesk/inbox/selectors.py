"""Reads for the inbox: the filtered, searchable, keyset-paginated comment list and the thread tree."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from somedesk.inbox.models import Channel, Comment, CommentRevision, Post, RawEvent

PAGE_SIZE = 50
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class CommentFilters:
    channel: Channel | None = None
    post: Post | None = None
    platform_state: str = ""
    date_from: date | None = None
    date_to: date | None = None
    moderation: str = ""
    reason: str = ""
    route: str = ""
    sentiment: str = ""
    q: str = ""


@dataclass
class CommentPage:
    comments: list[Comment]
    next_cursor: str = ""
    filters: CommentFilters = field(default_factory=CommentFilters)


def comments_for_organisation(organisation) -> QuerySet[Comment]:
    # The organisation's channels as a short list of ids: the planner then walks the
    # (created_time, id) index instead of joining every row to its channel.
    channel_ids = list(Channel.objects.filter(organisation=organisation).values_list("pk", flat=True))
    return Comment.objects.filter(channel_id__in=channel_ids)


def comment_list(organisation, filters: CommentFilters) -> QuerySet[Comment]:
    """The organisation's comments, newest first, with the filters applied."""
    qs = comments_for_organisation(organisation)
    if filters.channel is not None:
        qs = qs.filter(channel=filters.channel)
    if filters.post is not None:
        qs = qs.filter(post=filters.post)
    if filters.platform_state:
        qs = qs.filter(platform_state=filters.platform_state)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(created_time__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(
            created_time__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    for column, value in (
        ("triage_moderation", filters.moderation),
        ("triage_reason", filters.reason),
        ("triage_route", filters.route),
        ("triage_sentiment", filters.sentiment),
    ):
        if value:
            qs = qs.filter(**{column: value})
    if filters.q.strip():
        # Search results come newest-received first (id order): that order lets SQLite stop reading
        # the full-text index after one page instead of sorting every match (see comment_page).
        return comment_search(qs, filters.q).order_by("-id")
    return qs.order_by("-created_time", "-id")


def fts5_query(text: str) -> str:
    """User input as a safe FTS5 expression: every word a quoted term, all required.

    Quoting makes FTS5 operators (AND, OR, NEAR, column filters, quotes) plain words, so no input
    can produce a syntax error or query other columns. Whole words, no prefix `*`: a prefix term
    makes FTS5 merge whole doclists, which costs ~0.3 s for a common word at a million comments."""
    words = _WORD.findall(text)[:20]
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in words)


def comment_search(qs: QuerySet[Comment], text: str) -> QuerySet[Comment]:
    """Full-text search through the database's own index (migration inbox.0002)."""
    if connection.vendor == "sqlite":
        expression = fts5_query(text)
        if not expression:
            return qs
        return qs.filter(
            id__in=RawSQL(
                "SELECT rowid FROM inbox_comment_fts WHERE inbox_comment_fts MATCH %s", [expression]
            )
        )
    if connection.vendor == "postgresql":
        # search_vector is the stored to_tsvector('norwegian', text || ' ' || author_name) with its GIN
        # index (migration 0004).
        return qs.extra(
            where=["inbox_comment.search_vector @@ websearch_to_tsquery('norwegian'::regconfig, %s)"],
            params=[text[:500]],
        )
    return qs.filter(text__icontains=text)


def encode_cursor(comment: Comment) -> str:
    raw = f"{comment.created_time.isoformat()}|{comment.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, pk = raw.rsplit("|", 1)
        parsed = datetime.fromisoformat(when)
        if parsed.tzinfo is None:
            return None
        return parsed, int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def comment_page(
    organisation, filters: CommentFilters, cursor: str = "", size: int = PAGE_SIZE
) -> CommentPage:
    """One page of the list. Keyset pagination: the cursor is the (created_time, id) of the last row
    shown, so a deep page costs the same as the first (no OFFSET)."""
    after = decode_cursor(cursor) if cursor else None
    if filters.q.strip():
        return _search_page(organisation, filters, after, size)
    qs = comment_list(organisation, filters)
    if after is not None:
        when, pk = after
        # (created_time, id) < (when, pk), written so that the index range on created_time is used.
        qs = qs.filter(created_time__lte=when).exclude(created_time=when, id__gte=pk)
    rows = list(qs.select_related("channel", "post")[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else ""
    return CommentPage(comments=rows[:size], next_cursor=next_cursor, filters=filters)


def _search_page(organisation, filters: CommentFilters, after, size: int) -> CommentPage:
    """A page of search results, newest received (highest id) first, keyset on id."""
    if connection.vendor != "sqlite" or not fts5_query(filters.q):
        qs = comment_list(organisation, filters)
        if after is not None:
            qs = qs.filter(id__lt=after[1])
        rows = list(qs.select_related("channel", "post")[: size + 1])
        return CommentPage(
            comments=rows[:size],
            next_cursor=encode_cursor(rows[size - 1]) if len(rows) > size else "",
            filters=filters,
        )
    # SQLite: read matching rowids from FTS5 newest first in growing chunks (FTS5 walks its doclists
    # in rowid order and stops at LIMIT), keep those that pass the other filters, stop at a full page.
    expression = fts5_query(filters.q)
    base = (
        comment_list(organisation, replace(filters, q="")).order_by("-id").select_related("channel", "post")
    )
    below = after[1] if after is not None else None
    chunk, found = 2 * (size + 1), []
    with connection.cursor() as cursor:
        while len(found) <= size:
            sql = "SELECT rowid FROM inbox_comment_fts WHERE inbox_comment_fts MATCH %s"
            params: list = [expression]
            if below is not None:
                sql += " AND rowid < %s"
                params.append(below)
            cursor.execute(sql + " ORDER BY rowid DESC LIMIT %s", [*params, chunk])
            rowids = [row[0] for row in cursor.fetchall()]
            if not rowids:
                break
            found.extend(base.filter(id__in=rowids))
            if len(rowids) < chunk:
                break
            below, chunk = rowids[-1], min(chunk * 2, 4000)
    next_cursor = encode_cursor(found[size - 1]) if len(found) > size else ""
    return CommentPage(comments=found[:size], next_cursor=next_cursor, filters=filters)


@dataclass
class ThreadNode:
    comment: Comment
    children: list[ThreadNode] = field(default_factory=list)


def post_thread(post: Post) -> list[ThreadNode]:
    """The post's comments as a tree (replies under their parent), oldest first, revisions prefetched."""
    comments = list(post.comments.order_by("created_time", "id").prefetch_related("revisions"))
    nodes = {c.pk: ThreadNode(c) for c in comments}
    roots: list[ThreadNode] = []
    for comment in comments:
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.children if parent is not None else roots).append(nodes[comment.pk])
    return roots


def post_raw_events(post: Post, limit: int = 20) -> list[RawEvent]:
    """Payloads of the post's channel that mention the post's id, newest first."""
    return list(
        RawEvent.objects.filter(channel_id=post.channel_id, body__contains=f'"{post.external_id}"').order_by(
            "-id"
        )[:limit]
    )


def comment_revisions(comment: Comment) -> list[CommentRevision]:
    return list(comment.revisions.all())


def comment_rows_prefetch(comments: list[Comment]) -> None:
    """Let later apps load what their row partials need for a whole page in one query.

    An AppConfig may define `prefetch_comment_rows(comments)` (triage: the current decisions); the
    inbox calls it for every page of rows and every thread, so partials do not query per row."""
    if not comments:
        return
    for config in apps.get_app_configs():
        hook = getattr(config, "prefetch_comment_rows", None)
        if hook is not None:
            hook(comments)
