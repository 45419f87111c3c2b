"""Form pieces shared by the areas."""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, ValidationError
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from .errors import EditConflict


def int_or_none(value: object) -> int | None:
    """Coerce for a select whose first option is an empty placeholder ("— kies —")."""
    return None if value in ("", None) else int(value)


class OnceForm(FlaskForm):
    """A form saved at most once (see leernetwerk.submissions): it carries a fresh one-time token
    each time it is shown, and the same token when it is shown again with an error."""

    once = HiddenField(default=lambda: secrets.token_urlsafe(24))


class VersionedForm(OnceForm):
    """A form that edits a versioned object: it carries the version it was loaded at, and after a
    refused save the conflict (what is stored now) for the page to show beside what was typed."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    conflict: EditConflict | None = None

    def load_version(self, version: int) -> None:
        """Remember the stored version when the form is first shown (not on a POST)."""
        if not self.is_submitted():
            self.version.data = version

    def show_conflict(self, conflict: EditConflict) -> None:
        """After a refused save: the next save is made against what is stored now (the field
        renders what was posted unless told otherwise); what was typed stays in the form."""
        self.conflict = conflict
        self.version.data = conflict.version
        self.version.raw_data = [str(conflict.version)]


class EmailAddress:
    """A well-formed e-mail address. No DNS lookup and no refusal of the `.test` domain (the demo's
    own addresses): inviting someone needs a valid address, not proof that its domain receives mail."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: object) -> None:
        try:
            validate_email(field.data or "", check_deliverability=False, test_environment=True)
        except EmailNotValidError as exc:
            raise ValidationError(self.message) from exc
