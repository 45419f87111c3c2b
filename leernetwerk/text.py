"""Small text helpers: readable slugs, one-line text."""

from __future__ import annotations

import re
import unicodedata


def slugify(value: str, max_length: int = 200) -> str:
    """'Zorgpad kwetsbare zwangeren (v2)' -> 'zorgpad-kwetsbare-zwangeren-v2'; accents dropped."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


# Control characters (C0, DEL, C1: line breaks, tabs, NUL, ...) and the Unicode line and
# paragraph separators: everything str.splitlines() breaks on, and more.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def single_line(value: str | None) -> str | None:
    """Text on one line: each run of control characters becomes one space. For titles, subjects
    and names (they end up in mail headers and one-line layouts) and for every mail header."""
    return _CONTROL.sub(" ", value) if isinstance(value, str) else value
