"""Webhooks over real HTTP to somedesk's live server: verification, signatures before parsing, size
limit, store-then-apply, replays, out-of-order events, events for pages not connected yet."""

import json

import httpx
import pytest

from somedesk.channels import services
from somedesk.channels.fake_graph import sign
from somedesk.channels.selectors import webhook_counters
from somedesk.inbox.models import Comment, CommentRevision, Post, RawEvent
from tests.channels.conftest import APP_SECRET, FB_TOKEN, IG_TOKEN, VERIFY_TOKEN, fixture_bytes, fixture_json

pytestmark = pytest.mark.django_db(transaction=True)


def post(live_server, platform, body: bytes, signature: str | None = "auto", **headers):
    if signature == "auto":
        signature = sign(body, APP_SECRET)
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return httpx.post(
        f"{live_server.url}/webhooks/{platform}/",
        content=body,
        headers={"Content-Type": "application/json", **headers},
        timeout=10,
    )


def counter(platform, kind):
    """What the counters say (accepted events are counted from their RawEvent rows)."""
    return webhook_counters().get((platform, kind), 0)


def test_get_verification_echoes_the_challenge(live_server):
    ok = httpx.get(
        f"{live_server.url}/webhooks/facebook/",
        params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.text == "1158201444"
    bad = httpx.get(
        f"{live_server.url}/webhooks/instagram/",
        params={"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1158201444"},
    )
    assert bad.status_code == 403 and "1158201444" not in bad.text
    assert counter("instagram", "verify_failed") == 1


@pytest.mark.parametrize(
    "signature,kind",
    [
        (None, "missing_signature"),
        ("sha256=" + "0" * 64, "bad_signature"),
        ("sha256=not-hex-at-all", "bad_signature"),
        ("sha1=" + "a" * 40, "bad_signature"),
        ("", "missing_signature"),
    ],
)
def test_a_forged_missing_or_malformed_signature_gets_403_and_stores_nothing(
    live_server, facebook, signature, kind
):
    response = post(live_server, "facebook", fixture_bytes("facebook", "feed_comment_add"), signature)
    assert response.status_code == 403
    assert RawEvent.objects.count() == 0 and Comment.objects.count() == 0
    assert counter("facebook", kind) == 1


def test_a_signature_made_with_another_secret_is_refused(live_server, facebook):
    body = fixture_bytes("facebook", "feed_comment_add")
    assert post(live_server, "facebook", body, sign(body, "someone-elses-secret")).status_code == 403
    assert RawEvent.objects.count() == 0


def test_a_signature_over_other_bytes_is_refused_even_if_the_json_is_the_same(live_server, facebook):
    body = fixture_bytes("facebook", "feed_comment_add")
    reformatted = json.dumps(json.loads(body)).encode()
    assert post(live_server, "facebook", reformatted, sign(body, APP_SECRET)).status_code == 403


def test_a_body_over_one_megabyte_is_refused(live_server, facebook):
    body = b'{"object":"page","entry":[],"pad":"' + b"x" * (1024 * 1024) + b'"}'
    response = post(live_server, "facebook", body)
    assert response.status_code == 413
    assert RawEvent.objects.count() == 0 and counter("facebook", "too_large") == 1


def test_a_good_event_is_stored_then_applied(live_server, facebook):
    body = fixture_bytes("facebook", "feed_comment_add")
    response = post(live_server, "facebook", body)
    assert response.status_code == 200
    event = RawEvent.objects.get()
    assert event.body.encode() == body and event.source == "webhook" and event.status == "applied"
    comment = Comment.objects.get(external_id="2202020202020_3303030303030")
    assert comment.text == "Når åpner biblioteket igjen?" and comment.author_name == "Kari Nordmann"
    assert comment.post.external_id == "104857600112233_2202020202020"
    assert counter("facebook", "accepted") == 1


def test_the_same_event_twice_changes_nothing(live_server, facebook):
    body = fixture_bytes("facebook", "feed_comment_add")
    post(live_server, "facebook", body)
    before = list(Comment.objects.values())
    assert post(live_server, "facebook", body).status_code == 200
    assert RawEvent.objects.count() == 1 and list(Comment.objects.values()) == before
    assert counter("facebook", "duplicate") == 1


def test_an_edit_that_arrives_before_its_add_ends_with_the_newest_text(live_server, facebook):
    post(live_server, "facebook", fixture_bytes("facebook", "feed_comment_edited"))
    post(live_server, "facebook", fixture_bytes("facebook", "feed_comment_add"))
    comment = Comment.objects.get(external_id="2202020202020_3303030303030")
    assert comment.text == "Når åpner biblioteket igjen på lørdag?"
    assert list(CommentRevision.objects.values_list("text", flat=True)) == ["Når åpner biblioteket igjen?"]


def test_hide_remove_and_reply_events_are_applied(live_server, facebook):
    for name in ("feed_status_add", "feed_comment_add", "feed_reply_add", "feed_comment_hide"):
        assert post(live_server, "facebook", fixture_bytes("facebook", name)).status_code == 200
    comment = Comment.objects.get(external_id="2202020202020_3303030303030")
    assert comment.platform_state == "hidden"
    reply = Comment.objects.get(external_id="2202020202020_4404040404040")
    assert reply.parent == comment
    assert Post.objects.get(external_id="104857600112233_2202020202020").text.startswith("Biblioteket holder")
    post(live_server, "facebook", fixture_bytes("facebook", "feed_comment_remove"))
    comment.refresh_from_db()
    assert comment.platform_state == "deleted" and comment.text == "Når åpner biblioteket igjen?"


def test_a_reaction_is_kept_but_changes_no_comment(live_server, facebook):
    assert post(live_server, "facebook", fixture_bytes("facebook", "feed_reaction_add")).status_code == 200
    assert RawEvent.objects.get().status == "applied" and Comment.objects.count() == 0


def test_an_event_for_a_page_not_connected_yet_waits_and_is_applied_on_connect(live_server, org, settings):
    body = fixture_bytes("facebook", "feed_comment_add")
    assert post(live_server, "facebook", body).status_code == 200
    event = RawEvent.objects.get()
    assert event.status == "waiting" and Comment.objects.count() == 0
    services.channel_connect(
        organisation=org,
        platform="facebook",
        external_id="104857600112233",
        name="Fjordvik kommune",
        token=FB_TOKEN,
    )
    event.refresh_from_db()
    assert event.status == "applied"
    assert Comment.objects.filter(external_id="2202020202020_3303030303030").count() == 1


def test_a_signed_body_that_is_not_json_is_kept_and_marked_failed(live_server, facebook):
    assert post(live_server, "facebook", b"{not json").status_code == 200
    event = RawEvent.objects.get()
    assert event.status == "failed" and "JSONDecodeError" in event.error


def test_instagram_comments_and_replies(live_server, instagram):
    post(live_server, "instagram", fixture_bytes("instagram", "comments"))
    post(live_server, "instagram", fixture_bytes("instagram", "comments_reply"))
    top = Comment.objects.get(external_id="17865799348089039")
    reply = Comment.objects.get(external_id="17865799348089040")
    assert top.author_name == "fjordfan" and top.post.external_id == "17900011122233344"
    assert reply.parent == top and reply.from_page


def test_an_instagram_mention_is_fetched_and_stored(live_server, fake_graph, instagram):
    services.channel_set_token(instagram, IG_TOKEN)
    media = fake_graph.add_post(instagram.external_id, "Et annet innlegg", post_id="17887498072083520")
    fake_graph.add_comment(
        media.id, "Spør @fjordvikkommune om brøytingen", author_name="nabo", comment_id="17894227972186120"
    )
    assert post(live_server, "instagram", fixture_bytes("instagram", "mentions")).status_code == 200
    assert RawEvent.objects.get().status == "applied"
    assert Comment.objects.get(external_id="17894227972186120").text == "Spør @fjordvikkommune om brøytingen"


def test_the_fake_graph_sends_signed_events_that_somedesk_accepts(live_server, fake_graph, facebook):
    fake_graph.webhook_url = f"{live_server.url}/webhooks/"
    post_item = fake_graph.add_post(facebook.external_id, "Innlegg")
    comment = fake_graph.add_comment(post_item.id, "Hei fra Graph", author_name="Kari")
    assert fake_graph.send_webhook(*fake_graph.event_for(comment)) == 200
    assert Comment.objects.get(external_id=comment.id).text == "Hei fra Graph"


def test_webhook_parsers_read_the_documented_payloads():
    from somedesk.channels.facebook.adapter import FacebookAdapter
    from somedesk.channels.instagram.adapter import InstagramAdapter

    [fb] = FacebookAdapter.parse_webhook(fixture_json("facebook", "feed_reply_add"))
    assert fb.account_id == "104857600112233"
    [reply] = fb.batch.comments
    assert reply.parent_external_id == "2202020202020_3303030303030" and reply.author_name == "Ola Hansen"
    [ig] = InstagramAdapter.parse_webhook(fixture_json("instagram", "mentions"))
    assert ig.fetch_comment_ids == ["17894227972186120:17887498072083520"] and not ig.batch.comments
    with pytest.raises(ValueError):
        FacebookAdapter.parse_webhook(fixture_json("instagram", "comments"))


def test_accepted_events_are_counted_from_their_raw_events_and_duplicates_apart(live_server, facebook):
    add, edit = (
        fixture_bytes("facebook", "feed_comment_add"),
        fixture_bytes("facebook", "feed_comment_edited"),
    )
    for body in (add, edit, add, add):
        assert post(live_server, "facebook", body).status_code == 200
    assert RawEvent.objects.count() == 2
    assert counter("facebook", "accepted") == 2 and counter("facebook", "duplicate") == 2
    assert counter("instagram", "accepted") == 0


def test_a_webhook_post_skips_session_csrf_and_locale_but_keeps_the_security_headers(live_server, facebook):
    # A browser-ish request (a session cookie, no CSRF token) is answered by the webhook path itself:
    # no CSRF refusal, no cookie or language handling, and the security headers are still there.
    response = post(
        live_server,
        "facebook",
        fixture_bytes("facebook", "feed_comment_add"),
        Cookie="sessionid=abc; django_language=en",
    )
    assert response.status_code == 200 and response.text == "EVENT_RECEIVED"
    assert "set-cookie" not in response.headers and "content-language" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert Comment.objects.filter(external_id="2202020202020_3303030303030").exists()


def test_a_content_length_over_one_megabyte_is_refused_before_reading(live_server, facebook):
    import http.client
    from urllib.parse import urlsplit

    body = fixture_bytes("facebook", "feed_comment_add")
    url = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        # The header claims more than the limit; the few bytes sent are never looked at.
        conn.putrequest("POST", "/webhooks/facebook/")
        conn.putheader("Content-Length", str(2 * 1024 * 1024))
        conn.putheader("X-Hub-Signature-256", sign(body, APP_SECRET))
        conn.endheaders()
        conn.send(body)
        assert conn.getresponse().status == 413
    finally:
        conn.close()
    assert RawEvent.objects.count() == 0 and counter("facebook", "too_large") == 1


def test_other_methods_and_paths_still_go_through_the_full_stack(live_server, facebook):
    put = httpx.put(f"{live_server.url}/webhooks/facebook/", content=b"{}", timeout=10)
    assert put.status_code == 405
    # A POST elsewhere is not a webhook: CSRF refuses it as before.
    elsewhere = httpx.post(f"{live_server.url}/konto/logg-inn/", content=b"x", timeout=10)
    assert elsewhere.status_code == 403 and RawEvent.objects.count() == 0
