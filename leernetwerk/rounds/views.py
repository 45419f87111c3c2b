"""Rounds, tables, support requests and `/mijn`; a table's work pages are in work_views.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from ..auth.models import User
from ..dates import today
from ..extensions import db
from ..params import arg_id
from ..personal_pages import personal_page
from ..policy import require
from ..web import ALREADY_SAVED, form_status, me, page_number, save
from . import overview, queries, services, timeline, work
from .forms import (
    CarryOverForm,
    EvaluationForm,
    RoundForm,
    SupportAnswerForm,
    SupportRequestForm,
    TableForm,
)
from .generation import keep
from .models import ActionLine, MemberRole, Round, SupportRequest, ThematicTable

bp = Blueprint("rounds", __name__)


def person_choices(people, empty: str | None = None) -> list[SelectChoice]:  # noqa: ANN001
    """People by name and organisation, so two people with the same name can be told apart."""
    choices = [SelectChoice(0, empty)] if empty else []
    return choices + [SelectChoice(p.id, f"{p.name} ({p.organisation.name})" if p.organisation else p.name)
                      for p in people]


def person_by_id(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


# --- dashboard ------------------------------------------------------------------------------------

@bp.route("/mijn")
@personal_page
def dashboard():
    require("dashboard.view")
    from ..coalitions import directory, places  # /mijn gathers every area's part: imported here, not at the top
    from ..library import queries as library_queries

    user = me()
    # "New since your previous visit": the moment of the previous session's first look, kept for
    # this session so that reloading the page does not empty the list. Only that first look of a
    # session writes (a GET that writes on every visit would take the write lock every time).
    key = f"places_since_{user.id}"
    first_look = key not in session
    if first_look:
        session[key] = user.last_seen_at.isoformat() if user.last_seen_at else ""
    since = session[key]
    previous = datetime.fromisoformat(since) if since else None
    mine = directory.my_places(user, previous)
    follows = library_queries.my_follows(user, previous)
    html = render_template("rounds/dashboard.html", page=queries.dashboard(user, today()), places=mine,
                           follows=follows, follows_since=previous)
    if first_look and mine is not None:
        places.mark_seen(user)  # after the page is made: a commit expires what it read
        db.session.commit()
    return html


# --- rounds ---------------------------------------------------------------------------------------

@bp.route("/rondes")
@personal_page
def round_list():
    require("rounds.view")
    day = today()
    current = queries.current_round(day)
    # The current round's first page (grouped by theme when it has many tables); the rest is on its page.
    view = overview.round_view(current, overview.RoundFilters(), me(), day) if current else None
    return render_template("rounds/list.html", rounds=overview.rounds_overview(day), current=current,
                           view=view, picture=round_picture(view, day, "list") if view else None)


@bp.route("/rondes/nieuw", methods=["GET", "POST"])
def round_create():
    require("round.create")
    form = RoundForm()
    if form.validate_on_submit():
        round_ = save(lambda: services.create_round(
            me(), name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            goal=form.goal.data or ""), form)
        if round_ is ALREADY_SAVED:
            return redirect(url_for("rounds.round_list"))
        if round_ is not None:
            flash(_("Ronde ‘%(name)s’ aangemaakt.", name=round_.name), "success")
            return redirect(url_for("rounds.round_detail", round_id=round_.id))
    return render_template("rounds/round_form.html", form=form, round=None), form_status(form)


@bp.route("/rondes/<int:round_id>")
@personal_page
def round_detail(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    require("rounds.view", round_)
    day = today()
    view = overview.round_view(round_, overview.RoundFilters.from_args(request.args), me(), day, page_number())
    return render_template("rounds/detail.html", round=round_, view=view, picture=round_picture(view, day, "detail"),
                           summary=round_part("rounds/_summary.html", view, day), Attention=overview.Attention)


def round_picture(view: overview.RoundView, day: date, variant: str) -> Markup:
    """The timeline and the page's table list (see `round_part`)."""
    return round_part("rounds/_picture.html", view, day, timeline=lambda: timeline.build(view, day), variant=variant)


def round_part(template: str, view: overview.RoundView, day: date, **context: Any) -> Markup:
    """A part of a round page rendered once and kept (generation.keep) until the round's work
    changes: at national scale drawing the timeline, the table list and the liaison filter is
    most of the page's cost. A part shows nothing that depends on who looks, beyond the filters
    in the key. `context` values that are callables are called only when the part is drawn."""
    def draw() -> str:
        values = {name: value() if callable(value) else value for name, value in context.items()}
        return render_template(template, view=view, Attention=overview.Attention, NO_UPDATE=overview.NO_UPDATE,
                               **values)

    key = (template, context.get("variant"), str(get_locale()), *view.key(day))
    return Markup(keep(key, draw))  # nosec B704 - rendered by Jinja with autoescape


@bp.route("/rondes/<int:round_id>/bewerken", methods=["GET", "POST"])
def round_edit(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    require("round.edit", round_)
    form = RoundForm(obj=round_)
    form.load_version(round_.version)
    if form.validate_on_submit() and save(lambda: services.update_round(
            me(), round_, version=form.version.data, name=form.name.data, starts_on=form.starts_on.data,
            ends_on=form.ends_on.data, goal=form.goal.data or ""), form, versioned=round_,
            success=_("Ronde opgeslagen.")):
        return redirect(url_for("rounds.round_detail", round_id=round_.id))
    return render_template("rounds/round_form.html", form=form, round=round_), form_status(form)


@bp.route("/rondes/<int:round_id>/afsluiten", methods=["POST"])
def round_close(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    require("round.close", round_)
    save(lambda: services.close_round(me(), round_),
         success=_("Ronde afgesloten. Alles in deze ronde is nu alleen nog te lezen."))
    return redirect(url_for("rounds.round_detail", round_id=round_id))


# --- tables ---------------------------------------------------------------------------------------

def _table_form(table: ThematicTable | None = None) -> TableForm:
    form = TableForm(obj=table)
    people = queries.active_people()
    form.liaison_id.choices = person_choices([p for p in people if p.is_core_group], _l("— kies —"))
    form.leads.choices = person_choices(people)
    form.members.choices = person_choices(people)
    if table is not None and not form.is_submitted():
        form.leads.data = [m.user_id for m in table.memberships if m.role == MemberRole.LEAD]
        form.members.data = [m.user_id for m in table.memberships if m.role == MemberRole.MEMBER]
        form.load_version(table.version)
    return form


def _member_list(form: TableForm) -> list:
    people = {p.id: p for p in queries.active_people()}
    return [(people[i], MemberRole.LEAD) for i in form.leads.data or [] if i in people] + [
        (people[i], MemberRole.MEMBER) for i in form.members.data or [] if i in people
    ]


def _candidate_question(question_id: int | None):  # noqa: ANN202 - a Question or None
    if question_id is None:
        return None
    from ..coalitions.models import Question

    return db.get_or_404(Question, question_id)


@bp.route("/rondes/<int:round_id>/tafels/nieuw", methods=["GET", "POST"])
def table_create(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    require("table.create", round_)
    form = _table_form()
    # From /kerngroep: a candidate question becomes a table, the form filled in from the link.
    question = _candidate_question(arg_id("vraagstuk"))
    if not form.is_submitted():
        form.title.data = request.args.get("titel", "")[:200] or None
        form.theme.data = request.args.get("thema", "")[:120] or None
        if request.args.get("actielijn") in {a.value for a in ActionLine}:
            form.action_line.data = request.args["actielijn"]
        if question is not None:
            form.description.data = question.body or None
    if form.validate_on_submit():
        def step() -> ThematicTable:
            made = services.create_table(
                me(), round_, title=form.title.data, theme=form.theme.data, action_line=form.action_line.data,
                description=form.description.data or "", liaison=person_by_id(form.liaison_id.data),
                members=_member_list(form))
            if question is not None:
                from ..coalitions.services import place_at_new_table

                place_at_new_table(me(), question, made)
            return made

        table = save(step, form)
        if table is ALREADY_SAVED:
            return redirect(url_for("rounds.round_detail", round_id=round_.id))
        if table is not None:
            flash(_("Thematafel ‘%(title)s’ aangemaakt.", title=table.title), "success")
            return redirect(url_for("rounds.table_detail", table_id=table.id))
    return render_template("rounds/table_form.html", form=form, round=round_, table=None,
                           question=question), form_status(form)


@bp.route("/tafels/<int:table_id>")
@personal_page
def table_detail(table_id: int):
    table = db.get_or_404(ThematicTable, table_id)
    require("table.view", table)
    return _table_page(table)


def _table_page(table: ThematicTable, *, support_form: SupportRequestForm | None = None,
                answering: tuple[int, SupportAnswerForm] | None = None, status: int = 200) -> tuple[str, int]:
    """The table's page; after a refused form, that form with its errors and text in its place."""
    page = queries.table_page(table)
    carry_form = CarryOverForm()
    carry_form.round_id.choices = [SelectChoice("", _l("— kies een ronde —"))] + [
        SelectChoice(r.id, r.name) for r in page.later_rounds]
    return render_template("rounds/table.html", page=page, table=table, carry_form=carry_form,
                           support_form=support_form or SupportRequestForm(), answer_form=SupportAnswerForm(),
                           answering=answering), status


@bp.route("/tafels/<int:table_id>/bewerken", methods=["GET", "POST"])
def table_edit(table_id: int):
    table = db.get_or_404(ThematicTable, table_id)
    require("table.edit", table)
    form = _table_form(table)
    if form.validate_on_submit() and save(lambda: services.update_table(
            me(), table, version=form.version.data, title=form.title.data, theme=form.theme.data,
            action_line=form.action_line.data, description=form.description.data or "",
            liaison=person_by_id(form.liaison_id.data), members=_member_list(form)), form, versioned=table,
            success=_("Thematafel opgeslagen.")):
        return redirect(url_for("rounds.table_detail", table_id=table.id))
    return render_template("rounds/table_form.html", form=form, round=table.round, table=table), form_status(form)


@bp.route("/tafels/<int:table_id>/doorzetten", methods=["POST"])
def table_carry_over(table_id: int):
    table = db.get_or_404(ThematicTable, table_id)
    require("table.carry_over", table)
    form = CarryOverForm()
    form.round_id.choices = [SelectChoice("", "")] + [
        SelectChoice(r.id, r.name) for r in queries.table_page(table).later_rounds]
    if not form.validate_on_submit():
        flash(_("Kies een volgende ronde."), "error")
        return redirect(url_for("rounds.table_detail", table_id=table.id))
    new = save(lambda: services.carry_over(me(), table, db.get_or_404(Round, form.round_id.data)))
    if new is None:
        return redirect(url_for("rounds.table_detail", table_id=table.id))
    flash(_("Tafel doorgezet naar %(round)s, met leden en open mijlpalen.", round=new.round.name), "success")
    return redirect(url_for("rounds.table_detail", table_id=new.id))


@bp.route("/tafels/<int:table_id>/evaluatie", methods=["GET", "POST"])
def table_evaluate(table_id: int):
    table = db.get_or_404(ThematicTable, table_id)
    require("table.evaluate", table)
    form = EvaluationForm(obj=table.evaluation)
    if form.validate_on_submit() and save(lambda: services.record_evaluation(
            me(), table, delivered=form.delivered.data, what_worked=form.what_worked.data,
            decision=form.decision.data), form, success=_("Evaluatie opgeslagen.")):
        return redirect(url_for("rounds.round_detail", round_id=table.round_id))
    return render_template("rounds/evaluation_form.html", form=form, table=table), form_status(form)


@bp.route("/tafels/<int:table_id>/ondersteuning", methods=["POST"])
def support_ask(table_id: int):
    table = db.get_or_404(ThematicTable, table_id)
    require("support.ask", table)
    form = SupportRequestForm()
    if form.validate_on_submit() and save(
            lambda: work.ask_support(me(), table, subject=form.subject.data, body=form.body.data), form,
            success=_("Je vraag staat bij de verbindingspersoon en ROS.")):
        return redirect(url_for("rounds.table_detail", table_id=table.id, _anchor="ondersteuning"))
    return _table_page(table, support_form=form, status=form_status(form))


@bp.route("/ondersteuning/<int:request_id>/bewerken", methods=["GET", "POST"])
def support_edit(request_id: int):
    support = db.get_or_404(SupportRequest, request_id)
    require("support.edit", support)
    form = SupportRequestForm(obj=support)
    if form.validate_on_submit() and save(lambda: work.edit_support(
            me(), support, subject=form.subject.data, body=form.body.data), form, success=_("Vraag aangepast.")):
        return redirect(url_for("rounds.table_detail", table_id=support.table_id, _anchor=f"vraag-{support.id}"))
    return render_template("rounds/support_form.html", form=form, support=support), form_status(form)


@bp.route("/ondersteuning/<int:request_id>/intrekken", methods=["POST"])
def support_withdraw(request_id: int):
    support = db.get_or_404(SupportRequest, request_id)
    require("support.withdraw", support)
    save(lambda: work.withdraw_support(me(), support), success=_("Vraag ingetrokken."))
    return redirect(url_for("rounds.table_detail", table_id=support.table_id, _anchor=f"vraag-{support.id}"))


@bp.route("/ondersteuning/<int:request_id>/beantwoorden", methods=["POST"])
def support_answer(request_id: int):
    support = db.get_or_404(SupportRequest, request_id)
    require("support.answer", support)
    form = SupportAnswerForm()
    if form.validate_on_submit() and save(lambda: work.answer_support(me(), support, form.answer.data), form,
                                          success=_("Antwoord verstuurd.")):
        return redirect(url_for("rounds.table_detail", table_id=support.table_id, _anchor=f"vraag-{support.id}"))
    return _table_page(support.table, answering=(support.id, form), status=form_status(form))


# The pages of a table's work (work packages, updates, milestones) are in work_views.py, on this blueprint.
from . import work_views  # noqa: E402, F401
