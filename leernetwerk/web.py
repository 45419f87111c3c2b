"""What every area's views share: the domain error type, and saving a form through the domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_login import current_user
from flask_wtf import FlaskForm

from .extensions import db

T = TypeVar("T")


class DomainError(Exception):
    """A broken rule with a message for the user (translated), tied to a form field if any.

    Each area raises its own subclass (RoundsError, LibraryError)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def me() -> Any:
    """The logged-in person as a plain object (not the request-local proxy)."""
    return current_user._get_current_object()


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Show a domain error next to its field (or at the top), keeping what was typed."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def save(form: FlaskForm, step: Callable[[], T]) -> T | None:
    """Run one domain step and commit. A broken rule is rolled back and shown on the form, with
    everything typed kept; then None is returned."""
    try:
        result = step()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        show_error(form, exc)
        return None
    return result
