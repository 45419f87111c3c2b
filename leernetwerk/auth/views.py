"""Log in (password, then a two-factor code when set up) and out, forgotten password, set a
password from an invitation, language; the settings page with two-factor login and sessions."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import csrf, db
from ..security import safe_next
from ..web import form_status, me, save
from . import services, sessions, two_factor
from .forms import (
    ForgotPasswordForm,
    LocaleForm,
    LoginCodeForm,
    LoginForm,
    SetPasswordForm,
    TwoFactorDisableForm,
    TwoFactorSetupForm,
)
from .models import User
from .sessions import end_session, start_session

bp = Blueprint("auth", __name__)

PENDING = "pending_login"  # password checked, code still to come: {"u": id, "t": epoch, "next": path}
PENDING_SECONDS = 5 * 60
SETUP_SECRET = "totp_setup_secret"  # nosec B105 # the name of a session key, not a secret
# What someone who must set up two-factor login may still reach before they have.
SETUP_ALLOWED = {"auth.two_factor_setup", "auth.logout", "auth.choose_locale", "static", "main.healthz"}


@bp.before_app_request
def _two_factor_first():  # noqa: ANN202
    """Staff and the core group set up two-factor login before they can use the site."""
    if not sessions.may_be_logged_in():  # anonymous: flask_login's user loading need not run
        return None
    if (request.endpoint not in SETUP_ALLOWED and current_user.is_authenticated
            and two_factor.required_for(current_user) and not two_factor.enabled(current_user)):
        if request.method == "GET":
            flash(_("Stel eerst tweestapsverificatie in. Voor jouw rol is dat verplicht."), "info")
        return redirect(url_for("auth.two_factor_setup"))
    return None


def _throttled(form, exc: services.Throttled, template: str = "auth/login.html"):  # noqa: ANN001, ANN202
    response = current_app.make_response((render_template(template, form=form, error=str(exc)), 429))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user, needs_code = services.authenticate(form.email.data, form.password.data, request.remote_addr or "",
                                                     request.cookies.get(two_factor.DEVICE_COOKIE))
        except services.Throttled as exc:
            return _throttled(form, exc)
        except services.AuthError as exc:
            return render_template("auth/login.html", form=form, error=str(exc)), 200
        next_path = safe_next(request.args.get("next"))
        if needs_code:
            db.session.commit()  # a rehashed password
            session[PENDING] = {"u": user.id, "t": int(time.time()), "next": next_path}
            return redirect(url_for("auth.login_code"))
        start_session(user)
        db.session.commit()
        flash(_("Welkom, %(name)s. Je bent ingelogd.", name=user.name), "success")
        return redirect(next_path or url_for("main.index"))
    return render_template("auth/login.html", form=form, error=None)


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("t", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("u"))
    return user if user is not None and user.active and two_factor.enabled(user) else None


@bp.route("/inloggen/code", methods=["GET", "POST"])
def login_code():
    """The second step: a code from the app (or a recovery code) after the right password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Log opnieuw in; de code moet binnen vijf minuten na je wachtwoord komen."), "info")
        return redirect(url_for("auth.login"))
    form = LoginCodeForm()
    if form.validate_on_submit():
        try:
            services.second_factor(user, form.code.data, request.remote_addr or "")
        except services.Throttled as exc:
            return _throttled(form, exc, "auth/login_code.html")
        except services.AuthError as exc:
            form.code.errors = [str(exc)]
            return render_template("auth/login_code.html", form=form, error=None), 200
        next_path = session.get(PENDING, {}).get("next")
        start_session(user)
        if form.remember.data:
            value, max_age = two_factor.remember_device(user, request.user_agent.string or "")

            @after_this_request
            def _set_device_cookie(response):  # noqa: ANN001, ANN202
                response.set_cookie(two_factor.DEVICE_COOKIE, value, max_age=int(max_age.total_seconds()),
                                    httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
                return response

        db.session.commit()
        flash(_("Welkom, %(name)s. Je bent ingelogd.", name=user.name), "success")
        if two_factor.recovery_codes_left(user) <= 2:
            flash(_("Je hebt nog maar weinig herstelcodes over. Maak nieuwe aan bij Mijn account."), "info")
        return redirect(safe_next(next_path) or url_for("main.index"))
    return render_template("auth/login_code.html", form=form, error=None), form_status(form)


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
        # Same answer, in the same time, whether or not the address exists (no account
        # enumeration): the look-up and the mail happen after the response has gone out.
        email = form.email.data
        app = current_app._get_current_object()
        ip_address = request.remote_addr

        @after_this_request
        def _later(response):  # noqa: ANN001, ANN202
            response.call_on_close(lambda: services.request_password_reset_after_response(app, email, ip_address))
            return response

        flash(_("Als dit adres bij een account hoort, staat er nu een link in je mailbox."), "info")
        db.session.commit()  # nothing to store; ends this request's transaction before the work after it
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
        if not two_factor.enabled(user):
            start_session(user)

    if form.validate_on_submit() and save(set_and_log_in, form,
                                          success=_("Je wachtwoord is ingesteld. Welkom bij het Leernetwerk.")):
        if two_factor.enabled(user):
            # The link proves the mailbox, not the phone: the code step still comes.
            session[PENDING] = {"u": user.id, "t": int(time.time()), "next": None}
            return redirect(url_for("auth.login_code"))
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
    user = me()
    form = LocaleForm(locale=user.locale)
    current = sessions.current_session_id(user)
    devices = [(row, sessions.describe_device(row.user_agent), row.id == current)
               for row in sessions.open_sessions(user)]
    return render_template("auth/account.html", form=form, languages=current_app.config["LANGUAGES"],
                           devices=devices, two_factor_on=two_factor.enabled(user),
                           two_factor_required=two_factor.required_for(user),
                           codes_left=two_factor.recovery_codes_left(user) if two_factor.enabled(user) else 0,
                           disable_form=TwoFactorDisableForm())


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Set up the authenticator app: a QR code (and the key to type), then one code to confirm."""
    user = me()
    if two_factor.enabled(user):
        return redirect(url_for("auth.account"))
    secret = session.get(SETUP_SECRET) or two_factor.new_secret()
    session[SETUP_SECRET] = secret
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        codes = save(lambda: two_factor.enable(user, secret, form.code.data), form,
                     success=_("Tweestapsverificatie staat aan."))
        if codes:
            session.pop(SETUP_SECRET, None)
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor_setup.html", form=form, qr=two_factor.qr_svg(uri), uri=uri,
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                           required=two_factor.required_for(user)), form_status(form)


@bp.route("/account/tweestaps/herstelcodes", methods=["POST"])
@login_required
def recovery_codes():
    """New recovery codes (the old ones stop working), shown once."""
    if not two_factor.enabled(me()):
        abort(404)
    codes = save(lambda: two_factor.renew_recovery_codes(me()),
                 success=_("Nieuwe herstelcodes gemaakt; de oude werken niet meer."))
    if not codes:
        return redirect(url_for("auth.account"))
    return render_template("auth/recovery_codes.html", codes=codes)


@bp.route("/account/tweestaps/uitzetten", methods=["POST"])
@login_required
def two_factor_disable():
    form = TwoFactorDisableForm()
    if form.validate_on_submit():
        if save(lambda: two_factor.disable(me(), form.code.data),
                success=_("Tweestapsverificatie staat uit.")):
            return redirect(url_for("auth.account"))
    else:
        flash(_("Vul de code in."), "error")
    return redirect(url_for("auth.account") + "#tweestaps")


@bp.route("/account/sessies/<int:session_id>/beeindigen", methods=["POST"])
@login_required
def end_device_session(session_id: int):
    if session_id == sessions.current_session_id(me()):
        abort(400)
    if not sessions.end_one_session(me(), session_id):
        abort(404)
    db.session.commit()
    flash(_("Dat apparaat is uitgelogd."), "success")
    return redirect(url_for("auth.account") + "#apparaten")


@bp.route("/account/sessies/andere-beeindigen", methods=["POST"])
@login_required
def end_other_sessions():
    count = sessions.end_other_sessions(me())
    db.session.commit()
    flash(_("Je bent op alle andere apparaten uitgelogd (%(n)d).", n=count), "success")
    return redirect(url_for("auth.account") + "#apparaten")
