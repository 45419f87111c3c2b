"""Forms for logging in, passwords and the language choice."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import Form
from .services import MIN_PASSWORD_LENGTH


class LoginForm(Form):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul je e-mailadres in.")), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul je wachtwoord in."))])


class ForgotPasswordForm(Form):
    # No format check: every input gets the same answer, so it reveals nothing either way.
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul je e-mailadres in.")), Length(max=254)])


class SetPasswordForm(Form):
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[
            DataRequired(_l("Kies een wachtwoord.")),
            Length(min=MIN_PASSWORD_LENGTH, message=_l("Kies een wachtwoord van minstens %(min)d tekens.")),
        ],
        description=_l("Minstens %(n)d tekens. Een zin van een paar woorden werkt goed.", n=MIN_PASSWORD_LENGTH),
    )
    confirm = PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[DataRequired(_l("Herhaal het wachtwoord.")), EqualTo("password", _l("De wachtwoorden zijn niet gelijk."))],
    )


class LocaleForm(Form):
    locale = SelectField(_l("Taal"), choices=[SelectChoice("nl", "Nederlands"), SelectChoice("en", "English")])


class LoginCodeForm(Form):
    code = StringField(
        _l("Code"), validators=[DataRequired(_l("Vul de code in.")), Length(max=40)],
        description=_l("De zes cijfers uit je authenticator-app, of een van je herstelcodes."),
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
    remember = BooleanField(_l("Onthoud dit apparaat 30 dagen"))


class TwoFactorSetupForm(Form):
    code = StringField(
        _l("Code uit de app"), validators=[DataRequired(_l("Vul de code uit de app in.")), Length(max=20)],
        description=_l("Zes cijfers; de app maakt elke 30 seconden een nieuwe."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TwoFactorDisableForm(Form):
    code = StringField(
        _l("Code uit de app of een herstelcode"), validators=[DataRequired(_l("Vul de code in.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code"},
    )
