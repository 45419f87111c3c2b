"""Helpers for browser tests: a person's login as plain values, logging in through the form."""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from leernetwerk.auth.models import User
from leernetwerk.extensions import db
from tests import factories


@dataclass(frozen=True)
class Person:
    """Who logs in, as plain values that outlive the test's transaction."""

    email: str
    name: str
    password: str = factories.PASSWORD


def visitor(user: User) -> Person:
    """The user's login as plain values, with the test's transaction ended.

    Reading the user began a transaction in the test's session, and on SQLite a transaction
    outside a GET request takes the write lock at BEGIN (leernetwerk.database): while the test
    holds it, the live server cannot log anyone in.
    """
    person = Person(email=user.email, name=user.name)
    db.session.commit()
    return person


def log_in(page: Page, person: Person, password: str | None = None) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(person.email)
    page.get_by_label("Wachtwoord", exact=True).fill(password or person.password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


# axe-core against WCAG 2.1 A and AA.
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}"""

PHONE = {"width": 360, "height": 740}


def assert_accessible(page: Page, width: str) -> None:
    """axe finds nothing against WCAG 2.1 A/AA, and no id is used twice."""
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, f"at {width}:\n{results.generate_report()}"
    # WCAG 2.1 4.1.1: axe 4.12 no longer checks ids that no ARIA attribute refers to; every id counts here.
    assert page.evaluate(DUPLICATE_IDS) == [], f"duplicate ids at {width}"


def assert_accessible_on_desktop_and_phone(page: Page) -> None:
    """The page as it is (1280 px), then the same page at 360 px, where nothing may scroll sideways."""
    assert_accessible(page, "1280 px")
    page.set_viewport_size(PHONE)
    assert_accessible(page, "360 px")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
