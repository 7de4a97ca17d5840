"""The inbox pages: newest first, filters, keyset pages, htmx rows, thread tree, raw payloads, scoping."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from somedesk.channels.types import Batch, CommentData, PostData
from somedesk.inbox.models import Comment
from somedesk.inbox.selectors import CommentFilters, comment_page
from somedesk.inbox.services import ingest_batch
from tests.conftest import PASSWORD, at

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def rows(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="kommentar-(\d+)"', response.content.decode())]


@pytest.fixture
def inbox(facebook, instagram, other_channel):
    ingest_batch(
        facebook,
        Batch(
            posts=[PostData(external_id="P1", created_time=at(1), text="Biblioteket får nye åpningstider")],
            comments=[
                CommentData(
                    external_id="c1",
                    post_external_id="P1",
                    created_time=at(2, 9),
                    text="Når åpner dere?",
                    author_name="Kari",
                ),
                CommentData(
                    external_id="c2",
                    post_external_id="P1",
                    created_time=at(2, 10),
                    text="Klokka ti",
                    author_name="Fjordvik kommune",
                    parent_external_id="c1",
                    from_page=True,
                ),
                CommentData(
                    external_id="c3",
                    post_external_id="P1",
                    created_time=at(3, 8),
                    text="Søppel!",
                    author_name="Troll",
                    state="hidden",
                ),
            ],
        ),
    )
    ingest_batch(
        instagram,
        Batch(
            comments=[
                CommentData(
                    external_id="i1",
                    post_external_id="IG1",
                    created_time=at(4, 12),
                    text="Fint bilde",
                    author_name="Ola",
                )
            ]
        ),
    )
    ingest_batch(
        other_channel,
        Batch(
            comments=[
                CommentData(external_id="x1", post_external_id="X1", created_time=at(5), text="Nabovik sin")
            ]
        ),
    )
    Comment.objects.filter(external_id="c3").update(
        triage_moderation="remove", triage_reason="spam", triage_route="none", triage_sentiment="negative"
    )
    return {c.external_id: c for c in Comment.objects.all()}


def test_the_list_shows_the_organisations_comments_newest_first(client, fagperson, inbox):
    response = login(client, fagperson).get(reverse("inbox:list"))
    assert response.status_code == 200
    assert rows(response) == [inbox[k].pk for k in ("i1", "c3", "c2", "c1")]
    assert "Nabovik sin" not in response.content.decode()


@pytest.mark.parametrize(
    "params, expected",
    [
        (lambda i: {"channel": i["i1"].channel_id}, ["i1"]),
        (lambda i: {"platform_state": "hidden"}, ["c3"]),
        (lambda i: {"date_from": "2026-11-02", "date_to": "2026-11-02"}, ["c2", "c1"]),
        (lambda i: {"moderation": "remove", "reason": "spam"}, ["c3"]),
        (lambda i: {"route": "none", "sentiment": "negative"}, ["c3"]),
        (lambda i: {"post": i["c1"].post_id}, ["c3", "c2", "c1"]),
        (lambda i: {"q": "klokka"}, ["c2"]),
    ],
)
def test_filters(client, servicetorg, inbox, params, expected):
    response = login(client, servicetorg).get(reverse("inbox:list"), params(inbox))
    assert rows(response) == [inbox[k].pk for k in expected]


def test_another_municipalitys_channel_or_post_cannot_be_used_as_filter(client, servicetorg, inbox):
    client = login(client, servicetorg)
    response = client.get(reverse("inbox:list"), {"post": inbox["x1"].post_id})
    assert "Nabovik sin" not in response.content.decode()
    response = client.get(reverse("inbox:list"), {"channel": inbox["x1"].channel_id})
    assert "Nabovik sin" not in response.content.decode()


def test_an_htmx_request_gets_only_the_rows(client, fagperson, inbox):
    response = login(client, fagperson).get(
        reverse("inbox:list"), {"platform_state": "hidden"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and rows(response) == [inbox["c3"].pk]


def test_keyset_pages_walk_every_comment_once_in_order_even_with_equal_times(facebook, org):
    same = at(10, 12)
    ingest_batch(
        facebook,
        Batch(
            comments=[
                CommentData(
                    external_id=f"k{i}",
                    post_external_id="P1",
                    created_time=same if i % 3 == 0 else same - timedelta(minutes=i),
                    text=f"nr {i}",
                )
                for i in range(47)
            ]
        ),
    )
    expected = list(Comment.objects.order_by("-created_time", "-id").values_list("pk", flat=True))
    seen, cursor, pages = [], "", 0
    while True:
        page = comment_page(org, CommentFilters(), cursor=cursor, size=5)
        seen.extend(c.pk for c in page.comments)
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == expected and pages == 10


def test_the_next_page_link_keeps_the_filters(client, fagperson, facebook, org):
    ingest_batch(
        facebook,
        Batch(
            comments=[
                CommentData(
                    external_id=f"k{i}",
                    post_external_id="P1",
                    created_time=at(10, 0, i),
                    text=f"brøyting {i}",
                )
                for i in range(60)
            ]
            + [CommentData(external_id="other", post_external_id="P1", created_time=at(11), text="noe annet")]
        ),
    )
    client = login(client, fagperson)
    first = client.get(reverse("inbox:list"), {"q": "brøyting"})
    assert len(rows(first)) == 50
    link = re.search(r'href="\?([^"]+)"', first.content.decode().split('id="comment-more"')[1]).group(1)
    second = client.get(reverse("inbox:list") + "?" + link.replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert len(rows(second)) == 10 and not set(rows(first)) & set(rows(second))
    assert 'id="comment-more"' not in second.content.decode()


def test_a_broken_cursor_shows_the_first_page(client, fagperson, inbox):
    response = login(client, fagperson).get(reverse("inbox:list"), {"etter": "bogus!!"})
    assert response.status_code == 200 and len(rows(response)) == 4


def test_the_thread_shows_the_post_the_tree_and_the_revisions(client, fagperson, facebook, inbox):
    ingest_batch(
        facebook,
        Batch(
            comments=[
                CommentData(
                    external_id="c1",
                    post_external_id="P1",
                    created_time=at(2, 9),
                    updated_time=at(2, 11),
                    text="Når åpner dere på lørdag?",
                )
            ]
        ),
    )
    response = login(client, fagperson).get(reverse("inbox:thread", args=[inbox["c2"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Biblioteket får nye åpningstider" in body
    assert "Når åpner dere på lørdag?" in body and "Når åpner dere?" in body  # current text and the revision
    # c2 is nested under c1 (a reply list inside c1's item), and marked as the current one.
    c1_at = body.index(f'id="kommentar-{inbox["c1"].pk}"')
    nested = body.index("thread-tree--replies", c1_at)
    assert nested < body.index(f'id="kommentar-{inbox["c2"].pk}"')
    assert 'aria-current="true"' in body


def test_the_post_page_is_the_same_thread(client, fagperson, inbox):
    response = login(client, fagperson).get(reverse("inbox:post", args=[inbox["c1"].post_id]))
    assert response.status_code == 200 and "Søppel!" in response.content.decode()


def test_raw_payloads_only_for_those_allowed(client, servicetorg, fagperson, facebook, tmp_path):
    import json

    from django.core.management import call_command

    from tests.inbox.conftest import graph_comment, graph_post

    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(graph_post(1, [graph_comment("1_1", "hei", 2, 9)])) + "\n")
    call_command("import", str(path), "--no-progress", verbosity=0)
    comment = Comment.objects.get(external_id="1_1")
    raw_url = reverse("inbox:post_raw", args=[comment.post_id])
    thread_url = reverse("inbox:thread", args=[comment.pk])
    admin = login(client, servicetorg)
    assert raw_url in admin.get(thread_url).content.decode()
    raw = admin.get(raw_url)
    assert raw.status_code == 200 and "graph_comment" not in raw.content.decode()
    assert "&quot;1_1&quot;" in raw.content.decode()
    client.logout()
    staff = login(client, fagperson)
    assert raw_url not in staff.get(thread_url).content.decode()
    assert staff.get(raw_url).status_code == 403


def test_other_municipalities_threads_are_not_found(client, outsider, inbox):
    client = login(client, outsider)
    assert client.get(reverse("inbox:thread", args=[inbox["c1"].pk])).status_code == 404
    assert client.get(reverse("inbox:post", args=[inbox["c1"].post_id])).status_code == 404
    assert client.get(reverse("inbox:post_raw", args=[inbox["c1"].post_id])).status_code == 404
    assert rows(client.get(reverse("inbox:list"))) == [inbox["x1"].pk]


def test_an_htmx_history_restore_gets_the_whole_page(client, fagperson, inbox):
    response = login(client, fagperson).get(
        reverse("inbox:list"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
