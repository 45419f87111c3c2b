"""WCAG 2.1 A and AA, at 1280 and 360 px, on the pages that page and group when the network is
large: a round of 120 tables (the timeline by theme, filters, paging), /mijn with more than it
shows, the reminder and outbox pages, the core group, questions, notices and a work package with
a long history."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.bulk import Network

from .browsing import Person, assert_accessible_on_desktop_and_phone, log_in, visitor

pytestmark = pytest.mark.e2e


def _round_grouped(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["staff"])
    page.goto(f"/rondes/{net.round_id}")
    expect(page.get_by_role("table", name=f"Thematafels in {net.round_name} per thema")).to_contain_text("Thema 3")
    expect(page.get_by_text("120 thematafels gevonden.")).to_be_visible()
    page.get_by_role("link", name="Thema 3", exact=True).click()
    expect(page.get_by_text("15 thematafels gevonden.")).to_be_visible()
    expect(page.get_by_label("Thema", exact=True)).to_have_value("Thema 3")


def _round_filtered(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["liaison"])
    page.goto(f"/rondes/{net.round_id}")
    page.get_by_label("Vraagt aandacht").select_option(label="Met een open ondersteuningsvraag")
    page.get_by_label("Alleen mijn tafels").check()
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name="Alle thematafels tonen")).to_be_visible()
    expect(page.get_by_text("thematafels gevonden").or_(page.get_by_text("thematafel gevonden"))).to_be_visible()


def _rounds(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["staff"])
    page.goto("/rondes")
    expect(page.get_by_role("link", name=f"Alle 120 thematafels van {net.round_name}, met filters")).to_be_visible()


def _my_page_member(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["member"])
    page.goto("/mijn")
    expect(page.get_by_role("link", name=f"Al je 24 tafels in {net.round_name}")).to_be_visible()
    page.get_by_role("link", name=f"Alle mijlpalen van je tafels in {net.round_name}").click()
    expect(page.get_by_text("24 thematafels gevonden.")).to_be_visible()


def _my_page_staff(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["staff"])
    page.goto("/mijn")
    expect(page.get_by_role("link", name=f"30 tafels met een open ondersteuningsvraag ({net.round_name})")).to_be_visible()


def _reminders(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["staff"])
    page.goto("/beheer/herinneringen")
    expect(page.get_by_role("table", name="Mails die nog niet verstuurd zijn, mislukte eerst")).to_contain_text("mislukt")
    page.get_by_role("navigation", name="Pagina's met mails").get_by_role("link", name="Volgende").click()
    expect(page.get_by_text("Pagina 2 van 3")).to_be_visible()


def _core_group(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["staff"])
    page.goto("/kerngroep")
    expect(page.get_by_role("navigation", name="Pagina's met kerngroepleden")).to_be_visible()


def _questions(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["coalition_member"])
    page.goto("/vraagstukken")
    expect(page.get_by_text("60 vraagstukken")).to_be_visible()
    expect(page.get_by_role("navigation", name="Pagina's met vraagstukken")).to_be_visible()


def _notices(page: Page, net: Network, people: dict[str, Person]) -> None:
    log_in(page, people["member"])
    page.goto("/meldingen?pagina=2")
    expect(page.get_by_role("navigation", name="Pagina's met meldingen")).to_contain_text("Pagina 2 van 3")


def _work_package(page: Page, net: Network, people: dict[str, Person]) -> None:
    """A work package with a long history: its updates 20 a page, newest first."""
    from datetime import timedelta

    from sqlalchemy import insert, select

    from leernetwerk.database import utcnow
    from leernetwerk.extensions import db
    from leernetwerk.rounds.models import ProgressUpdate, TableMembership, WorkPackage

    wp_id = db.session.execute(select(WorkPackage.id).join(TableMembership, TableMembership.table_id == WorkPackage.table_id)
                               .where(TableMembership.user_id == net.member.id).order_by(WorkPackage.id)).scalars().first()
    start = utcnow() - timedelta(days=40)
    db.session.execute(insert(ProgressUpdate), [
        {"work_package_id": wp_id, "author_id": net.member.id, "body": f"Stap {n} **gezet**", "light": "op_koers",
         "created_at": start + timedelta(days=n)} for n in range(1, 31)])
    db.session.commit()
    log_in(page, people["member"])
    page.goto(f"/werkpakketten/{wp_id}")
    updates = page.get_by_role("navigation", name="Pagina's met updates")
    expect(updates).to_contain_text("Pagina 1 van 2")
    updates.get_by_role("link", name="Volgende").click()
    expect(page.get_by_role("navigation", name="Pagina's met updates")).to_contain_text("Pagina 2 van 2")
    expect(page.get_by_text("Stap 1 gezet", exact=True)).to_be_visible()


PAGES: dict[str, Callable[[Page, Network, dict[str, Person]], None]] = {
    "ronde grouped by theme": _round_grouped,
    "ronde filtered": _round_filtered,
    "rondes": _rounds,
    "mijn as member": _my_page_member,
    "mijn as staff": _my_page_staff,
    "herinneringen": _reminders,
    "kerngroep": _core_group,
    "vraagstukken": _questions,
    "meldingen": _notices,
    "werkpakket with a long history": _work_package,
}


@pytest.mark.parametrize("name", PAGES.keys())
def test_large_network_page_has_no_wcag_violations(page: Page, name: str):
    net = Network()
    net.grow(120)
    people = {role: visitor(getattr(net, role)) for role in ("staff", "liaison", "member", "coalition_member")}
    PAGES[name](page, net, people)
    assert_accessible_on_desktop_and_phone(page)
