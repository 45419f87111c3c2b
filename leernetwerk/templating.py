"""Template globals: the policy, the current language, navigation helpers."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from . import policy
from .labels import label
from .markdown import render_markdown


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(can=policy.can, label=label, current_locale=lambda: str(get_locale()))
    app.jinja_env.filters["markdown"] = render_markdown
