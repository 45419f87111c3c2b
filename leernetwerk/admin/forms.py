"""Staff forms: invite and edit a person, filter the audit log."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, SelectField, SelectMultipleField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import EmailAddress, Form


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InviteForm(Form):
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


class PersonForm(Form):
    """What staff change about a person (the e-mail address is their login and stays)."""

    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul de naam in.")), Length(max=200)])
    organisation_id = SelectField(_l("Organisatie"), coerce=int)
    is_staff = BooleanField(_l("ROS-medewerker (beheert het netwerk)"))
    is_core_group = BooleanField(_l("Lid van de kerngroep"))
    coalition_ids = MultiCheckboxField(_l("Lid van de lokale coalitie"), coerce=int)
    locale = SelectField(_l("Taal"), choices=LOCALE_CHOICES)


DATE_ERROR = _l("Vul een geldige datum in, bijvoorbeeld 2026-03-01.")


class FilterDateField(DateField):
    """A date filter that says what is wrong in Dutch (the browser sends yyyy-mm-dd)."""

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(DATE_ERROR)) from exc


class AuditFilterForm(Form):
    """The audit log's filters: a GET form, so a filtered page is a link like any other."""

    class Meta:
        csrf = False

    wie = SelectField(_l("Wie"), validate_choice=False)
    soort = SelectField(_l("Soort object"), validate_choice=False)
    van = FilterDateField(_l("Vanaf"), validators=[Optional()])
    tot = FilterDateField(_l("Tot en met"), validators=[Optional()])

    def validate_tot(self, field: DateField) -> None:
        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError(_l("‘Tot en met’ ligt voor ‘vanaf’: kies een latere datum."))
