"""Dates the domain needs: Dutch "today", calendar months, working days."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

from .database import utcnow

# The network works in Dutch time: "today", due dates and working days are Amsterdam's.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local_date(moment: datetime) -> date:
    """The Dutch calendar date of an aware moment."""
    return moment.astimezone(AMSTERDAM).date()


def day_start(day: date) -> datetime:
    """The aware moment a Dutch calendar day begins (midnight in Europe/Amsterdam)."""
    return datetime.combine(day, time(), tzinfo=AMSTERDAM).astimezone(timezone.utc)


def days_back(days: int) -> datetime:
    """The moment the Dutch day `days` days before today began: "the last 30 days" that stay the
    same all day (a kept page shows the same list until midnight)."""
    return day_start(today() - timedelta(days=days))


def today() -> date:
    """Today in Europe/Amsterdam, whatever the server's time zone: the one "today" of the domain."""
    return local_date(utcnow())


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later (or earlier), clipped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_span(starts_on: date, months: int) -> date:
    """The last day of a period of `months` calendar months starting on `starts_on`.

    1 January + 3 months ends on 31 March; 31 January + 1 month ends on 28 (or 29) February.
    """
    return add_months(starts_on, months) - timedelta(days=1)


# Dutch public holidays as the `holidays` package defines them (New Year, Easter, King's Day,
# Ascension, Whitsun, Christmas, and Liberation Day in the years it is a day off).
_DUTCH_HOLIDAYS = holidays.country_holidays("NL")


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a Dutch public holiday."""
    return day.weekday() < 5 and day not in _DUTCH_HOLIDAYS


def working_days_before(moment: datetime, days: int) -> datetime:
    """The moment `days` working days before `moment`, same clock time.

    Weekends and Dutch public holidays are skipped. Callers pass a local (Europe/Amsterdam)
    time, so that "Monday" is the Dutch Monday.
    """
    for _ in range(days):
        moment -= timedelta(days=1)
        while not is_working_day(moment.date()):
            moment -= timedelta(days=1)
    return moment


def working_days_after(moment: datetime, days: int) -> datetime:
    """The first moment at which `days` working days have passed since `moment`: the inverse
    of `working_days_before`. A moment on a day off counts from the next working day 00:00."""
    if not is_working_day(moment.date()):
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        while not is_working_day(moment.date()):
            moment += timedelta(days=1)
    for _ in range(days):
        moment += timedelta(days=1)
        while not is_working_day(moment.date()):
            moment += timedelta(days=1)
    return moment
