"""Notices, delivery preferences, one-click unsubscribe, the calendar feed and the staff page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..database import utcnow
from ..extensions import csrf, db
from ..params import arg_page, parse_id
from ..person_facts import person_facts
from ..policy import require
from ..security import safe_next
from ..web import Pages, me, page_number, save
from . import mail, services
from .calendar_feed import calendar_for
from .forms import PreferencesForm
from .kinds import kinds_for
from .models import PREFERENCE_KINDS, EventKind, ReminderKind, kind_label
from .reminders import digest, preview

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread_count() -> dict:
    """`unread_notifications()` for the header: counted with the person's other facts (one query
    per request), only when a page asks for it."""

    def unread_notifications() -> int:
        return person_facts(current_user).unread_notifications

    return {"unread_notifications": unread_notifications}


@bp.route("/meldingen")
def notification_list():
    require("notifications.view")
    notices = services.recent(me(), page_number())
    return render_template("notifications/list.html", notices=notices.items, page=notices)


@bp.route("/meldingen/<int:notification_id>/gelezen", methods=["POST"])
def mark_read(notification_id: int):
    require("notifications.view")
    services.mark_read(me(), notification_id)
    db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("notifications.notification_list"))


@bp.route("/meldingen/alles-gelezen", methods=["POST"])
def mark_all_read():
    require("notifications.view")
    count = services.mark_read(me())
    db.session.commit()
    flash(ngettext("%(num)d melding gemarkeerd als gelezen.", "%(num)d meldingen gemarkeerd als gelezen.", count),
          "success")
    return redirect(url_for("notifications.notification_list"))


def _preferences_page(form: PreferencesForm, kinds: list[str]) -> str:
    token = services.calendar_token(me())
    feed_url = current_app.config["BASE_URL"] + url_for("notifications.calendar_feed", token=token) if token else None
    return render_template("notifications/preferences.html", form=form, feed_url=feed_url,
                           reminder_kinds=[k for k in ReminderKind if k in kinds],
                           event_kinds=[k for k in EventKind if k in kinds])


@bp.route("/meldingen/instellingen", methods=["GET", "POST"])
def preferences():
    require("notifications.view")
    kinds = kinds_for(me())
    form = PreferencesForm(data=services.preferences(me()) if request.method == "GET" else None)
    for kind in PREFERENCE_KINDS:  # only what can reach this person is offered (and saved)
        if kind not in kinds:
            del form[kind]
    if form.validate_on_submit() and save(
            lambda: services.set_preferences(me(), {kind: form[kind].data for kind in kinds}),
            form, success=_("Je keuzes voor herinneringen zijn opgeslagen.")):
        return redirect(url_for("notifications.preferences"))
    return _preferences_page(form, kinds)


@bp.route("/meldingen/agenda", methods=["POST"])
def calendar_renew():
    require("notifications.view")
    services.renew_calendar_token(me())
    db.session.commit()
    flash(_("Je nieuwe agenda-link staat klaar. Een eerdere link werkt niet meer."), "success")
    return redirect(url_for("notifications.preferences", _anchor="agenda"))


@bp.route("/meldingen/agenda/uitzetten", methods=["POST"])
def calendar_revoke():
    require("notifications.view")
    services.revoke_calendar_token(me())
    db.session.commit()
    flash(_("Je agenda-link is uitgezet."), "success")
    return redirect(url_for("notifications.preferences", _anchor="agenda"))


@bp.route("/agenda/<token>.ics")
def calendar_feed(token: str):
    """The signed token in the link is the permission: calendar apps cannot log in."""
    user = services.user_for_calendar(token)
    if user is None:
        abort(404)
    return Response(calendar_for(user, utcnow()), mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="leernetwerk.ics"',
                             "Cache-Control": "private, no-store"})


@bp.route("/meldingen/afmelden/<token>", methods=["GET", "POST"])
# RFC 8058 one-click unsubscribe: the mail client POSTs "List-Unsubscribe=One-Click" to this URL
# without cookies, so it cannot carry a CSRF token. The signed token in the URL is what
# authorises the request (a forger would need it), and all it can do is switch mail off.
@csrf.exempt
def unsubscribe(token: str):
    """GET shows what will be switched off and asks to confirm; POST switches it off. No login,
    while the link is younger than a year; an older one asks its own person to log in first."""
    try:
        target = services.unsubscribe_link_target(token)
    except services.NotificationsError as exc:
        return render_template("notifications/unsubscribe.html", error=str(exc), kinds=[], done=False), 400
    labels = [kind_label(kind) for kind in target.kinds]
    if target.expired and not (current_user.is_authenticated and current_user.id == target.user.id):
        return render_template("notifications/unsubscribe.html", error=None, kinds=labels, done=False,
                               expired=True, wrong_person=current_user.is_authenticated), 403
    if request.method == "POST":
        services.unsubscribe(target.user, target.kinds)
        db.session.commit()
        return render_template("notifications/unsubscribe.html", error=None, kinds=labels, done=True)
    return render_template("notifications/unsubscribe.html", error=None, kinds=labels, done=False)


@bp.route("/beheer/herinneringen")
def reminders_admin():
    require("reminders.admin")
    now = utcnow()
    digest_at, digest_items, digest_people = digest.next_digest(now)
    reminder_counts = preview.counts(now)
    # A province's handful in one list, by day, as ever; beyond one page, one kind at a time, a
    # page at a time: the chosen kind, else the first with reminders coming.
    wanted = request.args.get("soort")
    kind = next((k for k in reminder_counts if k.value == wanted), None)
    reminder_page = arg_page("pagina")
    if kind is None and sum(reminder_counts.values()) <= preview.PER_PAGE:
        upcoming = sorted((u for k, n in reminder_counts.items() if n for u in preview.upcoming(now, k)),
                          key=lambda u: (u.day, u.kind, u.subject, u.person))
    else:
        kind = kind or next((k for k, n in reminder_counts.items() if n), None)
        upcoming = preview.upcoming(now, kind, reminder_page) if kind is not None else []
    return render_template(
        "notifications/admin.html", upcoming=upcoming, reminder_counts=reminder_counts, kind=kind,
        reminder_pages=Pages(reminder_page, reminder_counts.get(kind, 0), preview.PER_PAGE),
        counts=mail.outbox_counts(), outbox=mail.outbox_page(arg_page("mail_pagina")),
        digest_at=digest_at, digest_items=digest_items, digest_people=digest_people)


@bp.route("/beheer/herinneringen/versturen", methods=["POST"])
def outbox_deliver():
    """Deliver the outbox once, now, and say honestly what happened to each mail."""
    require("reminders.admin")
    counts = save(lambda: mail.deliver_now(me()))
    if counts:
        flash(*_delivery_report(counts))
    return redirect(url_for("notifications.reminders_admin", _anchor="uitgaand"))


def _delivery_report(counts: dict[str, int]) -> tuple[str, str]:
    sent, retry, failed = counts["sent"], counts["retry"], counts["failed"]
    if not sent + retry + failed:
        return _("Er stond geen mail klaar om te versturen."), "info"
    parts = [ngettext("%(num)d mail verstuurd", "%(num)d mails verstuurd", sent)]
    if retry:
        parts.append(ngettext("%(num)d mail kon nu niet weg en wordt later opnieuw geprobeerd",
                              "%(num)d mails konden nu niet weg en worden later opnieuw geprobeerd", retry))
    if failed:
        parts.append(ngettext("%(num)d mail is definitief mislukt (zie hieronder)",
                              "%(num)d mails zijn definitief mislukt (zie hieronder)", failed))
    return "; ".join(parts) + ".", "success" if not retry + failed else "warning"


@bp.route("/beheer/herinneringen/opnieuw", methods=["POST"])
def outbox_retry():
    require("reminders.admin")
    count = mail.retry_failed(me(), parse_id(request.form.get("mail_id")))
    db.session.commit()
    flash(ngettext("%(num)d mail staat weer in de wachtrij.", "%(num)d mails staan weer in de wachtrij.", count),
          "success")
    return redirect(url_for("notifications.reminders_admin"))
