"""Staff forms: invite and edit a person."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import EmailAddress


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul de naam in.")), Length(max=200)])
    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul het e-mailadres in.")), EmailAddress(_l("Dit is geen geldig e-mailadres.")),
                    Length(max=254)],
    )
    organisation_id = SelectField(_l("Organisatie"), coerce=int)
    is_staff = BooleanField(_l("ROS-medewerker (beheert het netwerk)"))
    is_core_group = BooleanField(_l("Lid van de kerngroep"))
    coalition_ids = MultiCheckboxField(_l("Lid van de lokale coalitie"), coerce=int)
    locale = SelectField(_l("Taal van de uitnodiging"), choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")])


LOCALE_CHOICES = [SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")]


class PersonForm(FlaskForm):
    """What staff change about a person (the e-mail address is their login and stays)."""

    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul de naam in.")), Length(max=200)])
    organisation_id = SelectField(_l("Organisatie"), coerce=int)
    is_staff = BooleanField(_l("ROS-medewerker (beheert het netwerk)"))
    is_core_group = BooleanField(_l("Lid van de kerngroep"))
    coalition_ids = MultiCheckboxField(_l("Lid van de lokale coalitie"), coerce=int)
    locale = SelectField(_l("Taal"), choices=LOCALE_CHOICES)
