"""Record every change in the audit log: who, what, when, before and after."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ..extensions import db
from .models import AuditEvent


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """The listed attributes of `obj` as JSON-safe values, for before/after."""
    result: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "value"):
            value = value.value
        result[name] = value
    return result


def record(
    actor: Any,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (it commits with the change itself)."""
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None) if actor is not None and getattr(actor, "is_authenticated", True) else None,
        action=action,
        object_type=obj.__tablename__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
