"""Public pages for anonymous visitors: HTTP caching (ETag, Last-Modified, 304, Cache-Control
public) and a bounded in-process cache of what was rendered.

A public page (`@public_page`: the library, an end product, the feed, the API) looks the same to
every anonymous visitor who reads it in the same language, until the library's generation moves
(library/generation.py) or the code is deployed anew (`release()`). So for an anonymous GET:

1. the generation is read (the one query such a request makes);
2. the key is (release, generation, language, path with query); its hash is the ETag, and a
   request that already holds it gets 304 without anything being rendered;
3. a page rendered before under the same key in this process is sent again as it was;
4. otherwise the view runs, and a 200 that set no cookie is kept, with a gzipped copy for the
   browsers that accept it (least recently used first out, bounded in bytes and in age: the age
   bounds what the generation does not track, such as a person's name on an end product).

A plain anonymous GET (no session or remember cookie, no conditional header) of a page kept that
way is answered before Flask sees the request (`Replays`, a WSGI middleware): after reading the
generation, the response Flask gave for the same request under the same generation (status,
headers, body) is sent again byte for byte. Flask's request machinery (contexts, session, hooks,
headers) cost an anonymous cached page four times what reading the generation did.

A logged-in person, a visitor with anything in the session but their language (a flashed
message, a login half done), and every other method bypass it all and get `no-store` pages as
before. The generation comes from the database, so several workers and several app servers agree:
nothing withdrawn or network-only reaches an anonymous visitor from a cache (a network-only
page is never rendered for an anonymous visitor, so never kept under an anonymous key).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import wraps

from flask import Flask, Response, current_app, make_response, request, session

from . import ROOT
from .auth.sessions import may_be_logged_in

# What an anonymous session may hold and still get the shared page: none of it changes a public page.
_NEUTRAL_SESSION_KEYS = frozenset({"locale", "csrf_token", "_fresh", "_id", "_permanent"})


@dataclass(frozen=True)
class _Page:
    body: bytes
    content_type: str
    stored: float
    gzipped: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


def _gzip(body: bytes) -> bytes | None:
    """Compressed once when kept, sent to every visitor whose browser accepts it (a library page
    with all its facets is over a megabyte at national scale, a tenth of that gzipped)."""
    return gzip.compress(body, compresslevel=6, mtime=0) if len(body) > 1024 else None


@dataclass(frozen=True)
class Replay:
    """A response as Flask gave it to start_response, its body, and the generation it is of."""

    generation: int
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    stored: float

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers)


class PageCache:
    """Least recently used first out, bounded by the bytes of the bodies it holds."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[tuple, _Page | Replay] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple, max_age: float) -> _Page | Replay | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if time.monotonic() - page.stored > max_age:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: _Page | Replay) -> None:
        if page.size > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: tuple) -> None:
        self._bytes -= self._pages.pop(key).size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)


_release: tuple[str, datetime] | None = None


def release() -> tuple[str, datetime]:
    """A digest of the code, templates, static files and translations, with the newest of their
    moments: a deploy changes pages without moving the library's generation."""
    global _release
    if _release is None:
        digest, newest = hashlib.sha256(), 0.0
        for folder, pattern in (("leernetwerk", "*.py"), ("templates", "*"), ("static", "*"),
                                ("translations", "*.po")):
            for path in sorted((ROOT / folder).rglob(pattern)):
                if path.is_file():
                    digest.update(str(path.relative_to(ROOT)).encode())
                    digest.update(path.read_bytes())
                    newest = max(newest, path.stat().st_mtime)
        _release = (digest.hexdigest()[:16], datetime.fromtimestamp(int(newest), timezone.utc))
    return _release


def is_anonymous_request() -> bool:
    """Anonymous, decided without touching the database: no login in the session, no remember
    cookie, and nothing in the session that could change a page."""
    return not may_be_logged_in() and set(session.keys()) <= _NEUTRAL_SESSION_KEYS


def _language() -> str:
    chosen = session.get("locale")
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def _cache() -> PageCache:
    cache = current_app.extensions.get("page_cache")
    if cache is None:
        cache = current_app.extensions["page_cache"] = PageCache(current_app.config["PAGE_CACHE_BYTES"])
    return cache


def _public_headers(response: Response, etag: str, changed: datetime) -> Response:
    config = current_app.config
    response.set_etag(etag)
    response.last_modified = changed
    response.headers["Cache-Control"] = (f"public, max-age={config['PUBLIC_MAX_AGE']}, "
                                         f"stale-while-revalidate={config['PUBLIC_STALE_WHILE_REVALIDATE']}")
    # The language of an anonymous visitor is in the session cookie.
    response.vary.add("Cookie")
    return response


def public_page(view: Callable) -> Callable:
    """Cache a public view's page for anonymous visitors (see the module's docstring)."""
    from .library import generation

    @wraps(view)
    def wrapper(*args: object, **kwargs: object):  # noqa: ANN202
        if request.method not in ("GET", "HEAD") or not is_anonymous_request():
            return view(*args, **kwargs)
        number, changed_at = generation.current()
        code, released = release()
        key = (code, number, _language(), request.path, request.query_string)
        etag = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
        changed = max(changed_at or released, released)
        if request.if_none_match.contains(etag) or request.if_none_match.contains(etag + "-gz"):
            response = Response(status=304)
            return _public_headers(response, etag, changed)
        cache = _cache()
        max_age = current_app.config["PAGE_CACHE_SECONDS"]
        page = cache.get(key, max_age) if max_age > 0 else None
        if page is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or session.modified or response.direct_passthrough:
                return response
            body = response.get_data()
            page = _Page(body, response.content_type, time.monotonic(), _gzip(body) if max_age > 0 else None)
            if max_age > 0:
                cache.put(key, page)
        response = Response(page.body, content_type=page.content_type)
        if page.gzipped is not None and "gzip" in request.accept_encodings:
            response.set_data(page.gzipped)
            response.headers["Content-Encoding"] = "gzip"
            etag += "-gz"
        response.vary.add("Accept-Encoding")
        _public_headers(response, etag, changed)
        if "If-Modified-Since" in request.headers or "Range" in request.headers:
            return response.make_conditional(request)
        if number:  # the same request under this generation gets the same answer (Replays)
            request.environ[_REPLAYABLE] = number
        return response  # nothing to compare: skip the parsing every other request would pay

    return wrapper


_REPLAYABLE = "leernetwerk.replayable"  # in the WSGI environ: Flask answered with a kept public page
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")


def call_recorded(wsgi_app: Callable, environ: dict, start_response: Callable) -> tuple[Iterable[bytes], list]:
    """Call a WSGI app; also return [status, headers] as it gave them to start_response (filled in
    once the call returns)."""
    answered: list = []

    def capture(status: str, headers: list, exc_info=None):  # noqa: ANN001, ANN202 - WSGI's
        answered[:] = [status, headers]
        return start_response(status, headers, exc_info)

    return wsgi_app(environ, capture), answered


def read_all(body: Iterable[bytes]) -> bytes:
    """A WSGI body in one piece, closed as WSGI asks."""
    try:
        return b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


class Replays:
    """WSGI middleware in front of Flask: a plain anonymous GET of a public page is answered with
    the response Flask gave for the same request under the same library generation.

    "The same request": path, query string, Accept-Encoding (it picks the gzipped copy), scheme
    and host, without a session or remember cookie (so in the default language, with nothing in
    a session) and without a conditional header (Flask answers 304s). Only a response that
    `public_page` marked as its kept page is replayed (a 200 for anonymous visitors that set no
    cookie); anything else goes to Flask as before, and so does a request never answered that
    way (no extra read for other pages). For one answered before, the generation is read, as Flask
    would read it, and the answer is replayed only when it was made under that generation: a
    withdrawal is never replayed. Kept at most PAGE_CACHE_SECONDS, like the pages."""

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        from .library import generation

        self.wsgi_app, self.app, self.generation = wsgi_app, app, generation
        config = app.config
        self.max_age = config["PAGE_CACHE_SECONDS"]
        self.cookies = (config["SESSION_COOKIE_NAME"] + "=",
                        config.get("REMEMBER_COOKIE_NAME", "remember_token") + "=")
        self.replays = app.extensions["page_replays"] = PageCache(config["PAGE_CACHE_BYTES"])

    def _may_replay(self, environ: dict) -> bool:
        if environ.get("REQUEST_METHOD") != "GET" or self.max_age <= 0:
            return False
        cookie = environ.get("HTTP_COOKIE")
        if cookie and any(name in cookie for name in self.cookies):
            return False
        return not any(header in environ for header in CONDITIONAL)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self._may_replay(environ):
            return self.wsgi_app(environ, start_response)
        key = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT_ENCODING", ""),
               environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"))
        kept = self.replays.get(key, self.max_age)
        if kept is not None:  # a page answered before: the generation decides whether it still is
            try:
                with self.app.app_context():
                    number = self.generation.LIBRARY.committed()
            except Exception:  # noqa: BLE001 - the database is away: Flask answers as it does then
                number = None
            if number == kept.generation:
                start_response(kept.status, list(kept.headers))
                return [kept.body]
        body, answered = call_recorded(self.wsgi_app, environ, start_response)
        number = environ.get(_REPLAYABLE)
        if not number:
            return body
        data = read_all(body)
        status, headers = answered
        names = {name.lower() for name, _value in headers}
        if status.startswith("200") and "set-cookie" not in names and any(
                name.lower() == "cache-control" and value.startswith("public") for name, value in headers):
            self.replays.put(key, Replay(number, status, list(headers), data, time.monotonic()))
        return [data]
