"""Queries for the staff pages, each a fixed number of statements."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..audit import AuditEvent
from ..auth.models import User
from ..coalitions.models import Coalition, Municipality, Organisation
from ..extensions import db

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


def audit_page(page: int):  # noqa: ANN201
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    return db.paginate(query, page=max(page, 1), per_page=PER_PAGE, error_out=False)
