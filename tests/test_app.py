"""The app as a whole: health, security headers, language and dates, static assets."""

from __future__ import annotations

from datetime import date, datetime, timezone

from flask_babel import force_locale

from leernetwerk.i18n import date_time, long_date


def _head() -> str:
    """The newest migration in migrations/versions."""
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parent.parent / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def test_healthz_reports_database_state(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["revision"] == _head()


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    from leernetwerk import create_app

    broken = create_app({"DATABASE_URL": "sqlite:////nonexistent-dir/x.sqlite", "SECRET_KEY": "x",
                         "INSTANCE_PATH": client.application.instance_path})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"]["status"] == "unavailable"


def test_security_headers_on_pages_and_errors(client):
    for path, status in (("/", 200), ("/inloggen", 200), ("/bestaat-niet", 404), ("/healthz", 200)):
        response = client.get(path)
        assert response.status_code == status
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain http in tests


def test_hsts_under_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script_and_load_local_assets_only(client):
    html = client.get("/inloggen").text
    assert "<script>" not in html and "onclick" not in html
    assert "http://" not in html.replace('http://localhost', '') and "https://" not in html
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/static/js/app.js").status_code == 200


def test_dutch_is_the_default_and_english_can_be_chosen(client):
    page = client.get("/inloggen").text
    assert '<html lang="nl">' in page and "Wachtwoord vergeten?" in page
    client.post("/taal", data={"locale": "en", "next": "/inloggen"})
    page = client.get("/inloggen").text
    assert '<html lang="en">' in page and "Forgot your password?" in page


def test_base_layout_is_accessible(client):
    html = client.get("/inloggen").text
    assert 'class="skip-link" href="#inhoud"' in html
    assert '<main id="inhoud"' in html and "<header" in html and "<nav" in html and "<footer" in html
    assert html.count("<h1") == 1
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'name="viewport"' in html


def test_dates_are_written_the_dutch_way(app):
    with app.test_request_context():
        assert long_date(date(2026, 3, 3)) == "3 maart 2026"
        with force_locale("en"):
            assert long_date(date(2026, 3, 3)) == "March 3, 2026"
            # A moment is written the same way, as its day in Amsterdam (23:30 UTC is the next day there).
            assert long_date(datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)) == "March 3, 2026"
            assert date_time(datetime(2026, 3, 3, 13, 5, tzinfo=timezone.utc)) == "March 3, 2026 14:05"
        assert date_time(datetime(2026, 3, 3, 13, 5, tzinfo=timezone.utc)) == "3 maart 2026 14:05"
