"""Small factories for domain objects (CTFd's gen_* style): short tests, real rows."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from leernetwerk.auth.models import User
from leernetwerk.auth.passwords import hash_password
from leernetwerk.coalitions.models import Coalition, CoalitionMember, Municipality, Organisation
from leernetwerk.extensions import db
from leernetwerk.rounds.models import ActionLine, MemberRole, Round, Table, TableMembership, WorkPackage
from leernetwerk.text import slugify

PASSWORD = "een-lang-test-wachtwoord"
_seq = itertools.count(1)


def user(*, staff: bool = False, core: bool = False, email: str | None = None, name: str | None = None,
         password: str | None = PASSWORD, active: bool = True, locale: str = "nl") -> User:
    n = next(_seq)
    u = User(
        email=email or f"persoon{n}@example.org",
        name=name or f"Persoon {n}",
        password_hash=hash_password(password) if password else None,
        is_staff=staff,
        is_core_group=core,
        active=active,
        locale=locale,
    )
    db.session.add(u)
    db.session.commit()
    return u


def municipality(name: str | None = None) -> Municipality:
    name = name or f"Gemeente {next(_seq)}"
    m = Municipality(name=name, slug=slugify(name))
    db.session.add(m)
    db.session.commit()
    return m


def coalition(name: str | None = None) -> Coalition:
    m = municipality(name)
    c = Coalition(municipality=m, name=f"Kansrijke Start {m.name}")
    db.session.add(c)
    db.session.commit()
    return c


def coalition_member(c: Coalition | None = None) -> User:
    c = c or coalition()
    u = user()
    db.session.add(CoalitionMember(coalition_id=c.id, user_id=u.id))
    db.session.commit()
    return u


def organisation(name: str | None = None) -> Organisation:
    o = Organisation(name=name or f"Organisatie {next(_seq)}", kind="verloskunde", working_area="gemeente")
    db.session.add(o)
    db.session.commit()
    return o


def round_(starts_on: date | None = None, months: int = 3, name: str | None = None) -> Round:
    starts_on = starts_on or date.today() - timedelta(days=20)
    r = Round(name=name or f"Ronde {next(_seq)}", starts_on=starts_on, ends_on=starts_on + timedelta(days=30 * months + 5))
    db.session.add(r)
    db.session.commit()
    return r


def table(r: Round | None = None, liaison: User | None = None, members: list[tuple[User, str]] | None = None,
          title: str | None = None) -> Table:
    r = r or round_()
    liaison = liaison or user(core=True)
    t = Table(round=r, title=title or f"Tafel {next(_seq)}", theme="Thema", action_line=ActionLine.DURING_PREGNANCY,
              liaison=liaison)
    db.session.add(t)
    for member, role in members or []:
        t.memberships.append(TableMembership(user=member, role=role or MemberRole.MEMBER))
    db.session.commit()
    return t


def work_package(t: Table | None = None, title: str | None = None) -> WorkPackage:
    t = t or table()
    wp = WorkPackage(table=t, title=title or f"Werkpakket {next(_seq)}", due_on=t.round.ends_on - timedelta(days=7))
    db.session.add(wp)
    db.session.commit()
    return wp
