"""What the home page shows a logged-in person: their tables and roles, in few queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..rounds.models import Round, Table, TableMembership


@dataclass
class HomeOverview:
    tables: list[Table]
    roles: dict[int, str]
    current_round: Round | None


def home_overview(user) -> HomeOverview:  # noqa: ANN001
    today = date.today()
    rows = db.session.execute(
        select(Table, TableMembership.role)
        .join(Table.round)
        .outerjoin(TableMembership, (TableMembership.table_id == Table.id) & (TableMembership.user_id == user.id))
        .where(or_(TableMembership.user_id == user.id, Table.liaison_id == user.id), Round.closed_at.is_(None))
        .options(contains_eager(Table.round))
        .order_by(Round.starts_on, Table.title)
    ).all()
    tables = [t for t, _ in rows]
    roles = {t.id: (role or "verbindingspersoon") for t, role in rows}
    current_round = db.session.execute(
        select(Round).where(Round.starts_on <= today, Round.ends_on >= today).limit(1)
    ).scalar_one_or_none()
    return HomeOverview(tables=tables, roles=roles, current_round=current_round)
