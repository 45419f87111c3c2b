"""Every link each demo role is shown leads somewhere: a breadth-first crawl of the demo data.

As each demo login (and as an anonymous visitor) the crawler starts at `/` and `/mijn` and
follows every same-site <a href> breadth-first, GET only, up to MAX_PAGES requests per role.
Redirects are followed as links of the page that linked them. It fails on:

- any 5xx (with the app's traceback);
- an HTML page without an <h1>;
- a link that answers 404 (with the pages that show it);
- a link shown to the role that it may not follow: 403, or for a visitor a redirect to the
  login page; a dead end either way.

Files (attachments, the calendar feed, the Atom feed, JSON) are fetched for their status only.
What was crawled is written to test-artifacts/crawl/<role>.txt.
"""

from __future__ import annotations

import re
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
import pytest

from leernetwerk.demo import DEMO_LOGINS, DEMO_PASSWORD

MAX_PAGES = 300
START = ("/", "/mijn")
# Links that would change something on GET, or end the session, if the app ever made one.
SKIP = re.compile(r"/uitloggen|/afmelden/")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "crawl"
ROLES = ["anonymous"] + [email for email, _ in DEMO_LOGINS]


def _site_path(href: str, base: str) -> str | None:
    """The same-site path (with query, without fragment) an href points to, or None."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin("http://localhost" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _app_traceback(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/leernetwerk/" in f.filename]
    return "".join(traceback.format_list(frames) + traceback.format_exception_only(exc)).rstrip()


@dataclass
class Crawl:
    client: object
    role: str
    linked_from: dict[str, list[str]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)

    def _shown_on(self, path: str) -> str:
        pages = self.linked_from.get(path, [])
        more = f" and {len(pages) - 3} more" if len(pages) > 3 else ""
        return ", ".join(pages[:3]) + more

    def run(self) -> None:
        queue: deque[str] = deque()
        for path in START:
            self.linked_from[path] = ["(start)"]
            queue.append(path)
        while queue and len(self.fetched) < MAX_PAGES:
            path = queue.popleft()
            for target in self.fetch(path):
                if target not in self.linked_from:
                    self.linked_from[target] = [path]
                    if not SKIP.search(target):
                        queue.append(target)
                elif path not in self.linked_from[target]:
                    self.linked_from[target].append(path)
        if queue:
            self.statuses["not crawled (limit reached)"] = len(queue)

    def fetch(self, path: str) -> list[str]:
        """GET one path; check it; return the same-site paths it leads to."""
        self.fetched.append(path)
        started_here = self.linked_from[path] == ["(start)"]
        try:
            response = self.client.get(path)
        except Exception as exc:  # noqa: BLE001 - the test app propagates what a server would answer 500 to
            self.statuses[500] += 1
            self.failures.append(f"500 on {path} (linked from {self._shown_on(path)}):\n{_app_traceback(exc)}")
            return []
        status = response.status_code
        self.statuses[status] += 1
        if status >= 500:
            self.failures.append(f"{status} on {path} (linked from {self._shown_on(path)})")
        elif status == 404:
            self.failures.append(f"404 on {path}, linked from {self._shown_on(path)}")
        elif status in (401, 403) and not started_here:
            self.failures.append(f"{status} (a dead end for {self.role}) on {path}, shown on {self._shown_on(path)}")
        if 300 <= status < 400:
            target = _site_path(response.headers.get("Location", ""), path)
            if target is None:
                return []
            if (self.role == "anonymous" and urlsplit(target).path == "/inloggen"
                    and urlsplit(path).path != "/inloggen" and not started_here):
                self.failures.append(f"login needed (a dead end for a visitor) on {path}, "
                                     f"shown on {self._shown_on(path)}")
            return [target]
        is_html = response.mimetype == "text/html"
        if status != 200 or not is_html or response.headers.get("Content-Disposition", "").startswith("attachment"):
            return []  # a file, a feed, or an error page: its status is what counts
        document = lxml.html.fromstring(response.data)
        if not document.xpath("//h1"):
            self.failures.append(f"no <h1> on {path} (linked from {self._shown_on(path)})")
        return [t for t in (_site_path(href, path) for href in document.xpath("//a/@href")) if t is not None]

    def report(self) -> str:
        lines = [f"{self.role}: {len(self.fetched)} requests; statuses {dict(sorted(self.statuses.items(), key=str))}"]
        lines += ["", "Failures:"] + [f"- {f}" for f in self.failures] if self.failures else ["No failures."]
        lines += ["", "Crawled:"] + [f"  {p}" for p in self.fetched]
        return "\n".join(lines) + "\n"


@pytest.fixture
def demo(app):
    """The demo data, loaded as `flask seed-demo` does."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("role", ROLES)
def test_every_link_a_role_is_shown_leads_somewhere(role: str, demo, make_client):
    """As `role`, breadth-first from / and /mijn: no 5xx, an <h1> on every page, no link that
    answers 404, and no link shown that the role may not follow."""
    client = make_client()
    if role != "anonymous":
        response = client.post("/inloggen", data={"email": role, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.text
    crawl = Crawl(client, role)
    crawl.run()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{role.split('@')[0]}.txt").write_text(crawl.report(), encoding="utf-8")
    assert len(crawl.fetched) > (1 if role == "anonymous" else 20), crawl.report()
    assert not crawl.failures, f"{len(crawl.failures)} failure(s) as {role}:\n" + "\n".join(crawl.failures)


@pytest.mark.parametrize("role", [email for email, _ in DEMO_LOGINS])
def test_reading_every_page_a_role_is_shown_changes_no_data(role: str, demo, make_client, app, monkeypatch):
    """A second crawl (a session's first looks may note a moment) writes nothing: the generation
    of all data stays where it is, so a person's kept pages (personal_pages.py) stay valid while
    people only read, and no GET takes the write lock."""
    from leernetwerk.generations import DATA

    client = make_client()
    assert client.post("/inloggen", data={"email": role, "password": DEMO_PASSWORD}).status_code == 302
    Crawl(client, role).run()
    monkeypatch.setitem(app.config, "PERSONAL_PAGE_SECONDS", 0)  # Flask draws every page again
    before = DATA.committed()
    again = Crawl(client, role)
    again.run()
    assert len(again.fetched) > 20
    assert DATA.committed() == before
