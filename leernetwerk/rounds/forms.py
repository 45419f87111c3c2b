"""Forms for rounds, tables, evaluations, work packages, milestones, updates and support."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..enums import choices_for
from ..forms import Form, OnceForm, VersionedForm, int_or_none
from .models import ActionLine, Decision, Light, WorkPackageStatus

DATE_ERROR = _l("Vul een geldige datum in.")
# Long lists of people get a "type to filter" box in the browser (static/js/app.js); without
# JavaScript they are plain selects.
PEOPLE_PICKER = {"data-filterable": "", "data-filter-label": _l("typ een naam of organisatie om te zoeken")}


class RoundForm(VersionedForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Geef de ronde een naam.")), Length(max=120)],
                       description=_l("Bijvoorbeeld ‘Ronde voorjaar 2027’."))
    starts_on = DateField(_l("Begindatum"), validators=[InputRequired(DATE_ERROR)])
    ends_on = DateField(_l("Einddatum"), validators=[InputRequired(DATE_ERROR)],
                        description=_l("Een ronde duurt drie tot vier maanden en overlapt geen andere ronde."))
    goal = TextAreaField(_l("Doel van de ronde"), validators=[Optional(), Length(max=5000)])


class TableForm(VersionedForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Geef de tafel een titel.")), Length(max=200)])
    theme = StringField(_l("Thema"), validators=[DataRequired(_l("Vul het thema in.")), Length(max=120)])
    action_line = SelectField(_l("Actielijn"), choices=lambda: choices_for(ActionLine))
    description = TextAreaField(_l("Beschrijving"), validators=[Optional(), Length(max=20000)],
                                description=_l("Markdown mag: **vet**, *schuin*, lijstjes en links."))
    liaison_id = SelectField(_l("Verbindingspersoon (kerngroep)"), coerce=int,
                             validators=[InputRequired(_l("Kies een verbindingspersoon."))], render_kw=PEOPLE_PICKER)
    leads = SelectMultipleField(_l("Kartrekkers"), coerce=int, validators=[Optional()], render_kw=PEOPLE_PICKER,
                                description=_l("Houd Ctrl (of Cmd) ingedrukt om meer mensen te kiezen."))
    members = SelectMultipleField(_l("Leden"), coerce=int, validators=[Optional()], render_kw=PEOPLE_PICKER)


class CarryOverForm(Form):
    # A required select starts with an empty placeholder (valid HTML, and nothing is chosen by accident).
    round_id = SelectField(_l("Naar ronde"), coerce=int_or_none, validators=[InputRequired(_l("Kies een ronde."))])


class EvaluationForm(Form):
    delivered = TextAreaField(_l("Wat heeft de tafel opgeleverd?"),
                              validators=[DataRequired(_l("Vul in wat de tafel heeft opgeleverd.")), Length(max=10000)])
    what_worked = TextAreaField(_l("Wat werkte goed, wat niet?"),
                                validators=[DataRequired(_l("Vul in wat goed werkte.")), Length(max=10000)])
    decision = RadioField(_l("Hoe verder?"), choices=lambda: choices_for(Decision),
                          validators=[InputRequired(_l("Kies doorgaan of stoppen."))])


class WorkPackageForm(VersionedForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Geef het werkpakket een titel.")), Length(max=200)])
    goal = TextAreaField(_l("Doel"), validators=[Optional(), Length(max=5000)])
    description = TextAreaField(_l("Beschrijving"), validators=[Optional(), Length(max=20000)],
                                description=_l("Markdown mag: **vet**, *schuin*, lijstjes en links."))
    owner_id = SelectField(_l("Eigenaar"), coerce=int, render_kw=PEOPLE_PICKER)
    due_on = DateField(_l("Einddatum"), validators=[InputRequired(DATE_ERROR)])
    status = SelectField(_l("Status"), choices=lambda: choices_for(WorkPackageStatus))


class MilestoneForm(OnceForm):
    title = StringField(_l("Mijlpaal"), validators=[DataRequired(_l("Beschrijf de mijlpaal.")), Length(max=200)])
    due_on = DateField(_l("Datum"), validators=[InputRequired(DATE_ERROR)])
    assignee_id = SelectField(_l("Wie"), coerce=int)


class UpdateForm(OnceForm):
    body = TextAreaField(_l("Wat is er gebeurd, wat komt er?"),
                         validators=[DataRequired(_l("Schrijf kort wat er is gebeurd.")), Length(max=20000)],
                         description=_l("Markdown mag. Deze update vervangt een statusoverleg."))
    light = RadioField(_l("Stand van zaken"), choices=lambda: choices_for(Light),
                       validators=[InputRequired(_l("Kies op koers, risico of vertraagd."))])


class SupportRequestForm(OnceForm):
    subject = StringField(_l("Onderwerp"), validators=[DataRequired(_l("Vul een onderwerp in.")), Length(max=200)])
    body = TextAreaField(_l("Waar heeft de tafel hulp bij nodig?"),
                         validators=[DataRequired(_l("Beschrijf de vraag.")), Length(max=10000)])


class SupportAnswerForm(Form):
    answer = TextAreaField(_l("Antwoord"), validators=[DataRequired(_l("Schrijf een antwoord.")), Length(max=10000)])
