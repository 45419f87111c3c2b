"""WCAG 2.1 A and AA on the organisation directory (with its map), a municipality's page, an end
product with "gebruikt in", and /mijn for a coalition member; at 1280 and at 360 px wide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from leernetwerk.coalitions.models import OrganisationKind
from leernetwerk.demo_data import MUNICIPALITIES
from leernetwerk.extensions import db
from leernetwerk.library.models import VersionStatus
from leernetwerk.rounds.models import ActionLine, MemberRole
from tests import factories

from .browsing import Person, assert_accessible_on_desktop_and_phone, log_in

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Places:
    coalition_member: Person     # in the Leeuwarden coalition
    core: Person
    slug: str                    # a published end product for all of Friesland, used in Harlingen


def places() -> Places:
    with factories.one_commit():
        staff = factories.make_user(staff=True, name="ROS")
        core = factories.make_user(core=True, name="Kerngroeplid")
        lead = factories.make_user(name="Kartrekker")
        municipalities = {name: factories.make_municipality(name) for name in MUNICIPALITIES}
        leeuwarden = factories.make_coalition(municipalities["Leeuwarden"])
        harlingen = factories.make_coalition(municipalities["Harlingen"])
        member = factories.make_coalition_member(leeuwarden, name="Coalitielid Leeuwarden")
        other = factories.make_coalition_member(harlingen, name="Coalitielid Harlingen")
        factories.make_organisation(
            "Veilig Thuis Friesland", kind=OrganisationKind.SAFE_AT_HOME, phone="0800-2000",
            website="https://www.veiligthuis.nl", description="Advies- en meldpunt huiselijk geweld.",
            when_to_engage="Bij zorgen over de veiligheid thuis.", referral="Bel voor advies of een melding.",
            action_lines=[ActionLine.DURING_PREGNANCY, ActionLine.AFTER_BIRTH])
        factories.make_organisation("JGZ Fryslân", kind=OrganisationKind.YOUTH_HEALTH_CARE)
        factories.make_organisation("VSV Leeuwarden", kind=OrganisationKind.OBSTETRIC_PARTNERSHIP,
                                    municipalities=[municipalities[m] for m in ("Leeuwarden", "Waadhoeke", "Harlingen")])
        factories.make_organisation("Sociaal wijkteam Leeuwarden", kind=OrganisationKind.MUNICIPALITY,
                                    municipalities=[municipalities["Leeuwarden"]], email="wijkteam@example.org")
        for n in range(4):
            factories.make_organisation(f"Verloskundigenpraktijk Leeuwarden {n + 1}",
                                        municipalities=[municipalities["Leeuwarden"]])
        table = factories.make_table(staff, title="Kwetsbare zwangeren", members=[(lead, MemberRole.LEAD)])
        wp = factories.make_work_package(staff, table)
        version = factories.make_deliverable(lead, wp, title="Zorgpad kwetsbare zwangeren",
                                             status=VersionStatus.PUBLISHED, publisher=staff,
                                             summary="Signaleren en doorverwijzen.")
        factories.make_deliverable(lead, wp, title="Sociale kaart Leeuwarden", status=VersionStatus.PUBLISHED,
                                   publisher=staff, municipalities=[municipalities["Leeuwarden"]],
                                   summary="Wie helpt bij geldzorgen.")
        factories.make_use(other, version.deliverable, note="Besproken in het wijkoverleg.")
    result = Places(Person(member.email, member.name), Person(core.email, core.name), version.deliverable.slug)
    db.session.commit()
    return result


def _organisations(page: Page, p: Places) -> None:
    log_in(page, p.coalition_member)
    page.goto("/organisaties")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisaties")
    expect(page.get_by_role("group", name="Kaart van de Friese gemeenten")).to_be_visible()
    expect(page.get_by_role("link", name="Leeuwarden: 8 organisaties")).to_be_visible()
    expect(page.get_by_role("table", name="Organisaties per gemeente")).to_contain_text("Schiermonnikoog")
    expect(page.get_by_role("main")).to_contain_text("Bij zorgen over de veiligheid thuis.")


def _organisations_filtered(page: Page, p: Places) -> None:
    log_in(page, p.coalition_member)
    page.goto("/organisaties")
    page.get_by_label("Gemeente", exact=True).select_option(label="Harlingen")
    page.get_by_label("Zoek op naam of tekst").fill("vsv")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator("#resultaten")).to_have_text("1 organisatie")


def _organisation_form_with_errors(page: Page, p: Places) -> None:
    log_in(page, p.core)
    page.goto("/organisaties/nieuw")
    page.get_by_label("Naam").fill("Verloskundigen Noord")
    page.get_by_label("Werkgebied").select_option(label="Een regio (meerdere gemeenten)")
    page.get_by_label("Dantumadiel").check()
    page.get_by_role("button", name="Opslaan").evaluate("b => { b.form.noValidate = true; }")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Opslaan").click()
    assert response.value.status == 400
    expect(page.locator("[data-error-summary]")).to_contain_text("minstens twee gemeenten")


def _municipality(page: Page, p: Places) -> None:
    log_in(page, p.coalition_member)
    page.goto("/organisaties")
    page.get_by_role("link", name="Leeuwarden: 8 organisaties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente Leeuwarden")
    expect(page.get_by_role("region", name="Lokale coalitie")).to_contain_text("Coalitielid Leeuwarden")
    expect(page.get_by_role("region", name="Organisaties actief in Leeuwarden")).to_contain_text("Veilig Thuis")
    products = page.get_by_role("region", name="Eindproducten voor Leeuwarden")
    expect(products).to_contain_text("Zorgpad kwetsbare zwangeren")
    expect(products).to_contain_text("Sociale kaart Leeuwarden")


def _end_product_used(page: Page, p: Places) -> None:
    log_in(page, p.coalition_member)
    page.goto(f"/bibliotheek/{p.slug}")
    used = page.get_by_role("region", name="Gebruikt in 1 gemeente")
    expect(used).to_contain_text("Harlingen")
    page.get_by_label("Toelichting (niet verplicht)").fill("Wij nemen het over in de wijkteams.")
    page.get_by_role("button", name="Wij gebruiken dit in Leeuwarden").click()
    expect(page.get_by_role("region", name="Gebruikt in 2 gemeenten")).to_contain_text(
        "Wij nemen het over in de wijkteams.")
    expect(page.get_by_role("main")).to_contain_text("Gemarkeerd als gebruikt in Leeuwarden.")


def _my_page(page: Page, p: Places) -> None:
    log_in(page, p.coalition_member)
    page.goto("/mijn")
    expect(page.get_by_role("region", name="Nieuw voor Leeuwarden")).to_contain_text("Sociale kaart Leeuwarden")
    expect(page.get_by_role("region", name="Mijn mijlpalen")).to_have_count(0)
    expect(page.get_by_role("region", name="Wat ik volg")).to_contain_text("Je volgt nog niets")
    expect(page.get_by_role("table", name="Open vraagstukken per gemeente")).to_contain_text("Schiermonnikoog")


def _organisations_question_map(page: Page, p: Places) -> None:
    log_in(page, p.coalition_member)
    page.goto("/organisaties")
    switch = page.get_by_role("navigation", name="Wat de kaart toont")
    switch.get_by_role("link", name="open vraagstukken").click()
    expect(page.get_by_role("table", name="Open vraagstukken per gemeente")).to_be_visible()
    expect(switch.get_by_role("link", name="open vraagstukken")).to_have_attribute("aria-current", "page")


PAGES: dict[str, Callable[[Page, Places], None]] = {
    "organisaties": _organisations,
    "organisaties filtered": _organisations_filtered,
    "organisaties with the map of open questions": _organisations_question_map,
    "organisatie nieuw with errors": _organisation_form_with_errors,
    "gemeente": _municipality,
    "eindproduct gebruikt in": _end_product_used,
    "mijn as coalition member": _my_page,
}


@pytest.mark.parametrize("name", PAGES.keys())
def test_places_page_has_no_wcag_violations(page: Page, name: str):
    """axe-core finds nothing against WCAG 2.1 A/AA, at 1280 px and again at 360 px; no id twice."""
    PAGES[name](page, places())
    assert_accessible_on_desktop_and_phone(page)


def test_the_map_scrolls_inside_its_box_at_360_px(page: Page):
    """At 360 px the page itself does not scroll sideways; the map does, inside its own box."""
    p = places()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, p.coalition_member)
    page.goto("/organisaties")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_role("link", name="Vlieland: 2 organisaties")).to_be_visible()
