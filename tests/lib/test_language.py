"""Bokmål by default, whatever the browser says; the picker's choice sticks."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_bokmal_is_the_default_even_for_an_english_browser(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "nb"
    assert '<html lang="nb"' in response.content.decode()


def test_the_language_picker_switches_to_nynorsk(client):
    client.post(reverse("set_language"), {"language": "nn", "next": reverse("accounts:login")})
    response = client.get(reverse("accounts:login"))
    assert response["Content-Language"] == "nn"
    assert '<html lang="nn"' in response.content.decode()


def test_an_unknown_language_falls_back_to_bokmal(client):
    client.cookies["django_language"] = "xx"
    assert client.get(reverse("accounts:login"))["Content-Language"] == "nb"
