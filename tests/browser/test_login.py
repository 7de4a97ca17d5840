import pytest

from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_login_page_is_accessible_and_refuses_a_wrong_password(page, servicetorg):
    page.goto("/konto/logg-inn/")
    assert_accessible(page)
    page.get_by_label("Brukernavn").fill(servicetorg.username)
    page.get_by_label("Passord").fill("feil passord")
    page.get_by_role("button", name="Logg inn").click()
    assert page.get_by_role("alert").inner_text().startswith("Brukernavn eller passord er feil")
    assert_accessible(page)


def test_logging_in_lands_on_the_inbox_and_out_again(page, servicetorg):
    login(page, servicetorg)
    assert "/innboks/" in page.url
    page.get_by_role("button", name="Logg ut").click()
    assert "/konto/logg-inn/" in page.url
