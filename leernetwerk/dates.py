"""Calendar arithmetic the domain needs (calendar months, working days)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


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
