"""Channel tests talk real HTTP on loopback: to the fake Graph API (fake_graph) for outgoing calls and
to somedesk's live server for webhooks."""

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APP_SECRET = "test-app-secret-5f1c"
VERIFY_TOKEN = "test-verify-token-9d2e"
FB_TOKEN = "EAAB-facebook-page-token-1"
IG_TOKEN = "EAAB-instagram-token-1"


def fixture_json(platform: str, name: str) -> dict:
    return json.loads((FIXTURES / platform / f"{name}.json").read_text(encoding="utf-8"))


def fixture_bytes(platform: str, name: str) -> bytes:
    return (FIXTURES / platform / f"{name}.json").read_bytes()


@pytest.fixture(autouse=True)
def meta_settings(settings):
    settings.SOMEDESK_FERNET_KEY = Fernet.generate_key().decode()
    settings.META_APP_SECRET = APP_SECRET
    settings.META_VERIFY_TOKEN = VERIFY_TOKEN
    settings.SOMEDESK_GRAPH_TIMEOUT = 2.0
    return settings


@pytest.fixture
def fake_graph(settings, facebook, instagram):
    from somedesk.channels.fake_graph import FakeGraph

    fake = FakeGraph(app_secret=APP_SECRET)
    fake.add_account("facebook", facebook.external_id, facebook.name, FB_TOKEN)
    fake.add_account("instagram", instagram.external_id, instagram.name, IG_TOKEN)
    settings.META_GRAPH_URL = fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def connected(fake_graph, facebook, instagram):
    """Both channels with their (encrypted) tokens."""
    from somedesk.channels.services import channel_set_token

    channel_set_token(facebook, FB_TOKEN)
    channel_set_token(instagram, IG_TOKEN)
    return {"facebook": facebook, "instagram": instagram}
