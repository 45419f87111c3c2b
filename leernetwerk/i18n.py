"""Language choice (Dutch by default, English per user) and Dutch date formatting."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import dates as babel_dates
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import Babel, format_time, get_locale, get_translations, to_user_timezone
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from . import ROOT


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translations() -> NullTranslations:
    """The current locale's translations, looked up once per locale in an app context. The
    templates' `_()` went through flask_babel's lookup on every call (~20 µs: a dozen context
    lookups; a page has hundreds). Kept with the locale it is for, so `force_locale` (a mail in
    its recipient's language) gets its own."""
    try:
        space = vars(g._get_current_object())
    except RuntimeError:  # outside an app context
        return get_translations()
    # The locale flask_babel chose for this context (a namespace it keeps in `g`), read without
    # its lookup: the kept translations are used while they are for that locale.
    kept, chosen = space.get("_translations"), space.get("_flask_babel")
    if kept is not None and chosen is not None and kept[0] is getattr(chosen, "babel_locale", None):
        return kept[1]
    kept = space["_translations"] = (get_locale(), get_translations())
    return kept[1]


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, /, **variables: object) -> str:
    """`_()` in a template, as Jinja's "newstyle" gettext does it (the translation, marked safe
    when the template escapes, then always %-formatted so that the variables are escaped) in
    one call: Jinja's goes through three context calls and flask_babel's lookup each time."""
    translated = translations().ugettext(string)
    if eval_ctx.autoescape:
        # Our own catalogue's text, trusted as Jinja trusts it; the variables are escaped by %.
        translated = Markup(translated)  # nosec B704
    return translated % variables


@pass_eval_context
def template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: object) -> str:
    """`ngettext()` in a template, likewise; `num` is also a variable of the text."""
    variables.setdefault("num", num)
    translated = translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        translated = Markup(translated)  # nosec B704 (as above)
    return translated % variables


@lru_cache(maxsize=4096)
def _format_day(value: date, pattern: str, locale: str) -> str:
    """A day written in a language: the same few hundred days are written on every round page,
    so each is worked out once per process."""
    return babel_dates.format_date(value, pattern, locale=locale)


def format_day(value: date, pattern: str) -> str:
    return _format_day(value, pattern, str(get_locale()))


def long_date(value: date | datetime | None) -> str:
    """One way to write a day in each language: '3 maart 2026', 'March 3, 2026'. A moment is
    written as the day it is in Amsterdam."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return format_day(value, "long")


def date_time(value: datetime | None) -> str:
    """'3 maart 2026 14:05', 'March 3, 2026 14:05', in the Amsterdam time zone."""
    if value is None:
        return ""
    return _date_time(value, str(get_locale()))


@lru_cache(maxsize=4096)
def _date_time(value: datetime, _locale: str) -> str:
    """Written once per moment and language (a page lists a hundred updates' moments)."""
    return f"{long_date(value)} {format_time(value, 'HH:mm')}"


def month_label(value: date) -> str:
    """'mrt 2026' in Dutch."""
    return format_day(value, "MMM y")


def init_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    # The templates' `_()` and `ngettext()` (their only gettext functions): see template_gettext.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_time"] = date_time
    app.jinja_env.filters["month_label"] = month_label
