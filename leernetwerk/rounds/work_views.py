"""The pages of a table's work: work packages, progress updates and milestones (on the rounds blueprint)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..database import utcnow
from ..dates import today
from ..extensions import db
from ..params import arg_page
from ..personal_pages import personal_page
from ..policy import require
from ..security import safe_next
from ..web import ALREADY_SAVED, form_status, me, save
from . import queries, work
from .forms import MilestoneForm, UpdateForm, WorkPackageForm
from .generation import keep
from .models import Milestone, ProgressUpdate, ThematicTable, WorkPackage
from .views import bp, person_by_id, person_choices

# --- work packages ------------------------------------------------------------------------------------

def _work_package_form(table: ThematicTable, wp: WorkPackage | None = None) -> WorkPackageForm:
    form = WorkPackageForm(obj=wp)
    form.owner_id.choices = person_choices(queries.table_people(table), _l("— nog niemand —"))
    if wp is not None and not form.is_submitted():
        form.owner_id.data = wp.owner_id or 0
        form.load_version(wp.version)
    return form


@bp.route("/tafels/<int:table_id>/werkpakketten/nieuw", methods=["GET", "POST"])
def work_package_create(table_id: int):
    table = db.get_or_404(ThematicTable, table_id)
    require("table.work", table)
    form = _work_package_form(table)
    if not form.is_submitted():
        form.due_on.data = table.round.ends_on
    if form.validate_on_submit():
        wp = save(lambda: work.create_work_package(
            me(), table, title=form.title.data, goal=form.goal.data or "", description=form.description.data or "",
            owner=person_by_id(form.owner_id.data), due_on=form.due_on.data, status=form.status.data), form)
        if wp is ALREADY_SAVED:
            return redirect(url_for("rounds.table_detail", table_id=table.id))
        if wp is not None:
            flash(_("Werkpakket aangemaakt."), "success")
            return redirect(url_for("rounds.work_package_detail", wp_id=wp.id))
    return render_template("rounds/work_package_form.html", form=form, table=table, wp=None), form_status(form)


def _work_package_page(wp: WorkPackage, update_form=None, milestone_form=None, status: int = 200):  # noqa: ANN001, ANN202
    milestone_form = milestone_form or MilestoneForm()
    milestone_form.assignee_id.choices = person_choices(queries.table_people(wp.table), _l("— de hele tafel —"))
    page = queries.work_package_page(wp, arg_page("pagina"))
    return render_template("rounds/work_package.html", page=page, wp=wp, history=_history(wp),
                           table=wp.table, update_form=update_form or UpdateForm(),
                           milestone_form=milestone_form, today=today(), now=utcnow()), status


def _history(wp: WorkPackage) -> Markup:
    """The package's change history (a page of it), rendered once and kept under the rounds' work
    generation (rule R32): every audited change to a package or its milestones changes them too,
    and it shows nothing that depends on who looks. Its pager's links carry the page of updates
    and lead to the package's page (also when a refused form's POST drew it)."""
    number = arg_page("wijzigingen")

    def draw() -> str:
        changes, changes_page = queries.work_package_changes(wp, number)
        return render_template("rounds/_wp_history.html", changes=changes, changes_page=changes_page, wp_id=wp.id)

    key = ("wp_history", wp.id, number, tuple(request.args.getlist("pagina")), str(get_locale()))
    return Markup(keep(key, draw))  # nosec B704 - rendered by Jinja with autoescape


@bp.route("/werkpakketten/<int:wp_id>")
@personal_page
def work_package_detail(wp_id: int):
    wp = db.get_or_404(WorkPackage, wp_id)
    require("table.view", wp.table)
    return _work_package_page(wp)


@bp.route("/werkpakketten/<int:wp_id>/bewerken", methods=["GET", "POST"])
def work_package_edit(wp_id: int):
    wp = db.get_or_404(WorkPackage, wp_id)
    require("table.work", wp.table)
    form = _work_package_form(wp.table, wp)
    if form.validate_on_submit() and save(lambda: work.update_work_package(
            me(), wp, version=form.version.data, title=form.title.data, goal=form.goal.data or "",
            description=form.description.data or "", owner=person_by_id(form.owner_id.data),
            due_on=form.due_on.data, status=form.status.data), form, versioned=wp,
            success=_("Werkpakket opgeslagen.")):
        return redirect(url_for("rounds.work_package_detail", wp_id=wp.id))
    return render_template("rounds/work_package_form.html", form=form, table=wp.table, wp=wp), form_status(form)


@bp.route("/werkpakketten/<int:wp_id>/updates", methods=["POST"])
def update_post(wp_id: int):
    wp = db.get_or_404(WorkPackage, wp_id)
    require("table.work", wp.table)
    form = UpdateForm()
    if form.validate_on_submit() and save(lambda: work.post_update(me(), wp, form.body.data, form.light.data),
                                          form, success=_("Update geplaatst.")):
        return redirect(url_for("rounds.work_package_detail", wp_id=wp.id, _anchor="updates"))
    return _work_package_page(wp, update_form=form, status=400)


@bp.route("/updates/<int:update_id>/bewerken", methods=["GET", "POST"])
def update_edit(update_id: int):
    update = db.get_or_404(ProgressUpdate, update_id)
    require("update.edit", update)
    form = UpdateForm(obj=update)
    if form.validate_on_submit() and save(lambda: work.edit_update(
            me(), update, text=form.body.data, light=form.light.data), form, success=_("Update aangepast.")):
        return redirect(url_for("rounds.work_package_detail", wp_id=update.work_package_id,
                                _anchor=f"update-{update.id}"))
    return render_template("rounds/update_form.html", form=form, update=update, wp=update.work_package,
                           now=utcnow()), form_status(form)


@bp.route("/updates/<int:update_id>/intrekken", methods=["POST"])
def update_withdraw(update_id: int):
    update = db.get_or_404(ProgressUpdate, update_id)
    require("update.withdraw", update)
    save(lambda: work.withdraw_update(me(), update), success=_("Update ingetrokken."))
    return redirect(url_for("rounds.work_package_detail", wp_id=update.work_package_id, _anchor=f"update-{update.id}"))


@bp.route("/werkpakketten/<int:wp_id>/mijlpalen", methods=["POST"])
def milestone_create(wp_id: int):
    wp = db.get_or_404(WorkPackage, wp_id)
    require("table.work", wp.table)
    form = MilestoneForm()
    form.assignee_id.choices = person_choices(queries.table_people(wp.table), _l("— de hele tafel —"))
    if form.validate_on_submit() and save(lambda: work.add_milestone(
            me(), wp, title=form.title.data, due_on=form.due_on.data, assignee=person_by_id(form.assignee_id.data)),
            form, success=_("Mijlpaal toegevoegd.")):
        return redirect(url_for("rounds.work_package_detail", wp_id=wp.id, _anchor="mijlpalen"))
    return _work_package_page(wp, milestone_form=form, status=400)


@bp.route("/mijlpalen/<int:milestone_id>/bewerken", methods=["GET", "POST"])
def milestone_edit(milestone_id: int):
    milestone = db.get_or_404(Milestone, milestone_id)
    wp = milestone.work_package
    require("table.work", wp.table)
    if milestone.is_removed:  # someone removed it meanwhile: back to the list it left
        flash(_("Deze mijlpaal is verwijderd."), "error")
        return redirect(url_for("rounds.work_package_detail", wp_id=wp.id, _anchor="mijlpalen"))
    form = MilestoneForm(obj=milestone)
    form.assignee_id.choices = person_choices(queries.table_people(wp.table), _l("— de hele tafel —"))
    if not form.is_submitted():
        form.assignee_id.data = milestone.assignee_id or 0
    if form.validate_on_submit() and save(lambda: work.update_milestone(
            me(), milestone, title=form.title.data, due_on=form.due_on.data,
            assignee=person_by_id(form.assignee_id.data)), form, success=_("Mijlpaal aangepast.")):
        return redirect(url_for("rounds.work_package_detail", wp_id=wp.id, _anchor="mijlpalen"))
    return render_template("rounds/milestone_form.html", form=form, milestone=milestone, wp=wp), form_status(form)


@bp.route("/mijlpalen/<int:milestone_id>/verwijderen", methods=["POST"])
def milestone_remove(milestone_id: int):
    milestone = db.get_or_404(Milestone, milestone_id)
    require("table.work", milestone.work_package.table)
    save(lambda: work.remove_milestone(me(), milestone),
         success=_("Mijlpaal ‘%(title)s’ verwijderd.", title=milestone.title))
    return redirect(url_for("rounds.work_package_detail", wp_id=milestone.work_package_id, _anchor="mijlpalen"))


@bp.route("/mijlpalen/<int:milestone_id>/afvinken", methods=["POST"])
def milestone_done(milestone_id: int):
    return _set_done(milestone_id, True)


@bp.route("/mijlpalen/<int:milestone_id>/heropenen", methods=["POST"])
def milestone_reopen(milestone_id: int):
    return _set_done(milestone_id, False)


def _set_done(milestone_id: int, done: bool):  # noqa: ANN202
    milestone = db.get_or_404(Milestone, milestone_id)
    require("table.work", milestone.work_package.table)
    save(lambda: work.set_milestone_done(me(), milestone, done),
         success=_("Mijlpaal afgevinkt.") if done else _("Mijlpaal weer open."))
    return redirect(safe_next(request.form.get("next"))
                    or url_for("rounds.work_package_detail", wp_id=milestone.work_package_id, _anchor="mijlpalen"))

