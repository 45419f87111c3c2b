"""The working pages in a real browser: a phone's width, posting an update, searching the
library, printing an end product."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from .browsing import log_in
from .scenes import network

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
PAGE_WIDTH = "document.documentElement.scrollWidth"


def test_working_pages_do_not_scroll_sideways_on_a_phone(page: Page):
    """At 360 px the library, a round and a work package fit; the wide timeline scrolls in its own box."""
    net = network()
    page.set_viewport_size(PHONE)
    log_in(page, net.member)

    page.goto("/bibliotheek?q=zwangerschappen")
    expect(page.locator(".hit").first).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= 360

    page.goto(f"/rondes/{net.round_id}")
    timeline = page.locator(".timeline-scroll")
    expect(timeline).to_be_visible()
    # The picture is wider than the phone, so this checks that it is held in its own box.
    assert timeline.evaluate("box => box.scrollWidth > box.clientWidth")
    assert page.evaluate(PAGE_WIDTH) <= 360

    page.goto(f"/werkpakketten/{net.work_package_id}")
    expect(page.locator(".prose table")).to_be_visible()
    expect(page.get_by_role("button", name="Update plaatsen")).to_be_visible()
    assert page.evaluate(PAGE_WIDTH) <= 360


def test_a_member_posts_a_risk_update_and_sees_it_in_the_history(page: Page):
    """Through the form: text with Markdown and the 'Risico' light; it tops the history, rendered."""
    net = network()
    log_in(page, net.member)
    page.goto(f"/werkpakketten/{net.work_package_id}")
    updates = page.locator("ol.updates > li")
    expect(updates).to_have_count(2)

    page.get_by_label("Wat is er gebeurd, wat komt er?").fill(
        "De huisartsen zeggen **nog niets** toe.\n\n- navragen bij de kring")
    page.get_by_role("group", name="Stand van zaken").get_by_label("Risico").check()
    page.get_by_role("button", name="Update plaatsen").click()

    expect(page.get_by_role("status")).to_contain_text("Update geplaatst.")
    assert page.url.endswith("#updates")
    expect(updates).to_have_count(3)
    newest = updates.first
    expect(newest.locator(".update-meta")).to_contain_text(f"Risico {net.member.name},")
    expect(newest.locator(".status-risico")).to_have_text("Risico")
    expect(newest.locator(".prose strong")).to_have_text("nog niets")
    expect(newest.locator(".prose li")).to_have_text("navragen bij de kring")


def test_removing_a_milestone_asks_first_and_cancelling_keeps_it(page: Page):
    """The confirm names the milestone and what removing does; 'Annuleren' sends nothing."""
    net = network()
    log_in(page, net.member)
    page.goto(f"/werkpakketten/{net.work_package_id}")
    milestones = page.locator("ul.milestones > li")
    expect(milestones).to_have_count(4)
    remove = milestones.filter(has_text="Bespreken met huisartsen").get_by_role("button", name="Verwijderen")
    questions: list[str] = []

    def cancel(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", cancel)
    remove.click()
    assert questions == ["Mijlpaal ‘Bespreken met huisartsen’ verwijderen? Hij verdwijnt uit de lijsten, "
                         "de kalender en de herinneringen."]
    page.reload()
    expect(milestones).to_have_count(4)

    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    expect(page.get_by_role("status")).to_contain_text("Mijlpaal ‘Bespreken met huisartsen’ verwijderd.")
    expect(milestones).to_have_count(3)
    expect(page.locator("ul.milestones")).not_to_contain_text("Bespreken met huisartsen")


def test_anonymous_search_highlights_the_word_and_a_facet_narrows_the_results(page: Page):
    """'zwangerschappen' finds titles with 'zwangerschap', marked in the snippet; a facet narrows."""
    net = network()
    page.goto("/bibliotheek")
    page.get_by_label("Zoek in de bibliotheek").fill("zwangerschappen")
    page.get_by_role("button", name="Zoeken", exact=True).click()

    count = page.locator("#resultaten-kop")
    expect(count).to_have_text(f"{net.search_hits} eindproducten voor ‘zwangerschappen’")
    hit = page.locator(".hit").filter(has=page.get_by_role("link", name="Zorgpad kwetsbare zwangerschap"))
    expect(hit.get_by_role("heading", level=3)).to_contain_text("zwangerschap")
    marks = hit.locator("mark")
    expect(marks.first).to_have_text(re.compile(r"^zwangerschap", re.IGNORECASE))
    # Not for visitors: the network-only end product with the same word.
    expect(page.get_by_role("main")).not_to_contain_text("Netwerkoverzicht")

    page.get_by_role("group", name="Soort").get_by_label(re.compile(r"^Factsheet")).check()
    page.get_by_role("button", name="Filters toepassen").click()
    expect(count).to_have_text("1 eindproduct voor ‘zwangerschappen’")
    expect(page.locator(".hit h3")).to_have_text(["Factsheet stress in de zwangerschap"])
    expect(page.get_by_role("group", name="Soort").get_by_label(re.compile(r"^Factsheet"))).to_be_checked()
    expect(page.get_by_label("Zoek in de bibliotheek")).to_have_value("zwangerschappen")


def test_printing_an_end_product_leaves_out_the_site_header_and_menu(page: Page):
    """In print the header (and with it the main menu) is gone; the content and its address stay."""
    net = network()
    page.goto(f"/bibliotheek/{net.deliverable_slug}")
    header = page.locator("header.site-header")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    address = page.locator(".print-only")
    expect(menu).to_be_visible()
    expect(address).to_be_hidden()

    page.emulate_media(media="print")
    assert header.evaluate("el => getComputedStyle(el).display") == "none"
    expect(header).to_be_hidden()
    expect(menu).to_be_hidden()
    expect(page.locator("footer.site-footer")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zorgpad kwetsbare zwangerschap")
    expect(address).to_be_visible()
    expect(address).to_contain_text(f"/bibliotheek/{net.deliverable_slug}")
