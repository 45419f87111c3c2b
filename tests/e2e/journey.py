"""Whole journeys through the app in a real browser, each page checked on arrival.

A `Trail` is one run of the journeys at one viewport: it numbers the pages visited, keeps a
full-page screenshot of each under test-artifacts/journeys/<viewport>/, and collects what is
wrong with them. A `Journey` is one person's browser on that trail; every navigation goes
through `arrived`, which checks the page:

- the server answered below 500 (with the server's traceback when it did not), and not with
  403, 404 or 405: a link or button on the way led to a dead end;
- axe-core finds no WCAG 2.1 A/AA violation, and no id is used twice;
- on a phone (360 px) nothing scrolls the page sideways.

Those page checks do not stop the journey: each finding is collected, and the trail fails at
its end with all of them, so one run shows every page that is wrong rather than the first.
Steps a person takes are asserted as usual and do stop it.
"""

from __future__ import annotations

import re
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from flask import Flask, got_request_exception, request
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Response, expect

from .browsing import DUPLICATE_IDS, WCAG_21_AA, Person

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "journeys"

# The innermost elements that stick out to the right, furthest first: what makes a page scroll sideways.
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  const clipped = (el) => {  // held inside a box that fits and scrolls or clips by itself
    // An absolutely positioned element escapes every scroll box below its containing block.
    let escapes = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (escapes && style.position === 'static') continue;
      escapes = false;
      if (style.overflowX !== 'visible' && box.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !clipped(el);
  });
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  innermost.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  return innermost.slice(0, 4).map((el) => describe(el) + ' to ' + Math.round(el.getBoundingClientRect().right) + ' px');
}"""


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int

    @property
    def name(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def is_phone(self) -> bool:
        return self.width <= 400


DESKTOP = Viewport(1280, 800)
PHONE = Viewport(360, 740)


@dataclass
class Problem:
    step: str
    url: str
    what: str

    def __str__(self) -> str:
        return f"[{self.step}] {self.url}\n    {self.what}"


@dataclass
class Trail:
    """One viewport's run through the journeys: numbered screenshots and every finding."""

    viewport: Viewport
    app: Flask
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pages: int = 0
    _server_errors: list[tuple[str, str]] = field(default_factory=list)
    _sections: list[tuple[str, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder = ARTIFACTS / self.viewport.name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.axe = Axe()
        self._started = time.monotonic()

    # --- the server's side -------------------------------------------------------------------

    def _on_exception(self, sender: Flask, exception: BaseException, **extra: object) -> None:
        """Runs in the live server's thread when a request raises: keep its traceback."""
        frames = [f for f in traceback.extract_tb(exception.__traceback__) if "/leernetwerk/" in f.filename]
        text = "".join(traceback.format_list(frames) + traceback.format_exception_only(exception))
        self._server_errors.append((f"{request.method} {request.full_path.rstrip('?')}", text))

    def __enter__(self) -> Trail:
        got_request_exception.connect(self._on_exception, self.app)
        return self

    def __exit__(self, kind, error, tb) -> None:
        got_request_exception.disconnect(self._on_exception, self.app)
        for where, text in self.take_server_errors():  # raised by a request no page showed
            self.problem("server", where, "exception\n" + _indent(text))
        self._sections.append(("end", time.monotonic()))
        self._write_report(error)
        if error is not None:
            if self.problems and isinstance(error, AssertionError | PlaywrightError):
                raise AssertionError(f"{error}\n\nFound before that:\n{self.summary()}") from error
            return
        assert not self.problems, self.summary()

    def take_server_errors(self) -> list[tuple[str, str]]:
        errors, self._server_errors[:] = list(self._server_errors), []
        return errors

    # --- bookkeeping -------------------------------------------------------------------------

    def problem(self, step: str, url: str, what: str) -> None:
        self.problems.append(Problem(step, url, what))

    def note(self, text: str) -> None:
        """Something measured that is worth reading but is not a failure."""
        self.notes.append(text)

    def section(self, name: str) -> None:
        """The start of a journey (A, B, ...), for the timings in the report."""
        self._sections.append((name, time.monotonic()))

    def next_screenshot(self, step: str) -> Path:
        self.pages += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        return self.folder / f"{self.pages:02d}-{slug}.png"

    def summary(self) -> str:
        lines = [f"{len(self.problems)} problem(s) at {self.viewport.name}:"]
        lines += [str(p) for p in self.problems]
        return "\n".join(lines)

    def _write_report(self, error: BaseException | None) -> None:
        lines = [f"Journeys at {self.viewport.name}: {self.pages} pages, {time.monotonic() - self._started:.1f} s"]
        for (name, start), (_next, end) in zip(self._sections, self._sections[1:], strict=False):
            if name != "end":
                lines.append(f"  {name}: {end - start:.1f} s")
        if error is not None:
            lines += ["", f"Stopped by: {type(error).__name__}: {error}"]
        lines += ["", self.summary() if self.problems else "No problems."]
        if self.notes:
            lines += ["", "Notes:"] + [f"  {n}" for n in self.notes]
        (self.folder / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


class Journey:
    """One person's browser on the trail; every page it arrives at is checked and kept."""

    def __init__(self, trail: Trail, page: Page, who: str) -> None:
        self.trail = trail
        self.page = page
        self.who = who
        self.response: Response | None = None
        page.on("response", self._record)

    def _record(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.response = response

    # --- moving around -------------------------------------------------------------------------

    def visit(self, path: str, step: str) -> None:
        """Type an address (or open a bookmark)."""
        self.page.goto(path)
        self.arrived(step)

    def click(self, target: Locator, step: str) -> None:
        """Click a link or a submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            target.click()
        self.arrived(step)

    def link(self, name: str, step: str, within: Locator | Page | None = None, exact: bool = True) -> None:
        self.click((within or self.page).get_by_role("link", name=name, exact=exact), step)

    def button(self, name: str, step: str, within: Locator | Page | None = None, exact: bool = True) -> None:
        self.click((within or self.page).get_by_role("button", name=name, exact=exact), step)

    def menu(self, name: str, step: str) -> None:
        self.link(name, step, within=self.page.get_by_role("navigation", name="Hoofdmenu"), exact=False)

    def back(self, step: str) -> None:
        """The browser's Back button."""
        self.page.go_back()
        self.arrived(step)

    def log_in(self, person: Person) -> None:
        """From the home page, through the header's 'Inloggen' and the form."""
        self.visit("/", "home")
        self.link("Inloggen", "login", within=self.page.get_by_role("banner"))
        self.page.get_by_label("E-mailadres").fill(person.email)
        self.page.get_by_label("Wachtwoord", exact=True).fill(person.password)
        self.button("Inloggen", "logged in")

    # --- what a person sees --------------------------------------------------------------------

    def heading(self, text: str) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(text)

    def flash(self, text: str) -> None:
        expect(self.page.get_by_role("status")).to_contain_text(text)

    def region(self, name: str, exact: bool = True) -> Locator:
        return self.page.get_by_role("region", name=name, exact=exact)

    # --- the checks on every page ------------------------------------------------------------

    def arrived(self, step: str) -> None:
        """The page after a navigation: server status, axe, sideways scrolling, a screenshot."""
        page = self.page
        page.wait_for_load_state("load")
        step = f"{self.who}: {step}"
        url = page.url
        status = self.response.status if self.response is not None else None
        page.screenshot(path=self.trail.next_screenshot(step), full_page=True)
        if status is not None and status >= 500:
            errors = self.trail.take_server_errors()
            detail = "\n".join(f"    {where}\n" + _indent(text) for where, text in errors) or "    (no traceback)"
            self.trail.problem(step, url, f"HTTP {status}\n{detail}")
            return  # the server's bare error page: nothing of ours to check on it
        if status in (403, 404, 405):
            self.trail.problem(step, url, f"HTTP {status}: a journey's link or button led to a dead end")
        results = self.trail.axe.run(page, options=WCAG_21_AA)
        if results.violations_count:
            self.trail.problem(step, url, "axe (WCAG 2.1 A/AA):\n" + _indent(results.generate_report()))
        duplicates = page.evaluate(DUPLICATE_IDS)
        if duplicates:
            self.trail.problem(step, url, f"ids used more than once: {', '.join(duplicates)}")
        if self.trail.viewport.is_phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > self.trail.viewport.width:
                wide = page.evaluate(WIDER_THAN_THE_SCREEN)
                self.trail.problem(step, url, f"scrolls sideways at {self.trail.viewport.width} px: page is "
                                   f"{width} px wide ({width - self.trail.viewport.width} px too wide); "
                                   f"sticking out: {'; '.join(wide) or '?'}")


def _indent(text: str) -> str:
    return "\n".join("      " + line for line in text.rstrip().splitlines())
