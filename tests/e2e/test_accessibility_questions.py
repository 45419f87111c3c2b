"""WCAG 2.1 A and AA on the coalition questions and the core group's view, at 1280 and 360 px."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from leernetwerk.coalitions.models import QuestionStatus
from leernetwerk.extensions import db
from leernetwerk.library.models import VersionStatus
from leernetwerk.rounds.models import ActionLine, MemberRole
from tests import factories

from .browsing import Person, assert_accessible_on_desktop_and_phone, log_in

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Scene:
    coalition: Person   # a member of the coalition of Leeuwarden
    core: Person        # core group, liaison of the running round's table
    shared_id: int      # raised in Leeuwarden, shared by three coalitions
    answered_id: int


def scene() -> Scene:
    today = date.today()
    with factories.one_commit():
        places = [factories.make_coalition(n) for n in ("Leeuwarden", "Heerenveen", "Smallingerland")]
        people = [factories.make_coalition_member(c, name=f"Coalitie {c.municipality.name}") for c in places]
        staff = factories.make_user(staff=True, name="ROS")
        core = factories.make_user(core=True, name="Kerngroep verloskunde",
                                   organisation=factories.make_organisation("VSV Leeuwarden"))
        running = factories.make_round(staff, name="Ronde najaar", starts_on=today - timedelta(days=20))
        factories.make_round(staff, name="Ronde voorjaar", starts_on=running.ends_on + timedelta(days=1))
        member = factories.make_user(name="Jeugdverpleegkundige")
        table = factories.make_table(staff, running, title="Ouders die geen Nederlands spreken", liaison=core,
                                     members=[(member, MemberRole.MEMBER)])
        wp = factories.make_work_package(staff, table)
        factories.make_support_request(member, table, subject="Wie kent een tolk Tigrinya?", body="Graag.")
        product = factories.make_deliverable(staff, wp, title="Factsheet tolkvoorzieningen",
                                             status=VersionStatus.PUBLISHED, publisher=staff).deliverable
        shared = factories.make_question(
            people[0], places[0], title="Hoe komt een verloskundige erachter dat een zwangere schulden heeft?",
            body="Verloskundigen horen pas laat van **geldzorgen**.", action_line=ActionLine.DURING_PREGNANCY,
            organisation_kinds=["verloskunde", "gemeente"])
        for place, person in zip(places[1:], people[1:], strict=True):
            factories.make_question_signal(shared, place, person, "Bij ons ook.")
        answered = factories.make_question(people[1], places[1], title="Wie helpt als een ouder geen Nederlands spreekt?",
                                           status=QuestionStatus.ANSWERED, answers=[product], by=core)
        factories.make_question_signal(answered, places[0], people[0], "Vooral in de kraamweek.")
    ids = (shared.id, answered.id)
    coalition_person, core_person = Person(people[0].email, people[0].name), Person(core.email, core.name)
    db.session.commit()   # end the test's transaction: the live server needs the SQLite write lock
    return Scene(coalition_person, core_person, *ids)


def _list(page: Page, s: Scene) -> None:
    log_in(page, s.coalition)
    page.goto("/vraagstukken")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vraagstukken van de lokale coalities")
    expect(page.locator(".question-list li").first).to_contain_text("3 coalities")


def _question_as_core(page: Page, s: Scene) -> None:
    log_in(page, s.core)
    page.goto(f"/vraagstukken/{s.shared_id}")
    expect(page.get_by_role("heading", name="Behandelen (kerngroep)")).to_be_visible()
    expect(page.locator(".prose strong")).to_have_text("geldzorgen")


def _answered_as_coalition(page: Page, s: Scene) -> None:
    log_in(page, s.coalition)
    page.goto(f"/vraagstukken/{s.answered_id}")
    expect(page.get_by_role("link", name="Factsheet tolkvoorzieningen")).to_be_visible()
    expect(page.get_by_role("button", name="Intrekken")).to_be_visible()


def _raise_with_similar(page: Page, s: Scene) -> None:
    log_in(page, s.coalition)
    page.goto("/vraagstukken/nieuw")
    page.get_by_label("Titel").fill("Schulden bij zwangeren")
    expect(page.locator("#similar-live a")).to_contain_text("schulden")  # the suggestion while typing
    page.get_by_role("button", name="Vraagstuk inbrengen").click()
    expect(page.get_by_role("heading", name="Lijkt je vraag op een van deze vraagstukken?")).to_be_visible()


def _core_group(page: Page, s: Scene) -> None:
    log_in(page, s.core)
    page.goto("/kerngroep")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kerngroep")
    expect(page.get_by_role("link", name="Maak er een tafel van in de volgende ronde").first).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Wie kent een tolk Tigrinya?")


PAGES: dict[str, Callable[[Page, Scene], None]] = {
    "vraagstukken": _list,
    "vraagstuk as core group": _question_as_core,
    "vraagstuk answered as coalition": _answered_as_coalition,
    "vraagstuk inbrengen with similar": _raise_with_similar,
    "kerngroep": _core_group,
}


@pytest.mark.parametrize("name", PAGES.keys())
def test_question_page_has_no_wcag_violations(page: Page, name: str):
    PAGES[name](page, scene())
    assert_accessible_on_desktop_and_phone(page)
