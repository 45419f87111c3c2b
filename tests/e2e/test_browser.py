"""What a person notices in a real browser: logging in on a phone, errors, keyboard, language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories

from .browsing import log_in, visitor

pytestmark = pytest.mark.e2e


def test_login_and_logout_on_a_phone(page: Page):
    """At 360 px wide nothing scrolls sideways; logging in greets by name, logging out shows 'Inloggen'."""
    me = visitor(factories.make_user(name="Tafellid Een"))
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, me)
    expect(page.get_by_role("main")).to_contain_text("Welkom, Tafellid Een")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Inloggen")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Welkom, Tafellid Een")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_wrong_password_focuses_the_error_summary_and_keeps_the_email(page: Page):
    """After a wrong password the error summary has focus and the typed e-mail is still there."""
    me = visitor(factories.make_user())
    log_in(page, me, password="verkeerd-wachtwoord")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Dit e-mailadres en wachtwoord horen niet bij een actief account.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("E-mailadres")).to_have_value(me.email)


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(page: Page):
    """The first Tab focuses 'Naar de inhoud'; Enter on it puts focus on the main content."""
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Naar de inhoud")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#inhoud")).to_be_focused()


def test_english_button_switches_the_page_language(page: Page):
    """Choosing English in the header serves the page with <html lang="en">."""
    page.goto("/inloggen")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/inloggen")
    expect(page.get_by_role("button", name="Nederlands")).to_be_visible()


def test_no_request_leaves_loopback(page: Page, live_server: str, requests_made: list[str]):
    """Logging in and browsing the staff pages loads nothing from outside the app's own origin."""
    me = visitor(factories.make_user(staff=True))
    log_in(page, me)
    page.get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Iemand uitnodigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Iemand uitnodigen")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Inloggen")).to_be_visible()
    assert any(re.search(r"/static/css/app\.[0-9a-f]{12}\.css$", url) for url in requests_made)
    outside = [url for url in requests_made
               if not url.startswith((live_server + "/", "data:", "about:"))]
    assert outside == []
