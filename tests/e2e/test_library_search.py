"""Searching the library in a real browser: compound parts, "Bedoelde je …?", the last page,
and the staff's synonym page, at 1280 and 360 px (screenshots under test-artifacts/search/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from leernetwerk.extensions import db
from leernetwerk.library import synonyms
from tests.library.helpers import Team

from .browsing import PHONE, assert_accessible_on_desktop_and_phone, log_in, visitor

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "search"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def team():
    team = Team(theme="Proefthema")
    team.publish("Kraamzorg na de bevalling", summary="De kraamverzorgende komt acht dagen aan huis.",
                 body="## Wat de kraamzorg doet\n\n- controle van moeder en kind\n- uitleg over voeding")
    team.publish("Zorgvoorzieningen in de wijk", summary="Overzicht voor gezinnen met een kleine beurs.")
    team.publish("Consultatiebureau voor elk kind", summary="De jeugdgezondheidszorg ziet bijna elk kindje.")
    team.publish("Schuldhulpverlening voor jonge ouders", summary="Wie helpt bij schulden en geldzorgen?")
    synonyms.create(team.staff, "JGZ\njeugdgezondheidszorg\nconsultatiebureau")
    db.session.commit()
    return team


def test_a_compound_part_a_typo_and_the_last_page(page: Page, team):
    page.goto("/bibliotheek")
    page.get_by_label("Zoek in de bibliotheek").fill("zorg")
    page.get_by_role("button", name="Zoeken").click()
    results = page.locator(".hits")
    expect(page.get_by_role("heading", level=2, name="eindproducten voor ‘zorg’")).to_contain_text("4 eindproducten")
    expect(results.locator("mark", has_text="Kraamzorg").first).to_be_visible()
    # The heading of the body and its first list item stay apart in the snippet.
    expect(results).to_contain_text("doet · controle van moeder en kind")
    shoot(page, "zorg-1280")
    assert_accessible_on_desktop_and_phone(page)
    shoot(page, "zorg-360")

    page.get_by_label("Zoek in de bibliotheek").fill("kraamzrog")
    page.get_by_role("button", name="Zoeken").click()
    suggestion = page.get_by_role("link", name="kraamzorg")
    expect(page.locator(".suggestion")).to_contain_text("Bedoelde je kraamzorg?")
    shoot(page, "typo-360")
    suggestion.click()
    expect(page.get_by_role("link", name="Kraamzorg na de bevalling")).to_be_visible()

    page.goto("/bibliotheek?q=zorg&per_pagina=1&pagina=9")
    expect(page.get_by_role("status")).to_contain_text("dit is de laatste pagina (4)")
    expect(page.get_by_text("Pagina 4 van 4")).to_be_visible()
    expect(page.locator(".hits li")).to_have_count(1)


def test_staff_keep_synonyms_and_search_uses_them_at_once(page: Page, team):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, visitor(team.staff))
    page.goto("/beheer/synoniemen")
    expect(page.locator(".synonym-groups")).to_contain_text("JGZ")
    field = page.get_by_label("Woorden die hetzelfde betekenen")
    field.fill("geldzorgen")
    page.get_by_role("button", name="Groep opslaan").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Geef minstens twee woorden")
    expect(field).to_have_value("geldzorgen")
    field.fill("geldzorgen\nfinanciële problemen")
    page.get_by_role("button", name="Groep opslaan").click()
    expect(page.get_by_text("Synoniemen opgeslagen: geldzorgen ~ financiële problemen")).to_be_visible()
    shoot(page, "synonyms-1280")
    assert_accessible_on_desktop_and_phone(page)
    shoot(page, "synonyms-360")
    page.set_viewport_size(PHONE)
    page.goto("/bibliotheek?q=financi%C3%ABle+problemen")
    expect(page.get_by_role("link", name="Schuldhulpverlening voor jonge ouders")).to_be_visible()
    page.goto("/bibliotheek?q=jgz")
    expect(page.get_by_role("link", name="Consultatiebureau voor elk kind")).to_be_visible()
