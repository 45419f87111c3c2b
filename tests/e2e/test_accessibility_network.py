"""WCAG 2.1 A and AA on the working pages: rounds, tables, work packages, the dashboard and the
library, with a realistic round behind them (scenes.network) and in every state a person meets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from leernetwerk.extensions import db
from leernetwerk.library.models import ExtractionStatus, TextExtraction
from tests.library.helpers import make_pdf

from .browsing import assert_accessible, log_in
from .scenes import Network, network

pytestmark = pytest.mark.e2e

# A Windows program: refused by content whatever it is called.
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def _without_browser_validation(page: Page, button: str) -> None:
    """Turn off the browser's own check of `required` fields, so the server's error page shows."""
    page.get_by_role("button", name=button).evaluate("b => { b.form.noValidate = true; }")


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def _rounds(page: Page, net: Network) -> None:
    log_in(page, net.staff)
    page.goto("/rondes")
    _heading(page, "Rondes")
    expect(page.locator("svg.timeline-svg")).to_be_visible()
    expect(page.get_by_role("table", name="Alle rondes, nieuwste eerst")).to_contain_text("Ronde voorjaar")


def _round(page: Page, net: Network) -> None:
    log_in(page, net.staff)
    page.goto(f"/rondes/{net.round_id}")
    _heading(page, "Ronde najaar")
    expect(page.get_by_role("table", name="Thematafels in Ronde najaar")).to_contain_text("Geldzorgen rond de geboorte")
    expect(page.get_by_role("heading", name="Evaluatie en afsluiten")).to_be_visible()


def _table_as_member(page: Page, net: Network) -> None:
    log_in(page, net.member)
    page.goto(f"/tafels/{net.table_id}")
    _heading(page, "Kwetsbare zwangeren in beeld")
    expect(page.get_by_role("main")).to_contain_text("Verloskundigenpraktijk De Wadden")
    expect(page.get_by_role("link", name="Zorgpad signaleren en doorverwijzen")).to_be_visible()
    expect(page.get_by_role("button", name="Vraag versturen")).to_be_visible()


def _table_support_form_with_errors(page: Page, net: Network) -> None:
    log_in(page, net.member)
    page.goto(f"/tafels/{net.table_id}")
    _without_browser_validation(page, "Vraag versturen")
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Vul een onderwerp in.")


def _table_as_liaison(page: Page, net: Network) -> None:
    log_in(page, net.liaison)
    page.goto(f"/tafels/{net.table_id}")
    expect(page.get_by_role("button", name="Antwoord versturen")).to_be_visible()
    expect(page.get_by_role("button", name="Doorzetten")).to_be_visible()


def _work_package(page: Page, net: Network) -> None:
    log_in(page, net.member)
    page.goto(f"/werkpakketten/{net.work_package_id}")
    _heading(page, "Zorgpad signaleren en doorverwijzen")
    expect(page.locator(".prose table")).to_contain_text("Doorverwijzen")  # Markdown rendered
    expect(page.locator(".update strong")).to_have_text("ALPHA-NL")
    expect(page.get_by_role("button", name="Update plaatsen")).to_be_visible()
    # The change log shows what changed; context stored with a change (its work package) is not a change.
    expect(page.locator("ol.changes")).to_contain_text("milestone.done")
    expect(page.locator("ol.changes")).not_to_contain_text("work_package_id")
    page.get_by_text("Mijlpaal toevoegen").click()  # the <details> form open, so axe checks it too
    expect(page.get_by_label("Mijlpaal", exact=True)).to_be_visible()


def _work_package_update_with_errors(page: Page, net: Network) -> None:
    log_in(page, net.member)
    page.goto(f"/werkpakketten/{net.work_package_id}")
    _without_browser_validation(page, "Update plaatsen")
    page.get_by_role("button", name="Update plaatsen").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Kies op koers, risico of vertraagd.")


def _work_package_edit(page: Page, net: Network) -> None:
    log_in(page, net.lead)
    page.goto(f"/werkpakketten/{net.work_package_id}/bewerken")
    _heading(page, "Werkpakket bewerken")
    expect(page.get_by_label("Titel")).to_have_value("Zorgpad signaleren en doorverwijzen")


def _work_package_edit_conflict(page: Page, net: Network) -> None:
    """Two tabs load the form at the same version; the second save gets the 409 page with both versions."""
    log_in(page, net.lead)
    url = f"/werkpakketten/{net.work_package_id}/bewerken"
    other = page.context.new_page()
    other.goto(url)
    page.goto(url)
    other.get_by_label("Titel").fill("Zorgpad, versie van het andere tabblad")
    other.get_by_role("button", name="Opslaan").click()
    expect(other.get_by_role("main")).to_contain_text("Werkpakket opgeslagen.")
    page.get_by_label("Titel").fill("Zorgpad, mijn versie")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Opslaan").click()
    assert response.value.status == 409
    conflict = page.get_by_role("table", name="Opgeslagen versie naast jouw versie")
    expect(conflict).to_contain_text("Zorgpad, versie van het andere tabblad")
    expect(conflict).to_contain_text("Zorgpad, mijn versie")
    other.close()


def _dashboard_liaison(page: Page, net: Network) -> None:
    log_in(page, net.liaison)
    page.goto("/mijn")
    _heading(page, "Mijn overzicht")
    expect(page.get_by_role("region", name="Eindproducten die op mijn review wachten")).to_contain_text(
        "Handreiking gesprek over geld")
    expect(page.get_by_role("region", name="Open ondersteuningsvragen")).to_contain_text(
        "Contact met de huisartsenkring")


def _dashboard_member(page: Page, net: Network) -> None:
    log_in(page, net.member)
    page.goto("/mijn")
    expect(page.get_by_role("region", name="Mijn thematafels")).to_contain_text("Geldzorgen rond de geboorte")
    expect(page.get_by_role("region", name="Mijn mijlpalen")).to_contain_text("te laat")


def _library(page: Page, net: Network) -> None:
    page.goto("/bibliotheek")
    expect(page.locator("#resultaten-kop")).to_have_text("4 eindproducten")
    expect(page.get_by_role("group", name="Doelgroep")).to_be_visible()


def _library_search(page: Page, net: Network) -> None:
    page.goto("/bibliotheek?q=zwangerschappen&sorteer=datum")
    expect(page.locator("#resultaten-kop")).to_have_text(f"{net.search_hits} eindproducten voor ‘zwangerschappen’")
    expect(page.locator(".hit mark").first).to_be_visible()


def _library_search_logged_in(page: Page, net: Network) -> None:
    log_in(page, net.member)
    page.goto("/bibliotheek?q=zwangerschappen")
    expect(page.locator(".hit mark").first).to_be_visible()
    expect(page.get_by_role("button", name="Volg thema ‘Kwetsbare zwangeren’").first).to_be_visible()


def _library_no_hits_with_filters(page: Page, net: Network) -> None:
    page.goto("/bibliotheek?q=fietsenstalling&soort=zorgpad&doelgroep=ouders")
    expect(page.locator("#resultaten-kop")).to_contain_text("0 eindproducten")
    expect(page.get_by_role("link", name="zoek opnieuw zonder filters")).to_be_visible()


def _end_product(page: Page, net: Network) -> None:
    page.goto(f"/bibliotheek/{net.deliverable_slug}")
    _heading(page, "Zorgpad kwetsbare zwangerschap")
    expect(page.get_by_role("link", name="zorgpad.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="Versie 1")).to_be_visible()


def _end_product_old_version(page: Page, net: Network) -> None:
    page.goto(f"/bibliotheek/{net.deliverable_slug}/versie/1")
    expect(page.get_by_role("note")).to_contain_text("Er is een nieuwere versie")


def _end_product_form(page: Page, net: Network) -> None:
    log_in(page, net.lead)
    page.goto(f"/werkpakketten/{net.work_package_id}/eindproducten/nieuw")
    _heading(page, "Nieuw eindproduct")


def _end_product_form_bad_upload(page: Page, net: Network) -> None:
    log_in(page, net.lead)
    page.goto(f"/werkpakketten/{net.work_package_id}/eindproducten/nieuw")
    page.get_by_label("Titel").fill("Stroomschema")
    page.get_by_label("Samenvatting").fill("Het zorgpad op één pagina.")
    page.get_by_label("Bijlagen").set_input_files([
        {"name": "stroomschema.pdf", "mimeType": "application/pdf", "buffer": make_pdf("Stroomschema")},
        {"name": "installeer.exe", "mimeType": "application/octet-stream", "buffer": PROGRAM},
    ])
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Concept opslaan").click()
    assert response.value.status == 400
    expect(page.locator("[data-error-summary]")).to_contain_text("‘installeer.exe’ is geen bestand dat we aannemen")
    expect(page.get_by_label("Titel")).to_have_value("Stroomschema")


def _manage_in_review(page: Page, net: Network) -> None:
    log_in(page, net.liaison)
    page.goto(f"/eindproducten/{net.review_deliverable_id}")
    _heading(page, "Handreiking gesprek over geld")
    expect(page.get_by_role("button", name="Goedkeuren voor publicatie")).to_be_visible()


def _manage_published_as_staff(page: Page, net: Network) -> None:
    """Version 2 published, version 3 in review: staff see the review and the withdraw form together."""
    log_in(page, net.staff)
    page.goto(f"/eindproducten/{net.deliverable_id}")
    _heading(page, "Zorgpad kwetsbare zwangerschap")
    expect(page.get_by_role("button", name="Goedkeuren voor publicatie")).to_be_visible()
    expect(page.get_by_label("Reden van intrekken")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("zorgpad.pdf (1 kB) tekst wordt gelezen")  # in the queue


def _manage_text_not_readable(page: Page, net: Network) -> None:
    """The scheduler could not read the copy of the PDF in version 3 (in review)."""
    db.session.execute(update(TextExtraction).where(TextExtraction.status == ExtractionStatus.PENDING)
                       .values(status=ExtractionStatus.FAILED, last_error="stopped after 60 s"))
    db.session.commit()
    log_in(page, net.lead)
    page.goto(f"/eindproducten/{net.deliverable_id}")
    _heading(page, "Zorgpad kwetsbare zwangerschap")
    expect(page.get_by_role("main")).to_contain_text("zorgpad.pdf (1 kB) tekst niet leesbaar")
    expect(page.get_by_role("main")).to_contain_text("Het bestand blijft gewoon te downloaden")


PAGES: dict[str, Callable[[Page, Network], None]] = {
    "rondes": _rounds,
    "ronde": _round,
    "tafel as member": _table_as_member,
    "tafel support form with errors": _table_support_form_with_errors,
    "tafel as liaison": _table_as_liaison,
    "werkpakket": _work_package,
    "werkpakket update with errors": _work_package_update_with_errors,
    "werkpakket bewerken": _work_package_edit,
    "werkpakket bewerken conflict 409": _work_package_edit_conflict,
    "mijn as liaison": _dashboard_liaison,
    "mijn as member": _dashboard_member,
    "bibliotheek": _library,
    "bibliotheek search": _library_search,
    "bibliotheek search logged in": _library_search_logged_in,
    "bibliotheek no hits with filters": _library_no_hits_with_filters,
    "eindproduct": _end_product,
    "eindproduct older version": _end_product_old_version,
    "eindproduct nieuw": _end_product_form,
    "eindproduct nieuw bad upload": _end_product_form_bad_upload,
    "eindproduct beheer in review": _manage_in_review,
    "eindproduct beheer published as staff": _manage_published_as_staff,
    "eindproduct beheer tekst niet leesbaar": _manage_text_not_readable,
}


# These are checked again at 360 px wide, where the timeline and tables scroll in their own box
# (which axe checks too): the same page resized, so no second round of data and logging in.
ON_A_PHONE = {"rondes", "ronde", "tafel as liaison", "werkpakket", "werkpakket bewerken conflict 409",
              "mijn as liaison", "bibliotheek search logged in", "eindproduct", "eindproduct nieuw bad upload",
              "eindproduct beheer tekst niet leesbaar"}
assert ON_A_PHONE <= PAGES.keys()

@pytest.mark.parametrize("name", PAGES.keys())
def test_working_page_has_no_wcag_violations(page: Page, name: str):
    """axe-core finds nothing against WCAG 2.1 A/AA with a real round behind the page; no id twice."""
    PAGES[name](page, network())
    assert_accessible(page, "1280 px")
    if name in ON_A_PHONE:
        page.set_viewport_size({"width": 360, "height": 740})
        assert_accessible(page, "360 px")
