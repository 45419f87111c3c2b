"""The working cycle's frame: rounds, their tables, members and evaluations.

Every function enforces the domain rules of docs/architecture.md (rules R1–R4, and R10: every
change audited) and raises RoundsError (a Dutch message for the user) when one is broken.
Views call these; nothing here knows about HTTP. A table's own work (work packages, milestones,
updates, support requests) is in rounds/work.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from .. import signals
from ..audit import record, snapshot
from ..auth.models import User
from ..database import utcnow
from ..dates import months_span
from ..errors import DomainError
from ..extensions import db
from ..versioning import check_version
from .models import (
    Decision,
    MemberRole,
    Milestone,
    Round,
    TableEvaluation,
    TableMembership,
    ThematicTable,
    WorkPackage,
    WorkPackageStatus,
)

MIN_MONTHS, MAX_MONTHS = 3, 4
ROUND_FIELDS = list(Round.EDIT_FIELDS)
TABLE_FIELDS = list(ThematicTable.EDIT_FIELDS)


class RoundsError(DomainError):
    """A broken rule of the working cycle; the message is for the user (translated)."""


# --- rounds -----------------------------------------------------------------------------------

def _check_round_dates(starts_on: date, ends_on: date, exclude: Round | None = None) -> None:
    if ends_on <= starts_on:
        raise RoundsError(_("De einddatum moet na de begindatum liggen."), "ends_on")
    if ends_on < months_span(starts_on, MIN_MONTHS):
        raise RoundsError(
            _("Een ronde duurt minstens drie maanden: kies een einddatum op of na %(day)s.",
              day=format_day(months_span(starts_on, MIN_MONTHS))), "ends_on")
    if ends_on > months_span(starts_on, MAX_MONTHS):
        raise RoundsError(
            _("Een ronde duurt hoogstens vier maanden: kies een einddatum op of voor %(day)s.",
              day=format_day(months_span(starts_on, MAX_MONTHS))), "ends_on")
    query = select(Round).where(Round.starts_on <= ends_on, Round.ends_on >= starts_on)
    if exclude is not None and exclude.id is not None:
        query = query.where(Round.id != exclude.id)
    other = db.session.execute(query.limit(1)).scalar_one_or_none()
    if other is not None:
        raise RoundsError(
            _("Deze data overlappen met %(name)s (%(start)s – %(end)s). Rondes mogen niet overlappen.",
              name=other.name, start=format_day(other.starts_on), end=format_day(other.ends_on)), "starts_on")


def format_day(day: date) -> str:
    from ..i18n import long_date

    return long_date(day)


def require_open(round_: Round) -> None:
    if round_.closed_at is not None:
        raise RoundsError(_("Deze ronde is afgesloten en kan niet meer worden gewijzigd."))


def create_round(by: User, *, name: str, starts_on: date, ends_on: date, goal: str = "") -> Round:
    """A round lasts 3 to 4 calendar months and never overlaps another round."""
    _check_round_dates(starts_on, ends_on)
    round_ = Round(name=name.strip(), starts_on=starts_on, ends_on=ends_on, goal=goal)
    _check_unique_round_name(round_)
    db.session.add(round_)
    record(by, "round.create", round_, after=snapshot(round_, ROUND_FIELDS))
    return round_


def _check_unique_round_name(round_: Round) -> None:
    query = select(Round.id).where(Round.name == round_.name)
    if round_.id is not None:
        query = query.where(Round.id != round_.id)
    if db.session.execute(query).first():
        raise RoundsError(_("Er is al een ronde met deze naam."), "name")


def update_round(by: User, round_: Round, *, version: int, name: str, starts_on: date, ends_on: date,
                 goal: str) -> Round:
    """Same rules as creating; a closed round is read-only; tables' dates must still fit."""
    require_open(round_)
    check_version(round_, version)
    _check_round_dates(starts_on, ends_on, exclude=round_)
    outside = db.session.execute(
        select(Milestone.title)
        .join(Milestone.work_package).join(WorkPackage.table)
        .where(ThematicTable.round_id == round_.id, Milestone.done_at.is_(None), Milestone.live(),
               (Milestone.due_on < starts_on) | (Milestone.due_on > ends_on))
        .limit(1)
    ).scalar_one_or_none()
    if outside is not None:
        raise RoundsError(_("Mijlpaal ‘%(title)s’ zou buiten de ronde vallen. Verplaats die eerst.", title=outside),
                          "ends_on")
    before = snapshot(round_, ROUND_FIELDS)
    round_.name, round_.starts_on, round_.ends_on, round_.goal = name.strip(), starts_on, ends_on, goal
    _check_unique_round_name(round_)
    record(by, "round.update", round_, before=before, after=snapshot(round_, ROUND_FIELDS))
    return round_


def missing_evaluations(round_: Round) -> list[ThematicTable]:
    return list(db.session.execute(
        select(ThematicTable).outerjoin(TableEvaluation, TableEvaluation.table_id == ThematicTable.id)
        .where(ThematicTable.round_id == round_.id, ThematicTable.archived_at.is_(None), TableEvaluation.id.is_(None))
        .order_by(ThematicTable.title)
    ).scalars())


def close_round(by: User, round_: Round) -> Round:
    """Closing needs an evaluation of every table; afterwards the round is read-only."""
    require_open(round_)
    missing = missing_evaluations(round_)
    if missing:
        raise RoundsError(_("Nog geen evaluatie van: %(tables)s. Een ronde sluit pas als elke tafel "
                            "geëvalueerd is.", tables=", ".join(t.title for t in missing)))
    round_.closed_at = utcnow()
    round_.closed_by_id = by.id
    record(by, "round.close", round_, after={"closed_at": round_.closed_at.isoformat()})
    return round_


# --- tables -----------------------------------------------------------------------------------

def _check_liaison(liaison: User | None) -> None:
    if liaison is None or not liaison.is_core_group or not liaison.active:
        raise RoundsError(_("De verbindingspersoon moet een actief lid van de kerngroep zijn."), "liaison_id")


def _check_members(members: list[tuple[User, str]]) -> None:
    seen: set[int] = set()
    for user, role in members:
        if user.id in seen:
            raise RoundsError(_("%(name)s staat twee keer in de lijst; kies één rol.", name=user.name), "leads")
        if role not in MemberRole.__members__.values():
            raise RoundsError(_("Onbekende rol."), "members")
        seen.add(user.id)


def _set_members(table: ThematicTable, members: list[tuple[User, str]]) -> tuple[dict[str, Any], list[User]]:
    """Seat exactly `members` at the table. Returns the seats for the audit log, and the people
    new to the table (to be told once the table has an id: _announce_seated)."""
    current = {m.user_id: m for m in table.memberships}
    seated: list[User] = []
    wanted = {user.id: (user, role) for user, role in members}
    for user_id, membership in list(current.items()):
        if user_id not in wanted:
            table.memberships.remove(membership)
    for user_id, (user, role) in wanted.items():
        if user_id in current:
            current[user_id].role = role
        else:
            table.memberships.append(TableMembership(user=user, role=role))
            seated.append(user)
    return {str(u.id): r for u, r in members}, seated


def _announce_seated(table: ThematicTable, seated: list[User]) -> None:
    if seated:
        signals.members_seated.send(table, users=seated)


def create_table(by: User, round_: Round, *, title: str, theme: str, action_line: str, description: str,
                 liaison: User | None, members: list[tuple[User, str]]) -> ThematicTable:
    """A table belongs to one open round and has exactly one liaison from the core group."""
    require_open(round_)
    _check_liaison(liaison)
    _check_members(members)
    _check_unique_title(round_, title)
    table = ThematicTable(round=round_, title=title.strip(), theme=theme.strip(), action_line=action_line,
                  description=description, liaison=liaison)
    db.session.add(table)
    members_after, seated = _set_members(table, members)
    db.session.flush()  # sets liaison_id from the liaison relationship; before this it is still None
    record(by, "table.create", table, after=snapshot(table, TABLE_FIELDS) | {"members": members_after})
    _announce_seated(table, seated)
    return table


def _check_unique_title(round_: Round, title: str, table: ThematicTable | None = None) -> None:
    query = select(ThematicTable.id).where(ThematicTable.round_id == round_.id, ThematicTable.title == title.strip())
    if table is not None:
        query = query.where(ThematicTable.id != table.id)
    if db.session.execute(query).first():
        raise RoundsError(_("Deze ronde heeft al een tafel met deze titel."), "title")


def update_table(by: User, table: ThematicTable, *, version: int, title: str, theme: str, action_line: str,
                 description: str, liaison: User | None, members: list[tuple[User, str]]) -> ThematicTable:
    require_open(table.round)
    check_version(table, version)
    _check_liaison(liaison)
    _check_members(members)
    _check_unique_title(table.round, title, table)
    before = snapshot(table, TABLE_FIELDS) | {"members": {str(m.user_id): m.role for m in table.memberships}}
    table.title, table.theme, table.action_line = title.strip(), theme.strip(), action_line
    table.description, table.liaison = description, liaison
    members_after, seated = _set_members(table, members)
    _new_table_version(table)
    db.session.flush()  # liaison_id follows the new liaison only at the flush
    record(by, "table.update", table, before=before, after=snapshot(table, TABLE_FIELDS) | {"members": members_after})
    _announce_seated(table, seated)
    return table


def seat(by: User, table: ThematicTable, user: User, role: str) -> TableMembership:
    """Give one person a seat at a table (an invitation for the table does this), audited."""
    require_open(table.round)
    if role not in MemberRole.__members__.values():
        raise RoundsError(_("Onbekende rol."), "role")
    if any(m.user_id == user.id for m in table.memberships):
        raise RoundsError(_("%(name)s zit al aan deze tafel.", name=user.name))
    membership = TableMembership(user=user, role=role)
    table.memberships.append(membership)
    _new_table_version(table)
    db.session.flush()
    record(by, "table.seat", table, after={"user_id": user.id, "role": role})
    # Not announced: seating comes with an invitation, whose mail already names the table.
    return membership


def _new_table_version(table: ThematicTable) -> None:
    """Members live in their own rows, so changing them alone would leave the table's version as
    it was, and a table form opened earlier could then silently undo the change. Saving the table
    row anyway gives it a new version, and that form a conflict instead."""
    flag_modified(table, "title")


def _shift_into(day: date, offset: timedelta, round_: Round) -> date:
    """Move a date by `offset` and keep it inside `round_`."""
    return min(max(day + offset, round_.starts_on), round_.ends_on)


def carry_over(by: User, table: ThematicTable, to_round: Round) -> ThematicTable:
    """Carry a table into a later round: members, open work and the link to its history come along.

    Open milestones keep their place relative to the round's start (clipped to the new round);
    the old table stays as it was, readable.
    """
    require_open(to_round)
    if to_round.starts_on <= table.round.starts_on:
        raise RoundsError(_("Kies een latere ronde om de tafel naar door te zetten."), "round_id")
    if db.session.execute(select(ThematicTable.id).where(ThematicTable.carried_over_from_id == table.id)).first():
        raise RoundsError(_("Deze tafel is al doorgezet naar een volgende ronde."))
    _check_unique_title(to_round, table.title)
    _check_liaison(table.liaison)
    new = ThematicTable(round=to_round, title=table.title, theme=table.theme, action_line=table.action_line,
                description=table.description, liaison=table.liaison, carried_over_from=table)
    db.session.add(new)
    _seats, seated = _set_members(new, [(m.user, m.role) for m in table.memberships])
    offset = to_round.starts_on - table.round.starts_on
    for wp in table.work_packages:
        open_milestones = [m for m in wp.milestones if m.done_at is None]
        if wp.status in (WorkPackageStatus.DONE, WorkPackageStatus.STOPPED) and not open_milestones:
            continue
        new_wp = WorkPackage(table=new, title=wp.title, goal=wp.goal, description=wp.description,
                             owner_id=wp.owner_id, due_on=_shift_into(wp.due_on, offset, to_round),
                             status=WorkPackageStatus.IN_PROGRESS if wp.status != WorkPackageStatus.NOT_STARTED
                             else WorkPackageStatus.NOT_STARTED)
        db.session.add(new_wp)
        for m in open_milestones:
            db.session.add(Milestone(work_package=new_wp, title=m.title, assignee_id=m.assignee_id,
                                     due_on=_shift_into(m.due_on, offset, to_round), carried_over_from_id=m.id))
    db.session.flush()
    record(by, "table.carry_over", new, before={"table_id": table.id, "round_id": table.round_id},
           after={"table_id": new.id, "round_id": to_round.id})
    _announce_seated(new, seated)
    return new


def record_evaluation(by: User, table: ThematicTable, *, delivered: str, what_worked: str, decision: str) -> TableEvaluation:
    """What the table delivered, what worked, continue or stop; changeable until the round closes."""
    require_open(table.round)
    if decision not in (Decision.CONTINUE, Decision.STOP):
        raise RoundsError(_("Kies doorgaan of stoppen."), "decision")
    if not delivered.strip() or not what_worked.strip():
        raise RoundsError(_("Vul in wat de tafel heeft opgeleverd en wat goed werkte."), "delivered")
    evaluation = table.evaluation
    before = snapshot(evaluation, ["delivered", "what_worked", "decision"]) if evaluation else None
    if evaluation is None:
        evaluation = TableEvaluation(table=table, author_id=by.id, delivered="", what_worked="", decision=decision)
        db.session.add(evaluation)
    evaluation.delivered, evaluation.what_worked, evaluation.decision = delivered, what_worked, decision
    evaluation.author_id = by.id
    db.session.flush()
    record(by, "table.evaluate", table, before=before,
           after=snapshot(evaluation, ["delivered", "what_worked", "decision"]))
    return evaluation
