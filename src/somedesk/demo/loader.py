"""Loads the demo municipality, Fjordvik kommune, from data/fjordvik.json through the same services the
real inbox uses, so the demo exercises the product rather than a shortcut around it.

Loading twice changes nothing: every object is keyed on its external id or username.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from somedesk.channels.types import Batch, CommentData, PostData
from somedesk.inbox.models import Channel, Organisation
from somedesk.inbox.services import ingest_batch

DATA_FILE = Path(__file__).parent / "data" / "fjordvik.json"
DEMO_PASSWORD = "fjordvik-demo-2026"
OSLO = ZoneInfo("Europe/Oslo")


@dataclass
class DemoSummary:
    organisation: Organisation
    users: list
    posts: int
    comments: int


def load_data(path: Path = DATA_FILE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def demo_load(stdout=None, now: datetime | None = None, path: Path = DATA_FILE) -> DemoSummary:
    from somedesk.accounts.models import User
    from somedesk.accounts.services import user_create

    data = load_data(path)
    now = now or timezone.now()
    org_data = data["organisation"]
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(
            org_number=org_data["org_number"],
            defaults={"name": org_data["name"], "website": org_data.get("website", "")},
        )
        users = []
        for person in data["people"]:
            user = User.objects.filter(username=person["username"]).first()
            if user is None:
                user = user_create(
                    username=person["username"],
                    password=DEMO_PASSWORD,
                    organisation=organisation,
                    role=person["role"],
                    first_name=person["first_name"],
                    last_name=person["last_name"],
                    job_title=person.get("title", ""),
                    unit=person.get("unit", ""),
                )
            users.append(user)
        channels = {}
        for item in data["channels"]:
            channel, _ = Channel.objects.get_or_create(
                platform=item["platform"],
                external_id=item["external_id"],
                defaults={"organisation": organisation, "name": item["name"]},
            )
            channels[item["key"]] = channel

    people = {p["username"]: p for p in data["people"]}
    citizens = data["citizens"]
    post_count = comment_count = 0
    for post in data["posts"]:
        channel = channels[post["channel"]]
        batch, edits, deletions = _post_batch(post, channel, organisation, people, citizens, now)
        post_count += 1
        comment_count += len(batch.comments)
        # Earlier versions first, then the current texts, then the author deletions: the same order
        # the platform would have sent them, so the inbox keeps the edit history.
        if edits.comments:
            ingest_batch(channel, edits, source="demo")
        ingest_batch(channel, batch, source="demo")
        if deletions.comments:
            ingest_batch(channel, deletions, source="demo")
    if stdout is not None:
        stdout.write(
            f"Loaded {organisation.name}: {post_count} posts, {comment_count} comments and replies.\n"
        )

    # Later apps add their part of the story (desk history, cases) through a hook of their own.
    for config in apps.get_app_configs():
        hook = getattr(config, "demo_load", None)
        if callable(hook):
            hook(organisation, stdout)
    return DemoSummary(organisation, users, post_count, comment_count)


def _local_time(now: datetime, days_ago: int, hour: int) -> datetime:
    day = (now.astimezone(OSLO) - timedelta(days=days_ago)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=OSLO)


def _post_batch(post, channel, organisation, people, citizens, now):
    posted = _local_time(now, post["days_ago"], post.get("hour", 9))
    latest = now - timedelta(minutes=1)
    # Today's post may have comments "later today": move the whole story back so its last comment is
    # in the past and the thread keeps its rhythm, rather than piling comments up at this minute.
    span = timedelta(minutes=_last_minute(post.get("comments", [])) + 10)
    if posted + span > latest:
        posted = latest - span
    post_id = f"{channel.external_id}_{post['key']}"
    batch = Batch(
        posts=[
            PostData(
                external_id=post_id,
                created_time=posted,
                text=post["text"],
                permalink=_permalink(channel, post_id),
            )
        ]
    )
    edits, deletions = Batch(), Batch()

    def add(comment, parent_id="", parent_time=None):
        when = min(posted + timedelta(minutes=comment.get("minutes_after", 5)), latest)
        if parent_time is not None and when <= parent_time:
            when = min(parent_time + timedelta(minutes=3), latest)
        ext_id = f"{post_id}_{comment['key']}"
        if comment.get("from_municipality"):
            author_name, author_id, from_page = organisation.name, channel.external_id, True
        else:
            author_name = citizens[comment["author"]]
            author_id, from_page = f"u{comment['author']:04d}", False
        edit_texts = comment.get("edits") or []
        final_time = when + timedelta(minutes=7 * len(edit_texts)) if edit_texts else None
        common = dict(
            external_id=ext_id,
            post_external_id=post_id,
            created_time=when,
            author_name=author_name,
            author_external_id=author_id,
            parent_external_id=parent_id,
            from_page=from_page,
        )
        for step, old_text in enumerate(edit_texts):
            edits.comments.append(
                CommentData(
                    text=old_text, updated_time=when + timedelta(minutes=7 * step) if step else None, **common
                )
            )
        batch.comments.append(CommentData(text=comment["text"], updated_time=final_time, **common))
        if comment.get("deleted_by_author"):
            deletions.comments.append(
                CommentData(
                    text=None, state="deleted", updated_time=min(when + timedelta(hours=2), latest), **common
                )
            )
        for reply in comment.get("replies", []):
            add(reply, parent_id=ext_id, parent_time=when)

    for comment in post.get("comments", []):
        add(comment)
    return batch, edits, deletions


def _last_minute(comments) -> int:
    last = 0
    for comment in comments:
        last = max(
            last,
            comment.get("minutes_after", 5) + 7 * len(comment.get("edits") or []),
            _last_minute(comment.get("replies", [])) + 3,
        )
    return last


def _permalink(channel: Channel, post_id: str) -> str:
    if channel.platform == "instagram":
        return f"https://www.instagram.com/p/{post_id.split('_')[-1]}/"
    page, _, post = post_id.partition("_")
    return f"https://www.facebook.com/{page}/posts/{post}"


def login_lines(users) -> list[str]:
    lines = []
    for user in users:
        role = ", ".join(sorted(user.groups.values_list("name", flat=True)))
        lines.append(f"  {user.username:<14} {role:<12} {user.get_full_name()} ({user.job_title})")
    return lines
