"""Desk fixtures: a `local` channel (no network; every platform action is recorded in LocalAction) and a
helper that stores a comment through the inbox and applies a triage decision, as triage would."""

from datetime import datetime
from itertools import count

import pytest

from tests.conftest import at  # noqa: F401

_ids = count(1)


@pytest.fixture
def local_channel(org):
    from somedesk.inbox.models import Channel

    return Channel.objects.create(
        organisation=org, platform="local", external_id="local-fjordvik", name="Fjordvik lokal"
    )


@pytest.fixture
def other_local_channel(other_org):
    from somedesk.inbox.models import Channel

    return Channel.objects.create(
        organisation=other_org, platform="local", external_id="local-nabovik", name="Nabovik lokal"
    )


@pytest.fixture(autouse=True)
def _fresh_policy():
    from somedesk.lib import deskpolicy

    deskpolicy.reset()
    yield
    deskpolicy.reset()


def store_comment(
    channel,
    text,
    *,
    created: datetime,
    route="service_question",
    reply="required",
    moderation="keep",
    reason="",
    sentiment="neutral",
    author="Kari Nordmann",
    author_id=None,
    run_desk=True,
    raw=True,
):
    """Store a comment the way a channel does (raw payload + ingest), then write the triage decision
    to the triage_* columns and run the desk's reaction, as after triage's receiver."""
    from somedesk.channels.types import Batch, CommentData, PostData
    from somedesk.inbox.models import Comment
    from somedesk.inbox.services import ingest_batch, raw_event_store
    from somedesk.moderation.receivers import desk_after_triage

    n = next(_ids)
    ext = f"c{n}_{int(created.timestamp())}"
    data = CommentData(
        external_id=ext,
        post_external_id="p1",
        created_time=created,
        text=text,
        author_external_id=author_id or f"u{n}",
        author_name=author,
    )
    batch = Batch(
        posts=[PostData(external_id="p1", created_time=created, text="Nytt fra kommunen")], comments=[data]
    )
    event = None
    if raw:
        event, _ = raw_event_store(
            source="import",
            body=f'{{"id": "{ext}", "message": {text!r:}}}',
            platform=channel.platform,
            channel=channel,
        )
    ingest_batch(channel, batch, source="import", raw_event=event, send_signal=False)
    comment = Comment.objects.get(channel=channel, external_id=ext)
    Comment.objects.filter(pk=comment.pk).update(
        triage_moderation=moderation,
        triage_reason=reason,
        triage_route=route if moderation == "keep" else "none",
        triage_sentiment=sentiment,
        triage_reply=reply,
    )
    if run_desk:
        desk_after_triage([comment.pk])
    comment.refresh_from_db()
    return comment


def valid_fnr(prefix9: str) -> str:
    """A checksum-valid fødselsnummer/D-number with the given first nine digits."""
    w1, w2 = [3, 7, 6, 1, 8, 9, 4, 5, 2], [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    d = [int(c) for c in prefix9]
    c1 = (11 - sum(a * b for a, b in zip(w1, d, strict=True)) % 11) % 11
    assert c1 != 10
    d.append(c1)
    c2 = (11 - sum(a * b for a, b in zip(w2, d, strict=True)) % 11) % 11
    assert c2 != 10
    return prefix9 + str(c1) + str(c2)
