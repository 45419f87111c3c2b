"""The work of a table: work packages, milestones, progress updates and support requests.

Each function enforces a rule of docs/architecture.md (R5: dates inside the round; R6: only the
table's people change its work, through the policy; R10: audited; R13, R14: own content and
removed milestones) and raises RoundsError with a Dutch message when one is broken. The round
and table rules live in rounds/services.py, whose open-round check these share.
"""


from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _

from .. import signals
from ..audit import record, snapshot
from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..versioning import check_version
from .models import (
    UPDATE_EDIT_WINDOW,
    Light,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    ThematicTable,
    WorkPackage,
    WorkPackageStatus,
)
from .services import RoundsError, format_day, require_open

WORK_PACKAGE_FIELDS = list(WorkPackage.EDIT_FIELDS)


# --- work packages and milestones ---------------------------------------------------------------

def _check_inside_round(round_: Round, day: date, field: str, what: str) -> None:
    if not round_.starts_on <= day <= round_.ends_on:
        raise RoundsError(
            _("%(what)s moet binnen de ronde vallen (%(start)s – %(end)s).", what=what,
              start=format_day(round_.starts_on), end=format_day(round_.ends_on)), field)


def create_work_package(by: User, table: ThematicTable, *, title: str, goal: str, description: str,
                        owner: User | None, due_on: date, status: str = WorkPackageStatus.NOT_STARTED) -> WorkPackage:
    require_open(table.round)
    _check_inside_round(table.round, due_on, "due_on", _("De einddatum van het werkpakket"))
    wp = WorkPackage(table=table, title=title.strip(), goal=goal, description=description,
                     owner_id=owner.id if owner else None, due_on=due_on, status=status)
    db.session.add(wp)
    record(by, "work_package.create", wp, after=snapshot(wp, WORK_PACKAGE_FIELDS))
    return wp


def update_work_package(by: User, wp: WorkPackage, *, version: int, title: str, goal: str, description: str,
                        owner: User | None, due_on: date, status: str) -> WorkPackage:
    """Refused when someone saved in between (EditConflict) or dates leave the round."""
    require_open(wp.table.round)
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
                            day=format_day(wp.due_on)), "due_on")


def add_milestone(by: User, wp: WorkPackage, *, title: str, due_on: date, assignee: User | None) -> Milestone:
    """A milestone lies inside the round and not after its work package's due date."""
    require_open(wp.table.round)
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
    require_open(wp.table.round)
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
    require_open(wp.table.round)
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
    require_open(milestone.work_package.table.round)
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
    require_open(wp.table.round)
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
    require_open(update.work_package.table.round)
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
    require_open(update.work_package.table.round)
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
    require_open(table.round)
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
    require_open(request.table.round)
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
    require_open(request.table.round)
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

