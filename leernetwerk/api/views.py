"""Read-only JSON API of the public library, described by an OpenAPI 3.1 document.

Field names are part of the contract with municipalities' websites: add fields, never rename.
Only public, published, not withdrawn end products appear, whoever asks.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for

from ..library import queries
from ..library.models import LibraryEntry, Visibility
from ..markdown import render_markdown
from ..page_cache import public_page
from ..policy import require
from .openapi import document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def _cors(response: Response) -> Response:
    # Public, read-only and cookie-free: any website may show the library, and any cache keep
    # an answer for five minutes. Not an error: a 404 or a 500 is never cached (see security.py).
    response.headers["Access-Control-Allow-Origin"] = "*"
    # (page_cache.public_page sets its own: short, with an ETag that follows the library.) An error
    # is never cacheable.
    if response.status_code < 400:
        response.headers.setdefault("Cache-Control", "public, max-age=300")
    return response


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"] + path


def _summary(entry: LibraryEntry) -> dict:
    return {
        "slug": entry.slug,
        "titel": entry.title,
        "samenvatting": entry.summary,
        "soort": entry.kind,
        "actielijn": entry.action_line,
        "thema": entry.theme,
        "heel_friesland": entry.all_of_friesland,
        "versie": entry.version_number,
        "gepubliceerd_op": entry.published_at.isoformat(),
        "url": _absolute(url_for("library.detail", slug=entry.slug)),
        "api_url": _absolute(url_for("api.deliverable", slug=entry.slug)),
    }


@bp.route("/eindproducten")
@public_page
def deliverables():
    require("library.view")
    query = queries.LibraryQuery.from_args(request.args)
    results = queries.search_library(query, visible_to_network=False)
    return jsonify({
        "items": [_summary(hit.entry) for hit in results.hits],
        "totaal": results.total,
        "pagina": results.query.page,
        "per_pagina": query.per_page,
        "paginas": results.pages,
        # A page past the last answers with the last page; `pagina` says which it is.
        "voorbij_laatste_pagina": results.past_end,
        "suggestie": results.suggestion,
        "zoektermen": results.terms,
        "facetten": {name: [{"waarde": v.value, "label": v.label, "aantal": v.count} for v in values]
                     for name, values in results.facets.items()},
    })


@bp.route("/eindproducten/<slug>")
@public_page
def deliverable(slug: str):
    require("library.view")
    page = queries.detail(slug)
    if page is None or page.version.visibility != Visibility.PUBLIC or page.deliverable.withdrawn_at is not None:
        abort(404)
    v, table = page.version, page.deliverable.work_package.table
    return jsonify({
        "slug": page.deliverable.slug,
        "titel": v.title,
        "samenvatting": v.summary,
        "inhoud_markdown": v.body,
        "inhoud_html": str(render_markdown(v.body)),
        "soort": v.kind,
        "actielijn": v.action_line,
        "doelgroepen": page.audiences,
        "heel_friesland": v.all_of_friesland,
        "gemeenten": [m.name for m in v.municipalities],
        "versie": v.number,
        "gepubliceerd_op": v.published_at.isoformat(),
        "herkomst": {"ronde": table.round.name, "thematafel": table.title, "thema": table.theme},
        "bijlagen": [{"naam": a.original_name, "type": a.content_type, "bytes": a.size_bytes,
                      "url": _absolute(url_for("library.download", attachment_id=a.id, name=a.original_name))}
                     for a in page.attachments],
        "versies": [{"versie": o.number, "gepubliceerd_op": o.published_at.isoformat(),
                     "url": _absolute(url_for("library.detail_version", slug=page.deliverable.slug, number=o.number))}
                    for o in page.versions],
        "url": _absolute(url_for("library.detail", slug=page.deliverable.slug)),
    })


@bp.route("/openapi.json")
def openapi():
    require("library.view")
    return jsonify(document(current_app.config["BASE_URL"]))
