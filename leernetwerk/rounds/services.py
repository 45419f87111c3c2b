"""The working cycle: rounds, tables, work packages, milestones, updates, support.

Every function enforces the domain rules of docs/architecture.md (rules R1–R5, and R10: every
change audited) and raises RoundsError (a Dutch message for the user) when one is broken.
Views call these; nothing here knows about HTTP.
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
    UPDATE_EDIT_WINDOW,
    Decision,
    Light,
    MemberRole,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    TableEvaluation,
    TableMembership,
    ThematicTable,
    WorkPackage,
    WorkPackageStatus,
)

MIN_MONTHS, MAX_MONTHS = 3, 4
ROUND_FIELDS = list(Round.EDIT_FIELDS)
TABLE_FIELDS = list(ThematicTable.EDIT_FIELDS)
WORK_PACKAGE_FIELDS = list(WorkPackage.EDIT_FIELDS)


class RoundsError(DomainError):
    """A broken rule of the working cycle; the message is for the user (translated)."""


# --- rounds -----------------------------------------------------------------------------------

def _check_round_dates(starts_on: date, ends_on: date, exclude: Round | None = None) -> None:
    if ends_on <= starts_on:
        raise RoundsError(_("De einddatum moet na de begindatum liggen."), "ends_on")
    if ends_on < months_span(starts_on, MIN_MONTHS):
        raise RoundsError(
            _("Een ronde duurt minstens drie maanden: kies een einddatum op of na %(day)s.",
              day=_format(months_span(starts_on, MIN_MONTHS))), "ends_on")
    if ends_on > months_span(starts_on, MAX_MONTHS):
        raise RoundsError(
            _("Een ronde duurt hoogstens vier maanden: kies een einddatum op of voor %(day)s.",
              day=_format(months_span(starts_on, MAX_MONTHS))), "ends_on")
    query = select(Round).where(Round.starts_on <= ends_on, Round.ends_on >= starts_on)
    if exclude is not None and exclude.id is not None:
        query = query.where(Round.id != exclude.id)
    other = db.session.execute(query.limit(1)).scalar_one_or_none()
    if other is not None:
        raise RoundsError(
            _("Deze data overlappen met %(name)s (%(start)s – %(end)s). Rondes mogen niet overlappen.",
              name=other.name, start=_format(other.starts_on), end=_format(other.ends_on)), "starts_on")


def _format(day: date) -> str:
    from ..i18n import long_date

    return long_date(day)


def _require_open(round_: Round) -> None:
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
    _require_open(round_)
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
    _require_open(round_)
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
    _require_open(round_)
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
    _require_open(table.round)
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
    _require_open(table.round)
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
    _require_open(to_round)
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
    _require_open(table.round)
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


# --- work packages and milestones ---------------------------------------------------------------

def _check_inside_round(round_: Round, day: date, field: str, what: str) -> None:
    if not round_.starts_on <= day <= round_.ends_on:
        raise RoundsError(
            _("%(what)s moet binnen de ronde vallen (%(start)s – %(end)s).", what=what,
              start=_format(round_.starts_on), end=_format(round_.ends_on)), field)


def create_work_package(by: User, table: ThematicTable, *, title: str, goal: str, description: str,
                        owner: User | None, due_on: date, status: str = WorkPackageStatus.NOT_STARTED) -> WorkPackage:
    _require_open(table.round)
    _check_inside_round(table.round, due_on, "due_on", _("De einddatum van het werkpakket"))
    wp = WorkPackage(table=table, title=title.strip(), goal=goal, description=description,
                     owner_id=owner.id if owner else None, due_on=due_on, status=status)
    db.session.add(wp)
    record(by, "work_package.create", wp, after=snapshot(wp, WORK_PACKAGE_FIELDS))
    return wp


def update_work_package(by: User, wp: WorkPackage, *, version: int, title: str, goal: str, description: str,
                        owner: User | None, due_on: date, status: str) -> WorkPackage:
    """Refused when someone saved in between (EditConflict) or dates leave the round."""
    _require_open(wp.table.round)
    check_version(wp, version)
    _check_inside_round(wp.table.round, due_on, "due_on", _("De einddatum van het werkpakket"))
    late = [m for m in wp.milestones if m.done_at is None and m.due_on > due_on]
    if late:
        raise RoundsError(_("Mijlpaal ‘%(title)s’ ligt na deze einddatum.", title=late[0].title), "due_on")
    before = snapshot(wp, WORK_PACKAGE_FIELDS)
    wp.title, wp.goal, wp.description = title.strip(), goal, description
    wp.owner_id, wp.due_on, wp.status = owner.id if owner else None, due_on, status
    db.session.flush()  # raises StaleDataError when a concurrent save won the race after our check
    record(by, "work_package.update", wp, before=before, after=snapshot(wp, WORK_PACKAGE_FIELDS))
    return wp


MILESTONE_FIELDS = ["title", "due_on", "assignee_id"]


def _check_milestone_date(wp: WorkPackage, due_on: date) -> None:
    _check_inside_round(wp.table.round, due_on, "due_on", _("De mijlpaal"))
    if due_on > wp.due_on:
        raise RoundsError(_("De mijlpaal ligt na de einddatum van het werkpakket (%(day)s).",
                            day=_format(wp.due_on)), "due_on")


def add_milestone(by: User, wp: WorkPackage, *, title: str, due_on: date, assignee: User | None) -> Milestone:
    """A milestone lies inside the round and not after its work package's due date."""
    _require_open(wp.table.round)
    _check_milestone_date(wp, due_on)
    milestone = Milestone(work_package=wp, title=title.strip(), due_on=due_on,
                          assignee_id=assignee.id if assignee else None)
    db.session.add(milestone)
    record(by, "milestone.create", milestone, after=snapshot(milestone, MILESTONE_FIELDS)
           | {"work_package_id": wp.id})
    return milestone


def update_milestone(by: User, milestone: Milestone, *, title: str, due_on: date,
                     assignee: User | None) -> Milestone:
    """Rename, re-date or reassign an open milestone; the same date rules as adding one. A new
    date is a new occasion, so its reminders come again for the new date."""
    wp = milestone.work_package
    _require_open(wp.table.round)
    _lock(milestone)
    _require_live(milestone)
    if milestone.is_done:
        raise RoundsError(_("Deze mijlpaal is al afgevinkt. Heropen hem eerst om hem te wijzigen."))
    if not title.strip():
        raise RoundsError(_("Beschrijf de mijlpaal."), "title")
    _check_milestone_date(wp, due_on)
    before = snapshot(milestone, MILESTONE_FIELDS)
    milestone.title, milestone.due_on = title.strip(), due_on
    milestone.assignee_id = assignee.id if assignee else None
    record(by, "milestone.update", milestone, before=before,
           after=snapshot(milestone, MILESTONE_FIELDS) | {"work_package_id": wp.id})
    return milestone


def _lock(obj: Any) -> None:
    """Reload `obj` and lock its row until the transaction ends (SELECT … FOR UPDATE on
    PostgreSQL; a writing SQLite transaction holds the database lock already), so that two
    people changing its state at once (tick off and remove, answer and withdraw) are seen one
    after the other and the second one checks what the first one left."""
    # OF its own table: the row's eager-loaded relations (outer joins) are read, not locked.
    db.session.refresh(obj, with_for_update={"of": type(obj)})


def _require_live(milestone: Milestone) -> None:
    if milestone.is_removed:
        raise RoundsError(_("Deze mijlpaal is verwijderd."))


def remove_milestone(by: User, milestone: Milestone) -> Milestone:
    """Take an open milestone away (softly): it leaves every page, feed and reminder, and its
    row and history stay. A ticked-off milestone stays as a record of what was done."""
    wp = milestone.work_package
    _require_open(wp.table.round)
    _lock(milestone)
    if milestone.is_removed:
        raise RoundsError(_("Deze mijlpaal was al verwijderd."))
    if milestone.is_done:
        raise RoundsError(_("Een afgevinkte mijlpaal blijft staan als wat er gedaan is. Heropen hem eerst als hij "
                            "weg moet."))
    milestone.removed_at, milestone.removed_by_id = utcnow(), by.id
    db.session.expire(wp, ["milestones"])  # a list loaded before still holds it
    record(by, "milestone.remove", milestone, before=snapshot(milestone, MILESTONE_FIELDS) | {"removed": False},
           after=snapshot(milestone, MILESTONE_FIELDS) | {"removed": True, "work_package_id": wp.id})
    return milestone


def set_milestone_done(by: User, milestone: Milestone, done: bool) -> Milestone:
    _require_open(milestone.work_package.table.round)
    _lock(milestone)
    _require_live(milestone)
    if done == milestone.is_done:
        return milestone
    milestone.done_at = utcnow() if done else None
    milestone.done_by_id = by.id if done else None
    record(by, "milestone.done" if done else "milestone.reopen", milestone,
           before={"done": not done}, after={"done": done, "work_package_id": milestone.work_package_id})
    return milestone


def post_update(author: User, wp: WorkPackage, text: str, light: str) -> ProgressUpdate:
    """A written update with a traffic light; it replaces the status meeting."""
    _require_open(wp.table.round)
    _check_update(text, light)
    update = ProgressUpdate(work_package=wp, author=author, body=text, light=light)
    db.session.add(update)
    if wp.status == WorkPackageStatus.NOT_STARTED:
        wp.status = WorkPackageStatus.IN_PROGRESS
    record(author, "progress_update.create", update, after={"work_package_id": wp.id, "light": light})
    return update


UPDATE_FIELDS = ["body", "light"]


def _check_update(text: str, light: str) -> None:
    if not text.strip():
        raise RoundsError(_("Schrijf kort wat er is gebeurd."), "body")
    if light not in Light.__members__.values():
        raise RoundsError(_("Kies op koers, risico of vertraagd."), "light")


def edit_update(author: User, update: ProgressUpdate, *, text: str, light: str) -> ProgressUpdate:
    """Its author corrects an update's text and light within UPDATE_EDIT_WINDOW of posting; after
    that a change of course is a new update."""
    _require_open(update.work_package.table.round)
    _lock(update)
    if update.author_id != author.id:
        raise RoundsError(_("Alleen wie de update schreef, kan hem aanpassen."))
    if update.is_withdrawn:
        raise RoundsError(_("Deze update is ingetrokken en kan niet meer worden aangepast."))
    if not update.open_for_edit(utcnow()):
        raise RoundsError(_("Een update kan tot %(hours)d uur na het plaatsen worden aangepast; die tijd is "
                            "voorbij (sinds %(when)s). Je tekst staat hieronder nog: plaats hem als nieuwe update.",
                            hours=UPDATE_EDIT_WINDOW // timedelta(hours=1),
                            when=_format_moment(update.editable_until)))
    _check_update(text, light)
    if (text, light) == (update.body, update.light):
        return update
    before = snapshot(update, UPDATE_FIELDS)
    update.body, update.light, update.edited_at = text, light, utcnow()
    record(author, "progress_update.edit", update, before=before,
           after=snapshot(update, UPDATE_FIELDS) | {"work_package_id": update.work_package_id})
    return update


def withdraw_update(by: User, update: ProgressUpdate) -> ProgressUpdate:
    """Its author (or staff, moderating) withdraws an update, at any time while the round is open.
    It stays in the history, marked, and no longer counts as the work package's latest news."""
    _require_open(update.work_package.table.round)
    _lock(update)
    if update.is_withdrawn:
        raise RoundsError(_("Deze update was al ingetrokken."))
    if update.author_id != by.id and not by.is_staff:
        raise RoundsError(_("Alleen wie de update schreef, kan hem intrekken."))
    update.withdrawn_at, update.withdrawn_by_id = utcnow(), by.id
    record(by, "progress_update.withdraw", update, before={"withdrawn": False},
           after={"withdrawn": True, "work_package_id": update.work_package_id})
    return update


def _format_moment(moment: Any) -> str:
    from ..i18n import date_time

    return date_time(moment)


# --- support requests -----------------------------------------------------------------------------

def ask_support(author: User, table: ThematicTable, *, subject: str, body: str) -> SupportRequest:
    """A table asks the core group; it reaches the liaison (and staff) at once and stays open."""
    _require_open(table.round)
    request = SupportRequest(table=table, author=author, subject=subject.strip(), body=body)
    db.session.add(request)
    record(author, "support_request.create", request, after={"table_id": table.id, "subject": request.subject})
    db.session.flush()
    signals.support_requested.send(request)
    return request


SUPPORT_FIELDS = ["subject", "body"]


def _require_unanswered(request: SupportRequest, answered: str) -> None:
    if request.is_withdrawn:
        raise RoundsError(_("Deze vraag is ingetrokken."))
    if request.answered_at is not None:
        raise RoundsError(answered)


def edit_support(author: User, request: SupportRequest, *, subject: str, body: str) -> SupportRequest:
    """Its author changes a support request's subject and text until it is answered."""
    _require_open(request.table.round)
    _lock(request)
    if request.author_id != author.id:
        raise RoundsError(_("Alleen wie de vraag stelde, kan hem aanpassen."))
    _require_unanswered(request, _("Deze vraag is intussen beantwoord en kan niet meer worden aangepast. Je tekst "
                                   "staat hieronder nog; stel een nieuwe vraag als er iets bij komt."))
    if not subject.strip():
        raise RoundsError(_("Vul een onderwerp in."), "subject")
    if not body.strip():
        raise RoundsError(_("Beschrijf de vraag."), "body")
    if (subject.strip(), body) == (request.subject, request.body):
        return request
    before = snapshot(request, SUPPORT_FIELDS)
    request.subject, request.body, request.edited_at = subject.strip(), body, utcnow()
    record(author, "support_request.edit", request, before=before,
           after=snapshot(request, SUPPORT_FIELDS) | {"table_id": request.table_id})
    return request


def withdraw_support(by: User, request: SupportRequest) -> SupportRequest:
    """Its author (or staff, moderating) withdraws a support request while it is unanswered: it
    stays on the table's page, marked, and no longer waits for anyone."""
    _require_open(request.table.round)
    _lock(request)
    _require_unanswered(request, _("Deze vraag is al beantwoord; een beantwoorde vraag blijft staan."))
    if request.author_id != by.id and not by.is_staff:
        raise RoundsError(_("Alleen wie de vraag stelde, kan hem intrekken."))
    request.withdrawn_at, request.withdrawn_by_id = utcnow(), by.id
    record(by, "support_request.withdraw", request, before={"withdrawn": False},
           after={"withdrawn": True, "table_id": request.table_id})
    return request


def answer_support(by: User, request: SupportRequest, answer: str) -> SupportRequest:
    _lock(request)
    if request.is_withdrawn:
        raise RoundsError(_("Deze vraag is ingetrokken door wie hem stelde; er hoeft geen antwoord meer op."))
    if not request.is_open:
        raise RoundsError(_("Deze vraag is al beantwoord."))
    if not answer.strip():
        raise RoundsError(_("Schrijf een antwoord."), "answer")
    request.answer, request.answered_by_id, request.answered_at = answer, by.id, utcnow()
    record(by, "support_request.answer", request, after={"answer": answer})
    signals.support_answered.send(request)
    return request

