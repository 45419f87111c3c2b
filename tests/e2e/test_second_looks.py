"""A person's pages are kept for their browser (leernetwerk/personal_pages.py): in a real browser
nothing shows stale. What a colleague posts shows on the next look, a message shows once, and
after logging out a page asks for a login again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests import factories

from .browsing import PHONE, log_in, visitor

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("size", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_what_a_colleague_posts_shows_on_the_next_look(page: Page, browser: Browser, live_server: str, size):
    member = factories.make_user(name="Tafellid Anna")
    colleague = factories.make_user(name="Tafellid Bram")
    table = factories.make_table(title="Tafel Voeding", members=[(member, "lid"), (colleague, "lid")])
    wp = factories.make_work_package(table=table, title="Voedingsadvies")
    path = f"/werkpakketten/{wp.id}"
    anna, bram = visitor(member), visitor(colleague)

    other = browser.new_context(base_url=live_server, locale="nl-NL", viewport=size)
    try:
        theirs = other.new_page()
        log_in(theirs, bram)
        for _ in range(3):  # the second and third look are kept
            theirs.goto(path)
        expect(theirs.get_by_role("main")).to_contain_text("Nog geen updates.")

        page.set_viewport_size(size)
        log_in(page, anna)
        for _ in range(3):
            page.goto(path)
        page.get_by_label("Wat is er gebeurd, wat komt er?").fill("Gesprek met de diëtisten gepland")
        page.get_by_label("Op koers").check()
        page.get_by_role("button", name="Update plaatsen").click()
        expect(page.get_by_role("main")).to_contain_text("Update geplaatst.")
        expect(page.get_by_role("main")).to_contain_text("Gesprek met de diëtisten gepland")
        page.reload()
        expect(page.get_by_role("main")).to_contain_text("Gesprek met de diëtisten gepland")
        expect(page.get_by_role("main")).not_to_contain_text("Update geplaatst.")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]

        theirs.reload()
        expect(theirs.get_by_role("main")).to_contain_text("Gesprek met de diëtisten gepland")
        expect(theirs.get_by_role("main")).to_contain_text("Tafellid Anna")
    finally:
        other.close()

    page.goto("/mijn")
    page.goto("/mijn")
    page.get_by_role("button", name="Uitloggen").click()
    page.goto("/mijn")
    expect(page).to_have_url(f"{live_server}/inloggen?next=/mijn")
