"""Replies: the signature rule per role, template language, the check before publishing, publishing
through the channel adapter with the platform id kept and the first response recorded."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from somedesk.audit.models import AuditEvent
from somedesk.channels.models import LocalAction
from somedesk.lib.language import detect
from somedesk.replies import services
from somedesk.replies.checks import check_reply
from somedesk.replies.models import DeskItem, Reply
from tests.conftest import PASSWORD
from tests.replies.conftest import store_comment, valid_fnr

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*a):
    return datetime(*a, tzinfo=OSLO)


# --- signature ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_servicetorg_answers_on_behalf_of_the_municipality_without_a_name(servicetorg):
    assert services.signature_for(servicetorg) == ""
    assert services.compose_text("Biblioteket åpner 10.", "") == "Biblioteket åpner 10."


@pytest.mark.django_db
def test_redaktor_also_answers_without_a_name(redaktor):
    assert services.signature_for(redaktor) == ""


@pytest.mark.django_db
def test_fagperson_always_signs_with_full_name_and_title(fagperson):
    sig = services.signature_for(fagperson)
    assert sig == "Frida Fjeld, Enhetsleder, Teknisk drift"
    assert services.compose_text("Vi fikser lyset i morgen.", sig).endswith("– " + sig)
    # sent along by the client: never twice
    assert services.compose_text(f"Vi fikser lyset.\n\n– {sig}", sig).count(sig) == 1


@pytest.mark.django_db(transaction=True)
def test_the_signature_cannot_be_removed_server_side(client, local_channel, fagperson):
    comment = store_comment(
        local_channel,
        "Når blir gatelyset i Storgata reparert?",
        created=oslo(2026, 11, 20, 9),
        route="light_case",
    )
    client.login(username=fagperson.username, password=PASSWORD)
    # the form is bypassed: a POST without any signature in the body
    response = client.post(
        f"/svar/kommentar/{comment.pk}/publiser/",
        {"body": "Det blir reparert på tirsdag.", "language": "nb", "template": ""},
    )
    assert response.status_code == 302
    reply = Reply.objects.get(comment=comment)
    assert reply.text.endswith("– Frida Fjeld, Enhetsleder, Teknisk drift")
    assert not reply.on_behalf
    assert LocalAction.objects.get(kind="reply").text == reply.text  # what went to the platform


# --- templates and language -------------------------------------------------------------------------------


def test_language_detection():
    assert detect("Kva tid opnar symjehallen? Eg finn ikkje noko om det.") == "nn"
    assert detect("Når åpner svømmehallen? Jeg finner ikke noe om det.") == "nb"
    assert detect("👍") == "nb"


@pytest.mark.django_db
def test_template_follows_the_comments_language(local_channel, servicetorg):
    nn = store_comment(
        local_channel,
        "Kva tid blir bosspannet tømt? Eg veit ikkje kven eg skal spørje.",
        created=oslo(2026, 11, 20, 9),
    )
    nb = store_comment(
        local_channel,
        "Når blir søppeldunken tømt? Jeg vet ikke hvem jeg skal spørre.",
        created=oslo(2026, 11, 20, 9),
    )
    d_nn, d_nb = services.draft_for(nn, servicetorg), services.draft_for(nb, servicetorg)
    assert d_nn.language == "nn" and "Du finn meir informasjon" in d_nn.body
    assert d_nb.language == "nb" and "Du finner mer informasjon" in d_nb.body
    assert "https://www.fjordvik.kommune.no/avfall" in d_nb.body  # from the service catalogue


@pytest.mark.django_db
def test_formal_inquiry_template_links_the_right_form(local_channel, servicetorg):
    c = store_comment(
        local_channel,
        "Jeg vil klage på byggesøknaden for garasjen min.",
        created=oslo(2026, 11, 20, 9),
        route="formal_inquiry",
    )
    d = services.draft_for(c, servicetorg)
    assert d.template == "formell_henvendelse"
    assert "https://www.fjordvik.kommune.no/skjema/byggesoknad" in d.body
    assert "postmottak@fjordvik.kommune.no" in d.body


@pytest.mark.django_db
def test_political_referral_names_the_contact_from_the_policy(local_channel, servicetorg):
    c = store_comment(
        local_channel,
        "Hvorfor stemte ordfører Solheim for å legge ned skolen?",
        created=oslo(2026, 11, 20, 9),
        route="political",
    )
    d = services.draft_for(c, servicetorg)
    assert d.template == "henvis_politisk"
    assert "politisk.sekretariat@fjordvik.kommune.no" in d.body and "Ingrid Solheim" in d.body
    d_nn = services.draft_for(c, servicetorg, language="nn")
    assert "Dette er eit politisk spørsmål" in d_nn.body


@pytest.mark.django_db
def test_thanks_and_correction_templates(local_channel, servicetorg):
    thanks = store_comment(
        local_channel,
        "Tusen takk for flott brøyting!",
        created=oslo(2026, 11, 20, 9),
        route="none",
        reply="thank",
        sentiment="positive",
    )
    assert services.draft_for(thanks, servicetorg).body.startswith("Tusen takk")
    wrong = store_comment(
        local_channel, "Kommunen har lagt ned biblioteket!", created=oslo(2026, 11, 20, 9), route="correction"
    )
    d = services.draft_for(wrong, servicetorg)
    assert d.template == "rett_faktafeil" and "misforståelse" in d.body


# --- the check before publishing ---------------------------------------------------------------------------


def test_check_finds_identity_numbers_also_obfuscated():
    fnr = valid_fnr("010170123")
    spaced = f"{fnr[:6]} {fnr[6:]}"
    dotted = ".".join([fnr[:2], fnr[2:4], fnr[4:6], fnr[6:]])
    for text in (f"Fnr {fnr}", f"Personnummeret ditt {spaced} er registrert", f"nr {dotted}"):
        hits = check_reply(text)
        assert [h.kind for h in hits] == ["identity_number"], text
    d_number = valid_fnr("410180123")
    assert [h.kind for h in check_reply(f"D-nummer {d_number}")] == ["identity_number"]


def test_check_has_no_false_hit_on_invalid_numbers():
    fnr = valid_fnr("010170123")
    wrong = fnr[:-1] + str((int(fnr[-1]) + 1) % 10)
    assert check_reply(f"Saksnummer {wrong}") == []
    assert check_reply("Ring oss på +47 55 00 00 00 eller skriv til postmottak@fjordvik.kommune.no") == []
    assert check_reply("Åpent 08.00-15.30, 12 345 kroner, 2026/1234-5") == []


def test_check_finds_third_party_contacts_health_child_welfare_and_confidential_words():
    kinds = {
        h.kind
        for h in check_reply(
            "Ring Per på 22 33 44 55 eller per@gmail.com. Han har kreft og saken i barnevernet er "
            "unntatt offentlighet."
        )
    }
    assert kinds == {"phone", "email", "health", "child_welfare", "confidential"}


def test_check_spans_point_into_the_written_text():
    fnr = valid_fnr("150585456")
    text = f"Hei! Nummeret er {fnr[:6]}\u200b{fnr[6:]}."
    hit = check_reply(text)[0]
    assert text[hit.start : hit.end].replace("\u200b", "") == fnr


# --- publishing ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_hit_blocks_publishing(local_channel, servicetorg):
    comment = store_comment(local_channel, "Hva er mitt saksnummer?", created=oslo(2026, 11, 20, 9))
    with pytest.raises(services.CheckFailed) as exc:
        services.reply_publish(
            comment, author=servicetorg, body=f"Ditt fnr {valid_fnr('010170123')} er mottatt."
        )
    assert exc.value.hits[0].kind == "identity_number"
    assert not Reply.objects.exists() and not LocalAction.objects.exists()


@pytest.mark.django_db
def test_override_with_a_reason_is_audited(local_channel, servicetorg, django_capture_on_commit_callbacks):
    comment = store_comment(local_channel, "Hvem kan jeg ringe?", created=oslo(2026, 11, 20, 9))
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_publish(
            comment,
            author=servicetorg,
            body="Ring Fjordvik legesenter på 22 33 44 55.",
            override_reason="Offentlig nummer til legesenteret",
        )
    reply.refresh_from_db()
    assert reply.state == "published" and reply.override_reason
    event = AuditEvent.objects.get(action="reply.check_override")
    assert event.changes["reason"] == "Offentlig nummer til legesenteret"


@pytest.mark.django_db
def test_publishing_keeps_the_platform_id_and_records_the_first_response(
    local_channel, servicetorg, django_capture_on_commit_callbacks
):
    comment = store_comment(local_channel, "Når åpner biblioteket?", created=oslo(2026, 11, 20, 9))
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_publish(comment, author=servicetorg, body="Biblioteket åpner klokka 10.")
    reply.refresh_from_db()
    action = LocalAction.objects.get(kind="reply")
    assert reply.state == "published" and reply.external_id == action.result_external_id != ""
    assert action.target_external_id == comment.external_id
    item = DeskItem.objects.get(pk=comment.pk)
    assert item.status == "answered" and item.first_response_at == reply.published_at
    assert item.response_seconds is not None
    assert {"reply.publish", "reply.published", "desk_item.first_response"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_political_items_become_referred(local_channel, servicetorg, django_capture_on_commit_callbacks):
    comment = store_comment(
        local_channel,
        "Hvorfor vil politikerne legge ned skolen?",
        created=oslo(2026, 11, 20, 9),
        route="political",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_publish(
            comment, author=servicetorg, body=services.draft_for(comment, servicetorg).body
        )
    assert DeskItem.objects.get(pk=comment.pk).status == "referred"


@pytest.mark.django_db
def test_first_response_is_only_recorded_once(local_channel, servicetorg):
    comment = store_comment(local_channel, "Hei?", created=oslo(2026, 11, 20, 9))
    item = DeskItem.objects.get(pk=comment.pk)
    assert services.item_record_first_response(item, oslo(2026, 11, 20, 10))
    assert not services.item_record_first_response(item, oslo(2026, 11, 20, 11))
    item.refresh_from_db()
    assert item.response_seconds == 3600 and item.answered_in_time


@pytest.mark.django_db
def test_a_page_reply_on_the_platform_counts_as_first_response(local_channel):
    from somedesk.channels.types import Batch, CommentData
    from somedesk.inbox.services import ingest_batch
    from somedesk.moderation.receivers import desk_after_triage

    comment = store_comment(local_channel, "Hei, når er det åpent?", created=oslo(2026, 11, 20, 9))
    ingest_batch(
        local_channel,
        Batch(
            comments=[
                CommentData(
                    external_id="page-reply-1",
                    post_external_id="p1",
                    parent_external_id=comment.external_id,
                    created_time=oslo(2026, 11, 20, 11),
                    text="Åpent til 15.30.",
                    from_page=True,
                )
            ]
        ),
        send_signal=False,
    )
    from somedesk.inbox.models import Comment

    desk_after_triage([Comment.objects.get(external_id="page-reply-1").pk])
    item = DeskItem.objects.get(pk=comment.pk)
    assert item.first_response_at == oslo(2026, 11, 20, 11) and item.response_seconds == 7200


@pytest.mark.django_db
def test_hidden_comments_cannot_be_answered(local_channel, servicetorg):
    from somedesk.inbox.models import Comment

    comment = store_comment(local_channel, "Hei?", created=oslo(2026, 11, 20, 9))
    Comment.objects.filter(pk=comment.pk).update(platform_state="hidden")
    comment.refresh_from_db()
    with pytest.raises(ValidationError):
        services.reply_publish(comment, author=servicetorg, body="Hei")


@pytest.mark.django_db
def test_composer_page_shows_signature_and_check(client, local_channel, fagperson):
    comment = store_comment(local_channel, "Når blir veien brøytet?", created=oslo(2026, 11, 20, 9))
    client.login(username=fagperson.username, password=PASSWORD)
    page = client.get(f"/svar/kommentar/{comment.pk}/").content.decode()
    assert "Frida Fjeld, Enhetsleder, Teknisk drift" in page
    fnr = valid_fnr("010170123")
    checked = client.post(f"/svar/kommentar/{comment.pk}/sjekk/", {"body": f"fnr {fnr}"}).content.decode()
    assert 'data-kind="identity_number"' in checked
    blocked = client.post(f"/svar/kommentar/{comment.pk}/publiser/", {"body": f"fnr {fnr}", "language": "nb"})
    assert blocked.status_code == 422 and not Reply.objects.exists()
    draft = client.get(f"/svar/kommentar/{comment.pk}/utkast/?template=takk&language=nn").content.decode()
    assert "Tusen takk for hyggeleg tilbakemelding" in draft


@pytest.mark.django_db
def test_every_template_passes_the_check_in_both_languages(fagperson):
    """The shipped texts with the municipality's own addresses and links are never a hit."""
    from somedesk.replies import conf

    text = (
        "Når blir søppeldunken tømt? Hvorfor stemte ordfører Solheim for dette? Jeg klager på byggesøknaden."
    )
    for name, _label in conf.template_choices():
        for language in ("nb", "nn"):
            body = conf.render_template(name, language, text)
            assert "{" not in body, (name, language, body)
            signed = services.compose_text(body, services.signature_for(fagperson))
            assert check_reply(signed) == [], (name, language, signed)
