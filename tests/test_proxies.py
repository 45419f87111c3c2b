"""X-Forwarded-For/-Proto count only from the configured proxies (TRUSTED_PROXY_ADDRESSES)."""

from __future__ import annotations

from flask import Flask, jsonify, request

from leernetwerk.security import TrustedProxyFix


def _echo_app(hops: int, addresses: str) -> Flask:
    app = Flask("echo")

    @app.route("/")
    def echo():
        return jsonify(addr=request.remote_addr, scheme=request.scheme)

    app.wsgi_app = TrustedProxyFix(app.wsgi_app, hops, addresses)
    return app


FORWARDED = {"X-Forwarded-For": "203.0.113.99", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_from_the_proxy_are_used():
    client = _echo_app(1, "127.0.0.1,10.0.0.0/8").test_client()
    for proxy in ("127.0.0.1", "10.1.2.3"):
        answer = client.get("/", headers=FORWARDED, environ_base={"REMOTE_ADDR": proxy}).json
        assert answer == {"addr": "203.0.113.99", "scheme": "https"}, proxy


def test_forwarded_headers_from_anyone_else_are_ignored():
    client = _echo_app(1, "127.0.0.1").test_client()
    answer = client.get("/", headers=FORWARDED, environ_base={"REMOTE_ADDR": "198.51.100.20"}).json
    assert answer == {"addr": "198.51.100.20", "scheme": "http"}


def test_the_login_throttle_cannot_be_dodged_past_the_proxy(app, make_client):
    """The app reached directly, with a fresh made-up X-Forwarded-For each time: still one address."""
    from tests import factories

    old = app.wsgi_app
    app.wsgi_app = TrustedProxyFix(old, 1, "127.0.0.1")
    try:
        user = factories.make_user()
        client = make_client()
        statuses = [client.post("/inloggen", data={"email": user.email, "password": "fout"},
                                headers={"X-Forwarded-For": f"192.0.2.{n}"},
                                environ_base={"REMOTE_ADDR": "198.51.100.20"}).status_code for n in range(25)]
        from leernetwerk.auth.models import LoginAttempt

        addresses = {a.ip_address for a in LoginAttempt.query.all()}
        assert addresses == {"198.51.100.20"}
        assert 429 in statuses
    finally:
        app.wsgi_app = old


def test_the_app_wraps_itself_only_when_proxies_are_configured(tmp_path):
    from leernetwerk import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "TRUSTED_PROXIES": 1,
                      "TRUSTED_PROXY_ADDRESSES": "10.0.0.1"})
    assert isinstance(app.wsgi_app, TrustedProxyFix)
    assert app.wsgi_app.trusts("10.0.0.1") and not app.wsgi_app.trusts("10.0.0.2")
    assert not app.wsgi_app.trusts("not an address")
