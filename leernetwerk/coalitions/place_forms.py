"""Forms of the organisation directory and of "gebruikt in" (field checks only; the rules are in
places.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..enums import choices_for
from ..forms import EmailAddress, OnceForm, VersionedForm
from ..rounds.models import ActionLine
from .models import OrganisationKind, WorkingArea


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganisationForm(VersionedForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Geef de organisatie een naam.")), Length(max=200)])
    kind = SelectField(_l("Soort"), choices=lambda: choices_for(OrganisationKind))
    description = TextAreaField(_l("Wat doen ze?"), validators=[Optional(), Length(max=5000)])
    when_to_engage = TextAreaField(_l("Wanneer schakel je ze in?"), validators=[Optional(), Length(max=5000)],
                                   description=_l("Bijvoorbeeld: bij zorgen over veiligheid thuis, "
                                                  "bij een zwangere zonder verloskundige."))
    phone = StringField(_l("Telefoon"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mailadres"), validators=[Optional(), EmailAddress(_l("Dit is geen geldig e-mailadres.")),
                                                      Length(max=254)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    referral = TextAreaField(_l("Verwijsroute"), validators=[Optional(), Length(max=5000)],
                             description=_l("Hoe meld je iemand aan: formulier, telefoon, via de huisarts …"))
    working_area = SelectField(_l("Werkgebied"), choices=lambda: choices_for(WorkingArea))
    municipality_ids = MultiCheckboxField(_l("Gemeenten"), coerce=int, validators=[Optional()],
                                          description=_l("Eén gemeente, of meerdere voor een regio; "
                                                         "niets voor heel Friesland."))
    action_lines = MultiCheckboxField(_l("Actielijnen"), choices=lambda: choices_for(ActionLine),
                                      validators=[Optional()])


class UseForm(OnceForm):
    coalition_id = SelectField(_l("Coalitie"), coerce=int)
    note = TextAreaField(_l("Toelichting (niet verplicht)"), validators=[Optional(), Length(max=2000)],
                         description=_l("Hoe gebruiken jullie het? Anderen kunnen ervan leren."))
