"""Links to the site's pages, built without a request: for notices, mails and the calendar feed."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app
from werkzeug.routing import MapAdapter

ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what url_for leaves unquoted in an anchor


def _adapter() -> MapAdapter:
    """The app's URL map, bound once; the app is served at the root of BASE_URL's host."""
    adapter = current_app.extensions.get("leernetwerk.urls")
    if adapter is None:
        adapter = current_app.extensions["leernetwerk.urls"] = current_app.url_map.bind("localhost")
    return adapter


def site_path(endpoint: str, _anchor: str | None = None, **values: object) -> str:
    """The path of a page ('/werkpakketten/3#mijlpalen'), the same in a request, the CLI or the
    scheduler: what a notice links to. Arguments as for `url_for`."""
    path = _adapter().build(endpoint, values)
    return f"{path}#{quote(_anchor, safe=ANCHOR_SAFE)}" if _anchor is not None else path


def external_url(endpoint: str, _anchor: str | None = None, **values: object) -> str:
    """The full address of a page (BASE_URL and its path): what a mail or a calendar links to."""
    return current_app.config["BASE_URL"] + site_path(endpoint, _anchor, **values)
