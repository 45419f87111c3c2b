"""What nearly every page asks about the person logged in, read in one statement per request.

The header shows their unread notices; the policy asks which local coalitions they belong to and
where they sit at a table. Each was its own query, on every logged-in page. Now they are three
index lookups in one UNION ALL, read the first time a page asks for any of them and kept in `g`
for the rest of the request (as each was before).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import g, has_request_context
from sqlalchemy import CompoundSelect, Integer, bindparam, func, literal, null, select, union_all


@dataclass(frozen=True)
class PersonFacts:
    unread_notifications: int
    coalition_ids: frozenset[int]
    table_roles: dict[int, str]  # table id -> 'kartrekker' or 'lid'


NOTHING = PersonFacts(unread_notifications=0, coalition_ids=frozenset(), table_roles={})


def person_facts(user: Any) -> PersonFacts:
    """The facts about `user` (the person logged in), read once per request."""
    if user is None or not user.is_authenticated:
        return NOTHING
    key = f"_person_facts_{user.id}"
    found = g.get(key) if has_request_context() else None
    if found is None:
        found = _read(user.id)
        if has_request_context():
            setattr(g, key, found)
    return found


def _read(user_id: int) -> PersonFacts:
    from .extensions import db

    rows = db.session.execute(_statement(), {"user": user_id}).all()
    return PersonFacts(
        unread_notifications=sum(ref for kind, ref, _role in rows if kind == "n"),
        coalition_ids=frozenset(ref for kind, ref, _role in rows if kind == "c"),
        table_roles={ref: role for kind, ref, role in rows if kind == "t"},
    )


@cache
def _statement() -> CompoundSelect:
    """Built once per process (every logged-in request runs it), the person as `user`."""
    from .coalitions.models import CoalitionMember
    from .notifications.models import Notification
    from .rounds.models import TableMembership

    user_id = bindparam("user", type_=Integer)
    return union_all(
        select(literal("n").label("kind"), func.count(Notification.id).label("ref"), null().label("role"))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None)),
        select(literal("c"), CoalitionMember.coalition_id, null()).where(CoalitionMember.user_id == user_id),
        select(literal("t"), TableMembership.table_id, TableMembership.role).where(TableMembership.user_id == user_id),
    )
