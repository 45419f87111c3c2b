"""Dutch search text: fold accents, split words, stem with Snowball, split compounds — the same on
every database.

Stemming and compound splitting happen here in Python (a pinned snowballstemmer, and a pinned
wordfreq for the Dutch lexicon), so SQLite and PostgreSQL index and query exactly the same
terms, whatever the server version. Both packages are pinned in requirements.txt because the
index depends on them: after changing either, run `flask --app wsgi library reindex`.
"""

from __future__ import annotations

import math
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


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball (Porter) Dutch, then one doubled final consonant undone, so that
    'zwangerschappen' and 'zwangerschap' meet ('zwangerschapp' -> 'zwangerschap'). Before
    Snowball, what it leaves alone is brought back to a known word of the lexicon (see
    `base_form`): diminutives, -eren plurals, -s after a vowel, verb forms in -t and ge-…-d/t."""
    return _DOUBLE_END.sub(r"\1", _stemmer.stemWord(base_form(word)))


_DIMINUTIVES = ("etjes", "etje", "tjes", "tje", "pjes", "pje", "jes", "je")


def _common(word: str, zipf: float = 3.0) -> bool:
    return len(word) >= MIN_PART and lexicon().get(word, 0.0) >= zipf


def base_form(word: str) -> str:
    """A word's form that Snowball stems like its relatives: kindje, kindjes -> kind; babytje ->
    baby; kinderen -> kind; bureaus -> bureau; werkt -> werk; gemeld -> meld. Only when the result
    is a common word of the lexicon, so 'meisje', 'oranje', 'start' and 'gezond' stay as they are."""
    if len(word) < 5 or not word.isalpha():
        return word
    for suffix in _DIMINUTIVES:
        if word.endswith(suffix):
            root = word[: -len(suffix)]
            if suffix.startswith("e") and _DOUBLE_END.search(root):
                root = root[:-1]
            if _common(root):
                return root
            break
    if word.endswith("eren") and _common(word[:-4], 3.5):
        return word[:-4]
    if word.endswith("s") and word[-2] in "aeiouy" and _common(word[:-1], 2.0):
        return word[:-1]
    if word.endswith("t") and word[-2] not in "rt" and _common(word[:-1]) and _common(word[:-1] + "en"):
        return word[:-1]
    if word.startswith("ge") and word[-1] in "dt" and len(word) >= 6 and not _common(word, 4.5):
        for middle in (word[2:-1], word[2:]):
            if _common(middle) and _common(middle + "en"):
                return middle
    return word


def words(text: str) -> list[str]:
    """The folded words of any text; anything that is not a letter or digit is a separator."""
    return _WORD.findall(fold(text or ""))


def terms(text: str) -> list[str]:
    """The stemmed terms of any text."""
    return [stem(w) for w in words(text)]


def index_text(text: str) -> str:
    return " ".join(terms(text))


# --- compound words ---------------------------------------------------------------------------
# Dutch writes compounds as one word (kraamzorg, schuldhulpverlening). A compound is indexed as
# itself and, with a lower weight, as its parts, so that "zorg" finds "kraamzorg" while a search
# for "kraamzorg" still ranks the exact word first. The parts come from a Dutch lexicon with word
# frequencies (wordfreq, pinned): a split is kept only where
#   - every part is a known word of at least MIN_PART letters (a final part of three letters,
#     such as "pad" in "zorgpad", only when it is common and the whole word much rarer),
#   - the whole word is not more common than its rarest part (so "zwangerschap" stays whole,
#     and "zorgen" is never "zorg" + "en"),
#   - a linking morpheme (-s-, -e-, -en-) between the parts is allowed,
#   - the first part is not a particle or pronominal adverb (voorkomen, daardoor, overleg),
#   - the boundary is not a doubled consonant (stoppen is not stop + pen).
MIN_PART = 4
_LINKS = ("", "s", "e", "en")
# Word endings and particles that are words of their own in the lexicon but never a meaningful
# part of a compound in this sense; this is analysis (like a stop-word list), not the lexicon.
_NOT_HEADS = frozenset(
    "heid heden schap schappen ling lingen lijk lijke baar bare isch ische tjes erij eren ende ster sters "
    "aars enis ering atie igen ingen erde eden sche".split())
_NOT_MODIFIERS = frozenset(
    "voor over onder door waar daar hier tegen naar achter binnen buiten boven tussen terug samen neer "
    "even mede inge best vers acht weer zich zelf toen vast rond mijn".split())


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """Folded Dutch words (3+ letters) with their Zipf frequency (about 1 to 7.5)."""
    from wordfreq import get_frequency_dict

    result: dict[str, float] = {}
    for word, frequency in get_frequency_dict("nl", wordlist="large").items():
        if frequency < 1e-7 or len(word) < 3 or not word.isalpha():
            continue
        folded = fold(word)
        if folded.isascii():
            zipf = math.log10(frequency) + 9
            if zipf > result.get(folded, 0.0):
                result[folded] = zipf
    for word in _NOT_HEADS:
        result.pop(word, None)
    return result


def _known(part: str, head: bool) -> float | None:
    zipf = lexicon().get(part)
    if zipf is None:
        return None
    if len(part) >= 7:
        return zipf if zipf >= 2.0 else None
    if len(part) >= MIN_PART:
        return zipf if zipf >= 3.0 else None
    return zipf if head and len(part) == 3 and zipf >= 4.0 else None


@lru_cache(maxsize=100_000)
def _split(word: str) -> tuple[str, str] | None:
    """The best split of `word` into modifier + head, or None."""
    best: tuple[float, str, str] | None = None
    whole = lexicon().get(word, 0.0)
    for cut in range(MIN_PART, len(word) - 2):
        head = word[cut:]
        head_zipf = _known(head, True)
        if head_zipf is None:
            continue
        left = word[:cut]
        for link in _LINKS:
            if link and not left.endswith(link):
                continue
            modifier = left[: len(left) - len(link)]
            if len(modifier) < MIN_PART or modifier in _NOT_MODIFIERS:
                continue
            modifier_zipf = _known(modifier, False)
            if modifier_zipf is None:
                continue
            score = min(modifier_zipf, head_zipf)
            if score - whole < (1.5 if len(head) == 3 else 0.0):
                continue
            if not link and modifier[-1] == head[0] and modifier[-1] not in "aeiou":
                continue
            if best is None or score > best[0]:
                best = (score, modifier, head)
    return (best[1], best[2]) if best else None


@lru_cache(maxsize=100_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The parts of a folded compound word, at every level: 'jeugdgezondheidszorg' ->
    ('jeugd', 'gezondheidszorg', 'gezondheid', 'zorg'); () for a word that is not one."""
    if len(word) < 2 * MIN_PART - 1 or not word.isalpha():
        return ()
    split = _split(word)
    if split is None:
        return ()
    parts = list(split)
    for part in split:
        parts.extend(p for p in compound_parts(part) if p not in parts)
    return tuple(parts)


def part_terms(word: str) -> list[str]:
    """The stemmed parts of a folded word, without its own stem."""
    own = stem(word)
    result: list[str] = []
    for part in compound_parts(word):
        term = stem(part)
        if term != own and term not in result:
            result.append(term)
    return result


def index_parts(text: str) -> str:
    """The stemmed compound parts of a text, one per compound occurrence, for the low-weight field."""
    return " ".join(term for w in words(text) for term in part_terms(w))


# --- queries ----------------------------------------------------------------------------------

# Words that carry no meaning in a query (and search operators people type out of habit).
STOP_WORDS = frozenset(
    "de het een en of in op van voor met aan bij te om als is dat die dit er naar door over tot uit "
    "and or not".split()
)


def query_words(query: str, limit: int = 12) -> list[str]:
    """The folded words of a user's query without stop words; operators, quotes and markup are
    just separators here."""
    seen: list[str] = []
    for word in _WORD.findall(fold(query or "")):
        if word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen[:limit]


def query_terms(query: str, limit: int = 12) -> list[str]:
    """Stemmed terms of a user's query."""
    seen: list[str] = []
    for term in (stem(w) for w in query_words(query, limit)):
        if term not in seen:
            seen.append(term)
    return seen


# --- display ----------------------------------------------------------------------------------

_MARKDOWN_NOISE = re.compile(r"[#*_>`\[\]()!|~]+|(?<!\w)-+|-+(?!\w)")
_BLOCK_START = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|>)")
_ENDS_SENTENCE = re.compile(r"[.!?:;…]$")
SEPARATOR = " · "


def plain(markdown_text: str) -> str:
    """Markdown reduced to readable text for snippets and the index. Headings, list items and
    paragraphs stay apart: a block that does not end a sentence is closed with ' · ', so a
    heading does not run into the sentence after it."""
    blocks: list[str] = []
    current: list[str] = []

    def close() -> None:
        text = re.sub(r"\s+", " ", " ".join(current)).strip()
        if text:
            blocks.append(text)
        current.clear()

    for line in (markdown_text or "").splitlines():
        if not line.strip():
            close()
            continue
        if _BLOCK_START.match(line):
            close()
        current.append(_MARKDOWN_NOISE.sub(" ", line))
        if line.lstrip().startswith("#"):
            close()
    close()
    out = ""
    for block in blocks:
        if out:
            out += " " if _ENDS_SENTENCE.search(out) else SEPARATOR
        out += block
    return out


def join_blocks(*texts: str) -> str:
    """Texts one after another, kept apart like plain() keeps blocks apart."""
    out = ""
    for text in (t.strip() for t in texts):
        if text:
            if out:
                out += " " if _ENDS_SENTENCE.search(out) else SEPARATOR
            out += text
    return out


@lru_cache(maxsize=100_000)
def word_terms(word: str) -> frozenset[str]:
    """The terms a word in a text is found by: its stem and the stems of its compound parts."""
    folded = fold(word)
    return frozenset([stem(folded), *part_terms(folded)])


def matches_word(word: str, wanted: frozenset[str]) -> bool:
    """Whether a word in a text is one of the searched terms, as itself or as a compound part."""
    return not word_terms(word).isdisjoint(wanted)


def snippet(text: str, wanted: list[str] | frozenset[str], width: int = 220) -> Markup:
    """A piece of `text` around the first matching word, matches wrapped in <mark>; escaped."""
    wanted = frozenset(wanted)
    first = next((m for m in re.finditer(r"\w+", text) if matches_word(m.group(), wanted)), None) if wanted else None
    if first is not None:
        centre = first.start()
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
        if wanted and matches_word(m.group(), wanted):
            out.append(escape(piece[last:m.start()]))
            out.append(Markup("<mark>") + escape(m.group()) + Markup("</mark>"))
            last = m.end()
    out.append(escape(piece[last:]))
    prefix = Markup("… ") if start > 0 else Markup("")
    suffix = Markup(" …") if end < len(text) else Markup("")
    return prefix + Markup("").join(out) + suffix
