"""Full-text search through the database's own index (SQLite FTS5 / PostgreSQL GIN tsvector)."""

import pytest
from django.db import connection

from somedesk.channels.types import Batch, CommentData
from somedesk.inbox.selectors import CommentFilters, comment_list, fts5_query
from somedesk.inbox.services import ingest_batch
from tests.conftest import at

pytestmark = pytest.mark.django_db

TEXTS = {
    "c1": "Når åpner biblioteket på lørdager?",
    "c2": "Brøytingen i Storgata er elendig",
    "c3": "Takk for flott konsert i kulturhuset",
    "c4": 'Hva betyr "NEAR" og OR i søket? kolon: stjerne*',
}


@pytest.fixture
def comments(facebook, other_channel):
    ingest_batch(
        facebook,
        Batch(
            comments=[
                CommentData(
                    external_id=cid,
                    post_external_id="P1",
                    created_time=at(2, i),
                    text=text,
                    author_name="Kari Nordmann" if cid != "c3" else "Per Hansen",
                )
                for i, (cid, text) in enumerate(TEXTS.items(), start=1)
            ]
        ),
    )
    ingest_batch(
        other_channel,
        Batch(
            comments=[
                CommentData(
                    external_id="x1", post_external_id="P9", created_time=at(2), text="Biblioteket i Nabovik"
                )
            ]
        ),
    )


def found(org, q):
    return sorted(comment_list(org, CommentFilters(q=q)).values_list("external_id", flat=True))


def test_it_finds_comments_by_word(org, comments):
    assert found(org, "biblioteket") == ["c1"]
    assert found(org, "konsert") == ["c3"]


def test_all_words_must_match(org, comments):
    assert found(org, "biblioteket lørdager") == ["c1"]
    assert found(org, "biblioteket konsert") == []


def test_it_searches_the_author_name_too(org, comments):
    assert found(org, "Hansen") == ["c3"]


def test_other_municipalities_comments_are_never_found(org, comments):
    assert "x1" not in found(org, "biblioteket")


@pytest.mark.parametrize("q", ['"', "NEAR(", "OR", "AND NOT", "text:biblioteket", "*", "-", "(", "'; DROP"])
def test_search_syntax_in_user_input_never_breaks_the_query(org, comments, q):
    found(org, q)  # no OperationalError / ProgrammingError


def test_operator_words_are_searched_as_words(org, comments):
    if connection.vendor == "sqlite":
        assert found(org, "NEAR") == ["c4"]


def test_an_edit_is_searchable_at_once(org, facebook, comments):
    ingest_batch(
        facebook,
        Batch(
            comments=[
                CommentData(
                    external_id="c2",
                    post_external_id="P1",
                    created_time=at(2, 2),
                    updated_time=at(3),
                    text="Strøingen i Storgata er bra",
                )
            ]
        ),
    )
    assert found(org, "strøingen") == ["c2"]
    assert found(org, "brøytingen") == []


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_fts5_expression_quotes_every_word():
    assert fts5_query('bibliotek "OR" NEAR(x') == '"bibliotek" "OR" "NEAR" "x"'
    assert fts5_query("!!!") == ""


def test_search_pages_walk_every_match_once_newest_received_first(org, facebook, other_channel):
    ingest_batch(
        facebook,
        Batch(
            comments=[
                CommentData(
                    external_id=f"s{i}",
                    post_external_id="P2",
                    created_time=at(5, i % 24),
                    text=("brøyting i Storgata" if i % 3 else "noe helt annet"),
                    state="hidden" if i % 7 == 0 else "visible",
                )
                for i in range(120)
            ]
        ),
    )
    from somedesk.inbox.models import Comment
    from somedesk.inbox.selectors import comment_page

    for filters in (
        CommentFilters(q="brøyting"),
        CommentFilters(q="Storgata brøyting", platform_state="hidden"),
    ):
        expected = list(comment_list(org, filters).values_list("pk", flat=True))
        assert expected == sorted(expected, reverse=True) and expected
        seen, cursor = [], ""
        while True:
            page = comment_page(org, filters, cursor=cursor, size=7)
            seen.extend(c.pk for c in page.comments)
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert seen == expected
        assert set(Comment.objects.filter(pk__in=seen).values_list("text", flat=True)) == {
            "brøyting i Storgata"
        }
