"""Language choice (Dutch by default, English per user) and Dutch date formatting."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import dates as babel_dates
from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel, format_time, get_locale, to_user_timezone
from flask_login import current_user

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
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["date_time"] = date_time
    app.jinja_env.filters["month_label"] = month_label
