"""The demo municipality gets light cases with saksmapper, journalposts and documents, idempotently,
and an export of the demo is a real extraction that passes the checks."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from somedesk.inbox.models import Organisation
from somedesk.records.check import check_extraction
from somedesk.records.export import export
from somedesk.records.models import Dokumentobjekt, Journalpost, Saksmappe

pytestmark = pytest.mark.django_db


def test_demo_light_cases_are_created_once_and_export_cleanly(tmp_path):
    call_command("demo", "--load-only", stdout=io.StringIO())
    org = Organisation.objects.get()
    cases = Saksmappe.objects.filter(organisation=org)
    assert cases.count() >= 10
    assert Journalpost.objects.filter(journalposttype="Utgående dokument").exists()
    assert (
        cases.filter(saksstatus="Avsluttet").exists() and cases.filter(saksstatus="Under behandling").exists()
    )
    assert all(obj.path.is_file() for obj in Dokumentobjekt.objects.all())
    counts = (cases.count(), Journalpost.objects.count(), Dokumentobjekt.objects.count())

    out = io.StringIO()
    apps.get_app_config("records").demo_load(org, out)
    assert "0 new light cases" in out.getvalue()
    assert (cases.count(), Journalpost.objects.count(), Dokumentobjekt.objects.count()) == counts

    result = export(org, tmp_path / "demo")
    assert result.mapper == cases.filter(saksstatus="Avsluttet").count()
    report = check_extraction(tmp_path / "demo")
    assert report.ok, report.render()
