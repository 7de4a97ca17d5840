"""The named world every test runs in: Fjordvik kommune with one user per role, its Facebook page
and Instagram account, and a user of another municipality who must see none of it."""

import os
from datetime import UTC, datetime

os.environ.setdefault("SOMEDESK_TESTING", "true")

import pytest  # noqa: E402

PASSWORD = "korrekt-hest-batteri-42"


@pytest.fixture
def org(db):
    from somedesk.inbox.models import Organisation

    return Organisation.objects.create(
        name="Fjordvik kommune", org_number="944117784", website="https://www.fjordvik.kommune.no"
    )


@pytest.fixture
def other_org(db):
    from somedesk.inbox.models import Organisation

    return Organisation.objects.create(name="Nabovik kommune", org_number="974760673")


@pytest.fixture
def facebook(org):
    from somedesk.inbox.models import Channel

    return Channel.objects.create(
        organisation=org, platform="facebook", external_id="104857600112233", name="Fjordvik kommune"
    )


@pytest.fixture
def instagram(org):
    from somedesk.inbox.models import Channel

    return Channel.objects.create(
        organisation=org, platform="instagram", external_id="17841400123456789", name="fjordvikkommune"
    )


@pytest.fixture
def other_channel(other_org):
    from somedesk.inbox.models import Channel

    return Channel.objects.create(
        organisation=other_org, platform="facebook", external_id="999000111", name="Nabovik kommune"
    )


def _make_user(org, username, role, **extra):
    from somedesk.accounts.services import user_create

    return user_create(username=username, password=PASSWORD, organisation=org, role=role, **extra)


@pytest.fixture
def servicetorg(org):
    return _make_user(
        org,
        "siri",
        "servicetorg",
        first_name="Siri",
        last_name="Servicetorg",
        job_title="Rådgiver servicetorget",
    )


@pytest.fixture
def redaktor(org):
    return _make_user(
        org, "rune", "redaktor", first_name="Rune", last_name="Redaktør", job_title="Kommunikasjonsrådgiver"
    )


@pytest.fixture
def fagperson(org):
    return _make_user(
        org,
        "frida",
        "fagperson",
        first_name="Frida",
        last_name="Fjeld",
        job_title="Enhetsleder",
        unit="Teknisk drift",
    )


@pytest.fixture
def arkivar(org):
    return _make_user(org, "arne", "arkivar", first_name="Arne", last_name="Arkiv", job_title="Arkivar")


@pytest.fixture
def leder(org):
    return _make_user(org, "lise", "leder", first_name="Lise", last_name="Leder", job_title="Kommunedirektør")


@pytest.fixture
def outsider(other_org):
    return _make_user(
        other_org, "otto", "servicetorg", first_name="Otto", last_name="Utenfor", job_title="Rådgiver"
    )


@pytest.fixture
def users(servicetorg, redaktor, fagperson, arkivar, leder):
    return {
        "servicetorg": servicetorg,
        "redaktor": redaktor,
        "fagperson": fagperson,
        "arkivar": arkivar,
        "leder": leder,
    }


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A fixed moment in November 2026 (UTC), so tests never depend on the clock."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)
