"""Coalitions at the network: the organisation directory with its map of Friesland, a page per
municipality, and "gebruikt in <gemeente>" on an end product."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..library.models import Deliverable
from ..policy import can, require
from ..web import form_status, me, page_number, save
from . import directory, places
from .models import Coalition, Municipality, Organisation
from .place_forms import OrganisationForm, UseForm

bp = Blueprint("coalitions", __name__)


# --- the organisation directory ----------------------------------------------------------------

@bp.route("/organisaties")
def organisations():
    require("organisations.view")
    args = request.args
    page = directory.directory(q=args.get("q", "")[:200], kind=args.get("soort", ""),
                               municipality_slug=args.get("gemeente", ""), action_line=args.get("actielijn", ""),
                               question_map=args.get("kaart") == "vraagstukken" and can(me(), "questions.view"),
                               archived=bool(args.get("gearchiveerd")) and can(me(), "organisation.archive"),
                               page=page_number())
    return render_template("coalitions/organisations.html", page=page)


def _organisation_form(organisation: Organisation | None = None) -> OrganisationForm:
    form = OrganisationForm(obj=organisation)
    form.municipality_ids.choices = [SelectChoice(m.id, m.name) for m in db.session.execute(
        select(Municipality).order_by(Municipality.name)).scalars()]
    if organisation is not None and not form.is_submitted():
        form.municipality_ids.data = [m.id for m in organisation.municipalities]
        form.action_lines.data = places.action_lines_of(organisation)
        form.load_version(organisation.lock_version)
    return form


def _chosen_municipalities(form: OrganisationForm) -> list[Municipality]:
    ids = form.municipality_ids.data or []
    if not ids:
        return []
    return list(db.session.execute(select(Municipality).where(Municipality.id.in_(ids))).scalars())


def _details(form: OrganisationForm) -> dict:
    return dict(name=form.name.data or "", kind=form.kind.data, working_area=form.working_area.data,
                municipalities=_chosen_municipalities(form), action_lines=form.action_lines.data or [],
                description=form.description.data or "", when_to_engage=form.when_to_engage.data or "",
                phone=form.phone.data or "", email=form.email.data or "", website=form.website.data or "",
                referral=form.referral.data or "")


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
def organisation_create():
    require("organisation.create")
    form = _organisation_form()
    if form.validate_on_submit():
        created = save(lambda: places.create_organisation(me(), **_details(form)), form,
                       success=_("Organisatie toegevoegd."))
        if created:
            anchor = f"organisatie-{created.id}" if isinstance(created, Organisation) else None
            return redirect(url_for("coalitions.organisations", _anchor=anchor))
    return render_template("coalitions/organisation_form.html", form=form, organisation=None), form_status(form)


@bp.route("/organisaties/<int:organisation_id>/bewerken", methods=["GET", "POST"])
def organisation_edit(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require("organisation.edit", organisation)
    form = _organisation_form(organisation)
    if form.validate_on_submit() and save(lambda: places.update_organisation(
            me(), organisation, version=form.version.data, **_details(form)), form, versioned=organisation,
            success=_("Organisatie opgeslagen.")):
        return redirect(url_for("coalitions.organisations", _anchor=f"organisatie-{organisation.id}"))
    return (render_template("coalitions/organisation_form.html", form=form, organisation=organisation),
            form_status(form))


@bp.route("/organisaties/<int:organisation_id>/archiveren", methods=["POST"])
def organisation_archive(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require("organisation.archive", organisation)
    save(lambda: places.set_organisation_active(me(), organisation, False),
         success=_("‘%(name)s’ is gearchiveerd.", name=organisation.name))
    return redirect(url_for("coalitions.organisations", gearchiveerd=1))


@bp.route("/organisaties/<int:organisation_id>/herstellen", methods=["POST"])
def organisation_restore(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require("organisation.archive", organisation)
    save(lambda: places.set_organisation_active(me(), organisation, True),
         success=_("‘%(name)s’ staat weer in de lijst.", name=organisation.name))
    return redirect(url_for("coalitions.organisations", _anchor=f"organisatie-{organisation.id}"))


# --- a municipality ------------------------------------------------------------------------------

@bp.route("/gemeenten/<slug>")
def municipality(slug: str):
    require("municipality.view")
    page = directory.municipality_page(slug)
    if page is None:
        abort(404)
    return render_template("coalitions/municipality.html", page=page)


# --- "gebruikt in" -------------------------------------------------------------------------------

@bp.route("/bibliotheek/<slug>/gebruikt", methods=["POST"])
def mark_used(slug: str):
    deliverable = db.session.execute(select(Deliverable).where(Deliverable.slug == slug)).scalar_one_or_none()
    if deliverable is None:
        abort(404)
    require("deliverable.mark_used", deliverable)
    form = use_form(me())
    if form.validate_on_submit():
        coalition = db.session.get(Coalition, form.coalition_id.data)
        if coalition is None:
            abort(404)
        save(lambda: places.mark_used(me(), deliverable, coalition, form.note.data or ""),
             success=_("Gemarkeerd als gebruikt in %(place)s.", place=coalition.municipality.name))
    else:
        flash(_("Kies de coalitie."), "error")
    return redirect(url_for("library.detail", slug=slug, _anchor="gebruikt-in"))


def use_form(user, used: set[int] | None = None) -> UseForm:  # noqa: ANN001
    """The "gebruikt in" form, offering the person's own coalitions (those that have not said so yet)."""
    form = UseForm()
    form.coalition_id.choices = [SelectChoice(c.id, c.municipality.name) for c in places.coalitions_of(user)
                                 if c.id not in (used or set())]
    return form


def use_panel(user, deliverable: Deliverable) -> tuple[list, UseForm | None]:  # noqa: ANN001
    """For an end product's page: where it is used, and the form for this person's coalitions
    (None when they may not mark it, or all their coalitions already did)."""
    from ..policy import can

    uses = directory.uses_of(deliverable.id)
    if not can(user, "deliverable.mark_used", deliverable):
        return uses, None
    form = use_form(user, {u.coalition_id for u in uses})
    return uses, form if form.coalition_id.choices else None
