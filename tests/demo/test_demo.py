"""The demo municipality loads from the data file, and loading it twice duplicates nothing."""

import pytest
from django.core.management import call_command

from somedesk.accounts.models import User
from somedesk.audit.models import AuditEvent
from somedesk.demo.loader import load_data
from somedesk.inbox.models import Channel, Comment, CommentRevision, Organisation, Post

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Channel, Post, Comment, CommentRevision, User)
    }


def _expected_comments(data):
    def count(items):
        return sum(1 + count(item.get("replies", [])) for item in items)

    return sum(count(post.get("comments", [])) for post in data["posts"])


def test_the_demo_loads_every_post_comment_and_role_once():
    data = load_data()
    call_command("demo", "--load-only")
    first = _counts()
    assert first["Organisation"] == 1 and first["Channel"] == 2
    assert first["Post"] == len(data["posts"])
    assert first["Comment"] == _expected_comments(data)
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert {"servicetorg", "redaktor", "fagperson", "arkivar", "leder"} <= roles
    events = AuditEvent.objects.count()

    call_command("demo", "--load-only")
    assert _counts() == first
    assert AuditEvent.objects.count() == events


def test_the_demo_is_big_and_spread_enough_to_show_the_product():
    data = load_data()
    assert len(data["posts"]) >= 40
    assert _expected_comments(data) >= 600
    assert {post["channel"] for post in data["posts"]} == {"fb", "ig"}
    assert max(post["days_ago"] for post in data["posts"]) >= 50


def test_the_live_demo_never_talks_to_the_real_graph_api(org, settings):
    from django.core.management.base import CommandError

    from somedesk.demo.live import LiveDemo

    settings.META_GRAPH_URL = "https://graph.facebook.com"
    with pytest.raises(CommandError, match="loopback"):
        LiveDemo(org, "127.0.0.1:8000", None).start()
