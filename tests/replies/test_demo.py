"""The desk's demo history: cases, replies by the people who wrote them, assignments, hides; idempotent."""

import pytest

from somedesk.moderation.models import Evidence
from somedesk.replies.models import DeskItem, DeskNote, Reply


@pytest.mark.django_db
def test_demo_history_is_realistic_and_idempotent():
    from django.apps import apps

    from somedesk.demo.loader import demo_load

    summary = demo_load()
    org = summary.organisation
    counts = (
        DeskItem.objects.count(),
        Reply.objects.count(),
        Evidence.objects.count(),
        DeskNote.objects.count(),
    )
    assert DeskItem.objects.filter(organisation=org).count() > 100
    assert Reply.objects.filter(organisation=org, state="published").count() >= 90
    signed = Reply.objects.filter(author__username="teknisk").first()
    assert signed is not None and not signed.on_behalf and "Kjetil Brekke" in signed.signature
    assert Reply.objects.filter(author__username="servicetorg", on_behalf=True).exists()
    assert DeskItem.objects.filter(first_response_at__isnull=False).count() > 50
    assert DeskItem.objects.filter(assignee__isnull=False, is_open=True).exists()
    assert Evidence.objects.filter(organisation=org).count() >= 30
    for name in ("moderation", "replies"):
        apps.get_app_config(name).demo_load(org, None)
    assert (
        DeskItem.objects.count(),
        Reply.objects.count(),
        Evidence.objects.count(),
        DeskNote.objects.count(),
    ) == counts
