"""WCAG 2.1 A and AA: axe-core reports no violations on the key pages, in each state a person sees."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from leernetwerk.rounds.models import MemberRole
from tests import factories

from .browsing import WCAG_21_AA, Person, log_in, visitor

pytestmark = pytest.mark.e2e



def _home_anonymous(page: Page, me: Person) -> None:
    page.goto("/")


def _login(page: Page, me: Person) -> None:
    page.goto("/inloggen")


def _login_empty_form(page: Page, me: Person) -> None:
    page.goto("/inloggen")
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _login_wrong_password(page: Page, me: Person) -> None:
    log_in(page, me, password="verkeerd-wachtwoord")
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _home_logged_in(page: Page, me: Person) -> None:
    log_in(page, me)
    expect(page.get_by_role("main")).to_contain_text(f"Welkom, {me.name}")


def _people(page: Page, me: Person) -> None:
    log_in(page, me)
    page.goto("/beheer/mensen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mensen")


def _invite(page: Page, me: Person) -> None:
    log_in(page, me)
    page.goto("/beheer/mensen/uitnodigen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iemand uitnodigen")


def _audit_log(page: Page, me: Person) -> None:
    """The log with a row made through the site: names, labels, a link, readable values."""
    _invite(page, me)
    page.get_by_label("Naam").fill("Renée Visser")
    page.get_by_label("E-mailadres").fill("renee@example.org")
    page.get_by_role("button", name="Uitnodiging versturen").click()
    page.goto("/beheer/logboek")
    expect(page.get_by_role("main")).to_contain_text("Persoon uitgenodigd")


def _audit_log_wrong_dates(page: Page, me: Person) -> None:
    log_in(page, me)
    page.goto("/beheer/logboek?van=2030-02-01&tot=2030-01-01")
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _edit_person_refused(page: Page, me: Person) -> None:
    """Staff may not take away their own staff role: the form comes back with the error."""
    log_in(page, me)
    page.goto("/beheer/mensen")
    page.get_by_role("link", name=re.compile(f"^Bewerken\\W+{me.name}$")).click()
    page.get_by_label("ROS-medewerker (beheert het netwerk)").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _outbox_sent_now(page: Page, me: Person) -> None:
    log_in(page, me)
    page.goto("/beheer/herinneringen")
    page.get_by_role("button", name="Wachtrij nu versturen").click()
    expect(page.locator(".flash")).to_be_visible()


PAGES: dict[str, Callable[[Page, Person], None]] = {
    "home anonymous": _home_anonymous,
    "login": _login,
    "login with an empty form": _login_empty_form,
    "login with a wrong password": _login_wrong_password,
    "home logged in": _home_logged_in,
    "beheer mensen": _people,
    "beheer uitnodigen": _invite,
    "beheer logboek": _audit_log,
    "beheer logboek with wrong dates": _audit_log_wrong_dates,
    "beheer persoon bewerken refused": _edit_person_refused,
    "beheer herinneringen after sending now": _outbox_sent_now,
}


@pytest.mark.parametrize("open_page", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_violations(page: Page, open_page: Callable[[Page, Person], None]):
    """axe-core finds nothing against WCAG 2.1 A/AA, with real content: tables, tags, every role."""
    with factories.one_commit():
        staff = factories.make_user(staff=True, name="Staf Lid")
        factories.make_work_package(staff, factories.make_table(staff, members=[(staff, MemberRole.LEAD)]))
        factories.make_coalition_member()
        factories.make_user(core=True)
        factories.make_user(staff, active=False)
        factories.make_user(staff, password=None)
    open_page(page, visitor(staff))
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
