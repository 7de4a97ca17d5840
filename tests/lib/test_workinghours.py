"""Deadline arithmetic: Norwegian working hours in Europe/Oslo, weekends, public holidays, DST."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from somedesk.lib.workinghours import (
    Schedule,
    add_working_hours,
    parse_window,
    week_start,
    working_seconds_between,
)

OSLO = ZoneInfo("Europe/Oslo")
UTC = ZoneInfo("UTC")
OFFICE = Schedule(windows={d: (time(8), time(15, 30)) for d in range(5)})


def oslo(*args):
    return datetime(*args, tzinfo=OSLO)


def test_a_friday_afternoon_question_is_due_on_monday_morning():
    # 14:00 Friday + 4 h: 1.5 h on Friday, 2.5 h on Monday from 08:00.
    due = add_working_hours(oslo(2026, 11, 20, 14, 0), 4, OFFICE)
    assert due == oslo(2026, 11, 23, 10, 30)
    assert due.weekday() == 0


def test_a_question_arriving_on_saturday_starts_counting_on_monday():
    assert add_working_hours(oslo(2026, 11, 21, 11, 0), 1, OFFICE) == oslo(2026, 11, 23, 9, 0)


def test_maundy_thursday_to_easter_monday_is_closed():
    # Easter 2026: Maundy Thursday 2 April, Good Friday 3 April, Easter Monday 6 April.
    due = add_working_hours(oslo(2026, 4, 1, 14, 0), 4, OFFICE)
    assert due == oslo(2026, 4, 7, 10, 30)
    assert working_seconds_between(oslo(2026, 4, 1, 15, 30), oslo(2026, 4, 7, 8, 0), OFFICE) == 0


def test_17_may_is_skipped():
    # 17 May 2027 is a Monday: a Friday question waits until Tuesday.
    assert add_working_hours(oslo(2027, 5, 14, 14, 0), 4, OFFICE) == oslo(2027, 5, 18, 10, 30)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 5, 1),
        date(2027, 1, 1),
    ],
)
def test_public_holidays_are_closed(day):
    assert not OFFICE.is_working_day(day)


def test_the_wednesday_before_easter_is_a_working_day():
    assert OFFICE.is_working_day(date(2026, 4, 1))


def test_the_night_dst_starts_the_deadline_keeps_the_local_opening_time():
    # Clocks go from 02:00 to 03:00 on Sunday 29 March 2026. A comment at 01:30 CET that night:
    # 4 working hours end Monday 12:00 local, which is 10:00 UTC (CEST, +02:00).
    arrived = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 local, before the change
    due = add_working_hours(arrived, 4, OFFICE)
    assert due == oslo(2026, 3, 30, 12, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
    assert due.utcoffset().total_seconds() == 7200


def test_the_night_dst_ends_a_friday_deadline_is_monday_local_time():
    # Clocks go back on Sunday 25 October 2026; Friday 23 Oct 14:00 CEST + 4 h -> Monday 10:30 CET.
    due = add_working_hours(oslo(2026, 10, 23, 14, 0), 4, OFFICE)
    assert due == oslo(2026, 10, 26, 10, 30)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 9, 30, tzinfo=UTC)


def test_round_the_clock_hours_count_real_time_across_dst():
    always = Schedule(windows={d: (time(0), time.max) for d in range(7)}, country="NO")
    # 28 March 2026 is a Saturday: choose non-holiday days. The spring-forward Sunday has 23 hours.
    start = oslo(2026, 3, 29, 0, 0)
    end = oslo(2026, 3, 30, 0, 0)
    assert working_seconds_between(start, end, always) == 23 * 3600
    assert add_working_hours(start, 23, always) == end
    # The fall-back Sunday has 25.
    assert working_seconds_between(oslo(2026, 10, 25, 0, 0), oslo(2026, 10, 26, 0, 0), always) == 25 * 3600


def test_working_seconds_between_matches_add_working_hours():
    start = oslo(2026, 11, 19, 9, 15)
    due = add_working_hours(start, 13.5, OFFICE)
    assert working_seconds_between(start, due, OFFICE) == int(13.5 * 3600)


def test_extra_closed_dates_from_the_policy():
    schedule = Schedule.from_policy(
        {
            "timezone": "Europe/Oslo",
            "holidays": "NO",
            "days": {
                "monday": "08:00-15:30",
                "tuesday": "08:00-15:30",
                "wednesday": "08:00-15:30",
                "thursday": "08:00-15:30",
                "friday": "08:00-15:30",
            },
            "closed_dates": ["2026-12-24"],
        }
    )
    # Christmas Eve (Thursday) is closed by the policy, 25 and 26 December by law.
    assert add_working_hours(oslo(2026, 12, 23, 15, 0), 1, schedule) == oslo(2026, 12, 28, 8, 30)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        working_seconds_between(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10), OFFICE)


def test_windows_are_parsed_and_checked():
    assert parse_window("08:00-15:30") == (time(8), time(15, 30))
    with pytest.raises(ValueError):
        parse_window("16:00-08:00")


def test_week_start_is_local_monday():
    # Sunday 23:30 UTC is already Monday in Oslo.
    assert week_start(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == date(2026, 11, 23)
