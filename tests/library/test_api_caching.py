"""The API's answers may be kept by any cache (the list and the end products briefly, with an ETag
that follows the library, the OpenAPI file five minutes); its errors never (issue 11, item 4)."""

from __future__ import annotations

import pytest

from leernetwerk.library import queries

from .helpers import Team

CACHEABLE = {"/api/v1/eindproducten": "public, max-age=60, stale-while-revalidate=300",
             "/api/v1/openapi.json": "public, max-age=300"}


def test_a_found_answer_is_cacheable_for_five_minutes(client):
    version = Team().publish("Zorgpad kwetsbare zwangeren")
    for path in ("/api/v1/eindproducten", f"/api/v1/eindproducten/{version.deliverable.slug}", "/api/v1/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == CACHEABLE.get(path, CACHEABLE["/api/v1/eindproducten"]), path


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/v1/eindproducten/bestaat-niet", 404),   # the view's own abort(404)
    ("GET", "/api/v1/bestaat-niet", 404),                 # no route
    ("POST", "/api/v1/eindproducten", 405),               # read-only
])
def test_an_error_is_never_stored_by_a_cache(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["error"]


def test_a_server_error_is_never_stored_by_a_cache(app, client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(queries, "search_library", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer 500 as in production
    response = client.get("/api/v1/eindproducten")
    assert response.status_code == 500
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["error"]


def test_an_error_page_is_never_stored_by_a_cache_either(client):
    response = client.get("/bibliotheek/bestaat-niet")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"
