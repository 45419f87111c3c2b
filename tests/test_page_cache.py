"""Public pages for anonymous visitors: HTTP caching, the in-process page cache, static files.

The page cache must never show an anonymous visitor something withdrawn or meant for the network
only, also when the change was made by another worker or app server (the generation lives in the
database). See leernetwerk/page_cache.py and library/generation.py."""

from __future__ import annotations

import gzip
import re
import time

import pytest
from sqlalchemy import create_engine, event, text

from leernetwerk import generations
from leernetwerk.library import generation
from leernetwerk.library import services as library
from leernetwerk.page_cache import PageCache, _Page
from tests import factories
from tests.library.helpers import Team

PUBLIC_PAGES = ("/bibliotheek", "/bibliotheek/feed.atom", "/api/v1/eindproducten")


@pytest.fixture(autouse=True)
def _empty_page_cache(app):
    for name in ("page_cache", "page_replays"):
        app.extensions.get(name) and app.extensions[name].clear()


def test_anonymous_public_pages_are_cacheable_by_anyone_and_answer_304(client):
    version = Team().publish("Zorgpad kwetsbare zwangeren")
    for path in (*PUBLIC_PAGES, f"/bibliotheek/{version.deliverable.slug}",
                 f"/api/v1/eindproducten/{version.deliverable.slug}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300", path
        assert "Cookie" in response.headers["Vary"], path
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Last-Modified"], path
        etag = response.headers["ETag"]

        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.data == b""
        assert again.headers["ETag"] == etag


def test_a_kept_page_is_sent_gzipped_to_browsers_that_accept_it(client):
    Team().publish("Zorgpad")
    plain = client.get("/bibliotheek")
    zipped = client.get("/bibliotheek", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert client.get("/bibliotheek", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}
                      ).status_code == 304


def test_logged_in_pages_are_never_shared(client, login):
    team = Team()
    team.publish("Zorgpad")
    login(team.lead)
    response = client.get("/bibliotheek")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_a_withdrawal_reaches_anonymous_visitors_at_once(client):
    team = Team()
    version = team.publish("Zorgpad dat verdwijnt")
    first = client.get("/bibliotheek")
    assert "Zorgpad dat verdwijnt" in first.text
    assert "Zorgpad dat verdwijnt" in client.get("/bibliotheek").text  # from the cache now

    library.withdraw(team.staff, version.deliverable, "Verouderd")
    factories.db.session.commit()

    after = client.get("/bibliotheek")
    assert "Zorgpad dat verdwijnt" not in after.text
    assert after.headers["ETag"] != first.headers["ETag"]
    # A browser or proxy that holds the old page is told it changed.
    assert client.get("/bibliotheek", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert "Zorgpad dat verdwijnt" not in client.get("/api/v1/eindproducten").text


def test_a_change_made_by_another_app_server_is_seen(client, app):
    """Another server withdraws: this process's cache still holds the page, but the generation
    it reads from the database has moved, so the cached page is not served."""
    deliverable_id = Team().publish("Zorgpad elders ingetrokken").deliverable_id
    factories.db.session.rollback()  # this test's own session holds no lock while the other server writes
    assert "Zorgpad elders ingetrokken" in client.get("/bibliotheek/feed.atom").text

    other_server = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other_server.begin() as conn:
        conn.execute(text("DELETE FROM library_entry_audiences WHERE deliverable_id = :d"),
                     {"d": deliverable_id})
        conn.execute(text("DELETE FROM library_entry_municipalities WHERE deliverable_id = :d"),
                     {"d": deliverable_id})
        conn.execute(text("DELETE FROM library_entries WHERE deliverable_id = :d"), {"d": deliverable_id})
        conn.execute(text("UPDATE library_state SET generation = generation + 1"))
    other_server.dispose()

    assert "Zorgpad elders ingetrokken" not in client.get("/bibliotheek/feed.atom").text


def test_network_only_end_products_never_reach_anonymous_visitors_from_a_cache(client, login, make_client):
    team = Team()
    team.publish("Openbaar zorgpad")
    secret = team.publish("Alleen voor het netwerk", visibility="netwerk")
    member = login(team.lead, c=make_client())
    assert "Alleen voor het netwerk" in member.get("/bibliotheek").text
    assert "Alleen voor het netwerk" in member.get(f"/bibliotheek/{secret.deliverable.slug}").text

    anonymous = client.get("/bibliotheek")
    assert "Openbaar zorgpad" in anonymous.text
    assert "Alleen voor het netwerk" not in anonymous.text
    assert client.get(f"/bibliotheek/{secret.deliverable.slug}").status_code == 302  # to the login page
    # And the other way round: a logged-in person is not handed the anonymous page.
    assert "Alleen voor het netwerk" in member.get("/bibliotheek").text


def test_the_language_is_part_of_the_key(client):
    Team().publish("Zorgpad")
    assert 'lang="nl"' in client.get("/bibliotheek").text
    # An anonymous visitor chooses English without a CSRF token: their page stays shareable.
    assert client.post("/taal", data={"locale": "en", "next": "/bibliotheek"}, csrf=False).status_code == 302
    english = client.get("/bibliotheek")
    assert 'lang="en"' in english.text
    assert "Library" in english.text or "library" in english.text


def test_a_flashed_message_is_shown_not_a_cached_page(client):
    Team().publish("Zorgpad")
    client.get("/bibliotheek")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Een bericht voor deze bezoeker")]
    response = client.get("/bibliotheek")
    assert "Een bericht voor deze bezoeker" in response.text
    assert response.headers["Cache-Control"] == "no-store"


class _Recording:
    def __init__(self, connection, into: list) -> None:
        self.connection, self.into = connection, into

    def execute(self, statement: str, *args):
        self.into.append(statement)
        return self.connection.execute(statement, *args)


def test_an_anonymous_public_page_reads_the_database_once(client, count_queries, monkeypatch):
    Team().publish("Zorgpad")
    client.get("/bibliotheek")
    for path in PUBLIC_PAGES:
        client.get(path)
        statements = []
        listen = lambda *args, into=statements: into.append(args[2])  # noqa: E731
        reader = generation.reader()
        if reader is not factories.db.engine:
            event.listen(reader, "before_cursor_execute", listen)
        # A GET reads the generation on a plain connection of its own (generations.py): count those too.
        plain = generations._plain_connection

        def recording(into=statements, plain=plain):
            connection = plain()
            return None if connection is None else _Recording(connection, into)

        monkeypatch.setattr(generations, "_plain_connection", recording)
        try:
            with count_queries() as q:
                assert client.get(path).status_code == 200
        finally:
            if reader is not factories.db.engine:
                event.remove(reader, "before_cursor_execute", listen)
            monkeypatch.undo()
        reads = [s for s in q.statements + statements if s.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]
        assert len(reads) == 1, (path, reads)
        assert "library_state" in reads[0]


def test_the_page_cache_is_bounded_in_bytes_and_age():
    cache = PageCache(max_bytes=8 * 1000)
    for n in range(20):
        cache.put(("page", n), _Page(b"x" * 900, "text/html", time.monotonic()))
    assert len(cache) == 8
    assert cache.get(("page", 0), max_age=60) is None  # the least recently used went first
    assert cache.get(("page", 19), max_age=60) is not None
    cache.put(("old",), _Page(b"y", "text/html", time.monotonic() - 120))
    assert cache.get(("old",), max_age=60) is None


def test_static_files_have_hashed_names_far_future_caching_and_gzip(client):
    page = client.get("/").text
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page links the content-hashed stylesheet"
    response = client.get(css.group(1), headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"body" in gzip.decompress(response.data)
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200
    assert "immutable" not in plain.headers["Cache-Control"]


def test_a_plain_anonymous_get_is_replayed_before_flask_byte_for_byte(client, flask_requests):
    """Flask's answer to an anonymous GET of a public page is sent again, headers and all, without
    Flask (page_cache.Replays); under a moved generation, by another visitor with a session, with
    another Accept-Encoding, or with a conditional header, Flask answers."""
    Team().publish("Zorgpad om te bewaren")
    for path in PUBLIC_PAGES:
        first = client.get(path, headers={"Accept-Encoding": "gzip"})
        flask_requests.clear()
        again = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert flask_requests == [], path
        assert again.status == first.status and again.get_data() == first.get_data()
        assert sorted(again.headers.items()) == sorted(first.headers.items())
        assert "public" in again.headers["Cache-Control"]
    assert client.get("/bibliotheek", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    flask_requests.clear()
    plain = client.get("/bibliotheek")
    assert "Content-Encoding" not in plain.headers and "Zorgpad om te bewaren" in plain.text
    assert flask_requests == ["/bibliotheek"]  # its own answer, kept from now on
    assert client.get("/bibliotheek", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    assert flask_requests == ["/bibliotheek"] * 2
    assert client.get("/bibliotheek").get_data() == plain.get_data()
    assert flask_requests == ["/bibliotheek"] * 2


def test_a_withdrawal_is_never_replayed(client, flask_requests):
    team = Team()
    version = team.publish("Zorgpad dat niet terugkomt")
    assert "Zorgpad dat niet terugkomt" in client.get("/bibliotheek").text
    assert "Zorgpad dat niet terugkomt" in client.get("/bibliotheek").text
    assert flask_requests == ["/bibliotheek"]  # the second one was replayed
    library.withdraw(team.staff, version.deliverable, "Verouderd")
    factories.db.session.commit()
    assert "Zorgpad dat niet terugkomt" not in client.get("/bibliotheek").text
    assert flask_requests == ["/bibliotheek"] * 2


def test_pages_that_are_not_public_are_not_replayed_and_cost_no_extra_read(client, flask_requests):
    Team().publish("Zorgpad")
    for _ in range(2):
        assert client.get("/inloggen").headers["Cache-Control"] == "no-store"
    assert flask_requests == ["/inloggen"] * 2
