"""Working-hours arithmetic for response deadlines (guideline 3.2: answer without undue delay).

A deadline is "N working hours after the comment arrived", counted only inside the opening hours of
the desk, on working days: weekends and Norwegian public holidays (the ``holidays`` package, country NO:
Maundy Thursday, Good Friday, Easter Monday, 1 May, Ascension Day, 17 May, Whit Monday, Christmas...)
and any extra closed dates of the policy are skipped.

Opening hours are wall-clock times in the desk's time zone (Europe/Oslo). Every day's window is turned
into two aware instants and the arithmetic is done on real elapsed time, so a window that spans a
daylight-saving change counts the hours that really passed (a 00:00-24:00 window is 23 hours on the
spring-forward Sunday and 25 on the fall-back one), and a deadline is never off by the DST hour.

No Django models here; ``Schedule.from_policy`` reads the ``opening_hours`` policy section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_DAYS = 3660
_UTC = ZoneInfo("UTC")  # never walk more than ten years looking for open hours


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def parse_window(text: str) -> tuple[time, time]:
    """'08:00-15:30' -> (time(8), time(15, 30)); '24:00' is allowed as an end."""
    try:
        start_s, end_s = (part.strip() for part in text.split("-", 1))
        start = time.fromisoformat(start_s)
        end = time.max if end_s == "24:00" else time.fromisoformat(end_s)
    except ValueError as exc:
        raise ValueError(f"not an opening-hours window like 08:00-15:30: {text!r}") from exc
    if end <= start:
        raise ValueError(f"the window must end after it starts: {text!r}")
    return start, end


@dataclass(frozen=True)
class Schedule:
    """When the desk is open: per weekday (0 = Monday) one window of local wall-clock times."""

    windows: dict[int, tuple[time, time]]
    timezone: str = "Europe/Oslo"
    country: str = "NO"
    closed_dates: frozenset[date] = field(default_factory=frozenset)

    def __hash__(self):
        return hash((tuple(sorted(self.windows.items())), self.timezone, self.country, self.closed_dates))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_policy(cls, section: dict) -> Schedule:
        windows = {}
        for i, name in enumerate(WEEKDAYS):
            value = (section.get("days") or {}).get(name)
            if value:
                windows[i] = parse_window(value)
        closed = frozenset(date.fromisoformat(str(d)) for d in section.get("closed_dates", []) or [])
        return cls(
            windows=windows,
            timezone=section.get("timezone", "Europe/Oslo"),
            country=section.get("holidays", "NO"),
            closed_dates=closed,
        )

    def is_working_day(self, day: date) -> bool:
        if day.weekday() not in self.windows or day in self.closed_dates:
            return False
        return day not in _public_holidays(self.country, day.year)

    def window_on(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening window as two aware instants, or None on a closed day."""
        if not self.is_working_day(day):
            return None
        start_t, end_t = self.windows[day.weekday()]
        tz = self.tz
        start = datetime.combine(day, start_t, tzinfo=tz)
        end = (
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
            if end_t == time.max
            else datetime.combine(day, end_t, tzinfo=tz)
        )
        # In UTC: Python subtracts two datetimes of the same tzinfo by wall clock, which would lose
        # or gain the DST hour; UTC instants subtract as real elapsed time.
        return start.astimezone(_UTC), end.astimezone(_UTC)


def _local_day(moment: datetime, tz: ZoneInfo) -> date:
    if moment.tzinfo is None:
        raise ValueError("working-hours arithmetic needs timezone-aware datetimes")
    return moment.astimezone(tz).date()


def add_working_hours(start: datetime, hours: float, schedule: Schedule) -> datetime:
    """The instant `hours` working hours after `start` (returned in the schedule's time zone)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    if not schedule.windows:
        raise ValueError("the schedule has no opening hours")
    remaining = timedelta(hours=hours)
    tz = schedule.tz
    day = _local_day(start, tz)
    start = start.astimezone(_UTC)
    for _ in range(MAX_DAYS):
        window = schedule.window_on(day)
        if window is not None:
            open_at, close_at = window
            begin = max(open_at, start)
            if begin < close_at:
                available = close_at - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(tz)
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("no opening hours found within ten years")


def working_seconds_between(start: datetime, end: datetime, schedule: Schedule) -> int:
    """Working seconds inside the opening hours between two instants (0 if end <= start)."""
    if end <= start:
        return 0
    tz = schedule.tz
    day = _local_day(start, tz)
    last = _local_day(end, tz)
    start, end = start.astimezone(_UTC), end.astimezone(_UTC)
    total = timedelta(0)
    while day <= last:
        window = schedule.window_on(day)
        if window is not None:
            begin, finish = max(window[0], start), min(window[1], end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return int(total.total_seconds())


def week_start(moment: datetime, tz: str = "Europe/Oslo") -> date:
    """The Monday of the local ISO week `moment` falls in."""
    local = moment.astimezone(ZoneInfo(tz)).date()
    return local - timedelta(days=local.weekday())
