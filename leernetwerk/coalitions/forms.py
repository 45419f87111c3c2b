"""Forms for coalition questions (field checks only; the rules are in services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..enums import choices_for
from ..forms import Form, OnceForm, int_or_none
from ..rounds.models import ActionLine
from .models import OrganisationKind


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuestionForm(OnceForm):
    coalition_id = SelectField(_l("Namens de lokale coalitie"), coerce=int_or_none, validators=[Optional()])
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Geef het vraagstuk een titel.")), Length(max=200)],
                        render_kw={"autocomplete": "off"})
    body = TextAreaField(_l("Beschrijving"), validators=[Optional(), Length(max=20000)],
                         description=_l("Markdown mag: **vet**, *schuin*, lijstjes en links."))
    action_line = SelectField(_l("Actielijn"), choices=lambda: choices_for(ActionLine),
                              validators=[InputRequired(_l("Kies een actielijn."))])
    organisation_kinds = MultiCheckboxField(
        _l("Om welke soorten organisaties gaat het?"), validators=[Optional()],
        choices=lambda: choices_for(OrganisationKind),
        description=_l("Niet verplicht; kies er zoveel als nodig."))
    really_different = BooleanField(_l("Mijn vraag is echt anders dan deze vraagstukken"))


class SignalForm(Form):
    coalition_id = SelectField(_l("Namens"), coerce=int_or_none, validators=[Optional()])
    note = TextAreaField(_l("Toelichting (niet verplicht)"), validators=[Optional(), Length(max=5000)])


class TriageForm(Form):
    status = SelectField(_l("Nieuwe stand"), validators=[InputRequired(_l("Kies een stand."))])
    table_id = SelectField(_l("Tafel (bij ‘ondergebracht’)"), coerce=int_or_none, validators=[Optional()])
    answers = SelectMultipleField(_l("Eindproducten die het beantwoorden (bij ‘beantwoord’)"), coerce=int,
                                  validators=[Optional()])
    reason = TextAreaField(_l("Waarom niet opgepakt (de coalities lezen dit)"), validators=[Optional(),
                                                                                          Length(max=5000)])


class MergeForm(Form):
    keep_id = SelectField(_l("Samenvoegen met (dit vraagstuk blijft)"), coerce=int_or_none,
                          validators=[InputRequired(_l("Kies het vraagstuk dat blijft."))])


class ConfirmForm(Form):
    """A bare POST (CSRF only)."""

    question_id = HiddenField()
