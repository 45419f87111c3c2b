"""User Markdown is rendered through a sanitiser: no script, no handlers, no dangerous URLs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from leernetwerk.markdown import render_markdown


@pytest.fixture(autouse=True)
def db():
    """Rendering touches no database: skip the per-test emptying of every table."""
    yield None


XSS_PAYLOADS = [
    # script in every spelling
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<svg><script>alert(1)</script></svg>",
    "<div markdown=\"1\"><script>alert(1)</script></div>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<a href='https://ok.example' onclick='alert(1)'>x</a>",
    "<abbr title=\"VSV\" onmouseover=\"alert(1)\">VSV</abbr>",
    "<td align=\"left\" onclick=alert(1)>x</td>",
    "# Kop {: onclick=alert(1) }",
    "Tekst\n{: onmouseover=\"alert(1)\" }",
    # javascript:, vbscript:, data: and file: URLs, however they are spelled
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;vascript:alert(1))",
    "[x]( javascript:alert(1) \"t\")",
    "[x](<javascript:alert(1)>)",
    "[x](\x01javascript:alert(1))",
    "[a][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
    "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058"
    "alert(1)\">x</a>",
    "<a href=\"javas\x00cript:alert(1)\">x</a>",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<a href=\"file:///etc/passwd\">x</a>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<base href=\"javascript:/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    # style and embedding
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<img src=\"x\" style=\"x:expression(alert(1))\">",
    "<a href=\"https://ok.example\" style=\"position:fixed;top:0\">ok</a>",
    "Tekst\n{: style=\"color:red\" }",
    "<style>body{display:none}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<IFRAME SRC=\"javascript:alert(1)\"></IFRAME>",
    "<object data=x></object><embed src=x>",
    # entities and text that only looks like markup
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "[x](http://ok.example \"onerror=alert(1)\")",
]

SAFE_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN_TAGS = {"script", "iframe", "svg", "math", "object", "embed", "style", "link", "meta", "base", "form",
                  "img", "body", "details", "noscript"}


class _Markup(HTMLParser):
    """Every start tag and attribute, with character references resolved as a browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def _url_scheme(url: str) -> str | None:
    # The WHATWG URL parser strips leading/trailing controls and spaces and removes tabs and
    # newlines anywhere before it looks for the scheme.
    url = re.sub(r"[\t\n\r]", "", url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                            "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
                                            "\t\n\r"))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


def assert_harmless(html: str) -> None:
    """No dangerous tag, attribute or URL in the markup. Typed HTML shown as escaped text
    (`&lt;a href="javascript:…"&gt;`) is harmless and allowed; the parser below checks markup."""
    lowered = html.lower()
    for needle in ("<script", "<iframe", "<svg", "<style"):
        assert needle not in lowered, needle
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), "event handler attribute"
    parser = _Markup()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in FORBIDDEN_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), name
            assert name not in ("style", "src", "srcdoc", "formaction", "action"), name
            if name == "href":
                assert _url_scheme(value or "") in SAFE_SCHEMES | {None}, value


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_rendered_harmless(payload):
    html = render_markdown(payload)
    assert isinstance(html, Markup)
    assert_harmless(str(html))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_harmless_inside_ordinary_text(payload):
    html = str(render_markdown(f"## Verslag\n\nWe spraken met de VSV.\n\n- punt een\n- punt twee\n\n{payload}\n"))
    assert_harmless(html)
    assert re.search(r"<h[23]>Verslag</h[23]>", html) and "<li>punt twee</li>" in html


def test_links_keep_safe_schemes_and_open_without_opener():
    html = str(render_markdown(
        "[ROS](https://www.rosfriesland.nl/) en [oud](http://example.org/pad?a=1&b=2) "
        "en [mail](mailto:info@leernetwerk.test) en <https://kansrijkestart.nl>"
    ))
    assert '<a href="https://www.rosfriesland.nl/" rel="noopener noreferrer nofollow">ROS</a>' in html
    assert 'href="http://example.org/pad?a=1&amp;b=2"' in html
    assert 'href="mailto:info@leernetwerk.test"' in html
    assert '<a href="https://kansrijkestart.nl" rel="noopener noreferrer nofollow">https://kansrijkestart.nl</a>' in html


def test_ordinary_markdown_still_renders():
    html = str(render_markdown(
        "## Stappen\n\n"
        "### Signaleren\n\n"
        "Een **belangrijke** en *nadrukkelijke* zin met `code`.\n\n"
        "1. Signaleren\n2. Bespreken\n3. Doorverwijzen\n\n"
        "- verloskundige\n- kraamzorg\n\n"
        "> Citaat van een ouder\n\n"
        "| Partij | Rol |\n|:---|---:|\n| Fier | geweld |\n| MEE | beperking |\n\n"
        "---\n\n"
        "```\nregel één\n```\n"
    ))
    assert "<h2>Stappen</h2>" in html and "<h3>Signaleren</h3>" in html
    assert "<strong>belangrijke</strong>" in html and "<em>nadrukkelijke</em>" in html
    assert "<code>code</code>" in html
    assert "<ol>\n<li>Signaleren</li>\n<li>Bespreken</li>\n<li>Doorverwijzen</li>\n</ol>" in html
    assert "<ul>\n<li>verloskundige</li>\n<li>kraamzorg</li>\n</ul>" in html
    assert "<blockquote>" in html and "Citaat van een ouder" in html
    assert "<table>" in html and "<th>Partij</th>" in html and "<td>geweld</td>" in html
    assert "<hr>" in html
    assert "<pre><code>regel één\n</code></pre>" in html


def test_typed_html_is_shown_as_text_not_dropped():
    html = str(render_markdown("Gebruik <naam> van de cliënt en <b>vet</b>"))
    assert "Gebruik &lt;naam&gt; van de cliënt en &lt;b&gt;vet&lt;/b&gt;" in html


def test_a_level_one_heading_moves_down_so_the_page_keeps_one_h1():
    assert str(render_markdown("# Kop\n\n## Sub")) == "<h2>Kop</h2>\n<h3>Sub</h3>"
    assert str(render_markdown("## Kop")) == "<h2>Kop</h2>"


def test_text_that_looks_like_markup_stays_readable():
    html = str(render_markdown("5 < 6 & 7 > 3, en `<script>` als code"))
    assert "5 &lt; 6 &amp; 7 &gt; 3" in html
    assert "<code>&lt;script&gt;</code>" in html


def test_empty_input_renders_nothing():
    assert render_markdown(None) == Markup("") and render_markdown("") == Markup("")


def test_one_text_leaves_nothing_behind_for_the_next():
    """The converter is reused (per thread): abbreviations, footnotes and references of one text
    must not show up in the next."""
    first = render_markdown("ROS werkt.[^1] Zie [de site][ros].\n\n*[ROS]: Regionale Ondersteuningsstructuur\n\n"
                            "[^1]: Voetnoot.\n\n[ros]: https://example.org")
    assert "<abbr" in first and "footnote" in first and "https://example.org" in first
    second = render_markdown("ROS werkt. Zie [de site][ros].")
    assert "<abbr" not in second and "footnote" not in second and "example.org" not in second
