"""Log in and out, forgotten password, set a password from an invitation, language."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import csrf, db
from ..security import safe_next
from ..web import me, save
from . import services
from .forms import ForgotPasswordForm, LocaleForm, LoginForm, SetPasswordForm
from .sessions import end_session, start_session

bp = Blueprint("auth", __name__)


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr or "")
        except services.Throttled as exc:
            return render_template("auth/login.html", form=form, error=str(exc)), 429
        except services.AuthError as exc:
            return render_template("auth/login.html", form=form, error=str(exc)), 200
        start_session(user)
        db.session.commit()
        flash(_("Welkom, %(name)s. Je bent ingelogd.", name=user.name), "success")
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form, error=None)


@bp.route("/uitloggen", methods=["POST"])
@login_required
def logout():
    end_session(me())
    db.session.commit()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("main.index"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # Same answer whether or not the address exists: no account enumeration.
        flash(_("Als dit adres bij een account hoort, staat er nu een link in je mailbox."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def _password_page(token: str, purpose: str):  # noqa: ANN202
    try:
        user = services.user_from_token(token, purpose)
    except services.AuthError as exc:
        return render_template("auth/link_invalid.html", message=str(exc)), 400
    form = SetPasswordForm()

    def set_and_log_in() -> None:
        services.set_password(user, form.password.data)
        start_session(user)

    if form.validate_on_submit() and save(set_and_log_in, form,
                                          success=_("Je wachtwoord is ingesteld. Welkom bij het Leernetwerk.")):
        return redirect(url_for("main.index"))
    return render_template("auth/set_password.html", form=form, user=user, purpose=purpose)


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def set_password(token: str):
    return _password_page(token, "invite")


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _password_page(token, "reset")


@bp.route("/taal", methods=["POST"])
@csrf.exempt
def choose_locale():
    # An anonymous visitor's choice changes nothing but their own cookie, so their form carries
    # no CSRF token: a public page is then the same for every visitor, and cacheable. A logged-in
    # person's choice is stored, so theirs is checked.
    if current_user.is_authenticated:
        csrf.protect()
    form = LocaleForm(meta={"csrf": False})
    if form.validate_on_submit():
        locale = form.locale.data
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_locale(me(), locale)
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/account")
@login_required
def account():
    form = LocaleForm(locale=current_user.locale)
    return render_template("auth/account.html", form=form, languages=current_app.config["LANGUAGES"])
