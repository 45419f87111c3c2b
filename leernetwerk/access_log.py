"""Access logs without the secrets in links: the calendar feed, unsubscribe, password reset and
invitation links carry their permission in the path, so a log line with the full path would
hand it to whoever reads the logs.

`redact(text)` replaces each such token with `[token]`, also inside a `next=` parameter or a
Referer. `RedactingLogger` is gunicorn's logger with every URL-bearing atom redacted; the
production command uses it (`gunicorn.conf.py` sets `logger_class`). `RedactingFilter` does the
same for the development server's log (werkzeug), installed by `create_app`.
"""

from __future__ import annotations

import logging
import re

# /agenda/<token>.ics, /meldingen/afmelden/<token>, /wachtwoord-herstellen/<token>,
# /uitnodiging/<token>; the slash may be percent-encoded (in ?next=...).
_SLASH = r"(?:/|%2[Ff])"
TOKEN_PATHS = re.compile(
    rf"({_SLASH}(?:agenda|meldingen{_SLASH}afmelden|wachtwoord-herstellen|uitnodiging){_SLASH})"
    r"[^/?#\s\"'&%]+"
)


def redact(text: str) -> str:
    return TOKEN_PATHS.sub(r"\1[token]", text)


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is a runtime requirement
    _GunicornLogger = object  # type: ignore[assignment,misc]


class RedactingLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """gunicorn's logger; the request line, path, query and referer in access logs are redacted."""

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001, ANN201
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        for key in list(atoms):
            if key.startswith("{") and key.lower() in ("{referer}i", "{raw_uri}e", "{path_info}e", "{request_uri}e"):
                atoms[key] = redact(atoms[key]) if isinstance(atoms[key], str) else atoms[key]
        return atoms


class RedactingFilter(logging.Filter):
    """For the development server's access log (the `werkzeug` logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(record.msg) if isinstance(record.msg, str) else record.msg
        return True
