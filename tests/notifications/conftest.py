"""A table in a running round with its people, on a fixed Wednesday morning in Amsterdam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from leernetwerk.rounds.models import MemberRole, Milestone, Round, Table, WorkPackage, WorkPackageStatus
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 11, 4)  # a Wednesday


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Dutch time."""
    return datetime.combine(day, time(hour, minute), AMSTERDAM)


NOW = at(TODAY)


@dataclass
class Scene:
    round: Round
    table: Table
    work_package: WorkPackage
    staff: object
    liaison: object
    lead: object
    member: object

    def milestone(self, title: str, due_on: date, assignee=None, done: bool = False) -> Milestone:
        from leernetwerk.extensions import db

        m = Milestone(work_package=self.work_package, title=title, due_on=due_on,
                      assignee_id=assignee.id if assignee else None, done_at=NOW if done else None)
        db.session.add(m)
        db.session.commit()
        return m


@pytest.fixture
def clock():
    """Time stands still on Wednesday 4 November 2026, 09:00 in Amsterdam; move it with move_to."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scene(clock, db) -> Scene:
    staff = factories.user(staff=True, name="Sanne ROS")
    liaison = factories.user(core=True, name="Vera Verbinding")
    lead = factories.user(name="Karin Kartrekker")
    member = factories.user(name="Lars Lid")
    round_ = factories.round_(starts_on=date(2026, 9, 1), months=4, name="Ronde najaar")
    table = factories.table(round_, liaison=liaison, members=[(lead, MemberRole.LEAD), (member, MemberRole.MEMBER)],
                            title="Tafel Taalbarrières")
    wp = factories.work_package(table, title="Wegwijzer tolken")
    wp.status = WorkPackageStatus.IN_PROGRESS
    db.session.commit()
    return Scene(round=round_, table=table, work_package=wp, staff=staff, liaison=liaison, lead=lead, member=member)


def days(n: int) -> timedelta:
    return timedelta(days=n)
