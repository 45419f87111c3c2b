"""The texts of reminders and of their mails, in the recipient's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import current_app
from flask_babel import get_locale, gettext, ngettext

from ...i18n import long_date
from ...rounds.models import MemberRole
from ...urls import site_path


@dataclass(frozen=True)
class Message:
    """What one reminder says: the notice's title and body, the page it links to, the mail's link text."""

    title: str
    body: str
    path: str
    action: str


# A sweep may write thousands of messages in a few languages: look each text and each date up
# once per language instead of through Flask-Babel's per-call machinery.
@lru_cache(maxsize=2048)
def _translated(locale: str, message: str) -> str:
    return gettext(message)


def _(message: str, **variables: object) -> str:
    text = _translated(str(get_locale()), message)
    return text % variables if variables else text


@lru_cache(maxsize=4096)
def _formatted_date(locale: str, day: date) -> str:
    return long_date(day)


def _date(day: date) -> str:
    return _formatted_date(str(get_locale()), day)


def milestone_due(row, today: date) -> Message:  # noqa: ANN001
    days = (row.anchor - today).days
    if days <= 0:
        title = _("Mijlpaal ‘%(title)s’ staat voor vandaag", title=row.subject)
    elif days == 1:
        title = _("Mijlpaal ‘%(title)s’ staat voor morgen", title=row.subject)
    else:
        title = _("Mijlpaal ‘%(title)s’ staat over %(days)d dagen", title=row.subject, days=days)
    body = _("Thematafel %(table)s, werkpakket %(work_package)s. Deadline: %(day)s. Klaar? Vink de mijlpaal af; "
             "lukt het niet, verplaats dan de datum.",
             table=row.table, work_package=row.work_package, day=_date(row.anchor))
    return Message(title, body, site_path("rounds.work_package_detail", _anchor="mijlpalen",
                                          wp_id=row.work_package_id), _("Naar de mijlpaal"))


def milestone_overdue(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("Mijlpaal ‘%(title)s’ is over tijd", title=row.subject),
        _("De deadline was %(day)s (thematafel %(table)s, werkpakket %(work_package)s). Vink de mijlpaal af als "
          "hij klaar is, of spreek een nieuwe datum af en pas hem aan.",
          day=_date(row.anchor), table=row.table, work_package=row.work_package),
        site_path("rounds.work_package_detail", _anchor="mijlpalen", wp_id=row.work_package_id),
        _("Naar de mijlpaal"),
    )


def work_package_quiet(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("Werkpakket ‘%(title)s’: al twee weken geen update", title=row.subject),
        _("Thematafel %(table)s. Schrijf in een paar zinnen hoe het gaat en kies op koers, risico of vertraagd; "
          "dat scheelt een statusoverleg.", table=row.table),
        site_path("rounds.work_package_detail", _anchor="updates", wp_id=row.object_id),
        _("Update schrijven"),
    )


def round_ending(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("%(round)s eindigt op %(day)s: nog geen eindproduct in review", round=row.round,
          day=_date(row.anchor)),
        _("Thematafel %(table)s heeft nog geen eindproduct ter review aangeboden. Bied het concept op tijd aan, "
          "zodat de verbindingspersoon en ROS het voor het einde van de ronde kunnen bekijken.", table=row.subject),
        site_path("rounds.table_detail", table_id=row.object_id),
        _("Naar de thematafel"),
    )


def review_waiting(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("Eindproduct ‘%(title)s’ wacht al meer dan vijf werkdagen op review", title=row.subject),
        _("Thematafel %(table)s bood het aan op %(day)s. Keur het goed of stuur het terug met een opmerking.",
          table=row.table, day=_date(row.anchor)),
        site_path("library.manage", deliverable_id=row.deliverable_id),
        _("Naar het eindproduct"),
    )


def support_unanswered(row, today: date) -> Message:  # noqa: ANN001
    return Message(
        _("Ondersteuningsvraag van %(table)s wacht al twee werkdagen: %(subject)s", table=row.table,
          subject=row.subject),
        _("Gesteld op %(day)s. Beantwoord de vraag, of laat de tafel weten wie helpt.", day=_date(row.anchor)),
        site_path("rounds.table_detail", _anchor=f"vraag-{row.object_id}", table_id=row.table_id),
        _("Naar de vraag"),
    )


def round_starting(row, today: date) -> Message:  # noqa: ANN001
    if row.role == MemberRole.LEAD:
        body = _("Je bent kartrekker van thematafel %(table)s. Wat we van je verwachten: zet vóór de start het "
                 "werkpakket klaar met doel, einddatum en mijlpalen binnen de ronde (die loopt tot %(end)s), verdeel "
                 "de mijlpalen en plaats elke twee weken een korte voortgangsupdate.",
                 table=row.table, end=_date(row.round_ends_on))
    else:
        body = _("Je zit aan thematafel %(table)s. Wat we van je verwachten: lees het werkpakket, pak de mijlpalen "
                 "op die bij jou liggen en deel elke twee weken in een korte update hoe het gaat. De ronde loopt tot "
                 "%(end)s.", table=row.table, end=_date(row.round_ends_on))
    return Message(
        _("%(round)s begint op %(day)s", round=row.subject, day=_date(row.anchor)),
        body,
        site_path("rounds.table_detail", table_id=row.object_id),
        _("Naar de thematafel"),
    )


# --- the mails ------------------------------------------------------------------------------------

def reminder_mail_texts() -> dict[str, str]:
    """The fixed lines of a reminder mail, in the current language."""
    return {
        "greeting": _("Beste %(name)s,"),  # filled in by the template
        "signature": _("Een herinnering van het Fries Leernetwerk Kansrijke Start."),
        "preferences": _("Kiezen wanneer je welke herinneringen krijgt"),
        "unsubscribe": _("Geen e-mail meer over dit soort herinneringen"),
    }


def digest_subject(items: int) -> str:
    """The subject of a weekly digest with `items` notices, in the current language."""
    return ngettext("Je weekoverzicht van het Leernetwerk: %(num)d herinnering",
                    "Je weekoverzicht van het Leernetwerk: %(num)d herinneringen", items)


def mail_renderer(name: str) -> Callable[..., tuple[str, str]]:
    """Renders mail/<name>.txt and .html with the same context: (text, html)."""
    env = current_app.jinja_env
    text, html = env.get_template(f"mail/{name}.txt"), env.get_template(f"mail/{name}.html")
    return lambda **context: (text.render(**context), html.render(**context))
