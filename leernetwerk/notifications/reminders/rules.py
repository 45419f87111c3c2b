"""The reminder rules: for each kind, one set-based query for what is due for whom, and from when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, and_, cast, exists, func, literal, select, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from ...auth.models import User
from ...database import iso_date, iso_utc
from ...dates import AMSTERDAM, local_date, working_days_after, working_days_before
from ...extensions import db
from ...library.models import Deliverable, DeliverableVersion, VersionStatus
from ...rounds.models import (
    MemberRole,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    TableMembership,
    ThematicTable,
    WorkPackage,
    WorkPackageStatus,
)
from ..models import NotificationPreference, ReminderKind, ReminderLog
from . import messages
from .messages import Message

QUIET_DAYS = 14
REVIEW_WORKING_DAYS = 5
SUPPORT_WORKING_DAYS = 2


@dataclass(frozen=True)
class Span:
    """The moments a query looks at: one moment for a sweep, the coming days for the preview."""

    start: datetime
    end: datetime

    @property
    def first_day(self) -> date:
        return local_date(self.start)

    @property
    def last_day(self) -> date:
        return local_date(self.end)


@dataclass(frozen=True)
class Rule:
    """One kind of reminder: which objects are due for whom (a query) and what they are told.

    `candidates(span)` selects object_id, recipient_id, occasion, anchor and subject (plus what
    the message needs) for every reminder whose window overlaps the span; `fires_on(row)` is
    the first day of its window; `message(row, today)` the text, under the recipient's language.
    A reminder goes out once per occasion: the due date for a milestone (a moved date is a new
    reminder), the last update for a quiet work package, the submission time of a review.
    """

    kind: ReminderKind
    object_type: str
    candidates: Callable[[Span], Select]
    fires_on: Callable[..., date]
    message: Callable[..., Message]


Staff = aliased(User, name="staff")


def _milestones(occasion_suffix: str, recipient, *, members_join: bool) -> Select:  # noqa: ANN001
    query = (
        select(
            Milestone.id.label("object_id"),
            recipient.label("recipient_id"),
            (iso_date(Milestone.due_on) + literal(occasion_suffix)).label("occasion"),
            Milestone.due_on.label("anchor"),
            Milestone.title.label("subject"),
            WorkPackage.id.label("work_package_id"),
            WorkPackage.title.label("work_package"),
            ThematicTable.title.label("table"),
        )
        .select_from(Milestone)
        .join(WorkPackage, WorkPackage.id == Milestone.work_package_id)
        .join(ThematicTable, ThematicTable.id == WorkPackage.table_id)
        .join(Round, Round.id == ThematicTable.round_id)
        .where(Milestone.done_at.is_(None), Milestone.live(), ThematicTable.archived_at.is_(None),
               Round.closed_at.is_(None))
    )
    if members_join:  # nobody assigned: the whole table
        query = query.outerjoin(TableMembership,
                                and_(TableMembership.table_id == ThematicTable.id, Milestone.assignee_id.is_(None)))
    return query


def _assignee_or_members() -> object:
    return func.coalesce(Milestone.assignee_id, TableMembership.user_id)


def _due_in_7(span: Span) -> Select:
    """Milestone due in 7 days → its assignee, or the table's members when nobody is assigned.
    Window: 7 to 2 days before the due date."""
    return _milestones("-7d", _assignee_or_members(), members_join=True).where(
        Milestone.due_on >= span.first_day + timedelta(days=2), Milestone.due_on <= span.last_day + timedelta(days=7))


def _due_in_1(span: Span) -> Select:
    """Milestone due tomorrow → its assignee, or the table's members. Window: the day before and the day itself."""
    return _milestones("-1d", _assignee_or_members(), members_join=True).where(
        Milestone.due_on >= span.first_day, Milestone.due_on <= span.last_day + timedelta(days=1))


def _overdue(span: Span) -> Select:
    """Milestone past its due date and not done → its assignee (or, when nobody is assigned, the
    table's members) and the table's kartrekker(s). Once per due date."""
    last_due = span.last_day - timedelta(days=1)
    assignee = _milestones("-overdue", _assignee_or_members(), members_join=True).where(Milestone.due_on <= last_due)
    leads = (
        _milestones("-overdue", TableMembership.user_id, members_join=False)
        .join(TableMembership, and_(TableMembership.table_id == ThematicTable.id, TableMembership.role == MemberRole.LEAD))
        .where(Milestone.due_on <= last_due)
    )
    return union_all(assignee, leads)


def _quiet(span: Span) -> Select:
    """Running work package (round running, not done or stopped) without a progress update for
    14 days → the table's members. Silence counts from the last update, else from the later of
    the package's creation and the round's start; a withdrawn update does not count. Once per
    silence (the occasion is the last update)."""
    last = (
        select(ProgressUpdate.work_package_id, func.max(ProgressUpdate.created_at).label("at"),
               func.max(ProgressUpdate.id).label("update_id"))
        .where(ProgressUpdate.live()).group_by(ProgressUpdate.work_package_id).subquery()
    )
    silent_since = func.coalesce(last.c.at, WorkPackage.created_at)
    occasion = func.coalesce(literal("update-") + cast(last.c.update_id, String), literal("no-update"))
    return (
        select(
            WorkPackage.id.label("object_id"),
            TableMembership.user_id.label("recipient_id"),
            occasion.label("occasion"),
            silent_since.label("anchor"),
            WorkPackage.title.label("subject"),
            Round.starts_on.label("round_starts_on"),
            ThematicTable.title.label("table"),
        )
        .select_from(WorkPackage).join(ThematicTable, ThematicTable.id == WorkPackage.table_id)
        .join(Round, Round.id == ThematicTable.round_id)
        .join(TableMembership, TableMembership.table_id == ThematicTable.id)
        .outerjoin(last, last.c.work_package_id == WorkPackage.id)
        .where(
            WorkPackage.status.in_([WorkPackageStatus.NOT_STARTED, WorkPackageStatus.IN_PROGRESS]),
            ThematicTable.archived_at.is_(None), Round.closed_at.is_(None),
            Round.starts_on <= span.last_day - timedelta(days=QUIET_DAYS), Round.ends_on >= span.first_day,
            silent_since <= span.end - timedelta(days=QUIET_DAYS),
        )
    )


def _round_ending(span: Span) -> Select:
    """Round ends within 14 days and a table has no end product in review, approved or
    published yet → its kartrekker(s) and its liaison. Once per end date."""
    # Uncorrelated, so it is computed once rather than once per table.
    with_end_product = (
        select(WorkPackage.table_id)
        .join(Deliverable, Deliverable.work_package_id == WorkPackage.id)
        .join(DeliverableVersion, DeliverableVersion.deliverable_id == Deliverable.id)
        .where(DeliverableVersion.status.in_([VersionStatus.IN_REVIEW, VersionStatus.APPROVED,
                                              VersionStatus.PUBLISHED]))
    )

    def part(recipient, *, leads: bool) -> Select:  # noqa: ANN001
        query = (
            select(
                ThematicTable.id.label("object_id"),
                recipient.label("recipient_id"),
                (iso_date(Round.ends_on) + literal("-14d")).label("occasion"),
                Round.ends_on.label("anchor"),
                ThematicTable.title.label("subject"),
                Round.name.label("round"),
            )
            .select_from(ThematicTable).join(Round, Round.id == ThematicTable.round_id)
            .where(ThematicTable.archived_at.is_(None), Round.closed_at.is_(None),
                   Round.ends_on >= span.first_day, Round.ends_on <= span.last_day + timedelta(days=14),
                   ThematicTable.id.not_in(with_end_product))
        )
        if leads:
            query = query.join(TableMembership,
                               and_(TableMembership.table_id == ThematicTable.id, TableMembership.role == MemberRole.LEAD))
        return query

    return union_all(part(TableMembership.user_id, leads=True), part(ThematicTable.liaison_id, leads=False))


def _liaison_and_staff(query_for: Callable[..., Select]) -> Select:
    # Staff as "id IN (uncorrelated subquery)": evaluated once and looked up by primary key, so
    # SQLite does not scan all users for every object (users.is_staff has no index).
    staff_ids = select(User.id).where(User.is_staff.is_(True), User.active.is_(True))
    return union_all(
        query_for(ThematicTable.liaison_id),
        query_for(Staff.id).join(Staff, Staff.id.in_(staff_ids)),
    )


def _review_waiting(span: Span) -> Select:
    """End product in review for more than 5 working days → the table's liaison and all staff.
    Once per submission."""
    cutoff = working_days_before(span.end.astimezone(AMSTERDAM), REVIEW_WORKING_DAYS)

    def query_for(recipient) -> Select:  # noqa: ANN001
        return (
            select(
                DeliverableVersion.id.label("object_id"),
                recipient.label("recipient_id"),
                (literal("submitted-") + iso_utc(DeliverableVersion.submitted_at)).label("occasion"),
                DeliverableVersion.submitted_at.label("anchor"),
                DeliverableVersion.title.label("subject"),
                DeliverableVersion.deliverable_id.label("deliverable_id"),
                ThematicTable.title.label("table"),
            )
            .select_from(DeliverableVersion).join(Deliverable, Deliverable.id == DeliverableVersion.deliverable_id)
            .join(WorkPackage, WorkPackage.id == Deliverable.work_package_id)
            .join(ThematicTable, ThematicTable.id == WorkPackage.table_id)
            .where(DeliverableVersion.status == VersionStatus.IN_REVIEW, DeliverableVersion.submitted_at <= cutoff)
        )

    return _liaison_and_staff(query_for)


def _support_unanswered(span: Span) -> Select:
    """Support request unanswered (and not withdrawn) for 2 working days → the table's liaison and
    all staff. Once."""
    cutoff = working_days_before(span.end.astimezone(AMSTERDAM), SUPPORT_WORKING_DAYS)

    def query_for(recipient) -> Select:  # noqa: ANN001
        return (
            select(
                SupportRequest.id.label("object_id"),
                recipient.label("recipient_id"),
                literal("2wd").label("occasion"),
                SupportRequest.created_at.label("anchor"),
                SupportRequest.subject.label("subject"),
                ThematicTable.id.label("table_id"),
                ThematicTable.title.label("table"),
            )
            .select_from(SupportRequest).join(ThematicTable, ThematicTable.id == SupportRequest.table_id)
            .where(SupportRequest.is_open, SupportRequest.created_at <= cutoff)
        )

    return _liaison_and_staff(query_for)


def _round_starting(span: Span) -> Select:
    """Round starts within 7 days → the members of its tables, with what is expected of them
    (per role). Once per start date."""
    return (
        select(
            ThematicTable.id.label("object_id"),
            TableMembership.user_id.label("recipient_id"),
            (iso_date(Round.starts_on) + literal("-7d")).label("occasion"),
            Round.starts_on.label("anchor"),
            Round.name.label("subject"),
            Round.ends_on.label("round_ends_on"),
            ThematicTable.title.label("table"),
            TableMembership.role.label("role"),
        )
        .select_from(ThematicTable).join(Round, Round.id == ThematicTable.round_id)
        .join(TableMembership, TableMembership.table_id == ThematicTable.id)
        .where(ThematicTable.archived_at.is_(None), Round.closed_at.is_(None),
               Round.starts_on >= span.first_day + timedelta(days=1),
               Round.starts_on <= span.last_day + timedelta(days=7))
    )


def _quiet_fires_on(row) -> date:  # noqa: ANN001
    return max(local_date(row.anchor), row.round_starts_on) + timedelta(days=QUIET_DAYS)


REMINDER_RULES: list[Rule] = [
    Rule(ReminderKind.MILESTONE_DUE, "milestones", _due_in_7,
         lambda row: row.anchor - timedelta(days=7), messages.milestone_due),
    Rule(ReminderKind.MILESTONE_DUE, "milestones", _due_in_1,
         lambda row: row.anchor - timedelta(days=1), messages.milestone_due),
    Rule(ReminderKind.MILESTONE_OVERDUE, "milestones", _overdue,
         lambda row: row.anchor + timedelta(days=1), messages.milestone_overdue),
    Rule(ReminderKind.WORK_PACKAGE_QUIET, "work_packages", _quiet, _quiet_fires_on, messages.work_package_quiet),
    Rule(ReminderKind.ROUND_ENDING, "tables", _round_ending,
         lambda row: row.anchor - timedelta(days=14), messages.round_ending),
    Rule(ReminderKind.REVIEW_WAITING, "deliverable_versions", _review_waiting,
         lambda row: working_days_after(row.anchor.astimezone(AMSTERDAM), REVIEW_WORKING_DAYS).date(),
         messages.review_waiting),
    Rule(ReminderKind.SUPPORT_UNANSWERED, "support_requests", _support_unanswered,
         lambda row: working_days_after(row.anchor.astimezone(AMSTERDAM), SUPPORT_WORKING_DAYS).date(),
         messages.support_unanswered),
    Rule(ReminderKind.ROUND_STARTING, "tables", _round_starting,
         lambda row: row.anchor - timedelta(days=7), messages.round_starting),
]


def due_select(rule: Rule, span: Span, *extra) -> Select:  # noqa: ANN002
    """The query behind `due` (not run): the rule's candidates for active people not sent yet,
    with the person's address, name, language and delivery preference, plus `extra` columns."""
    candidates = rule.candidates(span).subquery()
    sent = aliased(ReminderLog)
    return (
        select(candidates, User.email, User.name.label("person"), User.locale,
               NotificationPreference.delivery, *extra)
        .join(User, User.id == candidates.c.recipient_id)
        .outerjoin(NotificationPreference, and_(NotificationPreference.user_id == User.id,
                                                NotificationPreference.kind == rule.kind))
        .where(User.active.is_(True), ~exists().where(
            sent.kind == rule.kind, sent.object_type == rule.object_type,
            sent.object_id == candidates.c.object_id, sent.recipient_id == candidates.c.recipient_id,
            sent.occasion == candidates.c.occasion))
    )


def due(rule: Rule, span: Span) -> list:
    """The rule's reminders for active people that were not sent yet, with the person's
    address, language and delivery preference for the kind: one query."""
    query = due_select(rule, span)
    candidates = query.selected_columns
    rows = db.session.execute(query.order_by(candidates.object_id, candidates.recipient_id)).all()
    unique, seen = [], set()
    for row in rows:  # the liaison may also be staff, a kartrekker also the assignee
        key = (row.object_id, row.recipient_id, row.occasion)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique
