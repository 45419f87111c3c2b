"""Security headers on every response (errors too), safe redirects, error pages."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

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


class TrustedProxyFix:
    """ProxyFix, but only for requests whose peer (REMOTE_ADDR) is one of the trusted proxies.

    `TRUSTED_PROXIES` says how many proxies set X-Forwarded-For/-Proto/-Host, and
    `TRUSTED_PROXY_ADDRESSES` from which addresses or networks they connect. A request from any
    other peer (the app reached directly, past the proxy) keeps its real address and scheme,
    whatever forwarded headers it sends: they cannot dodge the login throttle or fake HTTPS.
    """

    def __init__(self, app, hops: int, addresses: str | Iterable[str]) -> None:  # noqa: ANN001
        if isinstance(addresses, str):
            addresses = [a for a in (part.strip() for part in addresses.split(",")) if a]
        self.networks = [ipaddress.ip_network(a, strict=False) for a in addresses]
        self.app = app
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)

    def trusts(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address((peer or "").split("%")[0])
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):  # noqa: ANN001, ANN204
        if self.trusts(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


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


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _carries_nul() -> bool:
    """A NUL byte in the path, the query string or a form field: no browser sends one, and
    PostgreSQL stores none in text, so it would end as a 500 wherever it reached a query."""
    if "\x00" in request.path:
        return True
    # A request without a body has no form: not parsed for nothing (most requests are such GETs).
    has_body = bool(request.content_length) or "Transfer-Encoding" in request.headers
    sources = (request.args, request.form) if has_body else (request.args,)
    return any("\x00" in key or any("\x00" in v for v in values)
               for source in sources for key, values in source.lists())


def init_security(app: Flask) -> None:
    secure_cookie = app.config["SESSION_COOKIE_SECURE"]

    @app.before_request
    def _refuse_nul() -> None:
        if _carries_nul():
            abort(400)

    @app.after_request
    def _headers(response: Response) -> Response:
        # One pass over what the view set, then the missing ones appended: every response pays
        # this, so no setdefault() (each one a scan of the list).
        h = response.headers
        present = {name.lower() for name, _ in h.items()}
        for name, value in HEADERS:
            if name.lower() not in present:
                h.add(name, value)
        if (secure_cookie or request.is_secure) and "strict-transport-security" not in present:
            h.add(*HSTS)
        if response.status_code >= 400:
            # An error is never cached, whatever the route said: a cached 404 or 500 would go on
            # answering after the cause is gone.
            h["Cache-Control"] = "no-store"
        elif "cache-control" not in present and response.mimetype == "text/html":
            # Pages can hold personal data: never keep them in shared caches (page_cache.py
            # marks the public pages of anonymous visitors itself).
            h.add("Cache-Control", "no-store")
        elif "public" in h.get("Cache-Control", "") and session.modified:
            # A response that sets a cookie is never one for shared caches.
            h["Cache-Control"] = "private, no-store"
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
        from flask import g

        if g.get("session_expired"):
            flash(_("Je sessie is verlopen. Log opnieuw in."), "info")
        else:
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
