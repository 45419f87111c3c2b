"""What every area's views share: the logged-in person, and one way to save through the domain.

`save` runs one domain step and commits. A broken rule (DomainError) is rolled back and shown on
the form next to its field, or flashed when there is no form; a version conflict (someone else
saved first, seen by the service or by the database at flush) puts both versions on the form's
conflict page, with everything typed kept. `form_status` gives the matching HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .errors import DomainError, EditConflict
from .extensions import db
from .submissions import FormSubmission
from .versioning import conflict_with

T = TypeVar("T")


class _AlreadySaved:
    """What `save` returns when this form was saved before (a double click): true, but no object."""

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "ALREADY_SAVED"


ALREADY_SAVED = _AlreadySaved()


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


def _show_conflict(form: FlaskForm | None, conflict: EditConflict) -> None:
    if form is None:
        flash(str(conflict), "error")
        return
    form.show_conflict(conflict)


def save(step: Callable[[], T], form: FlaskForm | None = None, *, versioned: Any = None,
         success: str | None = None) -> T | bool | None:
    """Run one domain step and commit; flash `success` when it went through. Returns the step's
    result (True when the step returns nothing), or None when it was refused.

    On a broken rule or a conflict everything is rolled back, the problem is put on `form` (or
    flashed) and None is returned. `versioned` is the object whose version the step checks: when
    the database finds it changed at flush, the conflict shows what it holds now.
    """
    token = getattr(getattr(form, "once", None), "data", None)
    try:
        if token:
            db.session.add(FormSubmission(token=token[:64], user_id=getattr(me(), "id", None)))
            db.session.flush()
    except IntegrityError:
        db.session.rollback()
        flash(_("Dit was al verstuurd; het is niet nog een keer opgeslagen."), "info")
        return ALREADY_SAVED
    try:
        result = step()
        db.session.commit()
    except EditConflict as conflict:
        db.session.rollback()
        _show_conflict(form, conflict)
        return None
    except StaleDataError:
        db.session.rollback()
        if versioned is None:
            raise
        db.session.refresh(versioned)
        _show_conflict(form, conflict_with(versioned))
        return None
    except DomainError as error:
        db.session.rollback()
        if form is None:
            flash(str(error), "error")
        else:
            show_error(form, error)
        return None
    if success:
        flash(success, "success")
    return True if result is None else result


def form_status(form: FlaskForm) -> int:
    """409 for a conflict, 400 for a form with errors (after a POST), 200 otherwise."""
    if getattr(form, "conflict", None) is not None:
        return 409
    return 400 if form.errors or form.form_errors else 200


def conflict_rows(form: FlaskForm) -> list[tuple[str, str, str]]:
    """For the conflict page: (field label, what is stored now, what this person typed), readable."""
    from .i18n import long_date

    def shown(field: Any, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if field.type == "DateField":
            return long_date(date.fromisoformat(value) if isinstance(value, str) else value)
        if field.type == "BooleanField":
            return _("ja") if value else _("nee")
        if hasattr(field, "iter_choices"):
            labels = {str(choice[0]): str(choice[1]) for choice in field.iter_choices()}
            return labels.get(str(value), str(value))
        return str(value)

    conflict = form.conflict
    return [(field.label.text, shown(field, conflict.current[name]), shown(field, field.data))
            for name, field in form._fields.items() if name in conflict.current]


PAGE_PARAM = "pagina"


def page_number() -> int:
    """The `pagina` query parameter, 1 when missing or not a positive number."""
    from .params import arg_page

    return arg_page(PAGE_PARAM)


def listing_url(keep: tuple[str, ...] | list[str], base: dict[str, Any] | None = None,
                to: tuple[str, dict[str, Any]] | None = None, **changes: Any) -> str:
    """A link to the current page with only the named query parameters kept (every value of
    each), or with the checked parameters `base` instead, then `changes` applied (None drops one).
    `to` (endpoint, its arguments) names the page when it is not this request's: a page drawn
    again after a refused form answers a POST, and its lists page through the page itself.
    Links are built from a whitelist, never by copying request.args: an unknown parameter
    (`_anchor`, `_external`, …) must not reach url_for."""
    from flask import request, url_for

    args: dict[str, Any] = dict(base) if base is not None else {
        name: request.args.getlist(name) for name in keep if request.args.getlist(name)}
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    endpoint, view_args = to if to is not None else (request.endpoint, request.view_args or {})
    return url_for(endpoint, **view_args, **args)


class Pages:
    """Paging for a list counted separately (the same attributes as flask_sqlalchemy's Pagination,
    which `_pagination.html` reads)."""

    def __init__(self, page: int, total: int, per_page: int) -> None:
        self.page, self.total, self.per_page = page, total, per_page
        self.pages = max(1, -(-total // per_page))
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1

    @classmethod
    def within(cls, page: int, total: int, per_page: int) -> Pages:
        """Paging at `page`, moved to the last page when past it (and to the first below 1): a stale
        link shows the end of the list, not an empty page."""
        return cls(min(max(page, 1), max(1, -(-total // per_page))), total, per_page)
