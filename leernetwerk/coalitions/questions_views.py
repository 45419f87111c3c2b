"""Coalition questions (`/vraagstukken`) and the core group's view (`/kerngroep`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..dates import today
from ..extensions import db
from ..library.models import Deliverable
from ..params import arg_id
from ..policy import coalition_ids, require
from ..rounds.models import ActionLine, ThematicTable
from ..web import ALREADY_SAVED, Pages, form_status, me, page_number, save
from . import queries, services
from .forms import (
    ConfirmForm,
    MergeForm,
    QuestionForm,
    SignalForm,
    TriageForm,
)
from .models import Coalition, OrganisationKind, Question, QuestionSignal, QuestionStatus

questions_bp = Blueprint("questions", __name__)


def _my_coalitions() -> list[Coalition]:
    ids = coalition_ids(current_user)
    if not ids:
        return []
    return list(db.session.execute(select(Coalition).where(Coalition.id.in_(ids))).scalars())


def _arg(name: str, allowed: set[str]) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


@questions_bp.route("/vraagstukken")
def index():
    require("questions.view")
    status = _arg("stand", {s.value for s in QuestionStatus})
    action_line = _arg("actielijn", {a.value for a in ActionLine})
    kind = _arg("organisatie", {k.value for k in OrganisationKind})
    municipality = arg_id("gemeente")
    listing = queries.question_list(status=status, action_line=action_line, municipality=municipality, kind=kind,
                                    my_coalitions=coalition_ids(current_user), page=page_number())
    return render_template("coalitions/questions/index.html", listing=listing, status=status,
                           action_line=action_line, kind=kind, municipality=municipality,
                           pages=Pages(listing.page, listing.total, queries.QUESTIONS_PER_PAGE))


@questions_bp.route("/vraagstukken/vergelijkbaar")
def similar():
    """Up to 5 live questions like the title being typed (progressive enhancement of the form)."""
    require("questions.view")
    found = services.similar_questions(request.args.get("q", "")[:200])
    return jsonify([{"id": q.id, "title": q.title, "status": QuestionStatus.label_of(q.status),
                     "url": url_for("questions.detail", question_id=q.id)} for q, _score in found])


def _question_form(question: Question | None = None) -> QuestionForm:
    form = QuestionForm(obj=question) if question is not None else QuestionForm()
    if question is not None and not form.is_submitted():
        form.organisation_kinds.data = question.organisation_kinds
    # app.js suggests similar questions while the title is typed.
    form.title.render_kw = {"autocomplete": "off", "data-similar": url_for("questions.similar")}
    mine = _my_coalitions()
    form.coalition_id.choices = [SelectChoice(c.id, c.municipality.name) for c in mine]
    if not form.is_submitted() and mine:
        form.coalition_id.data = mine[0].id
    return form


@questions_bp.route("/vraagstukken/nieuw", methods=["GET", "POST"])
def create():
    require("question.raise")
    form = _question_form()
    similar_found: list = []
    if form.validate_on_submit():
        coalition = db.session.get(Coalition, form.coalition_id.data or 0)
        if coalition is None or coalition.id not in coalition_ids(current_user):
            form.coalition_id.errors = [_("Kies je eigen lokale coalitie.")]
        else:
            similar_found = [] if form.really_different.data else services.similar_questions(
                f"{form.title.data} {form.title.data} {form.body.data or ''}")
            if not similar_found:
                question = save(lambda: services.raise_question(
                    me(), coalition, title=form.title.data, body=form.body.data or "",
                    action_line=form.action_line.data, organisation_kinds=form.organisation_kinds.data or []),
                    form, success=_("Je vraagstuk is ingebracht."))
                if question is ALREADY_SAVED:
                    return redirect(url_for("questions.index"))
                if question is not None:
                    return redirect(url_for("questions.detail", question_id=question.id))
    status = 200 if similar_found and not form.errors else form_status(form)
    return render_template("coalitions/questions/form.html", form=form, question=None, similar=similar_found,
                           signal_form=SignalForm()), status


@questions_bp.route("/vraagstukken/<int:question_id>")
def detail(question_id: int):
    question = db.get_or_404(Question, question_id)
    require("questions.view")
    return _detail_page(question)


def _detail_page(question: Question, *, triage_form: TriageForm | None = None, status: int = 200) -> tuple[str, int]:
    page = queries.question_page(question)
    mine = coalition_ids(current_user)
    signal_form = SignalForm()
    signal_form.coalition_id.choices = [
        SelectChoice(c.id, c.municipality.name) for c in _my_coalitions()
        if c.id != question.coalition_id and c.id not in {s.coalition_id for s in page.signals}]
    triage = merge = None
    if question.merged_into_id is None and current_user.is_authenticated and (
            current_user.is_staff or current_user.is_core_group):
        triage = triage_form or TriageForm()
        triage.status.choices = [SelectChoice("", _l("— kies —"))] + [
            SelectChoice(s, QuestionStatus.label_of(s)) for s in services.QUESTION_STEPS.get(question.status, ())]
        if question.status == QuestionStatus.ANSWERED:
            triage.status.choices.append(SelectChoice(QuestionStatus.ANSWERED, _l("nog een eindproduct koppelen")))
        triage.table_id.choices = [SelectChoice("", _l("— kies een tafel —"))] + [
            SelectChoice(t.id, f"{t.title} ({t.round.name})") for t in queries.open_tables(today())]
        triage.answers.choices = [SelectChoice(i, title) for i, title in queries.published_products()]
        merge = MergeForm()
        merge.keep_id.choices = [SelectChoice("", _l("— kies —"))] + [
            SelectChoice(i, title) for i, title in queries.other_live_questions(question)]
    return render_template("coalitions/questions/detail.html", page=page, question=question, mine=mine,
                           signal_form=signal_form, triage_form=triage, merge_form=merge), status


@questions_bp.route("/vraagstukken/<int:question_id>/bewerken", methods=["GET", "POST"])
def edit(question_id: int):
    question = db.get_or_404(Question, question_id)
    require("question.edit", question)
    form = _question_form(question)
    form.really_different.data = True
    if form.validate_on_submit():
        saved = save(lambda: services.edit_question(
            me(), question, title=form.title.data, body=form.body.data or "", action_line=form.action_line.data,
            organisation_kinds=form.organisation_kinds.data or []), form, success=_("Vraagstuk opgeslagen."))
        if saved:
            return redirect(url_for("questions.detail", question_id=question.id))
    return render_template("coalitions/questions/form.html", form=form, question=question, similar=[],
                           signal_form=None), form_status(form)


@questions_bp.route("/vraagstukken/<int:question_id>/ook-bij-ons", methods=["POST"])
def signal(question_id: int):
    question = db.get_or_404(Question, question_id)
    require("question.signal", question)
    form = SignalForm()
    mine = _my_coalitions()
    form.coalition_id.choices = [SelectChoice(c.id, c.municipality.name) for c in mine]
    if form.validate_on_submit():
        chosen = next((c for c in mine if c.id == form.coalition_id.data), None)
        chosen = chosen or next((c for c in mine if c.id != question.coalition_id), None)
        if chosen is not None:
            save(lambda: services.signal_question(me(), question, chosen, form.note.data or ""),
                 success=_("Gemeld: dit speelt ook bij jullie."))
    else:
        flash(_("Dat ging niet goed; probeer het nog eens."), "error")
    return redirect(url_for("questions.detail", question_id=question.id))


@questions_bp.route("/vraagstukken/<int:question_id>/ook-bij-ons/<int:signal_id>/intrekken", methods=["POST"])
def unsignal(question_id: int, signal_id: int):
    question = db.get_or_404(Question, question_id)
    item = db.get_or_404(QuestionSignal, signal_id)
    if item.question_id != question.id:
        abort(404)
    require("question.signal", question)
    if item.coalition_id not in coalition_ids(current_user):
        abort(403)
    if ConfirmForm().validate_on_submit():
        save(lambda: services.withdraw_signal(me(), item), success=_("‘Ook bij ons’ ingetrokken."))
    return redirect(url_for("questions.detail", question_id=question.id))


@questions_bp.route("/vraagstukken/<int:question_id>/stand", methods=["POST"])
def triage(question_id: int):
    question = db.get_or_404(Question, question_id)
    require("question.triage", question)
    form = TriageForm()
    form.status.choices = [SelectChoice(s.value, s.label) for s in QuestionStatus]
    form.table_id.choices = [SelectChoice(t.id, t.title) for t in queries.open_tables(today())]
    form.answers.choices = [SelectChoice(i, title) for i, title in queries.published_products()]
    if form.validate_on_submit():
        table = db.session.get(ThematicTable, form.table_id.data) if form.table_id.data else None
        answers = list(db.session.execute(select(Deliverable).where(Deliverable.id.in_(form.answers.data or [])))
                       .scalars())
        if form.status.data == QuestionStatus.ANSWERED == question.status:
            def step() -> Question:   # already answered: link more end products
                return services.link_answers(me(), question, answers)
        else:
            def step() -> Question:
                return services.move_question(me(), question, form.status.data, table=table,
                                              reason=form.reason.data or "", answers=answers)
        done = save(step, form, success=_("De stand van het vraagstuk is bijgewerkt."))
        if done:
            return redirect(url_for("questions.detail", question_id=question.id))
    return _detail_page(question, triage_form=form, status=400)


@questions_bp.route("/vraagstukken/<int:question_id>/samenvoegen", methods=["POST"])
def merge(question_id: int):
    question = db.get_or_404(Question, question_id)
    require("question.triage", question)
    form = MergeForm()
    form.keep_id.choices = [SelectChoice(i, title) for i, title in queries.other_live_questions(question)]
    if form.validate_on_submit():
        keep = db.session.get(Question, form.keep_id.data)
        if save(lambda: services.merge_question(me(), question, keep),
                success=_("Samengevoegd; dit vraagstuk verwijst nu naar het vraagstuk dat blijft.")):
            return redirect(url_for("questions.detail", question_id=keep.id))
    else:
        flash(_("Kies het vraagstuk dat blijft."), "error")
    return redirect(url_for("questions.detail", question_id=question.id))


@questions_bp.route("/kerngroep")
def core_group():
    require("core_group.view")
    page = queries.core_group_page(today(), page_number())
    return render_template("coalitions/core_group.html", page=page, today=today(),
                           pages=Pages(page.page, page.people_total, queries.CORE_PER_PAGE),
                           shown=queries.QUESTIONS_SHOWN)
