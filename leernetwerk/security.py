"""Security headers on every response (errors too), safe redirects, error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def safe_next(target: str | None) -> str | None:
    """Only our own absolute paths: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _carries_nul() -> bool:
    """A NUL byte in the path, the query string or a form field: no browser sends one, and
    PostgreSQL stores none in text, so it would end as a 500 wherever it reached a query."""
    if "\x00" in request.path:
        return True
    return any("\x00" in key or any("\x00" in v for v in values)
               for source in (request.args, request.form) for key, values in source.lists())


def init_security(app: Flask) -> None:
    @app.before_request
    def _refuse_nul() -> None:
        if _carries_nul():
            abort(400)

    @app.after_request
    def _headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure or app.config["SESSION_COOKIE_SECURE"]:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.status_code >= 400:
            # An error is never cached, whatever the route said: a cached 404 or 500 would go on
            # answering after the cause is gone.
            h["Cache-Control"] = "no-store"
        elif response.mimetype == "text/html":
            # Pages can hold personal data: never keep them in shared caches.
            h.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):  # noqa: ANN202
        message = _("Je formulier was verlopen. Probeer het opnieuw; we hebben niets opgeslagen.")
        if _wants_json():
            return jsonify(error=message), 400
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(401)
    def _unauthorised(error: HTTPException):  # noqa: ANN202
        if _wants_json():
            return jsonify(error=_("Log in om dit te zien.")), 401
        flash(_("Log in om deze pagina te zien."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # noqa: ANN202
        messages = {
            400: _("Dit verzoek kunnen we niet lezen. Probeer het opnieuw vanaf de pagina zelf."),
            403: _("Je hebt geen toegang tot deze pagina."),
            404: _("Deze pagina bestaat niet (meer)."),
            405: _("Deze actie kan zo niet."),
            413: _("Het bestand is te groot."),
            429: _("Te veel verzoeken. Probeer het later opnieuw."),
        }
        message = messages.get(error.code or 500, error.description or "")
        if _wants_json():
            return jsonify(error=message), error.code
        return render_template("errors/error.html", code=error.code, message=message), error.code

    @app.errorhandler(500)
    def _server_error(error: Exception):  # noqa: ANN202
        from .extensions import db

        db.session.rollback()
        message = _("Er ging iets mis aan onze kant. Probeer het later opnieuw.")
        if _wants_json():
            return jsonify(error=message), 500
        return render_template("errors/error.html", code=500, message=message), 500
