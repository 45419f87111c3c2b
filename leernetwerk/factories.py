"""One way to build domain data: for the tests, the browser tests' scenes and the demo.

Each factory goes through the domain service the app itself uses, so the rules of
docs/architecture.md hold and every change is audited; it fills in sensible defaults (unique
names from a counter) and returns what it made. Like the services, the acting person comes
first (None: nobody in particular, an audit event without an actor), and nothing here
commits: the caller owns the transaction (tests/factories.py commits after each call, the
demo once at the end).

Municipalities and coalitions have no services yet; their factories add the rows themselves.
Questions go through `coalitions.services`; organisations and "gebruikt in" marks through
`coalitions.places`.

What the services refuse on purpose (a moment in the past, rounds side by side, notices that
would long have been read) is set afterwards, in the last section, "Beyond the services", and
nowhere else.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, TypeVar

from flask import current_app, has_request_context
from sqlalchemy import delete, func, select, update

from . import dates
from .auth import services as auth
from .auth.models import User
from .coalitions import places
from .coalitions import services as questions
from .coalitions.models import (
    Coalition,
    DeliverableUse,
    Municipality,
    Organisation,
    OrganisationKind,
    Question,
    QuestionSignal,
    QuestionStatus,
    WorkingArea,
)
from .extensions import db
from .library import services as library
from .library.models import (
    Deliverable,
    DeliverableKind,
    DeliverableVersion,
    Follow,
    LibraryEntry,
    VersionStatus,
    Visibility,
)
from .notifications.models import Notification, OutboxMail, ReminderLog
from .rounds import services as rounds
from .rounds import work
from .rounds.models import (
    ActionLine,
    Decision,
    Light,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    TableEvaluation,
    ThematicTable,
    WorkPackage,
    WorkPackageStatus,
)
from .text import slugify

PASSWORD = "een-lang-test-wachtwoord"  # nosec B105 # the tests' accounts' password; the demo sets its own
# From any start day, 95 days is at least three and at most four calendar months (rule R1).
ROUND_DAYS = 95

_numbers = itertools.count(1)
T = TypeVar("T")


def _next() -> int:
    return next(_numbers)


# --- places and people ----------------------------------------------------------------------------

def make_municipality(name: str | None = None) -> Municipality:
    name = name or f"Gemeente {_next()}"
    municipality = Municipality(name=name, slug=slugify(name))
    db.session.add(municipality)
    db.session.flush()
    return municipality


def make_coalition(municipality: Municipality | str | None = None) -> Coalition:
    """The local coalition of a municipality (made first when a name or nothing is given)."""
    if not isinstance(municipality, Municipality):
        municipality = make_municipality(municipality)
    coalition = Coalition(municipality=municipality, name=f"Kansrijke Start {municipality.name}")
    db.session.add(coalition)
    db.session.flush()
    return coalition


def make_organisation(name: str | None = None, *, by: User | None = None, kind: str = OrganisationKind.MIDWIFERY,
                      working_area: str | None = None, municipalities: Iterable[Municipality] = (),
                      action_lines: Iterable[str] = (), **details: str) -> Organisation:
    """An organisation in the directory, through the service. Its working area follows from the
    municipalities unless given: none → all of Friesland, one → that municipality, more → a region.
    `details`: description, when_to_engage, phone, email, website, referral."""
    municipalities = list(municipalities)
    if working_area is None:
        working_area = (WorkingArea.PROVINCE if not municipalities else
                        WorkingArea.MUNICIPALITY if len(municipalities) == 1 else WorkingArea.REGION)
    return places.create_organisation(by, name=name or f"Organisatie {_next()}", kind=kind,
                                      working_area=working_area, municipalities=municipalities,
                                      action_lines=action_lines, **details)


def make_use(by: User, deliverable: Deliverable, coalition: Coalition | None = None, note: str = "") -> DeliverableUse:
    """'Gebruikt in': `by`'s coalition (their first, unless given) uses a published end product."""
    coalition = coalition or places.coalitions_of(by)[0]
    return places.mark_used(by, deliverable, coalition, note)


def make_follow(user: User, facet: str, value: str) -> Follow:
    """`user` follows a kind of end product (facet "soort") or a theme ("thema") in the library."""
    return library.follow(user, facet, value)


def make_user(by: User | None = None, *, email: str | None = None, name: str | None = None,
              password: str | None = PASSWORD, staff: bool = False, core: bool = False,
              organisation: Organisation | None = None, coalitions: Iterable[Coalition] = (),
              locale: str = "nl", active: bool = True) -> User:
    """An account that can log in with `password`; without one, a person `by` invited who has
    not set a password yet (the invitation is mailed). `active=False`: deactivated by `by`."""
    n = _next()
    email, name = email or f"persoon{n}@example.org", name or f"Persoon {n}"
    coalition_ids = [c.id for c in coalitions]
    organisation_id = organisation.id if organisation else None
    if password is None:
        with _request_context():  # the invitation mail carries a link
            user = auth.invite_user(by, email=email, name=name, organisation_id=organisation_id, is_staff=staff,
                                    is_core_group=core, coalition_ids=coalition_ids, locale=locale)
    else:
        user = auth.create_user(email=email, name=name, password=password, is_staff=staff, is_core_group=core,
                                organisation_id=organisation_id)
        if coalition_ids:
            auth.set_coalitions(user, coalition_ids)
        if locale != user.locale:
            auth.set_locale(user, locale)
    if not active:
        if by is None:
            raise ValueError("make_user(active=False) needs the staff member who deactivates: make_user(staff, ...)")
        auth.deactivate(by, user)
    return user


def make_two_factor(user: User, *, secret: str | None = None, recovery_codes: list[str] | None = None) -> list[str]:
    """Two-factor login on for `user` (through the service, confirmed with the previous time
    step's code, so the current code is still unused); returns the recovery codes. With
    `recovery_codes`, those replace the random ones (the demo's fixed, documented code)."""
    import time as _time

    import pyotp

    from .auth import two_factor
    from .auth.models import RecoveryCode

    secret = secret or pyotp.random_base32()
    codes = two_factor.enable(user, secret, pyotp.TOTP(secret).at(_time.time() - 30))
    if recovery_codes is not None:
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        db.session.add_all(RecoveryCode(user_id=user.id, code_hash=two_factor.code_hash(c)) for c in recovery_codes)
        codes = list(recovery_codes)
    return codes


def make_coalition_member(coalition: Coalition | None = None, **user: Any) -> User:
    """A person in a local coalition (a new one unless given)."""
    return make_user(coalitions=[coalition or make_coalition()], **user)


def make_question(author: User, coalition: Coalition, *, title: str | None = None, body: str = "",
                  action_line: str = ActionLine.AFTER_BIRTH, organisation_kinds: Iterable[str] = (),
                  status: str = QuestionStatus.NEW, table: ThematicTable | None = None,
                  answers: Iterable[Deliverable] = (), reason: str = "", by: User | None = None) -> Question:
    """A question raised through the service; `status` other than nieuw is reached through
    move_question by `by` (a core-group member or staff; one is made when not given)."""
    question = questions.raise_question(author, coalition, title=title or f"Vraagstuk {_next()}", body=body,
                                        action_line=action_line, organisation_kinds=organisation_kinds)
    if status != QuestionStatus.NEW:
        by = by or make_user(core=True)
        if status == QuestionStatus.PLACED:
            questions.move_question(by, question, status, table=table)
        elif status == QuestionStatus.ANSWERED:
            questions.move_question(by, question, QuestionStatus.IN_PROGRESS)
            questions.move_question(by, question, status, answers=answers)
        else:
            questions.move_question(by, question, status, reason=reason or "Buiten de opdracht van het netwerk.")
    return question


def make_question_signal(question: Question, coalition: Coalition, user: User, note: str = "") -> QuestionSignal:
    """'Ook bij ons': another coalition has the same question."""
    return questions.signal_question(user, question, coalition, note)


# --- rounds and tables ----------------------------------------------------------------------------

def make_round(by: User | None = None, *, name: str | None = None, starts_on: date | None = None,
               ends_on: date | None = None, goal: str = "") -> Round:
    """A round through create_round (R1). By default it started 20 days ago and lasts 95 days."""
    starts_on = starts_on or dates.today() - timedelta(days=20)
    round_ = rounds.create_round(by, name=name or f"Ronde {_next()}", starts_on=starts_on,
                                 ends_on=ends_on or starts_on + timedelta(days=ROUND_DAYS), goal=goal)
    return round_


def running_round() -> Round | None:
    """The open round that runs today, if there is one."""
    today = dates.today()
    return db.session.execute(
        select(Round).where(Round.starts_on <= today, Round.ends_on >= today, Round.closed_at.is_(None))
        .order_by(Round.starts_on).limit(1)
    ).scalar_one_or_none()


def make_table(by: User | None = None, round_: Round | None = None, *, title: str | None = None,
               theme: str = "Thema", action_line: str = ActionLine.DURING_PREGNANCY, description: str = "",
               liaison: User | None = None, members: Iterable[tuple[User, str]] = (),
               carried_over_from: ThematicTable | None = None) -> ThematicTable:
    """A table in `round_` (default: the round running today, or a new one), with a liaison from
    the core group (a new one unless given) and its members as (person, role).

    `carried_over_from` carries that table into `round_` (rule R4) and then sets what is given here.
    The members are seated without the "you are at this table now" notice: a table built here
    stands for one that already exists.
    """
    round_ = round_ or running_round() or make_round(by)
    liaison = liaison or make_user(core=True)
    members = list(members)
    fields = dict(title=title or f"Tafel {_next()}", theme=theme, action_line=action_line, description=description,
                  liaison=liaison, members=members)
    with without_notices():
        if carried_over_from is None:
            table = rounds.create_table(by, round_, **fields)
        else:
            table = rounds.carry_over(by, carried_over_from, round_)
            table = rounds.update_table(by, table, version=table.version, **fields)
    return table


def make_evaluation(by: User, table: ThematicTable, *, delivered: str = "Een eindproduct in de bibliotheek.",
                    what_worked: str = "Korte lijnen met de verbindingspersoon.",
                    decision: str = Decision.CONTINUE) -> TableEvaluation:
    evaluation = rounds.record_evaluation(by, table, delivered=delivered, what_worked=what_worked, decision=decision)
    return evaluation


def finish_round(by: User, round_: Round, *, closed_at: datetime | None = None) -> Round:
    """Close a round as staff do (R2): each table without an evaluation gets one first.
    `closed_at` puts the closing in the past."""
    for table in rounds.missing_evaluations(round_):
        make_evaluation(by, table)
    rounds.close_round(by, round_)
    if closed_at is not None:
        backdate(round_, closed_at=closed_at)
    return round_


# --- the work -------------------------------------------------------------------------------------

def make_work_package(by: User | None = None, table: ThematicTable | None = None, *, title: str | None = None,
                      goal: str = "", description: str = "", owner: User | None = None, due_on: date | None = None,
                      status: str = WorkPackageStatus.NOT_STARTED) -> WorkPackage:
    """A work package of `table` (a new one unless given), due a week before its round ends."""
    table = table or make_table(by)
    wp = work.create_work_package(by, table, title=title or f"Werkpakket {_next()}", goal=goal,
                                    description=description, owner=owner,
                                    due_on=due_on or table.round.ends_on - timedelta(days=7), status=status)
    return wp


def make_milestone(by: User | None = None, wp: WorkPackage | None = None, *, title: str | None = None,
                   due_on: date | None = None, assignee: User | None = None, done: bool = False) -> Milestone:
    """A milestone, due with its work package unless given; `done` ticks it off now, by its
    assignee (else by `by`, else by the table's liaison)."""
    wp = wp or make_work_package(by)
    milestone = work.add_milestone(by, wp, title=title or f"Mijlpaal {_next()}", due_on=due_on or wp.due_on,
                                     assignee=assignee)
    if done:
        work.set_milestone_done(assignee or by or wp.table.liaison, milestone, True)
    return milestone


def make_update(author: User, wp: WorkPackage, body: str | None = None, light: str = Light.ON_TRACK, *,
                at: datetime | None = None) -> ProgressUpdate:
    """A progress update by `author`; `at` puts it in the past."""
    update = work.post_update(author, wp, body or f"Update {_next()}", light)
    if at is not None:
        backdate(update, created_at=at)
    return update


def make_support_request(author: User, table: ThematicTable, *, subject: str | None = None, body: str = "?",
                         asked_at: datetime | None = None, answer: str | None = None,
                         answered_by: User | None = None, answered_at: datetime | None = None) -> SupportRequest:
    """A support request of the table; with `answer`, answered by `answered_by` (default: the
    liaison). `asked_at` and `answered_at` put them in the past."""
    request = work.ask_support(author, table, subject=subject or f"Vraag {_next()}", body=body)
    if answer is not None:
        work.answer_support(answered_by or table.liaison, request, answer)
    if asked_at is not None:
        backdate(request, created_at=asked_at)
    if answered_at is not None:
        backdate(request, answered_at=answered_at)
    return request


# --- end products ---------------------------------------------------------------------------------

def make_deliverable(by: User, wp: WorkPackage, *, title: str | None = None, summary: str = "Samenvatting",
                     body: str = "", kind: str = DeliverableKind.CARE_PATHWAY, action_line: str | None = None,
                     audiences: Iterable[str] = ("verloskundigen",), municipalities: Iterable[Municipality] = (),
                     visibility: str = Visibility.PUBLIC, uploads: Iterable[library.Upload] = (),
                     status: str = VersionStatus.DRAFT, publisher: User | None = None,
                     comment: str = "") -> DeliverableVersion:
    """An end product of `wp` made by `by`, taken through its life cycle up to `status` (see
    `_take_to`); for all of Friesland unless `municipalities` are given. Returns the version."""
    municipalities = list(municipalities)
    version = library.create_deliverable(
        by, wp, title=title or f"Eindproduct {_next()}", summary=summary, body=body, kind=kind,
        action_line=action_line or wp.table.action_line, audiences=list(audiences), municipalities=municipalities,
        all_of_friesland=not municipalities, visibility=visibility, uploads=list(uploads))
    return _take_to(status, by, version, publisher, comment)


def make_version(by: User, deliverable: Deliverable, *, status: str = VersionStatus.DRAFT,
                 publisher: User | None = None, comment: str = "", **changes: Any) -> DeliverableVersion:
    """The next version of a published end product, with `changes` to its content (title,
    summary, body, ...), taken up to `status` like make_deliverable."""
    version = library.new_version(by, deliverable)
    if changes:
        content = {field: getattr(version, field) for field in DeliverableVersion.EDIT_FIELDS}
        content |= dict(audiences=library.audiences_of(version), municipalities=list(version.municipalities))
        content |= changes
        library.update_draft(by, version, lock_version=version.lock_version, **content)
    return _take_to(status, by, version, publisher, comment)


def _take_to(status: str, by: User, version: DeliverableVersion, publisher: User | None,
             comment: str) -> DeliverableVersion:
    """Draft → in review (submitted by `by`) → approved (by the table's liaison) → published
    (by `publisher`: a staff member, rule R7)."""
    steps = [VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED, VersionStatus.PUBLISHED]
    if status not in steps:
        raise ValueError(f"make an end product up to one of {steps}, not {status!r}")
    wanted = steps.index(status)
    if wanted >= 1:
        library.submit_for_review(by, version)
    if wanted >= 2:
        library.review(version.deliverable.work_package.table.liaison, version, approve=True, comment=comment)
    if wanted >= 3:
        if publisher is None or not publisher.is_staff:
            raise ValueError("publishing needs a staff member: pass publisher=")
        library.publish(publisher, version)
    return version


# --- beyond the services --------------------------------------------------------------------------
# The services stamp everything with "now" and keep every rule; a test or the demo sometimes
# needs what they refuse on purpose. It is set here, after the service call, and only here.

def moment(day: date, hour: int = 10) -> datetime:
    """A moment on `day` (UTC), for backdate."""
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def backdate(obj: T, **moments: datetime) -> T:
    """Set the moments a service stamped with now (created_at, done_at, submitted_at,
    published_at, closed_at, ...) to others: data that stands for the past. The library entry
    of a published version copies its publication date, and follows."""
    for name, value in moments.items():
        if not hasattr(obj, name):
            raise AttributeError(f"{type(obj).__name__} has no {name}")
        setattr(obj, name, value)
    if isinstance(obj, DeliverableVersion) and "published_at" in moments:
        db.session.execute(update(LibraryEntry).where(LibraryEntry.version_id == obj.id)
                           .values(published_at=moments["published_at"]))
    return obj


def make_overlapping_round(by: User | None = None, *, starts_on: date, ends_on: date | None = None,
                           name: str | None = None) -> Round:
    """A round on dates that overlap another one, which rule R1 refuses: for tests that want
    rounds side by side (one page for a small and a large round, three phases on one day).
    Made through create_round after the last round, then moved onto the dates asked."""
    last = db.session.execute(select(func.max(Round.ends_on))).scalar_one()
    round_ = make_round(by, name=name, starts_on=last + timedelta(days=1) if last else starts_on)
    round_.starts_on, round_.ends_on = starts_on, ends_on or starts_on + timedelta(days=ROUND_DAYS)
    return round_


@contextmanager
def without_notices() -> Iterator[None]:
    """Build without the notices and mails the services send on the way (a support request
    asked, a version reviewed, ...): for data that stands for the past, whose notices would
    long have been read and delivered, and for tests that count only their own."""
    db.session.flush()
    last_notice = db.session.execute(select(func.max(Notification.id))).scalar_one() or 0
    last_mail = db.session.execute(select(func.max(OutboxMail.id))).scalar_one() or 0
    yield
    db.session.flush()
    db.session.execute(delete(ReminderLog).where(ReminderLog.object_type == Notification.__tablename__,
                                                 ReminderLog.object_id > last_notice))
    db.session.execute(delete(OutboxMail).where(OutboxMail.id > last_mail))
    db.session.execute(delete(Notification).where(Notification.id > last_notice))


@contextmanager
def _request_context() -> Iterator[None]:
    """Services that write a link into a mail need a request; the CLI and tests may have none."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        yield

