"""Forms for notification preferences."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from .models import PREFERENCE_KINDS, Delivery
from .reminders import KIND_LABELS


def delivery_choices() -> list[SelectChoice]:
    return [
        SelectChoice(Delivery.IMMEDIATE, _l("Direct per e-mail")),
        SelectChoice(Delivery.DIGEST, _l("In het weekoverzicht (maandag 08:00)")),
        SelectChoice(Delivery.OFF, _l("Geen e-mail (alleen hier in Leernetwerk)")),
    ]


class PreferencesForm(FlaskForm):
    """One choice per kind of reminder or notice; the fields are named after the kinds."""


for _kind in PREFERENCE_KINDS:
    setattr(PreferencesForm, _kind, RadioField(
        KIND_LABELS[_kind], choices=delivery_choices(), validators=[InputRequired(_l("Kies hoe je dit wilt krijgen."))]))
del _kind
