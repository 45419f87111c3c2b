"""Dutch search text: fold accents, split words, stem with Snowball — the same on every database.

Stemming happens here in Python (a pinned snowballstemmer), so SQLite and PostgreSQL index and
query exactly the same terms, whatever the server version.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup, escape

_WORD = re.compile(r"[0-9a-z]+")
_DOUBLE_END = re.compile(r"([bcdfghjklmnpqrstvwxz])\1$")
_stemmer = snowballstemmer.stemmer("dutch_porter")


def fold(text: str) -> str:
    """Lower case without accents: 'Coöperatie' -> 'cooperatie'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball (Porter) Dutch, then one doubled final consonant undone, so that
    'zwangerschappen' and 'zwangerschap' meet ('zwangerschapp' -> 'zwangerschap')."""
    return _DOUBLE_END.sub(r"\1", _stemmer.stemWord(word))


def terms(text: str) -> list[str]:
    """The stemmed terms of any text; anything that is not a letter or digit is a separator."""
    return [stem(w) for w in _WORD.findall(fold(text or ""))]


def index_text(text: str) -> str:
    return " ".join(terms(text))


# Words that carry no meaning in a query (and search operators people type out of habit).
STOP_WORDS = frozenset(
    "de het een en of in op van voor met aan bij te om als is dat die dit er naar door over tot uit "
    "and or not".split()
)


def query_terms(query: str, limit: int = 12) -> list[str]:
    """Terms of a user's query: operators, quotes and markup are just separators here."""
    seen: list[str] = []
    words = [w for w in _WORD.findall(fold(query or "")) if w not in STOP_WORDS]
    for term in (stem(w) for w in words):
        if term not in seen:
            seen.append(term)
    return seen[:limit]


_MARKDOWN_NOISE = re.compile(r"[#*_>`\[\]()!|~-]+")


def plain(markdown_text: str) -> str:
    """Markdown reduced to readable text for snippets and the index."""
    return re.sub(r"\s+", " ", _MARKDOWN_NOISE.sub(" ", markdown_text or "")).strip()


def snippet(text: str, wanted: list[str], width: int = 220) -> Markup:
    """A piece of `text` around the first matching word, matches wrapped in <mark>; escaped."""
    words = list(re.finditer(r"\w+", text))
    hits = [m for m in words if stem(fold(m.group())) in wanted] if wanted else []
    if hits:
        centre = hits[0].start()
        start = max(0, text.rfind(" ", 0, max(0, centre - width // 3)) + 1)
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    out, last = [], 0
    for m in re.finditer(r"\w+", piece):
        if wanted and stem(fold(m.group())) in wanted:
            out.append(escape(piece[last:m.start()]))
            out.append(Markup("<mark>") + escape(m.group()) + Markup("</mark>"))
            last = m.end()
    out.append(escape(piece[last:]))
    prefix = Markup("… ") if start > 0 else Markup("")
    suffix = Markup(" …") if end < len(text) else Markup("")
    return prefix + Markup("").join(out) + suffix
