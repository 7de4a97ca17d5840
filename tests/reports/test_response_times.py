"""The response-times page: per route and week, median, 90th percentile and share answered in time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from somedesk.replies import services
from somedesk.replies.models import DeskItem
from somedesk.replies.selectors import response_times
from tests.conftest import PASSWORD
from tests.replies.conftest import store_comment

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*a):
    return datetime(*a, tzinfo=OSLO)


@pytest.mark.django_db
def test_median_p90_and_share_in_time(local_channel, org):
    # Monday 16 Nov 2026, 08:00: ten service questions answered after 1..10 working hours (target 4).
    for hours in range(1, 11):
        c = store_comment(local_channel, f"Spørsmål {hours}?", created=oslo(2026, 11, 16, 8))
        item = DeskItem.objects.get(pk=c.pk)
        answered = oslo(2026, 11, 16, 8) + timedelta(hours=hours if hours <= 7 else 0)
        if hours > 7:  # past 15:30 Monday: continue Tuesday 08:00
            answered = oslo(2026, 11, 17, 8) + timedelta(hours=hours - 7.5)
        services.item_record_first_response(item, answered)
    # one unanswered, already late; one political, not due yet
    store_comment(local_channel, "Ubesvart?", created=oslo(2026, 11, 16, 8))
    store_comment(local_channel, "Politisk?", created=oslo(2026, 11, 20, 15), route="political")
    reports = {r.route: r for r in response_times(org.pk, weeks=2, now=oslo(2026, 11, 20, 15, 10))}
    cell = next(c for c in reports["service_question"].cells if c.week.isoformat() == "2026-11-16")
    assert cell.items == 11 and cell.answered == 10
    assert cell.median_h == 5.5  # (5 + 6) / 2
    assert cell.p90_h == 9  # nearest rank: 9th of 10
    assert cell.in_time == 4 and cell.measured == 11  # 1..4 h in time; the unanswered one is late
    pol = next(c for c in reports["political"].cells if c.week.isoformat() == "2026-11-16")
    assert pol.items == 1 and pol.measured == 0 and pol.share_in_time is None


@pytest.mark.django_db
def test_the_page_is_a_readable_table(client, local_channel, leder, outsider):
    c = store_comment(local_channel, "Når åpner hallen?", created=datetime.now(OSLO) - timedelta(days=1))
    services.item_record_first_response(DeskItem.objects.get(pk=c.pk), datetime.now(OSLO))
    client.login(username=leder.username, password=PASSWORD)
    page = client.get("/rapporter/svartider/?uker=4")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption>" in html and "Median (timer)" in html and 'data-route="service_question"' in html
    client.logout()
    client.login(username=outsider.username, password=PASSWORD)  # another municipality sees none of it
    assert "Når åpner hallen?" not in client.get("/rapporter/svartider/?uker=4").content.decode()
    assert "<td>1</td>" not in client.get("/rapporter/svartider/?uker=4").content.decode()
