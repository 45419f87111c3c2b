"""A logged-in person's pages, kept for the next time the same browser asks (rule R33).

People open /mijn, their round, their table and their work package many times a day, mostly
without anything having changed in between. A page made for a person shows their name, their
unread count, the buttons their roles give and the form tokens of their session, so it is kept
only for exactly that browser session and only until anything changes:

- the key is the request as the browser sent it: the whole Cookie header (the signed session
  cookie, so the login, the language chosen, the form token and any message waiting to be shown),
  path and query, the Accept, Accept-Language, Accept-Encoding and User-Agent headers, scheme,
  host and the client's address;
- it is answered again only while the generation of all data (`generations.DATA`, moved by every
  transaction that wrote anything: a role, a membership, a new update, a notification, a logout)
  is the one it was made under; that generation is read first, before Flask sees the request;
- and at most PERSONAL_PAGE_SECONDS, never past the next local midnight (overdue, "stil" and
  "deze week" follow the day), the end of the login session (idle or absolute) or a moment the
  page itself names (`expires`: an update's 24-hour edit window, whose button must go).

A page answered again gets new one-time form tokens (forms.OnceForm), as a page drawn anew
would: two tabs with the same page each save what is typed in them.

Only views marked `@personal_page` are kept, only a 200 that set no cookie (a page that showed a
flashed message, or began a session's form token, changed the cookie), and only for a GET without
conditional headers. Kept in memory per process, least recently used first out, bounded by
PERSONAL_PAGE_BYTES.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps

from flask import Flask, current_app, g, request
from flask_login import current_user

from .dates import day_start, today
from .generations import DATA
from .page_cache import CONDITIONAL, PageCache, Replay, call_recorded, read_all

_VALID_UNTIL = "leernetwerk.personal_until"  # in the WSGI environ: Flask made a personal page


# A one-time form token (forms.OnceForm) as WTForms writes it: each showing of a form has its own.
_ONCE = re.compile(rb'(<input name="once" type="hidden" value=")[A-Za-z0-9_-]{32}(")')


def _fresh_tokens(body: bytes) -> bytes:
    """The page with every one-time form token made anew: a page answered again is another
    showing of its forms. Two tabs sending the same token would have the second refused as
    already sent, and its typed text lost. The same length, so Content-Length stays true."""
    return _ONCE.sub(lambda match: match[1] + secrets.token_urlsafe(24).encode() + match[2], body)


@dataclass(frozen=True)
class _Kept(Replay):
    """A page as Flask answered it (page_cache.Replay), until when it may be answered again, and
    whether it shows a form with a one-time token."""

    valid_until: float  # seconds since the epoch
    once: bool


def expires(moment: datetime) -> str:
    """In a template: what this page shows changes at `moment` by itself (an edit window closes),
    so a kept copy is not answered after it. Returns "" to be written where it is called."""
    until = g.get("page_expires")
    if until is None or moment < until:
        g.page_expires = moment
    return ""


def _valid_until(day: date) -> float:
    """Until when the page just made may be answered again; `day` is the day the request began
    in (a page drawn across midnight shows that day's overdue and "deze week")."""
    config = current_app.config
    now = time.time()
    ends = [now + config["PERSONAL_PAGE_SECONDS"], day_start(day + timedelta(days=1)).timestamp()]
    row = g.get("user_session")
    if row is not None:
        ends.append(row.created_at.timestamp() + config["SESSION_ABSOLUTE_SECONDS"])
        ends.append((row.last_seen_at or row.created_at).timestamp() + config["SESSION_IDLE_SECONDS"])
    if g.get("page_expires") is not None:
        ends.append(g.page_expires.timestamp())
    return min(ends)


def personal_page(view: Callable) -> Callable:
    """Mark a view's pages for a logged-in person as ones that may be kept (see the module's
    docstring). The view runs as before; the page is kept by `PersonalPages` after it."""

    @wraps(view)
    def wrapper(*args: object, **kwargs: object):  # noqa: ANN202
        day = today()
        response = view(*args, **kwargs)
        if request.method == "GET" and current_user.is_authenticated \
                and current_app.config["PERSONAL_PAGE_SECONDS"] > 0:
            request.environ[_VALID_UNTIL] = _valid_until(day)
        return response

    return wrapper


class PersonalPages:
    """WSGI middleware in front of Flask: a logged-in GET of a page that Flask made for the same
    request (see the module's docstring) under the same generation of all data is answered with
    that page again, status, headers and body, without Flask."""

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app, self.app = wsgi_app, app
        self.config = config = app.config
        self.cookie = config["SESSION_COOKIE_NAME"] + "="
        self.kept = app.extensions["personal_pages"] = PageCache(config["PERSONAL_PAGE_BYTES"])

    def _key(self, environ: dict) -> tuple | None:
        if environ.get("REQUEST_METHOD") != "GET" or self.config["PERSONAL_PAGE_SECONDS"] <= 0:
            return None
        cookie = environ.get("HTTP_COOKIE")
        if not cookie or self.cookie not in cookie or any(header in environ for header in CONDITIONAL):
            return None
        get = environ.get
        return (cookie, get("PATH_INFO", ""), get("QUERY_STRING", ""), get("HTTP_ACCEPT"),
                get("HTTP_ACCEPT_LANGUAGE"), get("HTTP_ACCEPT_ENCODING"), get("HTTP_USER_AGENT"),
                get("wsgi.url_scheme"), get("HTTP_HOST"), get("REMOTE_ADDR"))

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        try:  # before anything is read for the page: what is kept is never older than its number
            with self.app.app_context():
                number = DATA.committed()
        except Exception:  # noqa: BLE001 - the database is away: Flask answers as it does then
            return self.wsgi_app(environ, start_response)
        kept = self.kept.get(key, self.config["PERSONAL_PAGE_SECONDS"])
        if kept is not None and kept.generation == number and time.time() < kept.valid_until:
            start_response(kept.status, list(kept.headers))
            return [_fresh_tokens(kept.body) if kept.once else kept.body]
        body, answered = call_recorded(self.wsgi_app, environ, start_response)
        valid_until = environ.get(_VALID_UNTIL)
        if valid_until is None or not number:
            return body
        data = read_all(body)
        status, headers = answered
        names = {name.lower() for name, _value in headers}
        # A compressed body could not have its form tokens made anew: such a page is not kept.
        once = b'name="once"' in data
        if status.startswith("200") and "set-cookie" not in names and not (once and "content-encoding" in names):
            self.kept.put(key, _Kept(number, status, list(headers), data, time.monotonic(), valid_until, once))
        return [data]
