"""Small text helpers: readable slugs."""

from __future__ import annotations

import re
import unicodedata


def slugify(value: str, max_length: int = 200) -> str:
    """'Zorgpad kwetsbare zwangeren (v2)' -> 'zorgpad-kwetsbare-zwangeren-v2'; accents dropped."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"
