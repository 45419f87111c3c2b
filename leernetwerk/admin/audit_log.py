"""How the audit log reads for people: Dutch labels for every action and kind of object, names
instead of ids, readable values, and a link to the object's page where it has one.

`references(events)` says which ids the page must look up (one query, `queries.audit_labels`);
`describe(event, labels)` turns one event into an `AuditRow` for the template.

Over 400 lines on purpose: most of it is the one table of labels for every recorded action and
kind of object, kept together so that a new action is labelled in one place (a test checks it).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import AuditEvent
from ..enums import LabeledEnum
from ..i18n import date_time, long_date
from ..library.models import DeliverableKind, Visibility
from ..notifications.models import Delivery, kind_label
from ..params import parse_id
from ..rounds.models import ActionLine, Decision, Light, MemberRole, WorkPackageStatus


class AuditAction(LabeledEnum):
    """Every action string a service records (`grep -rn "record(" leernetwerk`), with its label.
    tests/test_audit_log.py fails when a recorded action is missing here."""

    USER_CREATE = "user.create"
    USER_INVITE = "user.invite"
    USER_UPDATE = "user.update"
    USER_RESET_REQUESTED = "user.reset_requested"
    USER_PASSWORD_SET = "user.password_set"  # nosec B105 # the name of an audit action, not a password
    USER_DEACTIVATE = "user.deactivate"
    USER_REACTIVATE = "user.reactivate"
    USER_TWO_FACTOR_ENABLE = "user.two_factor_enable"
    USER_TWO_FACTOR_DISABLE = "user.two_factor_disable"
    USER_TWO_FACTOR_RESET = "user.two_factor_reset"
    USER_RECOVERY_CODES_RENEW = "user.recovery_codes_renew"
    ROUND_CREATE = "round.create"
    ROUND_UPDATE = "round.update"
    ROUND_CLOSE = "round.close"
    TABLE_CREATE = "table.create"
    TABLE_UPDATE = "table.update"
    TABLE_SEAT = "table.seat"
    TABLE_CARRY_OVER = "table.carry_over"
    TABLE_EVALUATE = "table.evaluate"
    WORK_PACKAGE_CREATE = "work_package.create"
    WORK_PACKAGE_UPDATE = "work_package.update"
    MILESTONE_CREATE = "milestone.create"
    MILESTONE_UPDATE = "milestone.update"
    MILESTONE_DONE = "milestone.done"
    MILESTONE_REOPEN = "milestone.reopen"
    MILESTONE_REMOVE = "milestone.remove"
    PROGRESS_UPDATE_CREATE = "progress_update.create"
    PROGRESS_UPDATE_EDIT = "progress_update.edit"
    PROGRESS_UPDATE_WITHDRAW = "progress_update.withdraw"
    SUPPORT_REQUEST_CREATE = "support_request.create"
    SUPPORT_REQUEST_EDIT = "support_request.edit"
    SUPPORT_REQUEST_WITHDRAW = "support_request.withdraw"
    SUPPORT_REQUEST_ANSWER = "support_request.answer"
    DELIVERABLE_CREATE = "deliverable.create"
    DELIVERABLE_UPDATE = "deliverable.update"
    DELIVERABLE_NEW_VERSION = "deliverable.new_version"
    DELIVERABLE_ATTACHMENT_REMOVE = "deliverable.attachment_remove"
    DELIVERABLE_SUBMIT = "deliverable.submit"
    DELIVERABLE_APPROVE = "deliverable.approve"
    DELIVERABLE_RETURN = "deliverable.return"
    DELIVERABLE_PUBLISH = "deliverable.publish"
    DELIVERABLE_WITHDRAW = "deliverable.withdraw"
    DELIVERABLE_USE = "deliverable.use"
    ORGANISATION_CREATE = "organisation.create"
    ORGANISATION_UPDATE = "organisation.update"
    ORGANISATION_ARCHIVE = "organisation.archive"
    ORGANISATION_RESTORE = "organisation.restore"
    NOTIFICATIONS_PREFERENCES = "notifications.preferences"
    CALENDAR_RENEW = "calendar.renew"
    CALENDAR_REVOKE = "calendar.revoke"
    OUTBOX_RETRY = "outbox.retry"
    OUTBOX_DELIVER = "outbox.deliver"
    QUESTION_CREATE = "question.create"
    QUESTION_EDIT = "question.edit"
    QUESTION_SIGNAL = "question.signal"
    QUESTION_UNSIGNAL = "question.unsignal"
    QUESTION_STATUS = "question.status"
    QUESTION_ANSWERS = "question.answers"
    QUESTION_MERGE = "question.merge"
    QUESTION_MERGED_IN = "question.merged_in"
    SYNONYM_GROUP_CREATE = "synonym_group.create"
    SYNONYM_GROUP_UPDATE = "synonym_group.update"
    SYNONYM_GROUP_REMOVE = "synonym_group.remove"
    __labels__ = {
        USER_CREATE: _l("Account aangemaakt"),
        USER_INVITE: _l("Persoon uitgenodigd"),
        USER_UPDATE: _l("Persoon bewerkt"),
        USER_RESET_REQUESTED: _l("Nieuw wachtwoord aangevraagd"),
        USER_PASSWORD_SET: _l("Wachtwoord ingesteld"),
        USER_DEACTIVATE: _l("Account gedeactiveerd"),
        USER_REACTIVATE: _l("Account weer geactiveerd"),
        USER_TWO_FACTOR_ENABLE: _l("Tweestapsverificatie aangezet"),
        USER_TWO_FACTOR_DISABLE: _l("Tweestapsverificatie uitgezet"),
        USER_TWO_FACTOR_RESET: _l("Tweestapsverificatie hersteld door ROS"),
        USER_RECOVERY_CODES_RENEW: _l("Nieuwe herstelcodes gemaakt"),
        ROUND_CREATE: _l("Ronde aangemaakt"),
        ROUND_UPDATE: _l("Ronde bewerkt"),
        ROUND_CLOSE: _l("Ronde afgesloten"),
        TABLE_CREATE: _l("Thematafel aangemaakt"),
        TABLE_UPDATE: _l("Thematafel bewerkt"),
        TABLE_SEAT: _l("Lid aan thematafel toegevoegd"),
        TABLE_CARRY_OVER: _l("Thematafel doorgezet naar een volgende ronde"),
        TABLE_EVALUATE: _l("Thematafel geëvalueerd"),
        WORK_PACKAGE_CREATE: _l("Werkpakket aangemaakt"),
        WORK_PACKAGE_UPDATE: _l("Werkpakket bewerkt"),
        MILESTONE_CREATE: _l("Mijlpaal toegevoegd"),
        MILESTONE_UPDATE: _l("Mijlpaal gewijzigd"),
        MILESTONE_DONE: _l("Mijlpaal afgevinkt"),
        MILESTONE_REOPEN: _l("Mijlpaal heropend"),
        MILESTONE_REMOVE: _l("Mijlpaal verwijderd"),
        PROGRESS_UPDATE_CREATE: _l("Voortgangsupdate geplaatst"),
        PROGRESS_UPDATE_EDIT: _l("Voortgangsupdate bewerkt"),
        PROGRESS_UPDATE_WITHDRAW: _l("Voortgangsupdate ingetrokken"),
        SUPPORT_REQUEST_CREATE: _l("Ondersteuningsvraag gesteld"),
        SUPPORT_REQUEST_EDIT: _l("Ondersteuningsvraag bewerkt"),
        SUPPORT_REQUEST_WITHDRAW: _l("Ondersteuningsvraag ingetrokken"),
        SUPPORT_REQUEST_ANSWER: _l("Ondersteuningsvraag beantwoord"),
        DELIVERABLE_CREATE: _l("Eindproduct aangemaakt"),
        DELIVERABLE_UPDATE: _l("Concept van eindproduct bewerkt"),
        DELIVERABLE_NEW_VERSION: _l("Nieuwe versie van eindproduct begonnen"),
        DELIVERABLE_ATTACHMENT_REMOVE: _l("Bijlage van een concept verwijderd"),
        DELIVERABLE_SUBMIT: _l("Eindproduct ter review aangeboden"),
        DELIVERABLE_APPROVE: _l("Eindproduct goedgekeurd"),
        DELIVERABLE_RETURN: _l("Eindproduct teruggestuurd"),
        DELIVERABLE_PUBLISH: _l("Eindproduct gepubliceerd"),
        DELIVERABLE_WITHDRAW: _l("Eindproduct ingetrokken"),
        DELIVERABLE_USE: _l("Eindproduct gemarkeerd als gebruikt in een gemeente"),
        ORGANISATION_CREATE: _l("Organisatie toegevoegd"),
        ORGANISATION_UPDATE: _l("Organisatie bewerkt"),
        ORGANISATION_ARCHIVE: _l("Organisatie gearchiveerd"),
        ORGANISATION_RESTORE: _l("Organisatie weer actief gemaakt"),
        NOTIFICATIONS_PREFERENCES: _l("Keuzes voor herinneringen gewijzigd"),
        CALENDAR_RENEW: _l("Nieuwe agenda-link gemaakt"),
        CALENDAR_REVOKE: _l("Agenda-link uitgezet"),
        OUTBOX_RETRY: _l("Mislukte mail opnieuw in de wachtrij gezet"),
        OUTBOX_DELIVER: _l("Wachtrij met mail nu verstuurd"),
        QUESTION_CREATE: _l("Vraagstuk ingebracht"),
        QUESTION_EDIT: _l("Vraagstuk aangepast"),
        QUESTION_SIGNAL: _l("‘Ook bij ons’ gemeld"),
        QUESTION_UNSIGNAL: _l("‘Ook bij ons’ ingetrokken"),
        QUESTION_STATUS: _l("Stand van vraagstuk gewijzigd"),
        QUESTION_ANSWERS: _l("Eindproduct aan vraagstuk gekoppeld"),
        QUESTION_MERGE: _l("Vraagstuk samengevoegd met een ander"),
        QUESTION_MERGED_IN: _l("Ander vraagstuk hierin samengevoegd"),
        SYNONYM_GROUP_CREATE: _l("Synoniemen toegevoegd"),
        SYNONYM_GROUP_UPDATE: _l("Synoniemen gewijzigd"),
        SYNONYM_GROUP_REMOVE: _l("Synoniemen verwijderd"),
    }


class ObjectKind(LabeledEnum):
    """What an event is about: the object's table name (empty for the mail outbox)."""

    ROUND = "rounds"
    TABLE = "tables"
    WORK_PACKAGE = "work_packages"
    MILESTONE = "milestones"
    PROGRESS_UPDATE = "progress_updates"
    SUPPORT_REQUEST = "support_requests"
    DELIVERABLE = "deliverables"
    USER = "users"
    QUESTION = "questions"
    ORGANISATION = "organisations"
    DELIVERABLE_USE = "deliverable_uses"
    SYNONYM_GROUP = "synonym_groups"
    MAIL = ""
    __labels__ = {
        ROUND: _l("Ronde"),
        TABLE: _l("Thematafel"),
        WORK_PACKAGE: _l("Werkpakket"),
        MILESTONE: _l("Mijlpaal"),
        PROGRESS_UPDATE: _l("Voortgangsupdate"),
        SUPPORT_REQUEST: _l("Ondersteuningsvraag"),
        DELIVERABLE: _l("Eindproduct"),
        USER: _l("Persoon"),
        QUESTION: _l("Vraagstuk"),
        ORGANISATION: _l("Organisatie"),
        DELIVERABLE_USE: _l("Gebruikt in"),
        SYNONYM_GROUP: _l("Synoniemen"),
        MAIL: _l("Uitgaande mail"),
    }


# Kinds of things the page looks up by id besides the objects: organisations and coalitions.
ORGANISATIONS, COALITIONS = "organisations", "coalitions"

# Keys inside before/after that hold the id of something with a name.
REFERENCES: dict[str, str] = {
    "liaison_id": ObjectKind.USER,
    "owner_id": ObjectKind.USER,
    "assignee_id": ObjectKind.USER,
    "author_id": ObjectKind.USER,
    "user_id": ObjectKind.USER,
    "organisation_id": ORGANISATIONS,
    "round_id": ObjectKind.ROUND,
    "table_id": ObjectKind.TABLE,
    "work_package_id": ObjectKind.WORK_PACKAGE,
    "deliverable_id": ObjectKind.DELIVERABLE,
    "coalition_id": COALITIONS,
}

FIELD_LABELS: dict[str, Any] = {
    "name": _l("Naam"),
    "email": _l("E-mailadres"),
    "organisation_id": _l("Organisatie"),
    "is_staff": _l("ROS-medewerker"),
    "is_core_group": _l("Kerngroep"),
    "active": _l("Actief"),
    "locale": _l("Taal"),
    "coalitions": _l("Lokale coalities"),
    "title": _l("Titel"),
    "words": _l("Woorden"),
    "starts_on": _l("Begindatum"),
    "ends_on": _l("Einddatum"),
    "due_on": _l("Datum"),
    "goal": _l("Doel"),
    "theme": _l("Thema"),
    "action_line": _l("Actielijn"),
    "description": _l("Beschrijving"),
    "liaison_id": _l("Verbindingspersoon"),
    "members": _l("Leden"),
    "user_id": _l("Persoon"),
    "role": _l("Rol"),
    "owner_id": _l("Eigenaar"),
    "assignee_id": _l("Wie"),
    "author_id": _l("Auteur"),
    "status": _l("Status"),
    "done": _l("Afgevinkt"),
    "work_package_id": _l("Werkpakket"),
    "table_id": _l("Thematafel"),
    "round_id": _l("Ronde"),
    "light": _l("Stoplicht"),
    "subject": _l("Onderwerp"),
    "answer": _l("Antwoord"),
    "delivered": _l("Opgeleverd"),
    "what_worked": _l("Wat werkte"),
    "decision": _l("Hoe verder"),
    "closed_at": _l("Afgesloten op"),
    "version": _l("Versie"),
    "comment": _l("Opmerking"),
    "reason": _l("Reden"),
    "summary": _l("Samenvatting"),
    "body": _l("Tekst"),
    "kind": _l("Soort"),
    "visibility": _l("Zichtbaarheid"),
    "all_of_friesland": _l("Heel Friesland"),
    "mail_id": _l("Mail"),
    "count": _l("Aantal"),
    "sent": _l("Verstuurd"),
    "retry": _l("Later opnieuw"),
    "failed": _l("Mislukt"),
    "working_area": _l("Werkgebied"),
    "when_to_engage": _l("Wanneer inschakelen"),
    "phone": _l("Telefoon"),
    "website": _l("Website"),
    "referral": _l("Verwijsroute"),
    "municipalities": _l("Gemeenten"),
    "action_lines": _l("Actielijnen"),
    "deliverable_id": _l("Eindproduct"),
    "coalition_id": _l("Coalitie"),
    "note": _l("Toelichting"),
}

LOCALES = {"nl": "Nederlands", "en": "English"}
_ENUMS: dict[str, type[LabeledEnum]] = {
    "action_line": ActionLine, "light": Light, "decision": Decision, "kind": DeliverableKind,
    "visibility": Visibility, "role": MemberRole,
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LONG_TEXT = 200
MISSING = object()


@dataclass
class ObjectRef:
    kind: str
    label: str
    url: str | None


@dataclass
class Change:
    field: str
    before: str | None  # None: nothing before (a new value)
    after: str | None   # None: nothing after


@dataclass
class AuditRow:
    event: AuditEvent
    actor: str
    action: str
    object: ObjectRef
    changes: list[Change] = field(default_factory=list)


Labels = dict[tuple[str, int], tuple[str, int | None]]  # (kind, id) → (label, parent id)


def _ids(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    found = parse_id(str(value) if isinstance(value, int) else value)
    return [found] if found is not None else []


def references(events: Iterable[AuditEvent]) -> dict[str, set[int]]:
    """Per kind, every id the events mention: their objects and the ids inside before/after."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_id is not None and event.object_type:
            wanted[event.object_type].add(event.object_id)
        for values in (event.before or {}, event.after or {}):
            for key, value in values.items():
                if key in REFERENCES:
                    wanted[REFERENCES[key]].update(_ids(value))
                elif key == "members" and isinstance(value, dict):
                    wanted[ObjectKind.USER].update(i for k in value for i in _ids(k))
                elif key == "coalitions" and isinstance(value, list):
                    wanted[COALITIONS].update(i for v in value for i in _ids(v))
    return wanted


def _name(labels: Labels, kind: str, value: Any) -> str:
    ids = _ids(value)
    if not ids:
        return str(value)
    found = labels.get((kind, ids[0]))
    return found[0] if found else _("nummer %(id)d (verwijderd)", id=ids[0])


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LONG_TEXT else text[:LONG_TEXT - 1].rstrip() + "…"


def show_value(key: str, value: Any, labels: Labels, object_type: str = "", action: str = "") -> str:
    """One value of before/after as a person reads it: names, labels, ja/nee, Dutch dates."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if key in REFERENCES:
        return _name(labels, REFERENCES[key], value)
    if key == "members" and isinstance(value, dict):
        people = sorted((_name(labels, ObjectKind.USER, k), MemberRole.label_of(role)) for k, role in value.items())
        return ", ".join(f"{name} ({role})" for name, role in people)
    if key == "coalitions" and isinstance(value, list):
        return ", ".join(sorted(_name(labels, COALITIONS, v) for v in value))
    if key == "words" and isinstance(value, list):
        return _shorten(" ~ ".join(str(v) for v in value))
    if action == AuditAction.NOTIFICATIONS_PREFERENCES:
        return Delivery.label_of(value)
    if key == "status":
        return WorkPackageStatus.label_of(value) if object_type == ObjectKind.WORK_PACKAGE else str(value)
    if key in _ENUMS:
        return _ENUMS[key].label_of(value)
    if key == "locale":
        return LOCALES.get(str(value), str(value))
    if isinstance(value, str):
        if _DATE.match(value):
            return long_date(date.fromisoformat(value))
        if _DATETIME.match(value):
            try:
                return date_time(datetime.fromisoformat(value))
            except ValueError:
                return value
        return _shorten(value)
    if isinstance(value, dict | list):
        return _shorten(json.dumps(value, ensure_ascii=False))
    return str(value)


# Where one key means something else for one kind of object.
_FIELD_LABELS_BY_KIND: dict[str, dict[str, Any]] = {ObjectKind.WORK_PACKAGE: {"due_on": _l("Einddatum")}}


def field_label(key: str, action: str = "", object_type: str = "") -> str:
    if action == AuditAction.NOTIFICATIONS_PREFERENCES:
        return kind_label(key)
    return str(_FIELD_LABELS_BY_KIND.get(object_type, {}).get(key) or FIELD_LABELS.get(key, key))


# Keys not worth a line because the object's link already says it.
_SHOWN_BY_LINK = {ObjectKind.MILESTONE: {"work_package_id"}, ObjectKind.PROGRESS_UPDATE: {"work_package_id"},
                  ObjectKind.SUPPORT_REQUEST: {"table_id"}}


def changes(event: AuditEvent, labels: Labels) -> list[Change]:
    """The values that changed (both before and after), or that were set (only after)."""
    before, after = event.before or {}, event.after or {}
    skip = _SHOWN_BY_LINK.get(event.object_type, set())
    result: list[Change] = []
    for key in [*before, *(k for k in after if k not in before)]:
        if key in skip:
            continue
        old, new = before.get(key, MISSING), after.get(key, MISSING)
        if old == new:
            continue
        if old is MISSING and new in (None, "", [], {}):
            continue

        def shown(value: Any, key: str = key) -> str | None:
            if value is MISSING:
                return None
            return show_value(key, value, labels, event.object_type, event.action)

        result.append(Change(field_label(key, event.action, event.object_type), shown(old), shown(new)))
    return result


_LINKS: dict[str, Callable[[int, int | None], str]] = {
    ObjectKind.ROUND: lambda i, _p: url_for("rounds.round_detail", round_id=i),
    ObjectKind.TABLE: lambda i, _p: url_for("rounds.table_detail", table_id=i),
    ObjectKind.WORK_PACKAGE: lambda i, _p: url_for("rounds.work_package_detail", wp_id=i),
    ObjectKind.MILESTONE: lambda _i, p: url_for("rounds.work_package_detail", wp_id=p),
    ObjectKind.PROGRESS_UPDATE: lambda _i, p: url_for("rounds.work_package_detail", wp_id=p),
    ObjectKind.SUPPORT_REQUEST: lambda i, p: url_for("rounds.table_detail", table_id=p, _anchor=f"vraag-{i}"),
    ObjectKind.DELIVERABLE: lambda i, _p: url_for("library.manage", deliverable_id=i),
    ObjectKind.USER: lambda i, _p: url_for("admin.edit_person", user_id=i),
    ObjectKind.QUESTION: lambda i, _p: url_for("questions.detail", question_id=i),
    ObjectKind.SYNONYM_GROUP: lambda _i, _p: url_for("library.synonyms"),
    ObjectKind.ORGANISATION: lambda i, _p: url_for("coalitions.organisations", _anchor=f"organisatie-{i}"),
    ObjectKind.DELIVERABLE_USE: lambda _i, p: url_for("library.manage", deliverable_id=p),
}


def object_ref(event: AuditEvent, labels: Labels) -> ObjectRef:
    kind = ObjectKind.label_of(event.object_type) or event.object_type
    if event.object_id is None:
        return ObjectRef(kind, "", None)
    found = labels.get((event.object_type, event.object_id))
    if found is None:
        return ObjectRef(kind, _("nummer %(id)d (verwijderd)", id=event.object_id), None)
    label, parent = found
    if event.object_type == ObjectKind.PROGRESS_UPDATE:
        label = _("bij werkpakket ‘%(title)s’", title=label)
    link = _LINKS.get(event.object_type)
    needs_parent = event.object_type in (ObjectKind.MILESTONE, ObjectKind.PROGRESS_UPDATE, ObjectKind.SUPPORT_REQUEST,
                                         ObjectKind.DELIVERABLE_USE)
    url = link(event.object_id, parent) if link and (parent is not None or not needs_parent) else None
    return ObjectRef(kind, label, url)


def describe(event: AuditEvent, labels: Labels) -> AuditRow:
    return AuditRow(
        event=event,
        actor=event.actor.name if event.actor else _("systeem"),
        action=AuditAction.label_of(event.action),
        object=object_ref(event, labels),
        changes=changes(event, labels),
    )
