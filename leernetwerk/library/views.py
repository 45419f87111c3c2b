"""The library (public) and the end-product workflow of tables (review, publish, versions)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..coalitions.directory import use_counts, uses_of
from ..coalitions.models import Municipality
from ..extensions import db
from ..kept import Kept
from ..page_cache import public_page
from ..personal_pages import personal_page
from ..policy import require
from ..rounds.models import WorkPackage
from ..security import safe_next
from ..web import ALREADY_SAVED, form_status, me, save
from . import extraction, feed, files, generation, queries, review_changes, services
from . import synonyms as synonym_service
from .forms import DeliverableForm, FollowForm, ReviewForm, SynonymForm, WithdrawForm
from .models import Attachment, Deliverable, DeliverableVersion, SynonymGroup, VersionStatus

bp = Blueprint("library", __name__)


# --- the library -----------------------------------------------------------------------------

@bp.route("/bibliotheek")
@personal_page
@public_page
def index():
    require("library.view")
    query = queries.LibraryQuery.from_args(request.args)
    results = queries.search_library(query, visible_to_network=current_user.is_authenticated)
    follows = queries.follows_of(current_user) if current_user.is_authenticated else set()
    uses = use_counts([hit.entry.deliverable_id for hit in results.hits])
    follow_form = FollowForm() if current_user.is_authenticated else None
    return render_template("library/index.html", results=results, follows=follows, follow_form=follow_form,
                           uses=uses, facets=_facets(results, visible_to_network=current_user.is_authenticated))


_FACETS = Kept(256)


def _facets(results: queries.Results, *, visible_to_network: bool) -> Markup:
    """The filters with their counts, drawn once and kept per process under the search index's
    and the library's generations (counts, and the names of rounds, tables and municipalities),
    the language, what the visitor may see and the query: at national scale drawing them was
    a tenth of a logged-in person's library page (an anonymous one is kept whole, page_cache)."""
    def draw() -> Markup:
        return Markup(render_template("library/_facets.html", results=results))  # nosec B704 - Jinja's own, autoescaped

    number = generation.current()[0]
    if not number:  # no generation row (a database filled by bulk statements): nothing is kept
        return draw()
    return _FACETS.get((results.generation, number, str(get_locale()), visible_to_network, request.query_string), draw)


@bp.route("/bibliotheek/feed.atom")
@public_page
def atom_feed():
    require("library.view")
    return Response(feed.atom(queries.latest_public()), mimetype="application/atom+xml")


def _detail_or_404(slug: str, number: int | None = None) -> queries.DetailPage:
    page = queries.detail(slug, number)
    if page is None:
        abort(404)
    require("version.read", page.version)
    return page


def _render_detail(page: queries.DetailPage) -> str:
    from ..coalitions.views import use_panel

    uses, use_form = use_panel(current_user, page.deliverable)
    return render_template("library/detail.html", page=page, uses=uses, use_form=use_form)


@bp.route("/bibliotheek/<slug>")
@personal_page
@public_page
def detail(slug: str):
    return _render_detail(_detail_or_404(slug))


@bp.route("/bibliotheek/<slug>/versie/<int:number>")
@personal_page
@public_page
def detail_version(slug: str, number: int):
    return _render_detail(_detail_or_404(slug, number))


@bp.route("/bijlagen/<int:attachment_id>/<name>")
def download(attachment_id: int, name: str):
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.removed_at is not None:
        abort(404)
    require("version.read", attachment.version)
    response = send_file(files.upload_path(attachment.stored_name), mimetype=attachment.content_type,
                         as_attachment=True, download_name=attachment.original_name, max_age=0)
    # Even if a browser ignored the attachment disposition, it may not run anything from it.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/bibliotheek/volgen", methods=["POST"])
def follow():
    require("library.follow")
    form = FollowForm()
    if form.validate_on_submit():
        if form.action.data == FollowForm.UNFOLLOW:
            save(lambda: services.unfollow(me(), form.facet.data, form.value.data),
                 success=_("Je volgt ‘%(value)s’ niet meer.", value=form.value.data))
        else:
            save(lambda: services.follow(me(), form.facet.data, form.value.data),
                 success=_("Je krijgt bericht als er iets nieuws verschijnt bij ‘%(value)s’.", value=form.value.data))
    return redirect(safe_next(request.form.get("next")) or url_for("library.index"))


# --- the workflow of a table's end products -----------------------------------------------------------

def _form(version: DeliverableVersion | None = None) -> DeliverableForm:
    form = DeliverableForm(obj=version)
    form.municipalities.choices = [SelectChoice(m.id, m.name) for m in db.session.execute(
        select(Municipality).order_by(Municipality.name)).scalars()]
    if version is not None and not form.is_submitted():
        form.audiences.data = services.audiences_of(version)
        form.municipalities.data = [m.id for m in version.municipalities]
        form.load_version(version.lock_version)
    return form


def _uploads(form: DeliverableForm) -> list[services.Upload]:
    return [(f.read(), f.filename or "bestand") for f in (form.attachments.data or []) if f and f.filename]


def _tell_renamed(uploads: list[services.Upload]) -> None:
    """A file whose content is another kind than its name says is kept under a fitting name: say so."""
    for data, name in uploads:
        note = files.renamed_note(data, name)
        if note:
            flash(note, "info")


def _content(form: DeliverableForm) -> dict:
    chosen = set(form.municipalities.data or [])
    return dict(
        title=form.title.data, summary=form.summary.data, body=form.body.data or "", kind=form.kind.data,
        action_line=form.action_line.data, audiences=form.audiences.data or [],
        municipalities=[m for m in db.session.execute(select(Municipality)).scalars() if m.id in chosen],
        all_of_friesland=form.all_of_friesland.data, visibility=form.visibility.data, uploads=_uploads(form),
    )


@bp.route("/werkpakketten/<int:wp_id>/eindproducten/nieuw", methods=["GET", "POST"])
def create(wp_id: int):
    wp = db.get_or_404(WorkPackage, wp_id)
    require("deliverable.create", wp.table)
    form = _form()
    if not form.is_submitted():
        form.action_line.data = wp.table.action_line
    if form.validate_on_submit():
        content = _content(form)
        version = save(lambda: services.create_deliverable(me(), wp, **content), form,
                       success=_("Eindproduct aangemaakt als concept."))
        if version is ALREADY_SAVED:
            return redirect(url_for("rounds.work_package_detail", wp_id=wp.id))
        if version is not None:
            _tell_renamed(content["uploads"])
            return redirect(url_for("library.manage", deliverable_id=version.deliverable_id))
    return render_template("library/form.html", form=form, wp=wp, deliverable=None), form_status(form)


@bp.route("/eindproducten/<int:deliverable_id>")
def manage(deliverable_id: int):
    deliverable = db.get_or_404(Deliverable, deliverable_id)
    require("deliverable.manage", deliverable)
    latest = services.latest_version(deliverable)
    return render_template("library/manage.html", deliverable=deliverable, latest=latest,
                           audiences=services.audiences_of(latest), review_form=ReviewForm(),
                           text_states=extraction.states([a.id for a in latest.attachments]),
                           withdraw_form=WithdrawForm(), changes=review_changes.since_returned(latest),
                           uses=uses_of(deliverable.id))


@bp.route("/eindproducten/<int:deliverable_id>/bewerken", methods=["GET", "POST"])
def edit(deliverable_id: int):
    deliverable = db.get_or_404(Deliverable, deliverable_id)
    require("deliverable.edit", deliverable)
    version = services.latest_version(deliverable)
    if version.status != VersionStatus.DRAFT and request.method == "GET":
        flash(_("Deze versie is niet meer te wijzigen. Maak een nieuwe versie om verder te werken."), "info")
        return redirect(url_for("library.manage", deliverable_id=deliverable.id))
    form = _form(version)
    if form.validate_on_submit():
        content = _content(form)
        if save(lambda: services.update_draft(me(), version, lock_version=form.version.data, **content), form,
                versioned=version, success=_("Concept opgeslagen.")):
            _tell_renamed(content["uploads"])
            return redirect(url_for("library.manage", deliverable_id=deliverable.id))
    return render_template("library/form.html", form=form, wp=deliverable.work_package, deliverable=deliverable,
                           version=version, text_states=extraction.states([a.id for a in version.attachments])
                           ), form_status(form)


@bp.route("/bijlagen/<int:attachment_id>/verwijderen", methods=["POST"])
def remove_attachment(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    require("version.remove_attachment", attachment.version)
    save(lambda: services.remove_attachment(me(), attachment),
         success=_("Bijlage ‘%(name)s’ verwijderd.", name=attachment.original_name))
    return redirect(url_for("library.manage", deliverable_id=attachment.version.deliverable_id))


def _workflow(deliverable_id: int, action: str, step: Callable[[Deliverable], object], success: str):  # noqa: ANN202
    """A button on the manage page: one domain step; a broken rule is flashed there."""
    deliverable = db.get_or_404(Deliverable, deliverable_id)
    require(action, deliverable)
    save(lambda: step(deliverable), success=success)
    return redirect(url_for("library.manage", deliverable_id=deliverable_id))


@bp.route("/eindproducten/<int:deliverable_id>/nieuwe-versie", methods=["POST"])
def start_new_version(deliverable_id: int):
    return _workflow(deliverable_id, "deliverable.edit", lambda d: services.new_version(me(), d),
                     _("Nieuwe conceptversie gemaakt; de gepubliceerde versie blijft zichtbaar tot deze klaar is."))


@bp.route("/eindproducten/<int:deliverable_id>/indienen", methods=["POST"])
def submit(deliverable_id: int):
    return _workflow(deliverable_id, "deliverable.submit",
                     lambda d: services.submit_for_review(me(), services.latest_version(d)),
                     _("Ingediend ter review bij de verbindingspersoon."))


@bp.route("/eindproducten/<int:deliverable_id>/beoordelen", methods=["POST"])
def review(deliverable_id: int):
    form = ReviewForm()
    if not form.validate_on_submit():
        require("deliverable.review", db.get_or_404(Deliverable, deliverable_id))
        flash(_("Kies goedkeuren of terugsturen."), "error")
        return redirect(url_for("library.manage", deliverable_id=deliverable_id))
    approve = form.decision.data == ReviewForm.APPROVE
    return _workflow(deliverable_id, "deliverable.review",
                     lambda d: services.review(me(), services.latest_version(d), approve=approve,
                                               comment=form.comment.data or ""),
                     _("Goedgekeurd voor publicatie.") if approve else _("Teruggestuurd naar de tafel."))


@bp.route("/eindproducten/<int:deliverable_id>/publiceren", methods=["POST"])
def publish(deliverable_id: int):
    return _workflow(deliverable_id, "deliverable.publish",
                     lambda d: services.publish(me(), services.latest_version(d)),
                     _("Gepubliceerd in de bibliotheek."))


@bp.route("/eindproducten/<int:deliverable_id>/intrekken", methods=["POST"])
def withdraw(deliverable_id: int):
    form = WithdrawForm()
    return _workflow(deliverable_id, "deliverable.withdraw",
                     lambda d: services.withdraw(me(), d, form.reason.data or ""),
                     _("Ingetrokken. De link blijft werken, met een melding."))


# --- synonyms (staff) ------------------------------------------------------------------------

@bp.route("/beheer/synoniemen", methods=["GET", "POST"])
def synonyms():
    require("synonyms.manage")
    form = SynonymForm()
    if form.validate_on_submit():
        group = save(lambda: synonym_service.create(me(), form.words.data), form)
        if group is not None:
            if group is not ALREADY_SAVED:
                flash(_("Synoniemen opgeslagen: %(words)s. Zoeken gebruikt ze meteen.", words=str(group)), "success")
            return redirect(url_for("library.synonyms"))
    return render_template("library/synonyms.html", groups=synonym_service.groups(), form=form), form_status(form)


@bp.route("/beheer/synoniemen/<int:group_id>", methods=["GET", "POST"])
def synonym_edit(group_id: int):
    require("synonyms.manage")
    group = db.get_or_404(SynonymGroup, group_id)
    form = SynonymForm(data={"words": group.words} if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = save(lambda: synonym_service.update(me(), group, form.words.data), form)
        if saved is not None:
            if saved is not ALREADY_SAVED:
                flash(_("Synoniemen gewijzigd: %(words)s.", words=str(group)), "success")
            return redirect(url_for("library.synonyms"))
    return render_template("library/synonym_edit.html", group=group, form=form), form_status(form)


@bp.route("/beheer/synoniemen/<int:group_id>/verwijderen", methods=["POST"])
def synonym_remove(group_id: int):
    require("synonyms.manage")
    group = db.get_or_404(SynonymGroup, group_id)
    words = str(group)
    save(lambda: synonym_service.remove(me(), group), success=_("Synoniemen verwijderd: %(words)s.", words=words))
    return redirect(url_for("library.synonyms"))
