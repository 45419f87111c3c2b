"""Places in the network: the organisation directory, and coalitions marking an end product as
"gebruikt in <gemeente>". Domain functions: they check the rules, change the data, audit it and
flush; the caller commits (see leernetwerk.web.save).

Rules (docs/architecture.md, R16 and R17):
- an organisation works in exactly one municipality (`gemeente`), in two or more (`regio`), or in
  all of Friesland (`provincie`: no municipalities stored, it counts for all 18);
- its name is unique (whatever the capitals), its website a http(s) address;
- a coalition marks a published end product as used at most once, and only its own members mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from ..audit import record, snapshot
from ..auth.models import User
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..library.models import Deliverable
from ..rounds.models import ActionLine
from ..versioning import check_version
from .models import (
    Coalition,
    CoalitionMember,
    DeliverableUse,
    Municipality,
    Organisation,
    OrganisationKind,
    WorkingArea,
    organisation_action_lines,
)

ORGANISATION_FIELDS = list(Organisation.EDIT_FIELDS)


class PlacesError(DomainError):
    """A broken rule of the organisation directory or of "gebruikt in"."""


# --- organisations --------------------------------------------------------------------------------

def action_lines_of(organisation: Organisation) -> list[str]:
    """The organisation's action lines, in ActionLine's order."""
    stored = set(db.session.execute(select(organisation_action_lines.c.action_line).where(
        organisation_action_lines.c.organisation_id == organisation.id)).scalars())
    return [line.value for line in ActionLine if line.value in stored]


def _website(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.IGNORECASE) and not re.match(r"^https?://", value, re.IGNORECASE):
        raise PlacesError(_("Een website begint met http:// of https://."), "website")
    if not re.match(r"^https?://", value, re.IGNORECASE):
        value = f"https://{value}"
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value, re.IGNORECASE):
        raise PlacesError(_("Dit lijkt geen webadres."), "website")
    return value


def _check(organisation: Organisation | None, *, name: str, kind: str, working_area: str,
           municipalities: list[Municipality], action_lines: Iterable[str]) -> list[str]:
    if not name:
        raise PlacesError(_("Geef de organisatie een naam."), "name")
    same = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if organisation is not None and organisation.id is not None:
        same = same.where(Organisation.id != organisation.id)
    if db.session.execute(same).first() is not None:
        raise PlacesError(_("Er is al een organisatie met deze naam."), "name")
    if kind not in OrganisationKind.__members__.values():
        raise PlacesError(_("Kies een soort organisatie."), "kind")
    if working_area == WorkingArea.MUNICIPALITY and len(municipalities) != 1:
        raise PlacesError(_("Kies de ene gemeente waar de organisatie werkt (of kies een regio)."),
                          "municipality_ids")
    if working_area == WorkingArea.REGION and len(municipalities) < 2:
        raise PlacesError(_("Een regio bestaat uit minstens twee gemeenten; kies ze."), "municipality_ids")
    if working_area not in WorkingArea.__members__.values():
        raise PlacesError(_("Kies het werkgebied."), "working_area")
    lines = [str(line) for line in action_lines]
    if any(line not in ActionLine.__members__.values() for line in lines):
        raise PlacesError(_("Onbekende actielijn."), "action_lines")
    return [line.value for line in ActionLine if line.value in lines]


def _set_details(organisation: Organisation, *, name: str, kind: str, working_area: str,
                 municipalities: list[Municipality], description: str, when_to_engage: str, phone: str,
                 email: str, website: str, referral: str) -> None:
    organisation.name, organisation.kind, organisation.working_area = name, kind, working_area
    organisation.description, organisation.when_to_engage = description.strip(), when_to_engage.strip()
    organisation.phone, organisation.email = phone.strip(), email.strip()
    organisation.website, organisation.referral = _website(website), referral.strip()
    # A province-wide organisation counts for every municipality; none are stored for it.
    organisation.municipalities = [] if working_area == WorkingArea.PROVINCE else sorted(
        set(municipalities), key=lambda m: m.name)


def _set_action_lines(organisation: Organisation, lines: list[str]) -> None:
    db.session.execute(delete(organisation_action_lines).where(
        organisation_action_lines.c.organisation_id == organisation.id))
    if lines:
        db.session.execute(insert(organisation_action_lines), [
            {"organisation_id": organisation.id, "action_line": line} for line in lines])


def _state(organisation: Organisation, lines: list[str]) -> dict[str, Any]:
    return snapshot(organisation, ORGANISATION_FIELDS) | {
        "municipalities": [m.id for m in organisation.municipalities], "action_lines": lines}


def create_organisation(by: User | None, *, name: str, kind: str, working_area: str,
                        municipalities: Iterable[Municipality] = (), action_lines: Iterable[str] = (),
                        description: str = "", when_to_engage: str = "", phone: str = "", email: str = "",
                        website: str = "", referral: str = "") -> Organisation:
    """A new organisation in the directory, audited."""
    name, municipalities = name.strip(), list(municipalities)
    lines = _check(None, name=name, kind=kind, working_area=working_area, municipalities=municipalities,
                   action_lines=action_lines)
    organisation = Organisation(active=True)
    _set_details(organisation, name=name, kind=kind, working_area=working_area, municipalities=municipalities,
                 description=description, when_to_engage=when_to_engage, phone=phone, email=email,
                 website=website, referral=referral)
    db.session.add(organisation)
    db.session.flush()
    _set_action_lines(organisation, lines)
    record(by, "organisation.create", organisation, after=_state(organisation, lines))
    return organisation


def update_organisation(by: User, organisation: Organisation, *, version: int | None, name: str, kind: str,
                        working_area: str, municipalities: Iterable[Municipality] = (),
                        action_lines: Iterable[str] = (), description: str = "", when_to_engage: str = "",
                        phone: str = "", email: str = "", website: str = "", referral: str = "") -> Organisation:
    """Change an organisation's entry; refused with a conflict when someone saved it since `version`."""
    check_version(organisation, version)
    name, municipalities = name.strip(), list(municipalities)
    lines = _check(organisation, name=name, kind=kind, working_area=working_area, municipalities=municipalities,
                   action_lines=action_lines)
    before = _state(organisation, action_lines_of(organisation))
    _set_details(organisation, name=name, kind=kind, working_area=working_area, municipalities=municipalities,
                 description=description, when_to_engage=when_to_engage, phone=phone, email=email,
                 website=website, referral=referral)
    # The action lines and municipalities live in their own rows: bump the version regardless, so
    # a form opened earlier gets a conflict instead of silently undoing them.
    flag_modified(organisation, "name")
    db.session.flush()
    _set_action_lines(organisation, lines)
    record(by, "organisation.update", organisation, before=before, after=_state(organisation, lines))
    return organisation


def set_organisation_active(by: User, organisation: Organisation, active: bool) -> Organisation:
    """Archive an organisation that stopped or merged (it leaves the directory and the municipality
    pages, nothing is deleted), or bring it back. Audited; asking for the state it is in changes nothing."""
    if organisation.active != active:
        organisation.active = active
        record(by, "organisation.restore" if active else "organisation.archive", organisation,
               before={"active": not active}, after={"active": active})
    return organisation


# --- "gebruikt in" --------------------------------------------------------------------------------

def coalitions_of(user: User) -> list[Coalition]:
    """The coalitions `user` is a member of, by municipality name."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(db.session.execute(
        select(Coalition).join(CoalitionMember, CoalitionMember.coalition_id == Coalition.id)
        .join(Municipality, Municipality.id == Coalition.municipality_id)
        .where(CoalitionMember.user_id == user.id).order_by(Municipality.name)).scalars())


def mark_used(by: User, deliverable: Deliverable, coalition: Coalition, note: str = "") -> DeliverableUse:
    """A coalition says it uses a published end product ("gebruikt in <gemeente>"); once per
    coalition, only by one of its members."""
    if deliverable.published_version_id is None or deliverable.withdrawn_at is not None:
        raise PlacesError(_("Alleen een gepubliceerd eindproduct kan als gebruikt worden gemarkeerd."))
    member = db.session.execute(select(CoalitionMember).where(
        CoalitionMember.coalition_id == coalition.id, CoalitionMember.user_id == by.id)).first()
    if member is None:
        raise PlacesError(_("Alleen leden van de coalitie markeren wat zij gebruiken."), "coalition_id")
    already = db.session.execute(select(DeliverableUse.id).where(
        DeliverableUse.deliverable_id == deliverable.id, DeliverableUse.coalition_id == coalition.id)).first()
    refused = PlacesError(_("%(coalition)s heeft dit eindproduct al als gebruikt gemarkeerd.",
                            coalition=coalition.name), "coalition_id")
    if already is not None:
        raise refused
    use = DeliverableUse(deliverable_id=deliverable.id, coalition=coalition, user_id=by.id, note=note.strip())
    try:
        with db.session.begin_nested():  # a colleague marking it in the same instant: the unique key decides
            db.session.add(use)
            db.session.flush()
    except IntegrityError:
        raise refused from None
    record(by, "deliverable.use", use, after={"deliverable_id": deliverable.id, "coalition_id": coalition.id,
                                              "note": use.note})
    return use


# --- /mijn ----------------------------------------------------------------------------------------

def mark_seen(user: User) -> None:
    """Remember when this person looked at /mijn (personal bookkeeping: not audited, rule R10)."""
    user.last_seen_at = utcnow()
    db.session.flush()
