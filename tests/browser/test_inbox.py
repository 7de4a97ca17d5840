"""The inbox as a caseworker meets it: log in, search, open a thread, switch to nynorsk; every page
passes axe-core's WCAG 2.1 A/AA rules."""

import pytest
from playwright.sync_api import expect

from somedesk.channels.types import Batch, CommentData, PostData
from somedesk.inbox.services import ingest_batch
from tests.browser.conftest import assert_accessible, login
from tests.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(facebook):
    post = PostData(
        external_id="P1", created_time=at(2, 8), text="Biblioteket får nye åpningstider fra 1. desember."
    )
    comments = [
        CommentData(
            external_id="C1",
            post_external_id="P1",
            created_time=at(2, 9),
            author_name="Kari Nordmann",
            author_external_id="u1",
            text="Blir det søndagsåpent på biblioteket i Fjordvik?",
        ),
        CommentData(
            external_id="C2",
            post_external_id="P1",
            created_time=at(2, 10),
            author_name="Fjordvik kommune",
            author_external_id=facebook.external_id,
            from_page=True,
            parent_external_id="C1",
            text="Hei! Ja, søndager 12–16 fra desember.",
        ),
        CommentData(
            external_id="C3",
            post_external_id="P1",
            created_time=at(2, 11),
            author_name="Per Olsen",
            author_external_id="u2",
            text="Flott, takk for at dere lytter!",
        ),
    ]
    ingest_batch(facebook, Batch(posts=[post], comments=comments))


def test_a_caseworker_searches_opens_a_thread_and_switches_to_nynorsk(page, servicetorg, conversation):
    page.goto("/konto/logg-inn/")
    assert_accessible(page)
    login(page, servicetorg)
    assert "/innboks/" in page.url
    assert_accessible(page)

    page.get_by_label("Søk", exact=True).fill("søndagsåpent")
    page.get_by_role("button", name="Søk og filtrer").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)  # htmx swaps the rows in place
    assert "Blir det søndagsåpent" in rows.first.inner_text()
    assert "Flott, takk" not in page.locator("tbody").inner_text()

    rows.first.get_by_role("link", name="Blir det søndagsåpent på biblioteket i Fjordvik?").click()
    page.wait_for_url("**/innboks/kommentar/*/")
    thread = page.locator("main").inner_text()
    assert "Hei! Ja, søndager 12–16 fra desember." in thread  # the municipality's reply in the tree
    assert "Biblioteket får nye åpningstider" in thread
    assert_accessible(page)

    page.get_by_label("Språk").select_option("nn")
    page.get_by_role("button", name="Bytt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    assert_accessible(page)
    page.goto("/innboks/")
    assert (
        page.get_by_role("link", name="Vis alle kommentarar").count()
        + page.get_by_text("Kommentarar, nyaste først").count()
        >= 1
    )
    assert_accessible(page)
