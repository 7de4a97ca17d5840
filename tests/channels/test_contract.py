"""One contract, run against every Graph adapter over real HTTP to the fake Graph API on loopback."""

from datetime import timedelta

import pytest
from django.utils import timezone

from somedesk.channels import services
from somedesk.channels.base import (
    NotFound,
    PermissionLost,
    RateLimited,
    TemporaryError,
    TokenInvalid,
    get_adapter,
)
from somedesk.channels.models import ChannelConnection, OutgoingAction
from somedesk.inbox.models import Channel, Comment, Post, RawEvent
from tests.channels.conftest import FB_TOKEN, IG_TOKEN

pytestmark = pytest.mark.django_db


class AdapterContract:
    platform = ""
    token = ""

    @pytest.fixture
    def channel(self, connected):
        return connected[self.platform]

    @pytest.fixture
    def fake(self, fake_graph):
        return fake_graph

    def _seed(self, fake, channel, posts=1, comments=3, replies=0):
        made = []
        for p in range(posts):
            post = fake.add_post(
                channel.external_id, f"Innlegg {p}", created=timezone.now().timestamp() - 3600 + p
            )
            for c in range(comments):
                top = fake.add_comment(
                    post.id, f"Kommentar {p}.{c}", author_name=f"Person {c}", created=post.created + 10 + c
                )
                made.append(top)
                for r in range(replies):
                    made.append(
                        fake.add_comment(
                            post.id,
                            f"Svar {p}.{c}.{r}",
                            author_name="Svarer",
                            parent_id=top.id,
                            created=top.created + 1 + r,
                        )
                    )
        return made

    def _clear_backoff(self, channel):
        ChannelConnection.objects.filter(channel=channel).update(backoff_until=None)

    # --- reading and paging ------------------------------------------------------------------------------
    def test_it_pages_through_posts_and_comments_with_cursors(self, fake, channel):
        self._seed(fake, channel, posts=30, comments=0)  # feed pages of 25
        post = fake.add_post(
            channel.external_id, "Mange kommentarer", created=timezone.now().timestamp() - 60
        )
        for i in range(120):  # comment pages of 100 (FB) / 50 (IG)
            fake.add_comment(post.id, f"K{i}", created=post.created + i)
        result = services.channel_poll(channel)
        assert result.stopped == ""
        assert Post.objects.filter(channel=channel).count() == 31
        assert Comment.objects.filter(channel=channel).count() == 120
        assert result.pages >= 2 + 2
        assert set(Comment.objects.filter(channel=channel).values_list("text", flat=True)) == {
            f"K{i}" for i in range(120)
        }

    def test_replies_keep_their_parent(self, fake, channel):
        made = self._seed(fake, channel, posts=1, comments=2, replies=2)
        services.channel_poll(channel)
        reply = Comment.objects.get(channel=channel, external_id=made[1].id)
        assert reply.parent is not None and reply.parent.external_id == made[0].id

    def test_polling_twice_changes_nothing(self, fake, channel):
        self._seed(fake, channel, posts=2, comments=3)
        services.channel_poll(channel)
        before = list(Comment.objects.filter(channel=channel).values())
        events = RawEvent.objects.count()
        services.channel_poll(channel)
        assert list(Comment.objects.filter(channel=channel).values()) == before
        assert RawEvent.objects.count() == events  # byte-identical pages are the same raw event

    def test_fetch_one_comment(self, fake, channel):
        made = self._seed(fake, channel, posts=1, comments=1)
        data = get_adapter(channel).fetch_comment(made[0].id)
        assert data.external_id == made[0].id and data.text == "Kommentar 0.0"
        assert data.post_external_id == made[0].post_id

    # --- errors ------------------------------------------------------------------------------------------
    @pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
    def test_each_rate_limit_code_is_a_rate_limit(self, fake, channel, code):
        fake.fault("rate_limit", code=code)
        with pytest.raises(RateLimited) as info:
            get_adapter(channel).list_posts()
        assert info.value.code == code and info.value.fbtrace_id

    def test_a_rate_limit_slows_the_channel_down_and_loses_nothing(self, fake, channel):
        self._seed(fake, channel, posts=2, comments=2)
        fake.fault("rate_limit", code=80001 if self.platform == "facebook" else 4, path="comments")
        first = services.channel_poll(channel)
        conn = ChannelConnection.objects.get(channel=channel)
        assert first.stopped == "rate_limited"
        assert conn.backoff_until > timezone.now() and conn.backoff_level == 1
        assert services.channel_poll(channel).stopped == "rate_limited"  # still backing off: no call
        self._clear_backoff(channel)
        assert services.channel_poll(channel).stopped == ""
        assert Comment.objects.filter(channel=channel).count() == 4

    def test_high_usage_headers_slow_the_channel_down(self, fake, channel):
        self._seed(fake, channel, posts=1, comments=1)
        fake.usage_percent = 95
        services.channel_poll(channel)
        conn = ChannelConnection.objects.get(channel=channel)
        assert conn.usage and conn.backoff_until and conn.backoff_until > timezone.now()
        assert services.channel_poll(channel).stopped == "rate_limited"

    def test_a_500_is_retried_with_backoff(self, fake, channel):
        self._seed(fake, channel, posts=1, comments=2)
        fake.fault("server_error", times=2)
        assert services.channel_poll(channel).stopped == ""
        assert Comment.objects.filter(channel=channel).count() == 2

    def test_a_timeout_is_retried(self, fake, channel, settings):
        settings.SOMEDESK_GRAPH_TIMEOUT = 0.3
        self._seed(fake, channel, posts=1, comments=1)
        fake.fault("slow", seconds=0.8)
        with pytest.raises(TemporaryError):
            get_adapter(channel).list_posts()
        fake.fault("slow", seconds=0.8)
        assert services.channel_poll(channel).stopped == ""
        assert Comment.objects.filter(channel=channel).count() == 1

    def test_an_expired_token_needs_reconnection_and_stops_all_calls(self, fake, channel):
        self._seed(fake, channel, posts=1, comments=1)
        fake.expire_token(channel.external_id)
        assert services.channel_poll(channel).stopped == "needs_reconnection"
        channel.refresh_from_db()
        assert channel.status == "needs_reconnection" and "190" in channel.status_message
        calls = len(fake.requests)
        assert services.channel_poll(channel).stopped == "needs_reconnection"
        action = services.action_request(channel, "hide", target_external_id="x")
        action.refresh_from_db()
        assert action.state == "pending" and len(fake.requests) == calls  # nothing sent
        with pytest.raises(TokenInvalid):
            get_adapter(channel)
        # A new token: the channel is active again, and what waited goes out.
        fake.set_token(channel.external_id, "EAAB-new-token")
        services.channel_reconnect(channel, "EAAB-new-token")
        channel.refresh_from_db()
        assert channel.status == "active" and channel.status_message == ""
        assert services.channel_poll(channel).stopped == ""
        assert Comment.objects.filter(channel=channel).count() == 1

    def test_a_lost_permission_shows_like_an_expired_token_at_the_first_failing_call(self, fake, channel):
        made = self._seed(fake, channel, posts=1, comments=1)
        fake.fault("permission")
        action = services.action_request(channel, "hide", target_external_id=made[0].id)
        action.refresh_from_db()
        channel.refresh_from_db()
        assert channel.status == "needs_reconnection" and "pages_manage_engagement" in channel.status_message
        assert action.state == "pending" and "200" in action.platform_message

    def test_errors_are_classified_from_the_error_object(self, fake, channel):
        fake.fault("permission")
        with pytest.raises(PermissionLost):
            get_adapter(channel).list_posts()
        fake.fault("not_found")
        with pytest.raises(NotFound):
            get_adapter(channel).list_posts()
        fake.fault("transient")
        with pytest.raises(TemporaryError):
            get_adapter(channel).list_posts()

    # --- outgoing actions --------------------------------------------------------------------------------
    def test_hide_unhide_reply_delete_go_out_and_show_their_state(self, fake, channel):
        made = self._seed(fake, channel, posts=1, comments=1)
        comment = made[0]
        hide = services.action_request(channel, "hide", target_external_id=comment.id)
        hide.refresh_from_db()
        assert hide.state == "done" and fake.items[comment.id].hidden
        unhide = services.action_request(channel, "unhide", target_external_id=comment.id)
        unhide.refresh_from_db()
        assert unhide.state == "done" and not fake.items[comment.id].hidden
        reply = services.action_request(
            channel, "reply", target_external_id=comment.id, text="Takk for spørsmålet!"
        )
        reply.refresh_from_db()
        assert reply.state == "done" and fake.items[reply.result_external_id].text == "Takk for spørsmålet!"
        assert fake.items[reply.result_external_id].author_id == channel.external_id
        delete = services.action_request(channel, "delete", target_external_id=comment.id)
        delete.refresh_from_db()
        assert delete.state == "done" and fake.items[comment.id].deleted

    def test_a_failed_action_shows_the_platforms_message(self, fake, channel):
        action = services.action_request(channel, "delete", target_external_id="123_does_not_exist")
        action.refresh_from_db()
        assert action.state == "failed" and "does not exist" in action.platform_message
        assert "code 100" in action.platform_message

    def test_a_rate_limited_action_waits_and_is_not_dropped(self, fake, channel):
        made = self._seed(fake, channel, posts=1, comments=1)
        fake.fault("rate_limit", code=4)
        action = services.action_request(channel, "hide", target_external_id=made[0].id)
        action.refresh_from_db()
        assert action.state == "pending" and action.not_before is not None
        self._clear_backoff(channel)
        OutgoingAction.objects.filter(pk=action.pk).update(not_before=None)
        services.actions_resume(channel)
        action.refresh_from_db()
        assert action.state == "done" and fake.items[made[0].id].hidden

    def test_public_replies_are_paced_per_page(self, fake, channel):
        made = self._seed(fake, channel, posts=1, comments=1)
        ChannelConnection.objects.filter(channel=channel).update(replies_per_minute=3)
        actions = [
            services.action_request(channel, "reply", target_external_id=made[0].id, text=f"Svar {i}")
            for i in range(5)
        ]
        states = [OutgoingAction.objects.get(pk=a.pk).state for a in actions]
        assert states == ["done"] * 3 + ["pending"] * 2
        waiting = OutgoingAction.objects.get(pk=actions[3].pk)
        assert waiting.not_before > timezone.now() and "3" in waiting.platform_message
        # A minute later the next two go out.
        OutgoingAction.objects.filter(state="done").update(done_at=timezone.now() - timedelta(seconds=61))
        OutgoingAction.objects.filter(state="pending").update(not_before=None)
        services.actions_resume(channel)
        assert OutgoingAction.objects.filter(state="done").count() == 5

    def test_publish_a_post(self, fake, channel):
        action = services.action_request(channel, "publish", text="Nytt fra kommunen")
        action.refresh_from_db()
        if self.platform == "facebook":
            assert (
                action.state == "done" and fake.items[action.result_external_id].text == "Nytt fra kommunen"
            )
        else:  # Instagram needs an image: refused before any call, with a clear message
            assert action.state == "failed" and "image" in action.platform_message

    def test_block_a_user_where_supported(self, fake, channel):
        action = services.action_request(channel, "block", target_external_id="6543219870123")
        action.refresh_from_db()
        if self.platform == "facebook":
            assert action.state == "done" and "6543219870123" in fake.blocked[channel.external_id]
        else:
            assert action.state == "failed" and "block" in action.platform_message


class TestFacebookAdapter(AdapterContract):
    platform = "facebook"
    token = FB_TOKEN


class TestInstagramAdapter(AdapterContract):
    platform = "instagram"
    token = IG_TOKEN


def test_the_local_adapter_records_actions_without_network(org):
    from somedesk.channels.models import LocalAction

    channel = Channel.objects.create(organisation=org, platform="local", external_id="demo-1", name="Demo")
    action = services.action_request(channel, "reply", target_external_id="c1", text="Hei")
    action.refresh_from_db()
    assert action.state == "done" and action.result_external_id.startswith("local_")
    assert LocalAction.objects.get().text == "Hei"


def test_a_comment_from_a_webhook_and_from_polling_is_stored_once(connected, fake_graph):
    from somedesk.channels.fake_graph import FakeGraph
    from somedesk.inbox.services import raw_event_store

    channel = connected["facebook"]
    post = fake_graph.add_post(channel.external_id, "Innlegg")
    comment = fake_graph.add_comment(post.id, "Både webhook og henting", author_name="Kari")
    body, _sig = FakeGraph.signed(fake_graph, fake_graph.feed_event(comment))
    raw_event_store(source="webhook", body=body, platform="facebook")
    services.raw_events_drain()
    services.channel_poll(channel)
    stored = Comment.objects.get(external_id=comment.id)
    assert stored.text == "Både webhook og henting" and stored.revisions.count() == 0
    assert Comment.objects.filter(channel=channel).count() == 1


def test_the_minute_tick_applies_events_a_killed_worker_left_pending(facebook):
    from somedesk.channels.tasks import channels_tick
    from somedesk.inbox.services import raw_event_store
    from tests.channels.conftest import fixture_bytes

    event, _ = raw_event_store(
        source="webhook", body=fixture_bytes("facebook", "feed_comment_add"), platform="facebook"
    )
    assert event.status == "pending"
    channels_tick.call_local()
    event.refresh_from_db()
    assert event.status == "applied" and Comment.objects.filter(channel=facebook).count() == 1
