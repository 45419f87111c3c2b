"""Forms for notification preferences."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..enums import choices_for
from ..forms import Form
from .models import PREFERENCE_KINDS, Delivery, kind_label


class PreferencesForm(Form):
    """One choice per kind of reminder or notice; the fields are named after the kinds."""


for _kind in PREFERENCE_KINDS:
    setattr(PreferencesForm, _kind, RadioField(
        kind_label(_kind), choices=choices_for(Delivery), validators=[InputRequired(_l("Kies hoe je dit wilt krijgen."))]))
del _kind
