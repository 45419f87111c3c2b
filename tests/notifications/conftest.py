"""A table in a running round with its people, on a fixed Wednesday morning in Amsterdam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from leernetwerk.rounds.models import MemberRole, Milestone, Round, ThematicTable, WorkPackage, WorkPackageStatus
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
    table: ThematicTable
    work_package: WorkPackage
    staff: object
    liaison: object
    lead: object
    member: object

    def milestone(self, title: str, due_on: date, assignee=None, done: bool = False) -> Milestone:
        return factories.make_milestone(self.staff, self.work_package, title=title, due_on=due_on, assignee=assignee,
                                        done=done)


@pytest.fixture
def clock():
    """Time stands still on Wednesday 4 November 2026, 09:00 in Amsterdam; move it with move_to."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scene(clock, db) -> Scene:
    with factories.one_commit():
        staff = factories.make_user(staff=True, name="Sanne ROS")
        liaison = factories.make_user(core=True, name="Vera Verbinding")
        lead = factories.make_user(name="Karin Kartrekker")
        member = factories.make_user(name="Lars Lid")
        round_ = factories.make_round(staff, starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 31), name="Ronde najaar")
        table = factories.make_table(staff, round_, liaison=liaison, title="Tafel Taalbarrières",
                                     members=[(lead, MemberRole.LEAD), (member, MemberRole.MEMBER)])
        wp = factories.make_work_package(staff, table, title="Wegwijzer tolken", status=WorkPackageStatus.IN_PROGRESS)
    return Scene(round=round_, table=table, work_package=wp, staff=staff, liaison=liaison, lead=lead, member=member)


def days(n: int) -> timedelta:
    return timedelta(days=n)
