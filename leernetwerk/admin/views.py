"""Staff pages: people (invite, edit, deactivate) and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ..auth import services as accounts
from ..auth import two_factor
from ..auth.models import User
from ..extensions import db
from ..params import arg_id, arg_page, known_args
from ..policy import can, require
from ..rounds.models import ThematicTable
from ..web import form_status, me, save
from . import queries
from .audit_log import ObjectKind
from .forms import AuditFilterForm, InviteForm, PersonForm

bp = Blueprint("admin", __name__, url_prefix="/beheer")


def _with_choices(form: InviteForm | PersonForm) -> InviteForm | PersonForm:
    form.organisation_id.choices = [SelectChoice(0, _l("— geen —"))] + [
        SelectChoice(o.id, o.name) for o in queries.organisations()
    ]
    form.coalition_ids.choices = [SelectChoice(c.id, c.municipality.name) for c in queries.coalitions()]
    return form


def _invite_form() -> InviteForm:
    return _with_choices(InviteForm())


@bp.route("/mensen")
def users():
    require("users.list")
    page = queries.users_page(request.args.get("q", ""), arg_page())
    return render_template("admin/users.html", page=page, q=request.args.get("q", ""))


@bp.route("/mensen/uitnodigen", methods=["GET", "POST"])
def invite():
    """Staff invite anyone; with `?tafel=<id>` the person also gets a seat at that table, and
    then the table's liaison may invite too (without handing out roles)."""
    table_id = arg_id("tafel")
    table = db.get_or_404(ThematicTable, table_id) if table_id else None
    require("users.invite_to_table" if table else "users.invite", table)
    grants_roles = can(me(), "users.invite")
    form = _invite_form()
    if form.validate_on_submit():
        user = save(lambda: accounts.invite_user(
            me(), email=form.email.data, name=form.name.data, organisation_id=form.organisation_id.data or None,
            is_staff=grants_roles and form.is_staff.data, is_core_group=grants_roles and form.is_core_group.data,
            coalition_ids=form.coalition_ids.data if grants_roles else [], locale=form.locale.data,
            table=table), form)
        if user is not None:
            message = _("Uitnodiging voor %(name)s (%(email)s) staat klaar; de mail gaat binnen enkele minuten "
                        "de deur uit.", name=user.name, email=user.email)
            if table is not None:
                message += " " + _("%(name)s staat nu als lid bij ‘%(table)s’.", name=user.name, table=table.title)
            flash(message, "success")
            if table is not None:
                return redirect(url_for("rounds.table_detail", table_id=table.id))
            return redirect(url_for("admin.users"))
    return render_template("admin/invite.html", form=form, table=table,
                           grants_roles=grants_roles), form_status(form)


def _target(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/mensen/<int:user_id>/bewerken", methods=["GET", "POST"])
def edit_person(user_id: int):
    user = _target(user_id)
    require("users.edit", user)
    form = PersonForm(data=None if request.method == "POST" else {
        "name": user.name, "organisation_id": user.organisation_id or 0, "is_staff": user.is_staff,
        "is_core_group": user.is_core_group, "coalition_ids": [c.id for c in user.coalitions],
        "locale": user.locale,
    })
    _with_choices(form)
    if form.validate_on_submit() and save(lambda: accounts.update_person(
            me(), user, name=form.name.data, organisation_id=form.organisation_id.data or None,
            is_staff=form.is_staff.data, is_core_group=form.is_core_group.data,
            coalition_ids=form.coalition_ids.data or [], locale=form.locale.data), form,
            success=_("De gegevens van %(name)s zijn opgeslagen.", name=form.name.data.strip())):
        return redirect(url_for("admin.users"))
    return render_template("admin/person.html", form=form, person=user), form_status(form)


@bp.route("/mensen/<int:user_id>/deactiveren", methods=["POST"])
def deactivate(user_id: int):
    user = _target(user_id)
    require("users.deactivate", user)
    save(lambda: accounts.deactivate(me(), user), success=_("%(name)s is gedeactiveerd en overal uitgelogd.",
                                                            name=user.name))
    return redirect(url_for("admin.users"))


@bp.route("/mensen/<int:user_id>/tweestaps-herstellen", methods=["POST"])
def reset_two_factor(user_id: int):
    """A lost phone: the person's two-factor login is cleared (audited) and their sessions end;
    with their password they set it up again."""
    user = _target(user_id)
    require("users.reset_two_factor", user)
    save(lambda: two_factor.reset(me(), user),
         success=_("De tweestapsverificatie van %(name)s is hersteld; bij de volgende keer inloggen stelt "
                   "%(name)s die opnieuw in.", name=user.name))
    return redirect(url_for("admin.edit_person", user_id=user.id))


@bp.route("/mensen/<int:user_id>/activeren", methods=["POST"])
def reactivate(user_id: int):
    user = _target(user_id)
    require("users.reactivate", user)
    save(lambda: accounts.reactivate(me(), user), success=_("%(name)s kan weer inloggen.", name=user.name))
    return redirect(url_for("admin.users"))


AUDIT_FILTERS = ("wie", "soort", "van", "tot")
MAIL_FILTER = "mail"  # the kind filter's value for events about the mail outbox (stored as "")


def _audit_filter_form() -> AuditFilterForm:
    form = AuditFilterForm(formdata=request.args)
    form.wie.choices = [SelectChoice("", _l("Iedereen")), SelectChoice(queries.SYSTEM, _l("Systeem"))] + [
        SelectChoice(str(p.id), p.name) for p in queries.people(request.args.get("wie", ""))
    ]
    form.soort.choices = [SelectChoice("", _l("Alles"))] + [
        SelectChoice(kind.value or MAIL_FILTER, kind.label) for kind in ObjectKind
    ]
    return form


@bp.route("/logboek")
def audit_log():
    require("audit.view")
    form = _audit_filter_form()
    form.validate()
    kind = form.soort.data or None
    filters = queries.AuditFilters(
        actor=form.wie.data or "",
        kind="" if kind == MAIL_FILTER else kind,
        since=None if form.van.errors else form.van.data,
        until=None if form.tot.errors else form.tot.data,
    )
    page = queries.audit_page(filters, arg_page())
    return render_template("admin/audit.html", page=page.pagination, rows=page.rows, form=form,
                           filtered=bool(known_args(AUDIT_FILTERS))), form_status(form)
