"""The personal calendar feed (iCalendar, RFC 5545): milestones, due dates and round ends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import or_, select

from ..auth.models import User
from ..extensions import db
from ..rounds.models import Milestone, Round, TableMembership, ThematicTable, WorkPackage
from ..urls import external_url

HISTORY_DAYS = 365  # rounds that ended longer ago are left out of the feed


def _my_tables(user: User, since: date):  # noqa: ANN202
    """Tables the person sits at or is liaison of, in rounds that ended at most a year ago."""
    member = select(TableMembership.table_id).where(TableMembership.user_id == user.id)
    return (
        select(ThematicTable.id).join(Round, Round.id == ThematicTable.round_id)
        .where(or_(ThematicTable.id.in_(member), ThematicTable.liaison_id == user.id), ThematicTable.archived_at.is_(None),
               Round.ends_on >= since)
    )


def _all_day(uid: str, day: date, summary: str, description: str, url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{description}\n{url}".strip())
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a deadline, not a busy slot
    return event


def calendar_for(user: User, now: datetime) -> bytes:
    """The person's milestones (assigned to them, or to nobody at their tables), the due dates of
    their tables' work packages and the ends of those rounds, as all-day events; three queries."""
    tables = _my_tables(user, now.date() - timedelta(days=HISTORY_DAYS))
    milestones = db.session.execute(
        select(Milestone.id, Milestone.title, Milestone.due_on, Milestone.done_at, WorkPackage.id.label("wp_id"),
               WorkPackage.title.label("wp_title"), ThematicTable.title.label("table"))
        .join(WorkPackage, WorkPackage.id == Milestone.work_package_id)
        .join(ThematicTable, ThematicTable.id == WorkPackage.table_id)
        .where(WorkPackage.table_id.in_(tables), Milestone.live(),
               or_(Milestone.assignee_id == user.id, Milestone.assignee_id.is_(None)))
        .order_by(Milestone.due_on, Milestone.id)
    ).all()
    packages = db.session.execute(
        select(WorkPackage.id, WorkPackage.title, WorkPackage.due_on, ThematicTable.title.label("table"))
        .join(ThematicTable, ThematicTable.id == WorkPackage.table_id)
        .where(WorkPackage.table_id.in_(tables)).order_by(WorkPackage.due_on, WorkPackage.id)
    ).all()
    rounds = db.session.execute(
        select(Round.id, Round.name, Round.ends_on)
        .where(Round.id.in_(select(ThematicTable.round_id).where(ThematicTable.id.in_(tables)))).order_by(Round.ends_on)
    ).all()

    base_url = current_app.config["BASE_URL"]
    domain = urlsplit(base_url).hostname or "leernetwerk.test"
    calendar = Calendar()
    calendar.add("prodid", "-//ROS Friesland//Leernetwerk Kansrijke Start//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    with force_locale(user.locale):
        calendar.add("x-wr-calname", _("Leernetwerk: %(name)s", name=user.name))
        for m in milestones:
            summary = _("Mijlpaal: %(title)s", title=m.title)
            if m.done_at is not None:
                summary = _("Afgerond: %(title)s", title=m.title)
            calendar.add_component(_all_day(
                f"milestone-{m.id}@{domain}", m.due_on, summary,
                _("Thematafel %(table)s, werkpakket %(work_package)s", table=m.table, work_package=m.wp_title),
                external_url("rounds.work_package_detail", _anchor="mijlpalen", wp_id=m.wp_id), now))
        for wp in packages:
            calendar.add_component(_all_day(
                f"work-package-{wp.id}@{domain}", wp.due_on, _("Werkpakket klaar: %(title)s", title=wp.title),
                _("Thematafel %(table)s", table=wp.table),
                external_url("rounds.work_package_detail", wp_id=wp.id), now))
        for r in rounds:
            calendar.add_component(_all_day(
                f"round-end-{r.id}@{domain}", r.ends_on, _("Einde ronde: %(name)s", name=r.name), "",
                external_url("rounds.round_detail", round_id=r.id), now))
    return calendar.to_ical()
