"""Template globals: the policy, the current language, navigation helpers."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import Field

from . import personal_pages, policy
from .coalitions import models as coalition_models
from .enums import template_enums
from .kept import Kept
from .library import models as library_models
from .markdown import render_markdown
from .notifications import models as notification_models
from .notifications.models import kind_label
from .rounds import models as rounds_models
from .web import conflict_rows, listing_url


def csrf_token() -> str:
    """Flask-WTF's form token for this request. A page with a button form per item (a work
    package's milestones) asks for it dozens of times, and each `generate_csrf` call read its
    settings again before finding the token Flask-WTF keeps in `g` under the field's name."""
    return g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")) or generate_csrf()


# Our own markup; every value put into it is escaped by %.
_POST_BUTTON = Markup('<form method="post" action="%s" class="inline-form">\n'
                      '  <input type="hidden" name="csrf_token" value="%s">\n'
                      '  <button type="submit" class="%s"%s>%s%s</button>\n</form>')
_CONFIRM = Markup(' data-confirm="%s"')  # our markup, the text escaped by %
_HIDDEN = Markup('<span class="visually-hidden">: %s</span>')  # likewise


def post_button(action: str, label: str, class_: str = "button secondary", confirm: str | None = None,
                hidden: str | None = None) -> Markup:
    """A button that posts to `action`: a form of its own with the request's token. `confirm`: the
    question the browser asks first; `hidden`: what the button acts on, for screen readers only
    ("Verwijderen: Concept klaar"). A function, not a Jinja macro: a work package's page has a
    few dozen, and each macro call set up a template context of its own."""
    return _POST_BUTTON % (action, csrf_token(), class_, _CONFIRM % confirm if confirm else "", label,
                           _HIDDEN % hidden if hidden else "")


# Fields whose untouched rendering depends only on what `_widget_key` names.
_KEPT_KINDS = frozenset({"StringField", "TextAreaField", "DateField", "SelectField", "RadioField", "EmailField",
                         "IntegerField", "URLField", "TelField"})


def _widget_key(f: Field, attrs: dict) -> tuple | None:
    """What an untouched field's markup depends on, or None when it is not kept: a field with a
    value, an error or typed input shows them (and a kind not listed may have other state)."""
    if f.data is not None or f.raw_data or f.errors or type(f).__name__ not in _KEPT_KINDS:
        return None
    choices = getattr(f, "choices", None)
    if callable(choices):
        choices = choices()
    if isinstance(choices, dict):  # option groups
        return None
    options = tuple(tuple(map(str, c)) if isinstance(c, tuple | list) else (str(c),) for c in choices or ())
    return (type(f).__name__, type(f.widget).__name__, f.id, f.name, str(get_locale()), repr(f.flags),
            tuple(sorted((name, str(value)) for name, value in (f.render_kw or {}).items())),
            tuple(sorted((name, str(value)) for name, value in attrs.items())), options)


_WIDGETS = Kept(2048)


def widget(f: Field, attrs: dict) -> Markup:
    """`f(**attrs)`, WTForms' markup of a field (the `field` macro of _forms.html). An untouched
    field (no value, no input, no error) looks the same each time: its markup is kept per process
    (WTForms' rendering was a seventh of a work-package page, which shows two forms)."""
    key = _widget_key(f, attrs)
    return f(**attrs) if key is None else _WIDGETS.get(key, lambda: f(**attrs))


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(csrf_token=csrf_token, post_button=post_button, widget=widget, can=policy.can,
                                 current_locale=lambda: str(get_locale()), kind_label=kind_label,
                                 conflict_rows=conflict_rows, listing_url=listing_url,
                                 page_expires=personal_pages.expires)
    app.jinja_env.globals.update(template_enums(coalition_models, library_models, notification_models, rounds_models))
    app.jinja_env.filters["markdown"] = render_markdown
