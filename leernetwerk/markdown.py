"""Markdown to HTML, always through the nh3 sanitiser: no script, no handlers, no javascript:."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown as md
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


class _DemoteHeadings(Treeprocessor):
    """A page has one h1 (its title): a text that uses '# Kop' has all its headings moved one
    level down ('#' to h2, '##' to h3, …); a text that starts at '##' keeps its levels."""

    def run(self, root) -> None:  # noqa: ANN001
        if root.find(".//h1") is None:
            return
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5"):
                element.tag = f"h{int(element.tag[1]) + 1}"


class _PlainTextHtml(Extension):
    """Raw HTML typed in a text is shown as text (escaped), not interpreted and not dropped."""

    def extendMarkdown(self, markdown: md.Markdown) -> None:  # noqa: N802
        markdown.preprocessors.deregister("html_block")
        markdown.inlinePatterns.deregister("html")
        markdown.treeprocessors.register(_DemoteHeadings(markdown), "demote_headings", 5)


_local = threading.local()


def _converter() -> md.Markdown:
    """One converter per thread, reset before each text: setting one up (its extensions and
    patterns) costs more than converting a short text, and a page may show a hundred updates."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=["extra", "sane_lists", _PlainTextHtml()],
                                                   output_format="html")
    return converter.reset()


KEPT_LENGTH = 4000  # texts up to this long (updates, answers, summaries) are converted once per process


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown to safe HTML."""
    if not text:
        return Markup("")
    if len(text) <= KEPT_LENGTH:
        return _render_kept(text)
    return _render(text)


@lru_cache(maxsize=4096)  # at most ~16 MB of text and its HTML per process
def _render_kept(text: str) -> Markup:
    """The same text always gives the same HTML: a work package's hundred updates are read far
    more often than they are written."""
    return _render(text)


def _render(text: str) -> Markup:
    html = _converter().convert(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # nosec B704 # `clean` is nh3's output: allow-listed tags, attributes and URL schemes
