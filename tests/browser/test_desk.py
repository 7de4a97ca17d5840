"""The desk in chromium: a service question from arrival to a published, signed reply and its response
time; a threat hidden at once and reviewed with its evidence. axe-core on every desk page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, htmx_swap, login
from tests.replies.conftest import _fresh_policy, local_channel, store_comment, valid_fnr  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_service_question_is_answered_signed_checked_and_timed(page, fagperson):
    from somedesk.inbox.models import Channel
    from somedesk.replies.models import DeskItem, Reply

    channel = Channel.objects.create(
        organisation=fagperson.organisation,
        platform="local",
        external_id="local-fjordvik",
        name="Fjordvik lokal",
    )
    arrived = timezone.now() - timedelta(minutes=30)
    # Arrives and is triaged as a service question (the triage columns as the triage receiver writes them).
    comment = store_comment(channel, "Når blir søppeldunken i Fjordgata tømt neste gang?", created=arrived)
    item = DeskItem.objects.get(pk=comment.pk)

    login(page, fagperson)
    page.goto("/svar/ko/svar/")
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text="søppeldunken i Fjordgata")
    assert row.count() == 1
    assert row.locator("time").get_attribute("datetime") == timezone.localtime(item.due_at).isoformat()
    assert page.locator('[data-queue="svar"]').inner_text() == "1"

    row.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    htmx_swap(page, lambda: page.get_by_label("Mal").select_option("svar_tjeneste"), "/utkast/")
    body = page.get_by_label("Svar", exact=True)
    assert "avfall og renovasjon" in body.input_value()
    assert page.locator("#signature").inner_text() == "– Frida Fjeld, Enhetsleder, Teknisk drift"

    fnr = valid_fnr("010170123")
    body.fill(body.input_value() + f" Personnummeret ditt {fnr[:6]} {fnr[6:]} er registrert.")
    page.get_by_role("button", name="Publiser svar").click()
    page.wait_for_load_state("networkidle")
    hits = page.locator("#check-hits")
    assert "Fødselsnummer" in hits.inner_text()
    assert_accessible(page)
    assert not Reply.objects.exists()

    body = page.get_by_label("Svar", exact=True)
    body.fill(body.input_value().replace(f" Personnummeret ditt {fnr[:6]} {fnr[6:]} er registrert.", ""))
    page.get_by_role("button", name="Sjekk teksten").click()
    page.locator("#check-ok").wait_for()
    page.get_by_role("button", name="Publiser svar").click()
    # the composer's "Sjekken fant ingenting." is a status too: wait for the page after the redirect
    expect(page.get_by_role("status").filter(has_text="Svaret er publisert")).to_be_visible()
    reply = Reply.objects.get()
    assert reply.state == "published" and reply.external_id
    assert reply.text.endswith("– Frida Fjeld, Enhetsleder, Teknisk drift") and fnr[:6] not in reply.text
    assert_accessible(page)

    page.goto("/rapporter/svartider/?uker=4")
    assert_accessible(page)
    item.refresh_from_db()
    week_row = page.locator('[data-route="service_question"] tr', has=page.locator("td.median")).filter(
        has_not_text="–"
    )
    assert week_row.count() == 1
    assert week_row.locator("td.median").inner_text() == f"{item.response_seconds / 3600:.1f}".replace(
        ".", ","
    )
    assert week_row.locator("td.share").inner_text().strip() in ("100 %", "0 %")


def test_a_threat_is_hidden_at_once_and_reviewed_with_its_evidence(page, servicetorg):
    from somedesk.inbox.models import Channel, Comment
    from somedesk.moderation.models import Review

    channel = Channel.objects.create(
        organisation=servicetorg.organisation,
        platform="local",
        external_id="local-fjordvik",
        name="Fjordvik lokal",
    )
    comment = store_comment(
        channel,
        "Jeg vet hvor du bor, og jeg skal drepe deg",
        moderation="remove",
        reason="threat",
        reply="none",
        created=timezone.now() - timedelta(minutes=5),
    )
    assert Comment.objects.get(pk=comment.pk).platform_state == "hidden"

    login(page, servicetorg)
    page.goto("/moderering/")
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text="skal drepe deg")
    assert "Skjult automatisk" in row.inner_text()
    row.get_by_role("link", name="Skjult automatisk").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    assert "Jeg vet hvor du bor" in page.locator("#evidence-text").inner_text()
    assert "threat" in page.locator("#evidence").inner_text()

    page.goto(f"/moderering/kommentar/{comment.pk}/")
    assert_accessible(page)
    page.goto("/moderering/")
    page.get_by_role("row").filter(has_text="skal drepe deg").get_by_role(
        "button", name="Bekreft skjuling"
    ).click()
    expect(page.locator("main")).to_contain_text("Ingenting venter på vurdering")
    assert Review.objects.get(comment=comment).state == "confirmed"
    assert_accessible(page)


def test_the_reply_field_is_locked_while_a_template_draft_loads(page, fagperson):
    """Choosing a template replaces the reply text with the draft; text typed while the draft is on its way
    would be lost, so the field is disabled until it arrives."""
    from somedesk.inbox.models import Channel

    channel = Channel.objects.create(
        organisation=fagperson.organisation, platform="local", external_id="local-fjordvik", name="Fjordvik"
    )
    comment = store_comment(
        channel,
        "Når blir søppeldunken i Fjordgata tømt neste gang?",
        created=timezone.now() - timedelta(minutes=5),
    )
    login(page, fagperson)
    page.goto(f"/svar/kommentar/{comment.pk}/")
    held = []
    page.route("**/utkast/**", lambda route: held.append(route))  # held until the test lets it go
    page.get_by_label("Mal").select_option("svar_tjeneste")
    page.wait_for_function("() => document.querySelector('#id_template.htmx-request') !== null")
    assert len(held) == 1
    expect(page.get_by_label("Svar", exact=True)).to_be_disabled()
    held[0].continue_()
    expect(page.get_by_label("Svar", exact=True)).to_be_enabled()
    assert "avfall og renovasjon" in page.get_by_label("Svar", exact=True).input_value()
