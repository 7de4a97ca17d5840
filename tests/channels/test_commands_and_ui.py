"""The channels page, the commands and the secrets: tokens are encrypted, never shown, and refused
without a key."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from somedesk.channels import services
from somedesk.channels.crypto import MissingKey
from somedesk.channels.models import ChannelConnection
from somedesk.inbox.models import Channel, Comment
from tests.channels.conftest import FB_TOKEN
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_token_is_stored_encrypted(facebook):
    services.channel_set_token(facebook, FB_TOKEN)
    stored = ChannelConnection.objects.get(channel=facebook).token_encrypted
    assert FB_TOKEN not in stored and services.channel_token(facebook) == FB_TOKEN


def test_no_token_is_stored_without_the_key(facebook, settings):
    settings.SOMEDESK_FERNET_KEY = ""
    with pytest.raises(MissingKey, match="SOMEDESK_FERNET_KEY"):
        services.channel_set_token(facebook, FB_TOKEN)
    assert not ChannelConnection.objects.filter(channel=facebook).exclude(token_encrypted="").exists()


def test_channel_add_reads_the_token_from_the_environment_and_never_prints_it(org, monkeypatch, fake_graph):
    monkeypatch.setenv("PAGE_TOKEN", "EAAB-secret-from-env")
    fake_graph.add_account("facebook", "555000111", "Ny side", "EAAB-secret-from-env")
    out = io.StringIO()
    call_command(
        "channel",
        "add",
        "facebook",
        "555000111",
        "--name",
        "Ny side",
        "--organisation",
        "944117784",
        "--token-env",
        "PAGE_TOKEN",
        "--backfill-days",
        "7",
        stdout=out,
    )
    channel = Channel.objects.get(external_id="555000111")
    assert channel.status == "active" and services.channel_token(channel) == "EAAB-secret-from-env"
    listing = io.StringIO()
    call_command("channel", "list", stdout=listing)
    assert "555000111" in listing.getvalue()
    assert "EAAB-secret-from-env" not in out.getvalue() + listing.getvalue()


def test_channel_add_refuses_clearly_without_the_key(org, settings, monkeypatch):
    settings.SOMEDESK_FERNET_KEY = ""
    monkeypatch.setenv("PAGE_TOKEN", "EAAB-x")
    with pytest.raises(CommandError, match="SOMEDESK_FERNET_KEY"):
        call_command(
            "channel",
            "add",
            "facebook",
            "555000112",
            "--name",
            "X",
            "--organisation",
            "944117784",
            "--token-env",
            "PAGE_TOKEN",
        )
    assert not Channel.objects.filter(external_id="555000112").exists()


def test_channel_add_dry_run_writes_nothing(org, monkeypatch):
    monkeypatch.setenv("PAGE_TOKEN", "EAAB-x")
    out = io.StringIO()
    call_command(
        "channel",
        "add",
        "instagram",
        "17841400999",
        "--name",
        "X",
        "--organisation",
        "944117784",
        "--token-env",
        "PAGE_TOKEN",
        "--dry-run",
        stdout=out,
    )
    assert (
        "would connect" in out.getvalue() and not Channel.objects.filter(external_id="17841400999").exists()
    )


def test_sync_command_polls_over_http(connected, fake_graph):
    post = fake_graph.add_post(connected["facebook"].external_id, "Innlegg")
    fake_graph.add_comment(post.id, "Hei")
    out = io.StringIO()
    call_command("sync", "--channel", connected["facebook"].external_id, stdout=out)
    assert "1 comments" in out.getvalue() and Comment.objects.filter(text="Hei").count() == 1


def test_the_channels_page_shows_status_and_needs_reconnection(client, servicetorg, connected, other_channel):
    services.channel_mark_needs_reconnection(
        connected["facebook"], "Error validating access token (code 190)"
    )
    page = login(client, servicetorg).get(reverse("channels:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Må kobles til på nytt" in html and "code 190" in html
    assert "Nabovik" not in html  # another municipality's channel
    assert FB_TOKEN not in html
    assert client.get(reverse("channels:rows")).status_code == 200


def test_reconnecting_with_a_new_token_makes_the_channel_active(client, servicetorg, connected):
    channel = connected["facebook"]
    services.channel_mark_needs_reconnection(channel, "expired")
    response = login(client, servicetorg).post(
        reverse("channels:reconnect", args=[channel.pk]), {"token": "EAAB-brand-new"}
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.status == "active" and services.channel_token(channel) == "EAAB-brand-new"
    form = client.get(reverse("channels:reconnect", args=[channel.pk])).content.decode()
    assert "EAAB-brand-new" not in form


def test_the_channels_page_needs_the_permission(client, fagperson, outsider, other_channel, facebook):
    assert login(client, fagperson).get(reverse("channels:list")).status_code == 403
    client.logout()
    login(client, outsider)
    assert client.get(reverse("channels:reconnect", args=[facebook.pk])).status_code in (403, 404)


def test_a_broken_fernet_key_is_a_system_check_error(settings):
    from somedesk.channels.checks import meta_settings

    settings.SOMEDESK_FERNET_KEY = "not-a-key"
    assert [m.id for m in meta_settings()] == ["somedesk.E110"]
    settings.SOMEDESK_FERNET_KEY = ""
    assert meta_settings() == []
