"""Forms for end products: content and metadata, attachments, reviews, withdrawal."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms import TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..labels import LABELS
from ..rounds.forms import action_line_choices
from .models import Audience, DeliverableKind, Visibility


def _choices(group: str, values) -> list[SelectChoice]:  # noqa: ANN001
    return [SelectChoice(v.value, LABELS[group][v.value]) for v in values]


class UploadsField(MultipleFileField):
    """Only the files uploaded with this request. Never filled from an object: the form is built with
    `obj=version`, whose `attachments` are stored Attachment rows, not uploads."""

    def process_data(self, value) -> None:  # noqa: ANN001, ARG002
        self.data = None


class DeliverableForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Geef het eindproduct een titel.")),
                                                Length(max=200)])
    summary = TextAreaField(_l("Samenvatting"), validators=[DataRequired(_l("Schrijf een korte samenvatting.")),
                                                            Length(max=2000)],
                            description=_l("Twee of drie zinnen: wat is het, voor wie, wat heb je eraan."))
    body = TextAreaField(_l("Inhoud"), validators=[Optional(), Length(max=200_000)],
                         description=_l("Markdown mag: kopjes (##), lijstjes, **vet**, links."))
    kind = SelectField(_l("Soort"), choices=lambda: _choices("kind", DeliverableKind))
    action_line = SelectField(_l("Actielijn"), choices=action_line_choices)
    audiences = SelectMultipleField(_l("Doelgroep"), choices=lambda: _choices("audience", Audience),
                                    validators=[Optional()])
    all_of_friesland = BooleanField(_l("Voor heel Friesland"))
    municipalities = SelectMultipleField(_l("Of alleen voor deze gemeenten"), coerce=int, validators=[Optional()])
    visibility = RadioField(_l("Wie mag het lezen?"), choices=lambda: _choices("visibility", Visibility),
                            validators=[InputRequired(_l("Kies openbaar of alleen voor het netwerk."))],
                            default=Visibility.PUBLIC.value)
    attachments = UploadsField(_l("Bijlagen"), description=_l(
        "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPG, CSV of tekst; hoogstens 25 MB per bestand."))
    lock_version = IntegerField(validators=[Optional()])


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Opmerking"), validators=[Optional(), Length(max=10000)])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reden van intrekken"), validators=[DataRequired(_l("Geef een reden voor het intrekken.")),
                                                                  Length(max=2000)])


class FollowForm(FlaskForm):
    facet = SelectField(choices=[SelectChoice("soort", "soort"), SelectChoice("thema", "thema")])
    value = StringField(validators=[DataRequired(), Length(max=120)])
