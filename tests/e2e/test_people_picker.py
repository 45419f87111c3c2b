"""Choosing people from a long list: names with their organisation, narrowed by typing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from leernetwerk.coalitions.models import Organisation
from leernetwerk.extensions import db
from tests import factories

from .browsing import log_in, visitor

pytestmark = pytest.mark.e2e


def test_staff_find_a_member_by_typing_part_of_the_organisation(page: Page):
    ggd = Organisation(name="GGD Fryslân", kind="jgz", working_area="provincie")
    db.session.add(ggd)
    staff = factories.make_user(staff=True, name="ROS")
    factories.make_user(name="Sanne de Vries")
    nurse = factories.make_user(name="Sanne Bakker")
    nurse.organisation = ggd
    round_ = factories.make_round()
    db.session.commit()
    log_in(page, visitor(staff))
    page.goto(f"/rondes/{round_.id}/tafels/nieuw")
    members = page.get_by_label("Leden", exact=True)
    expect(members.locator("option", has_text="Sanne Bakker (GGD Fryslân)")).to_have_count(1)
    page.get_by_role("searchbox", name="Leden: typ een naam of organisatie om te zoeken").fill("fryslan")
    expect(members.locator("option:not([hidden])")).to_have_text(["Sanne Bakker (GGD Fryslân)"])
    members.select_option(label="Sanne Bakker (GGD Fryslân)")
    page.get_by_role("searchbox", name="Leden: typ een naam of organisatie om te zoeken").fill("")
    expect(members.locator("option:not([hidden])")).to_have_count(members.locator("option").count())
