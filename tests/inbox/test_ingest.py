"""Idempotent upserts: the same payload twice changes nothing; edits keep history; deletions keep text."""

import pytest

from somedesk.channels.types import Batch, CommentData, PostData
from somedesk.inbox.models import Comment, CommentRevision, Post, RawEvent
from somedesk.inbox.services import ingest_batch, raw_event_store
from tests.conftest import at

pytestmark = pytest.mark.django_db


def _batch(text="Når åpner biblioteket?", state="visible", updated=None):
    return Batch(
        posts=[PostData(external_id="P1", created_time=at(1), text="Biblioteket får nye åpningstider.")],
        comments=[
            CommentData(
                external_id="C1",
                post_external_id="P1",
                created_time=at(1, 13),
                text=text,
                author_external_id="u1",
                author_name="Kari",
                state=state,
                updated_time=updated,
            )
        ],
    )


def _snapshot():
    return (
        list(Post.objects.values()),
        list(Comment.objects.values()),
        list(CommentRevision.objects.values()),
    )


def test_the_same_payload_twice_changes_nothing(facebook):
    first = ingest_batch(facebook, _batch())
    before = _snapshot()
    second = ingest_batch(facebook, _batch())
    assert first.comments_created == 1 and first.posts_created == 1
    assert second.comments_created == 0 and second.comments_updated == 0 and second.unchanged == 1
    assert _snapshot() == before


def test_an_edit_makes_a_revision_and_keeps_the_old_text(facebook):
    ingest_batch(facebook, _batch())
    result = ingest_batch(facebook, _batch(text="Når åpner biblioteket på lørdag?", updated=at(1, 14)))
    comment = Comment.objects.get(external_id="C1")
    assert result.revisions == 1
    assert comment.text == "Når åpner biblioteket på lørdag?"
    assert list(comment.revisions.values_list("text", flat=True)) == ["Når åpner biblioteket?"]


def test_an_edit_that_arrives_before_the_add_ends_with_the_newest_text(facebook):
    ingest_batch(facebook, _batch(text="ny tekst", updated=at(1, 14)))
    ingest_batch(facebook, _batch(text="gammel tekst"))
    comment = Comment.objects.get(external_id="C1")
    assert comment.text == "ny tekst"
    assert list(comment.revisions.values_list("text", flat=True)) == ["gammel tekst"]


def test_a_platform_deletion_marks_deleted_and_keeps_the_text(facebook):
    ingest_batch(facebook, _batch())
    deletion = Batch(
        comments=[
            CommentData(
                external_id="C1", post_external_id="P1", created_time=at(1, 13), text=None, state="deleted"
            )
        ]
    )
    ingest_batch(facebook, deletion)
    comment = Comment.objects.get(external_id="C1")
    assert comment.platform_state == "deleted"
    assert comment.text == "Når åpner biblioteket?"


def test_a_reply_is_linked_to_its_parent_even_when_it_arrives_first(facebook):
    reply = Batch(
        comments=[
            CommentData(
                external_id="C2",
                post_external_id="P1",
                created_time=at(1, 15),
                text="Klokka ti",
                parent_external_id="C1",
            )
        ]
    )
    ingest_batch(facebook, reply)
    assert Comment.objects.get(external_id="C2").parent is None
    ingest_batch(facebook, _batch())
    assert Comment.objects.get(external_id="C2").parent.external_id == "C1"


def test_a_comment_before_its_post_creates_a_placeholder_the_post_fills(facebook):
    only_comment = Batch(
        comments=[CommentData(external_id="C9", post_external_id="P9", created_time=at(2), text="Hei")]
    )
    ingest_batch(facebook, only_comment)
    assert Post.objects.get(external_id="P9").text == ""
    ingest_batch(facebook, Batch(posts=[PostData(external_id="P9", created_time=at(1), text="Innlegget")]))
    post = Post.objects.get(external_id="P9")
    assert post.text == "Innlegget" and post.created_time == at(1)


def test_raw_events_are_kept_exactly_and_once(facebook):
    body = '{"object": "page", "entry": [{"id": "1", "tekst": "æøå ✓"}]}'
    event, created = raw_event_store(source="webhook", body=body, platform="facebook")
    again, created_again = raw_event_store(source="webhook", body=body.encode(), platform="facebook")
    assert created and not created_again and event.pk == again.pk
    assert RawEvent.objects.get().body == body
