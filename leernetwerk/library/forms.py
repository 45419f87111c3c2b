"""Forms for end products: content and metadata, attachments, reviews, withdrawal."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..enums import choices_for
from ..forms import Form, OnceForm, VersionedForm
from ..rounds.models import ActionLine
from . import files
from .models import Audience, DeliverableKind, FollowFacet, Visibility


class UploadsField(MultipleFileField):
    """Only the files uploaded with this request. Never filled from an object: the form is built with
    `obj=version`, whose `attachments` are stored Attachment rows, not uploads."""

    def process_data(self, value) -> None:  # noqa: ANN001
        self.data = None


class DeliverableForm(VersionedForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Geef het eindproduct een titel.")),
                                                Length(max=200)])
    summary = TextAreaField(_l("Samenvatting"), validators=[DataRequired(_l("Schrijf een korte samenvatting.")),
                                                            Length(max=2000)],
                            description=_l("Twee of drie zinnen: wat is het, voor wie, wat heb je eraan."))
    body = TextAreaField(_l("Inhoud"), validators=[Optional(), Length(max=200_000)],
                         description=_l("Markdown mag: kopjes (##), lijstjes, **vet**, links."))
    kind = SelectField(_l("Soort"), choices=lambda: choices_for(DeliverableKind))
    action_line = SelectField(_l("Actielijn"), choices=lambda: choices_for(ActionLine))
    audiences = SelectMultipleField(_l("Doelgroep"), choices=lambda: choices_for(Audience),
                                    validators=[Optional()])
    all_of_friesland = BooleanField(_l("Voor heel Friesland"))
    municipalities = SelectMultipleField(_l("Of alleen voor deze gemeenten"), coerce=int, validators=[Optional()])
    visibility = RadioField(_l("Wie mag het lezen?"), choices=lambda: choices_for(Visibility),
                            validators=[InputRequired(_l("Kies openbaar of alleen voor het netwerk."))],
                            default=Visibility.PUBLIC.value)
    attachments = UploadsField(_l("Bijlagen"), render_kw={"accept": files.ACCEPT_ATTRIBUTE}, description=_l(
        "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPG, CSV of tekst; hoogstens 25 MB per bestand."))


class ReviewForm(Form):
    """The reviewer's comment and decision; the decision comes from the button pressed."""

    APPROVE, SEND_BACK = "goedkeuren", "terugsturen"

    comment = TextAreaField(_l("Opmerking"), validators=[Optional(), Length(max=10000)])
    decision = RadioField(choices=[SelectChoice(APPROVE, _l("Goedkeuren voor publicatie")),
                                   SelectChoice(SEND_BACK, _l("Terugsturen met opmerkingen"))],
                          validators=[InputRequired()], name="besluit")


class WithdrawForm(Form):
    reason = TextAreaField(_l("Reden van intrekken"), validators=[DataRequired(_l("Geef een reden voor het intrekken.")),
                                                                  Length(max=2000)])


class FollowForm(Form):
    FOLLOW, UNFOLLOW = "volgen", "ontvolgen"

    facet = SelectField(choices=[SelectChoice(f.value, f.value) for f in FollowFacet])
    value = StringField(validators=[DataRequired(), Length(max=120)])
    action = SelectField(choices=[SelectChoice(FOLLOW, FOLLOW), SelectChoice(UNFOLLOW, UNFOLLOW)], default=FOLLOW,
                         validators=[Optional()])


class SynonymForm(OnceForm):
    words = TextAreaField(_l("Woorden die hetzelfde betekenen"),
                          validators=[DataRequired(_l("Geef minstens twee woorden, elk op een eigen regel."))],
                          description=_l("Eén woord, afkorting of woordgroep per regel, bijvoorbeeld JGZ, "
                                         "jeugdgezondheidszorg en consultatiebureau."))
