"""Calendar arithmetic the domain needs (calendar months, working days)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta


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


def working_days_before(moment: datetime, days: int) -> datetime:
    """The moment `days` working days (Monday to Friday) before `moment`, same clock time.

    Weekend days are skipped; public holidays are not taken into account. Callers pass a
    local (Europe/Amsterdam) time, so that "Monday" is the Dutch Monday.
    """
    for _ in range(days):
        moment -= timedelta(days=1)
        while moment.weekday() >= 5:
            moment -= timedelta(days=1)
    return moment


def working_days_after(moment: datetime, days: int) -> datetime:
    """The first moment at which `days` working days have passed since `moment`: the inverse
    of `working_days_before`. A weekend moment counts from the next Monday 00:00."""
    if moment.weekday() >= 5:
        moment = (moment + timedelta(days=7 - moment.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(days):
        moment += timedelta(days=1)
        while moment.weekday() >= 5:
            moment += timedelta(days=1)
    return moment
