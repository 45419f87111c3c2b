"""The staff preview of the reminders the coming days will bring (/beheer/herinneringen); it stores nothing.

Counted and paged in the database: the page costs a query per kind (its count) and one for a
page of one kind, never a sweep's worth of rows in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal, select, union_all

from ...database import inline
from ...dates import local_date
from ...extensions import db
from ..models import Delivery, ReminderKind
from .rules import REMINDER_RULES, Span, due_select

DAYS = 7
PER_PAGE = 50


@dataclass(frozen=True)
class Upcoming:
    day: date
    kind: ReminderKind
    subject: str
    person: str
    delivery: str


def _span(now: datetime, days: int) -> Span:
    return Span(now, now + timedelta(days=days))


def _kind_query(kind: ReminderKind, span: Span):  # noqa: ANN202
    """The reminders of one kind, each once (the liaison may also be staff, a kartrekker also
    the assignee): the kind's rules with the rule's index, deduplicated in SQL."""
    parts = [due_select(rule, span, literal(index).label("rule")).distinct()
             for index, rule in enumerate(REMINDER_RULES) if rule.kind == kind]
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()


def kinds() -> list[ReminderKind]:
    """The kinds with a rule, in the rules' order."""
    return list(dict.fromkeys(rule.kind for rule in REMINDER_RULES))


def counts(now: datetime, days: int = DAYS) -> dict[ReminderKind, int]:
    """How many reminders of each kind the coming `days` will send: one query per kind (as one
    statement of scalar subqueries PostgreSQL planned it ten times slower)."""
    span = _span(now, days)
    return {kind: db.session.execute(select(func.count()).select_from(_kind_query(kind, span))).scalar_one()
            for kind in kinds()}


def upcoming(now: datetime, kind: ReminderKind, page: int = 1, days: int = DAYS,
             per_page: int = PER_PAGE) -> list[Upcoming]:
    """One page of the reminders of one kind that the sweeps of the next `days` days will send,
    soonest first, on the day each one's window opens (or today): one query."""
    today = local_date(now)
    rows = _kind_query(kind, _span(now, days))
    result = db.session.execute(
        select(rows).order_by(rows.c.anchor, rows.c.object_id, rows.c.recipient_id, rows.c.occasion)
        .limit(inline(per_page)).offset(inline((max(page, 1) - 1) * per_page))
    ).all()
    return [Upcoming(day=max(REMINDER_RULES[row.rule].fires_on(row), today), kind=kind, subject=row.subject,
                     person=row.person, delivery=row.delivery or Delivery.IMMEDIATE) for row in result]
