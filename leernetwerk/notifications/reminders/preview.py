"""The staff preview of the reminders the coming days will bring (/beheer/herinneringen); it stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ...dates import local_date
from ..models import Delivery, ReminderKind
from .rules import REMINDER_RULES, Span, due


@dataclass(frozen=True)
class Upcoming:
    day: date
    kind: ReminderKind
    subject: str
    person: str
    delivery: str


def upcoming(now: datetime, days: int = 7) -> list[Upcoming]:
    """What the sweeps of the next `days` days will send, computed from the same rules (nothing
    is stored): reminders not yet sent whose window opens by then, on the day it opens (or today)."""
    today = local_date(now)
    span = Span(now, now + timedelta(days=days))
    result = []
    for rule in REMINDER_RULES:
        for row in due(rule, span):
            result.append(Upcoming(day=max(rule.fires_on(row), today), kind=rule.kind, subject=row.subject,
                                   person=row.person, delivery=row.delivery or Delivery.IMMEDIATE))
    return sorted(result, key=lambda u: (u.day, u.kind, u.subject, u.person))
