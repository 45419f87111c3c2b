"""What a URL carries, read in one place: row ids in paths and query strings, page numbers, and
links to another page of a list built from the page's known parameters only.

Anything that is not a valid id is not an id: a path id outside 1..MAX_ID does not match its
route (404), and a query-string id outside it counts as absent. So `²` (which passes
`str.isdigit()` but not `int()`), `٣` and numbers past the database's integer range never reach
a query, where they would fail with a 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import request
from werkzeug.routing import BaseConverter, ValidationError

# PostgreSQL's `integer`, the type of every id column. SQLite's integers are wider (and stop at
# 2**63 - 1), but the ids either database makes stay well inside this range.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")  # ASCII digits only: `\d` and isdigit() also take '٣' and '²'
MAX_PAGE = 10_000


def parse_id(value: object) -> int | None:
    """The id a text stands for, or None when it is not one: ASCII digits, 1 to MAX_ID."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values: Iterable[object], limit: int = 20) -> list[int]:
    """The ids among `values`, each once, in order, at most `limit`; the rest is left out."""
    found: list[int] = []
    for value in values:
        number = parse_id(value)
        if number is not None and number not in found:
            found.append(number)
    return found[:limit]


def arg_id(name: str) -> int | None:
    """The id in the query string's `name`, or None when it is absent or not an id."""
    return parse_id(request.args.get(name))


def parse_page(value: object, default: int = 1, maximum: int = MAX_PAGE) -> int:
    """A page number (or a page size) between 1 and `maximum`; `default` when it is not a number."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return default
    return maximum if len(value) > 9 else max(1, min(int(value), maximum))


def arg_page(name: str = "pagina") -> int:
    return parse_page(request.args.get(name))


def known_args(names: Iterable[str]) -> dict[str, list[str]]:
    """The query string's values for `names` only: what a link to another page of the list keeps."""
    return {name: values for name in names if (values := [v for v in request.args.getlist(name) if v])}


class IdConverter(BaseConverter):
    """`<int:...>` in every route: a row id, 1 to MAX_ID, in ASCII digits. Anything else does not
    match the route, so it answers 404 before any query runs."""

    regex = r"[0-9]{1,10}"
    weight = 50  # as werkzeug's IntegerConverter, so routes keep their order
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError
        return number

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]
