"""What changed in an end product since its reviewer sent it back: the reviewer reads the
difference, not the whole text again.

Read from the audit log, which holds every draft save with its values before and after: the first
save after the send-back holds the text as it was sent back.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit import AuditEvent
from ..extensions import db
from ..rounds.models import ActionLine
from .models import Attachment, DeliverableKind, DeliverableVersion, Visibility

RETURNED, SAVED, REMOVED = "deliverable.return", "deliverable.update", "deliverable.attachment_remove"
FIELD_LABELS = {"title": _l("Titel"), "summary": _l("Samenvatting"), "kind": _l("Soort"),
                "action_line": _l("Actielijn"), "visibility": _l("Zichtbaar voor"),
                "all_of_friesland": _l("Voor heel Friesland")}


@dataclass
class FieldChange:
    field: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))


@dataclass
class ReviewChanges:
    returned_at: object  # the moment it was sent back (aware datetime)
    fields: list[FieldChange] = field(default_factory=list)
    body_diff: list[tuple[str, str]] = field(default_factory=list)  # ("+" | "-" | " " | "…", line)
    attachments_added: list[Attachment] = field(default_factory=list)
    attachments_removed: list[str] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not (self.fields or self.body_diff or self.attachments_added or self.attachments_removed)


def _shown(name: str, value: object) -> str:
    labels = {"kind": DeliverableKind, "action_line": ActionLine, "visibility": Visibility}
    if name in labels:
        return labels[name].label_of(value)
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    return "" if value is None else str(value)


def _body_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The changed lines with one line of context, as (mark, line)."""
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1):
        if line.startswith(("---", "+++")):
            continue
        lines.append(("…", "") if line.startswith("@@") else (line[0], line[1:]))
    return lines


def since_returned(version: DeliverableVersion) -> ReviewChanges | None:
    """Changes to `version` since it was last sent back, or None when it never was."""
    events = db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == "deliverables",
                                 AuditEvent.object_id == version.deliverable_id,
                                 AuditEvent.action.in_([RETURNED, SAVED, REMOVED]))
        .order_by(AuditEvent.id)
    ).scalars().all()
    returned = [e for e in events if e.action == RETURNED and (e.after or {}).get("version") == version.number]
    if not returned:
        return None
    last = returned[-1]
    changes = ReviewChanges(returned_at=last.created_at)
    saves = [e for e in events if e.action == SAVED and e.id > last.id]
    if saves:
        before = saves[0].before or {}
        for name in DeliverableVersion.EDIT_FIELDS:
            old, new = before.get(name), getattr(version, name)
            if name == "body":
                changes.body_diff = _body_diff(old or "", new or "") if (old or "") != (new or "") else []
            elif old != new:
                changes.fields.append(FieldChange(name, _shown(name, old), _shown(name, new)))
    changes.attachments_added = [a for a in version.attachments if a.created_at > last.created_at]
    changes.attachments_removed = [(e.after or {}).get("name", "") for e in events
                                   if e.action == REMOVED and e.id > last.id
                                   and (e.after or {}).get("version") == version.number]
    return changes
