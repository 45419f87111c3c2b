"""Form pieces shared by the areas."""

from __future__ import annotations

import secrets
from functools import lru_cache

from babel import support
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, StringField, TextAreaField, ValidationError
from wtforms.i18n import messages_path
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from .errors import EditConflict
from .text import single_line


@lru_cache(maxsize=8)
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def int_or_none(value: object) -> int | None:
    """Coerce for a select whose first option is an empty placeholder ("— kies —")."""
    return None if value in ("", None) else int(value)


class Form(FlaskForm):
    """The base of every form in the app. Its single-line text fields (every StringField but a
    text area or a password) turn control characters into a space before anything else sees
    them: a title, subject or name never carries a line break, a tab or a NUL into the database,
    a one-line layout or a mail header.

    Turned into a space rather than refused: a browser already strips line breaks from a
    one-line input, so they come only from a crafted request or a paste (a tab from a
    spreadsheet); refusing would ask a person to remove a character they cannot see, and a
    space keeps what they meant."""

    class Meta:
        def bind_field(self, form, unbound_field, options):  # noqa: ANN001, ANN201
            kind = unbound_field.field_class
            if issubclass(kind, StringField) and not issubclass(kind, TextAreaField | PasswordField):
                filters = [single_line, *unbound_field.kwargs.get("filters", ())]
                return unbound_field.bind(form=form, filters=filters, **options)
            return super().bind_field(form, unbound_field, options)

        def get_translations(self, form):  # noqa: ANN001, ANN201
            """WTForms' own messages in the person's language, its catalogue read once per
            language (Flask-WTF reads it from disk again in every request that shows a form)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):  # as Flask-WTF: English
                return super().get_translations(form)
            return _wtforms_translations(str(get_locale()))


class OnceForm(Form):
    """A form saved at most once (see leernetwerk.submissions): it carries a fresh one-time token
    each time it is shown, and the same token when it is shown again with an error."""

    once = HiddenField(default=lambda: secrets.token_urlsafe(24))


class VersionField(IntegerField):
    """The version an edit form was loaded at. It comes only from the form itself (`load_version`
    when shown, the posted field when saved), never from the edited object, whose `version` is
    what is stored now and would let a save without the field pass the conflict check. Missing or
    not a number, it is None, which `versioning.check_version` refuses (docs/architecture.md)."""

    def process_data(self, value: object) -> None:
        self.data = None

    def process_formdata(self, valuelist: list[str]) -> None:
        value = valuelist[0].strip() if valuelist else ""
        self.data = int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


class VersionedForm(OnceForm):
    """A form that edits a versioned object: it carries the version it was loaded at, and after a
    refused save the conflict (what is stored now) for the page to show beside what was typed.
    A save without it is refused (`check_version`); a create form has no version to check."""

    version = VersionField(widget=HiddenInput(), validators=[Optional()])
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
