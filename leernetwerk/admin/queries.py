"""Queries for the staff pages, each a fixed number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, and_, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import selectinload

from ..audit import AuditEvent
from ..auth.models import User
from ..coalitions.models import Coalition, DeliverableUse, Municipality, Organisation, Question
from ..dates import AMSTERDAM
from ..extensions import db
from ..library.models import DeliverableVersion, SynonymGroup
from ..params import parse_id
from ..rounds.models import Milestone, ProgressUpdate, Round, SupportRequest, ThematicTable, WorkPackage
from . import audit_log
from .audit_log import COALITIONS, ORGANISATIONS, AuditRow, Labels, ObjectKind

PER_PAGE = 50


def organisations() -> list[Organisation]:
    return list(db.session.execute(select(Organisation).order_by(Organisation.name)).scalars())


def coalitions() -> list[Coalition]:
    return list(db.session.execute(select(Coalition).join(Coalition.municipality).order_by(Municipality.name)).scalars())


def users_page(q: str, page: int):  # noqa: ANN201
    query = select(User).order_by(User.active.desc(), User.name).options(selectinload(User.coalitions))
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(User.email.like(like), User.name.ilike(like)))
    return db.paginate(query, page=max(page, 1), per_page=PER_PAGE, error_out=False)


def people(chosen: str = "") -> list[User]:
    """The choices of the person filter, by name: staff and the core group (who make most
    changes), and the person chosen (through the link on a name in the log). Not everyone: at
    national scale that would be 20,000 options on every page of the log."""
    query = or_(User.is_staff.is_(True), User.is_core_group.is_(True))
    if (chosen_id := parse_id(chosen)) is not None:
        query = or_(query, User.id == chosen_id)
    return list(db.session.execute(select(User).where(query).order_by(User.name, User.id)).scalars())


SYSTEM = "systeem"  # the person filter's value for events without a person (scheduled work, resets)


@dataclass
class AuditFilters:
    actor: str = ""          # "", SYSTEM or a person's id
    kind: str | None = None  # an ObjectKind value, None for every kind
    since: date | None = None
    until: date | None = None


@dataclass
class AuditPage:
    pagination: object  # flask_sqlalchemy's Pagination: counts from the database
    rows: list[AuditRow]


def _start_of(day: date) -> datetime:
    """Midnight at the start of a Dutch calendar day, as an aware moment."""
    return datetime.combine(day, time(), tzinfo=AMSTERDAM)


def audit_page(filters: AuditFilters, page: int) -> AuditPage:
    """One page of the log, newest first, readable: three queries (count, events with their
    actors, and every name and title they mention), however many events the page holds."""
    query = select(AuditEvent)
    if filters.actor == SYSTEM:
        query = query.where(AuditEvent.actor_id.is_(None))
    elif (actor_id := parse_id(filters.actor)) is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if filters.kind is not None:
        query = query.where(AuditEvent.object_type == filters.kind)
    if filters.since is not None:
        query = query.where(AuditEvent.created_at >= _start_of(filters.since))
    if filters.until is not None:
        query = query.where(AuditEvent.created_at < _start_of(filters.until + timedelta(days=1)))
    pagination = db.paginate(query.order_by(AuditEvent.id.desc()), page=max(page, 1), per_page=PER_PAGE,
                             error_out=False)
    events = list(pagination.items)
    labels = audit_labels(audit_log.references(events)) if events else {}
    return AuditPage(pagination=pagination, rows=[audit_log.describe(event, labels) for event in events])


def audit_labels(wanted: dict[str, set[int]]) -> Labels:
    """(kind, id) → (name or title, parent id) for everything the events mention, in one query
    (UNION ALL). The parent is what a link needs: a milestone's or update's work package, a
    support request's table."""
    def ids(kind: str) -> list[int]:
        return sorted(wanted.get(kind, ()))

    def row(kind: str, id_column, label_column, parent=None):  # noqa: ANN001, ANN202
        return (literal(str(kind)).label("kind"), id_column.label("id"), label_column.label("label"),
                (parent if parent is not None else cast(null(), Integer)).label("parent"))

    latest = (
        select(DeliverableVersion.deliverable_id, func.max(DeliverableVersion.number).label("number"))
        .where(DeliverableVersion.deliverable_id.in_(ids(ObjectKind.DELIVERABLE)))
        .group_by(DeliverableVersion.deliverable_id).subquery()
    )
    parts = [
        select(*row(ObjectKind.USER, User.id, User.name)).where(User.id.in_(ids(ObjectKind.USER))),
        select(*row(ObjectKind.ROUND, Round.id, Round.name)).where(Round.id.in_(ids(ObjectKind.ROUND))),
        select(*row(ObjectKind.TABLE, ThematicTable.id, ThematicTable.title)).where(ThematicTable.id.in_(ids(ObjectKind.TABLE))),
        select(*row(ObjectKind.WORK_PACKAGE, WorkPackage.id, WorkPackage.title, WorkPackage.table_id))
        .where(WorkPackage.id.in_(ids(ObjectKind.WORK_PACKAGE))),
        select(*row(ObjectKind.MILESTONE, Milestone.id, Milestone.title, Milestone.work_package_id))
        .where(Milestone.id.in_(ids(ObjectKind.MILESTONE))),
        select(*row(ObjectKind.PROGRESS_UPDATE, ProgressUpdate.id, WorkPackage.title, ProgressUpdate.work_package_id))
        .join(WorkPackage, WorkPackage.id == ProgressUpdate.work_package_id)
        .where(ProgressUpdate.id.in_(ids(ObjectKind.PROGRESS_UPDATE))),
        select(*row(ObjectKind.SUPPORT_REQUEST, SupportRequest.id, SupportRequest.subject, SupportRequest.table_id))
        .where(SupportRequest.id.in_(ids(ObjectKind.SUPPORT_REQUEST))),
        select(*row(ObjectKind.DELIVERABLE, DeliverableVersion.deliverable_id, DeliverableVersion.title))
        .join(latest, and_(latest.c.deliverable_id == DeliverableVersion.deliverable_id,
                           latest.c.number == DeliverableVersion.number)),
        select(*row(ObjectKind.QUESTION, Question.id, Question.title)).where(Question.id.in_(ids(ObjectKind.QUESTION))),
        select(*row(ORGANISATIONS, Organisation.id, Organisation.name)).where(Organisation.id.in_(ids(ORGANISATIONS))),
        select(*row(COALITIONS, Coalition.id, Municipality.name))
        .join(Municipality, Municipality.id == Coalition.municipality_id)
        .where(Coalition.id.in_(ids(COALITIONS))),
        # "Gebruikt in <gemeente>": named after the municipality, linked through its end product.
        select(*row(ObjectKind.DELIVERABLE_USE, DeliverableUse.id, Municipality.name, DeliverableUse.deliverable_id))
        .join(Coalition, Coalition.id == DeliverableUse.coalition_id)
        .join(Municipality, Municipality.id == Coalition.municipality_id)
        .where(DeliverableUse.id.in_(ids(ObjectKind.DELIVERABLE_USE))),
        select(*row(ObjectKind.SYNONYM_GROUP, SynonymGroup.id, func.replace(SynonymGroup.words, "\n", " ~ ")))
        .where(SynonymGroup.id.in_(ids(ObjectKind.SYNONYM_GROUP))),
    ]
    return {(kind, id_): (label, parent) for kind, id_, label, parent in db.session.execute(union_all(*parts))}
