"""Scheduled reminders: what is due, to whom, written exactly once with its notice and mail.

A sweep (`run_sweep(now)`) asks every rule below for what is due, set-based: one query per
rule, whatever the amount of data. Each reminder is a key (kind, object, recipient, occasion);
the sweep claims the keys in `reminder_log` with INSERT … ON CONFLICT DO NOTHING and writes a
notice and, per the person's preference for that kind, a mail (or a weekly-digest item) only
for the keys it inserted itself, in the same transaction. So a rerun, or a second sweep racing
this one, claims nothing and writes nothing; a sweep that dies rolls its claims back with its
notices, and the next one sends them.

The occasion makes a reminder once per occasion: the due date for a milestone (moved date, new
reminder), the last update for a quiet work package, the submission time of a review.

Working days are Monday to Friday except Dutch public holidays (dates.is_working_day), counted
in Europe/Amsterdam time. "Today" is the Dutch date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale, get_locale, gettext, ngettext
from sqlalchemy import String, and_, cast, exists, func, insert, literal, select, union_all, update
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from ..auth.models import User
from ..database import insert_or_ignore, iso_date, iso_utc
from ..dates import AMSTERDAM, local_date, working_days_after, working_days_before
from ..extensions import db
from ..i18n import long_date
from ..library.models import Deliverable, DeliverableVersion, VersionStatus
from ..rounds.models import (
    MemberRole,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    Table,
    TableMembership,
    WorkPackage,
    WorkPackageStatus,
)
from ..urls import external_url, site_path
from .mail import queue_mails
from .models import (
    PREFERENCE_KINDS,
    Delivery,
    Notification,
    NotificationPreference,
    ReminderKind,
    ReminderLog,
    kind_label,
)
from .services import unsubscribe_token

CHUNK = 1000  # reminders written per transaction
QUIET_DAYS = 14
REVIEW_WORKING_DAYS = 5
SUPPORT_WORKING_DAYS = 2

# reminder_log rows of the weekly digest: an item per notice waiting for the digest
# (occasion PENDING until a digest takes it, then that digest's week), and one per digest sent.
DIGEST_ITEM = "digest_item"
DIGEST = "digest"
PENDING = "pending"


# --- the rules ----------------------------------------------------------------------------------

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
class Message:
    title: str
    body: str
    path: str
    action: str


@dataclass(frozen=True)
class Rule:
    """One kind of reminder: which objects are due for whom (a query) and what they are told.

    `candidates(span)` selects object_id, recipient_id, occasion, anchor and subject (plus what
    the message needs) for every reminder whose window overlaps the span; `fires_on(row)` is
    the first day of its window; `message(row, today)` the text, under the recipient's language.
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
            Table.title.label("table"),
        )
        .select_from(Milestone)
        .join(WorkPackage, WorkPackage.id == Milestone.work_package_id)
        .join(Table, Table.id == WorkPackage.table_id)
        .join(Round, Round.id == Table.round_id)
        .where(Milestone.done_at.is_(None), Table.archived_at.is_(None), Round.closed_at.is_(None))
    )
    if members_join:  # nobody assigned: the whole table
        query = query.outerjoin(TableMembership,
                                and_(TableMembership.table_id == Table.id, Milestone.assignee_id.is_(None)))
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
        .join(TableMembership, and_(TableMembership.table_id == Table.id, TableMembership.role == MemberRole.LEAD))
        .where(Milestone.due_on <= last_due)
    )
    return union_all(assignee, leads)


def _quiet(span: Span) -> Select:
    """Running work package (round running, not done or stopped) without a progress update for
    14 days → the table's members. Silence counts from the last update, else from the later of
    the package's creation and the round's start. Once per silence (the occasion is the last update)."""
    last = (
        select(ProgressUpdate.work_package_id, func.max(ProgressUpdate.created_at).label("at"),
               func.max(ProgressUpdate.id).label("update_id"))
        .group_by(ProgressUpdate.work_package_id).subquery()
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
            Table.title.label("table"),
        )
        .select_from(WorkPackage).join(Table, Table.id == WorkPackage.table_id).join(Round, Round.id == Table.round_id)
        .join(TableMembership, TableMembership.table_id == Table.id)
        .outerjoin(last, last.c.work_package_id == WorkPackage.id)
        .where(
            WorkPackage.status.in_([WorkPackageStatus.NOT_STARTED, WorkPackageStatus.IN_PROGRESS]),
            Table.archived_at.is_(None), Round.closed_at.is_(None),
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
                Table.id.label("object_id"),
                recipient.label("recipient_id"),
                (iso_date(Round.ends_on) + literal("-14d")).label("occasion"),
                Round.ends_on.label("anchor"),
                Table.title.label("subject"),
                Round.name.label("round"),
            )
            .select_from(Table).join(Round, Round.id == Table.round_id)
            .where(Table.archived_at.is_(None), Round.closed_at.is_(None),
                   Round.ends_on >= span.first_day, Round.ends_on <= span.last_day + timedelta(days=14),
                   Table.id.not_in(with_end_product))
        )
        if leads:
            query = query.join(TableMembership,
                               and_(TableMembership.table_id == Table.id, TableMembership.role == MemberRole.LEAD))
        return query

    return union_all(part(TableMembership.user_id, leads=True), part(Table.liaison_id, leads=False))


def _liaison_and_staff(query_for: Callable[..., Select]) -> Select:
    # Staff as "id IN (uncorrelated subquery)": evaluated once and looked up by primary key, so
    # SQLite does not scan all users for every object (users.is_staff has no index).
    staff_ids = select(User.id).where(User.is_staff.is_(True), User.active.is_(True))
    return union_all(
        query_for(Table.liaison_id),
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
                Table.title.label("table"),
            )
            .select_from(DeliverableVersion).join(Deliverable, Deliverable.id == DeliverableVersion.deliverable_id)
            .join(WorkPackage, WorkPackage.id == Deliverable.work_package_id)
            .join(Table, Table.id == WorkPackage.table_id)
            .where(DeliverableVersion.status == VersionStatus.IN_REVIEW, DeliverableVersion.submitted_at <= cutoff)
        )

    return _liaison_and_staff(query_for)


def _support_unanswered(span: Span) -> Select:
    """Support request unanswered for 2 working days → the table's liaison and all staff. Once."""
    cutoff = working_days_before(span.end.astimezone(AMSTERDAM), SUPPORT_WORKING_DAYS)

    def query_for(recipient) -> Select:  # noqa: ANN001
        return (
            select(
                SupportRequest.id.label("object_id"),
                recipient.label("recipient_id"),
                literal("2wd").label("occasion"),
                SupportRequest.created_at.label("anchor"),
                SupportRequest.subject.label("subject"),
                Table.id.label("table_id"),
                Table.title.label("table"),
            )
            .select_from(SupportRequest).join(Table, Table.id == SupportRequest.table_id)
            .where(SupportRequest.answered_at.is_(None), SupportRequest.created_at <= cutoff)
        )

    return _liaison_and_staff(query_for)


def _round_starting(span: Span) -> Select:
    """Round starts within 7 days → the members of its tables, with what is expected of them
    (per role). Once per start date."""
    return (
        select(
            Table.id.label("object_id"),
            TableMembership.user_id.label("recipient_id"),
            (iso_date(Round.starts_on) + literal("-7d")).label("occasion"),
            Round.starts_on.label("anchor"),
            Round.name.label("subject"),
            Round.ends_on.label("round_ends_on"),
            Table.title.label("table"),
            TableMembership.role.label("role"),
        )
        .select_from(Table).join(Round, Round.id == Table.round_id)
        .join(TableMembership, TableMembership.table_id == Table.id)
        .where(Table.archived_at.is_(None), Round.closed_at.is_(None),
               Round.starts_on >= span.first_day + timedelta(days=1),
               Round.starts_on <= span.last_day + timedelta(days=7))
    )


# --- texts (called under the recipient's language) ------------------------------------------------

# A sweep may write thousands of messages in a few languages: look each text and each date up
# once per language instead of through Flask-Babel's per-call machinery.
@lru_cache(maxsize=2048)
def _translated(locale: str, message: str) -> str:
    return gettext(message)


def _(message: str, **variables: object) -> str:
    text = _translated(str(get_locale()), message)
    return text % variables if variables else text


@lru_cache(maxsize=4096)
def _formatted_date(locale: str, day: date) -> str:
    return long_date(day)


def _date(day: date) -> str:
    return _formatted_date(str(get_locale()), day)


def _milestone_due_message(row, today: date) -> Message:  # noqa: ANN001
    days = (row.anchor - today).days
    if days <= 0:
        title = _("Mijlpaal ‘%(title)s’ staat voor vandaag", title=row.subject)
    elif days == 1:
        title = _("Mijlpaal ‘%(title)s’ staat voor morgen", title=row.subject)
    else:
        title = _("Mijlpaal ‘%(title)s’ staat over %(days)d dagen", title=row.subject, days=days)
    body = _("Thematafel %(table)s, werkpakket %(work_package)s. Deadline: %(day)s. Klaar? Vink de mijlpaal af; "
             "lukt het niet, verplaats dan de datum.",
             table=row.table, work_package=row.work_package, day=_date(row.anchor))
    return Message(title, body, site_path("rounds.work_package_detail", _anchor="mijlpalen",
                                          wp_id=row.work_package_id), _("Naar de mijlpaal"))


def _overdue_message(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("Mijlpaal ‘%(title)s’ is over tijd", title=row.subject),
        _("De deadline was %(day)s (thematafel %(table)s, werkpakket %(work_package)s). Vink de mijlpaal af als "
          "hij klaar is, of spreek een nieuwe datum af en pas hem aan.",
          day=_date(row.anchor), table=row.table, work_package=row.work_package),
        site_path("rounds.work_package_detail", _anchor="mijlpalen", wp_id=row.work_package_id),
        _("Naar de mijlpaal"),
    )


def _quiet_message(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("Werkpakket ‘%(title)s’: al twee weken geen update", title=row.subject),
        _("Thematafel %(table)s. Schrijf in een paar zinnen hoe het gaat en kies op koers, risico of vertraagd; "
          "dat scheelt een statusoverleg.", table=row.table),
        site_path("rounds.work_package_detail", _anchor="updates", wp_id=row.object_id),
        _("Update schrijven"),
    )


def _round_ending_message(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("%(round)s eindigt op %(day)s: nog geen eindproduct in review", round=row.round,
          day=_date(row.anchor)),
        _("Thematafel %(table)s heeft nog geen eindproduct ter review aangeboden. Bied het concept op tijd aan, "
          "zodat de verbindingspersoon en ROS het voor het einde van de ronde kunnen bekijken.", table=row.subject),
        site_path("rounds.table_detail", table_id=row.object_id),
        _("Naar de thematafel"),
    )


def _review_message(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("Eindproduct ‘%(title)s’ wacht al meer dan vijf werkdagen op review", title=row.subject),
        _("Thematafel %(table)s bood het aan op %(day)s. Keur het goed of stuur het terug met een opmerking.",
          table=row.table, day=_date(row.anchor)),
        site_path("library.manage", deliverable_id=row.deliverable_id),
        _("Naar het eindproduct"),
    )


def _support_message(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("Ondersteuningsvraag van %(table)s wacht al twee werkdagen: %(subject)s", table=row.table,
          subject=row.subject),
        _("Gesteld op %(day)s. Beantwoord de vraag, of laat de tafel weten wie helpt.", day=_date(row.anchor)),
        site_path("rounds.table_detail", _anchor=f"vraag-{row.object_id}", table_id=row.table_id),
        _("Naar de vraag"),
    )


def _round_starting_message(row, today: date) -> Message:  # noqa: ANN001
    if row.role == MemberRole.LEAD:
        body = _("Je bent kartrekker van thematafel %(table)s. Wat we van je verwachten: zet vóór de start het "
                 "werkpakket klaar met doel, einddatum en mijlpalen binnen de ronde (die loopt tot %(end)s), verdeel "
                 "de mijlpalen en plaats elke twee weken een korte voortgangsupdate.",
                 table=row.table, end=_date(row.round_ends_on))
    else:
        body = _("Je zit aan thematafel %(table)s. Wat we van je verwachten: lees het werkpakket, pak de mijlpalen "
                 "op die bij jou liggen en deel elke twee weken in een korte update hoe het gaat. De ronde loopt tot "
                 "%(end)s.", table=row.table, end=_date(row.round_ends_on))
    return Message(
        _("%(round)s begint op %(day)s", round=row.subject, day=_date(row.anchor)),
        body,
        site_path("rounds.table_detail", table_id=row.object_id),
        _("Naar de thematafel"),
    )


def _quiet_fires_on(row) -> date:  # noqa: ANN001
    return max(local_date(row.anchor), row.round_starts_on) + timedelta(days=QUIET_DAYS)


RULES: list[Rule] = [
    Rule(ReminderKind.MILESTONE_DUE, "milestones", _due_in_7,
         lambda row: row.anchor - timedelta(days=7), _milestone_due_message),
    Rule(ReminderKind.MILESTONE_DUE, "milestones", _due_in_1,
         lambda row: row.anchor - timedelta(days=1), _milestone_due_message),
    Rule(ReminderKind.MILESTONE_OVERDUE, "milestones", _overdue,
         lambda row: row.anchor + timedelta(days=1), _overdue_message),
    Rule(ReminderKind.WORK_PACKAGE_QUIET, "work_packages", _quiet, _quiet_fires_on, _quiet_message),
    Rule(ReminderKind.ROUND_ENDING, "tables", _round_ending,
         lambda row: row.anchor - timedelta(days=14), _round_ending_message),
    Rule(ReminderKind.REVIEW_WAITING, "deliverable_versions", _review_waiting,
         lambda row: working_days_after(row.anchor.astimezone(AMSTERDAM), REVIEW_WORKING_DAYS).date(),
         _review_message),
    Rule(ReminderKind.SUPPORT_UNANSWERED, "support_requests", _support_unanswered,
         lambda row: working_days_after(row.anchor.astimezone(AMSTERDAM), SUPPORT_WORKING_DAYS).date(),
         _support_message),
    Rule(ReminderKind.ROUND_STARTING, "tables", _round_starting,
         lambda row: row.anchor - timedelta(days=7), _round_starting_message),
]


# --- finding what is due --------------------------------------------------------------------------

def _due(rule: Rule, span: Span) -> list:
    """The rule's reminders for active people that were not sent yet, with the person's
    address, language and delivery preference for the kind: one query."""
    candidates = rule.candidates(span).subquery()
    sent = aliased(ReminderLog)
    rows = db.session.execute(
        select(candidates, User.email, User.name.label("person"), User.locale,
               NotificationPreference.delivery)
        .join(User, User.id == candidates.c.recipient_id)
        .outerjoin(NotificationPreference, and_(NotificationPreference.user_id == User.id,
                                                NotificationPreference.kind == rule.kind))
        .where(User.active.is_(True), ~exists().where(
            sent.kind == rule.kind, sent.object_type == rule.object_type,
            sent.object_id == candidates.c.object_id, sent.recipient_id == candidates.c.recipient_id,
            sent.occasion == candidates.c.occasion))
        .order_by(candidates.c.object_id, candidates.c.recipient_id)
    ).all()
    unique, seen = [], set()
    for row in rows:  # the liaison may also be staff, a kartrekker also the assignee
        key = (row.object_id, row.recipient_id, row.occasion)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def _claim(rule: Rule, rows: list, now: datetime) -> set[tuple[int, int, str]]:
    """Insert the reminder keys; returns those this transaction inserted (a racing sweep's
    keys are skipped by ON CONFLICT DO NOTHING, after waiting for it to commit or roll back)."""
    table = ReminderLog.__table__
    statement = insert_or_ignore(table).returning(table.c.object_id, table.c.recipient_id, table.c.occasion)
    claimed = db.session.execute(statement, [
        {"kind": rule.kind, "object_type": rule.object_type, "object_id": row.object_id,
         "recipient_id": row.recipient_id, "occasion": row.occasion, "created_at": now}
        for row in rows
    ])
    return {tuple(key) for key in claimed}


def _by_locale(rows: Iterable) -> dict[str, list]:
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[row.locale].append(row)
    return groups


def _mail_templates(name: str) -> Callable[..., tuple[str, str]]:
    """Renders mail/<name>.txt and .html with the same context: (text, html)."""
    env = current_app.jinja_env
    text, html = env.get_template(f"mail/{name}.txt"), env.get_template(f"mail/{name}.html")
    return lambda **context: (text.render(**context), html.render(**context))


def _write(rule: Rule, rows: list, now: datetime, today: date, counts: dict[str, int]) -> None:
    """Notice for every claimed reminder; per the person's preference a mail now, an item for
    the weekly digest, or nothing more. Runs inside the claiming transaction."""
    base_url = current_app.config["BASE_URL"]
    preferences_url = external_url("notifications.preferences")
    written, mails = [], []
    render = _mail_templates("reminder")
    unsubscribe_urls: dict[int, str] = {}  # per person, for this rule's kind
    for locale, group in _by_locale(rows).items():
        with force_locale(locale):
            texts = {
                "greeting": _("Beste %(name)s,"),  # filled in by the template
                "signature": _("Een herinnering van het Fries Leernetwerk Kansrijke Start."),
                "preferences": _("Kiezen wanneer je welke herinneringen krijgt"),
                "unsubscribe": _("Geen e-mail meer over dit soort herinneringen"),
            }
            for row in group:
                message = rule.message(row, today)
                written.append((row, message))
                if (row.delivery or Delivery.IMMEDIATE) != Delivery.IMMEDIATE:
                    continue
                if row.recipient_id not in unsubscribe_urls:
                    unsubscribe_urls[row.recipient_id] = external_url(
                        "notifications.unsubscribe", token=unsubscribe_token(row.recipient_id, [rule.kind]))
                unsubscribe_url = unsubscribe_urls[row.recipient_id]
                text, html = render(
                    texts=texts, name=row.person, message=message, url=base_url + message.path,
                    preferences_url=preferences_url, unsubscribe_url=unsubscribe_url, locale=locale)
                mails.append({
                    "recipient": row.email, "subject": message.title, "text_body": text, "html_body": html,
                    "unsubscribe_url": unsubscribe_url,
                    "key": f"reminder/{rule.kind}/{rule.object_type}/{row.object_id}/{row.recipient_id}/{row.occasion}",
                })
    notices = [{"user_id": row.recipient_id, "kind": rule.kind, "title": message.title[:300], "body": message.body,
                "url": message.path, "created_at": now} for row, message in written]
    columns = Notification.__table__.c
    # RETURNING in bulk comes back in no guaranteed order (SQLite), so ids are matched by content;
    # notices with the same person and content are interchangeable, each id is used once.
    ids_by_content: dict[tuple, list[int]] = defaultdict(list)
    for notice in db.session.execute(
        insert(Notification.__table__).returning(columns.id, columns.user_id, columns.title, columns.body, columns.url),
        notices,
    ):
        ids_by_content[(notice.user_id, notice.title, notice.body, notice.url)].append(notice.id)
    digest_items = [
        {"kind": DIGEST_ITEM, "object_type": "notifications", "recipient_id": row.recipient_id,
         "object_id": ids_by_content[(notice["user_id"], notice["title"], notice["body"], notice["url"])].pop(),
         "occasion": PENDING, "created_at": now}
        for (row, _message), notice in zip(written, notices, strict=True)
        if row.delivery == Delivery.DIGEST
    ]
    queue_mails(mails)
    if digest_items:
        db.session.execute(insert(ReminderLog.__table__), digest_items)
    counts["reminders"] += len(written)
    counts["mails"] += len(mails)
    counts["digest_items"] += len(digest_items)
    counts[rule.kind] += len(written)


def run_sweep(now: datetime) -> dict[str, int]:
    """Send every reminder that is due at `now`, each exactly once per recipient and occasion.

    Per rule: one query for what is due and not yet logged, then per chunk of reminders one
    transaction that claims the keys, writes the notices and queues the mails or digest items.
    The number of statements depends on the number of rules and chunks, never on a loop over
    objects. Returns counts (reminders, mails, digest_items, and per kind).
    """
    today = local_date(now)
    span = Span(now, now)
    counts: dict[str, int] = defaultdict(int)
    for rule in RULES:
        rows = _due(rule, span)
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            claimed = _claim(rule, chunk, now)
            mine = [row for row in chunk if (row.object_id, row.recipient_id, row.occasion) in claimed]
            if mine:
                _write(rule, mine, now, today, counts)
            db.session.commit()
        db.session.commit()  # also ends the read transaction of a rule with nothing due
    return dict(counts)


# --- what the coming days will bring (the staff page) ------------------------------------------------

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
    for rule in RULES:
        for row in _due(rule, span):
            result.append(Upcoming(day=max(rule.fires_on(row), today), kind=rule.kind, subject=row.subject,
                                   person=row.person, delivery=row.delivery or Delivery.IMMEDIATE))
    return sorted(result, key=lambda u: (u.day, u.kind, u.subject, u.person))


# --- the weekly digest ------------------------------------------------------------------------------

def digest_moment(now: datetime) -> datetime:
    """The latest Monday 08:00 Europe/Amsterdam at or before `now`: when that week's digest is due."""
    local = now.astimezone(AMSTERDAM)
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, time(8), AMSTERDAM):
        monday -= timedelta(days=7)
    return datetime.combine(monday, time(8), AMSTERDAM)


def week_key(moment: datetime) -> str:
    year, week, _day = moment.astimezone(AMSTERDAM).isocalendar()
    return f"{year}-W{week:02d}"


# A notice's kind as stored (a string), back to its ReminderKind or EventKind member.
_KINDS = {kind.value: kind for kind in PREFERENCE_KINDS}


def _pending_digest_items(before: datetime) -> list:
    """Digest items not yet sent, of notices written before `before`, for active people and
    kinds they still want by mail: one query."""
    item = aliased(ReminderLog)
    return db.session.execute(
        select(item.id.label("item_id"), item.recipient_id, Notification.kind, Notification.title,
               Notification.body, Notification.url, User.email, User.name.label("person"), User.locale)
        .join(Notification, Notification.id == item.object_id)
        .join(User, User.id == item.recipient_id)
        .outerjoin(NotificationPreference, and_(NotificationPreference.user_id == User.id,
                                                NotificationPreference.kind == Notification.kind))
        .where(item.kind == DIGEST_ITEM, item.occasion == PENDING, User.active.is_(True),
               Notification.created_at < before,
               func.coalesce(NotificationPreference.delivery, Delivery.IMMEDIATE) != Delivery.OFF)
        .order_by(item.recipient_id, Notification.kind, Notification.created_at, Notification.id)
    ).all()


def send_digests(now: datetime) -> int:
    """The weekly digest: everyone who chose 'wekelijks' for a kind gets ONE mail with all
    their items of the week, due on Monday 08:00 Europe/Amsterdam.

    The digest of a week is itself a reminder key ('digest', user, week): a rerun, a catch-up
    after downtime or a racing scheduler sends it once. Items created before that Monday 08:00
    go in it and are marked with the week; later ones wait for the next week. Kinds switched
    off since are left out. Returns the number of digests queued.
    """
    moment = digest_moment(now)
    week = week_key(moment)
    rows = _pending_digest_items(moment)
    per_person: dict[int, list] = defaultdict(list)
    for row in rows:
        per_person[row.recipient_id].append(row)
    people = list(per_person)
    base_url = current_app.config["BASE_URL"]
    render = _mail_templates("digest")
    sent = 0
    for start in range(0, len(people), CHUNK):
        chunk = people[start:start + CHUNK]
        table = ReminderLog.__table__
        claimed = set(db.session.execute(
            insert_or_ignore(table).returning(table.c.recipient_id),
            [{"kind": DIGEST, "object_type": "users", "object_id": person, "recipient_id": person,
              "occasion": week, "created_at": now} for person in chunk],
        ).scalars())
        mails, item_ids = [], []
        for person in chunk:
            if person not in claimed:
                continue
            items = per_person[person]
            first = items[0]
            kinds = sorted({_KINDS.get(item.kind, item.kind) for item in items})
            unsubscribe_url = external_url("notifications.unsubscribe", token=unsubscribe_token(person, kinds))
            with force_locale(first.locale):
                groups = [(kind_label(kind), [i for i in items if i.kind == kind]) for kind in kinds]
                subject = ngettext("Je weekoverzicht van het Leernetwerk: %(num)d herinnering",
                                   "Je weekoverzicht van het Leernetwerk: %(num)d herinneringen", len(items))
                text, html = render(
                    name=first.person, groups=groups, base_url=base_url, week_of=long_date(moment),
                    preferences_url=external_url("notifications.preferences"),
                    unsubscribe_url=unsubscribe_url, locale=first.locale)
            mails.append({"recipient": first.email, "subject": subject, "text_body": text, "html_body": html,
                          "unsubscribe_url": unsubscribe_url, "key": f"digest/{person}/{week}"})
            item_ids.extend(item.item_id for item in items)
        queue_mails(mails)
        if item_ids:
            db.session.execute(update(ReminderLog).where(ReminderLog.id.in_(item_ids)).values(occasion=week))
        db.session.commit()
        sent += len(mails)
    db.session.commit()
    return sent


def next_digest(now: datetime) -> tuple[datetime, int, int]:
    """When the next digest goes out, and how many items for how many people wait for it."""
    moment = digest_moment(now) + timedelta(days=7)  # aware arithmetic keeps 08:00 across DST
    items, people = db.session.execute(
        select(func.count(), func.count(func.distinct(ReminderLog.recipient_id)))
        .where(ReminderLog.kind == DIGEST_ITEM, ReminderLog.occasion == PENDING)
    ).one()
    return moment, items, people
