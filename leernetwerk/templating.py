"""Template globals: the policy, the current language, navigation helpers."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from . import policy
from .coalitions import models as coalition_models
from .enums import template_enums
from .library import models as library_models
from .markdown import render_markdown
from .notifications import models as notification_models
from .notifications.models import kind_label
from .params import page_url
from .rounds import models as rounds_models
from .web import conflict_rows


def init_templating(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(can=policy.can, current_locale=lambda: str(get_locale()), kind_label=kind_label,
                                 conflict_rows=conflict_rows, page_url=page_url)
    app.jinja_env.globals.update(template_enums(coalition_models, library_models, notification_models, rounds_models))
    app.jinja_env.filters["markdown"] = render_markdown
