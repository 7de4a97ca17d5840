"""The public journal in a real browser: no login, screened titles and names never shown, axe-core clean."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def screened_case(settings, tmp_path, servicetorg, facebook):
    from django.utils import timezone

    from somedesk.inbox.models import Comment, Post
    from somedesk.records.services import case_open_from_comment, journal_answer

    settings.MEDIA_ROOT = tmp_path / "media"
    now = timezone.now()
    post = Post.objects.create(
        channel=facebook,
        external_id="104857600112233_pj",
        created_time=now,
        text="Vegarbeid i sentrum.",
        permalink="https://www.facebook.com/104857600112233/posts/pj",
    )
    comment = Comment.objects.create(
        channel=facebook,
        post=post,
        external_id="104857600112233_pj_c1",
        author_name="Per Pedersen",
        text="Naboen Ola Hansen har parkert på fortauet igjen, kan dere fjerne bilen?",
        created_time=now,
        triage_route="light_case",
    )
    case = case_open_from_comment(servicetorg, comment, now=now)
    journal_answer(
        case,
        text="Vi sender parkeringsvakt.",
        published_at=now,
        user=servicetorg,
        signature=servicetorg.signature,
        reply_id=1,
    )
    return case


def test_public_journal_without_login_hides_screened_text(page, screened_case):
    page.goto("/arkiv/journal/")
    table = page.get_by_test_id("public-journal")
    assert table.is_visible()
    text = page.locator("main").inner_text()
    assert "Unntatt offentlighet" in text and "Offl. § 13 jf. fvl. § 13" in text
    for secret in ("Pedersen", "Ola Hansen", "Hansen"):
        assert secret not in page.content()
    assert "parkert på fortauet" in text
    assert_accessible(page)

    page.get_by_label("Søk").fill("Pedersen")
    page.get_by_role("button", name="Vis").click()
    expect(page.locator("main")).to_contain_text("Ingen journalposter i perioden")
    assert "Pedersen" not in page.locator("table").inner_text()
    assert_accessible(page)


def test_archivist_sees_full_titles(page, screened_case, arkivar):
    login(page, arkivar)
    page.goto("/arkiv/journal/")
    text = page.locator("main").inner_text()
    assert "Per Pedersen" in text and "Ola Hansen" in text
    assert_accessible(page)
    page.goto(f"/arkiv/sak/{screened_case.pk}/")
    assert screened_case.mappe_id in page.locator("h1").inner_text()
    assert_accessible(page)
