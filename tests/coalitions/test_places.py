"""The rules of the organisation directory and of "gebruikt in", without HTTP (places.py)."""

from __future__ import annotations

import pytest

from leernetwerk.audit import AuditEvent
from leernetwerk.coalitions import directory, places
from leernetwerk.coalitions.models import DeliverableUse, OrganisationKind, WorkingArea
from leernetwerk.errors import EditConflict
from leernetwerk.library.models import VersionStatus
from leernetwerk.rounds.models import ActionLine
from tests import factories
from tests.library.helpers import Team


def _create(by=None, **changes):
    values = dict(name="Kraamzorg Het Nest", kind=OrganisationKind.MATERNITY_CARE, working_area=WorkingArea.PROVINCE)
    return places.create_organisation(by, **(values | changes))


def test_an_organisation_is_created_with_its_details_and_audited(db):
    staff = factories.make_user(staff=True)
    leeuwarden = factories.make_municipality("Leeuwarden")
    org = _create(staff, working_area=WorkingArea.MUNICIPALITY, municipalities=[leeuwarden],
                  action_lines=[ActionLine.AFTER_BIRTH, ActionLine.DURING_PREGNANCY], website="www.hetnest.nl",
                  when_to_engage="Na de bevalling, thuis.", phone="058 123 45 67")
    db.session.commit()
    assert org.website == "https://www.hetnest.nl"
    assert [m.name for m in org.municipalities] == ["Leeuwarden"]
    # In ActionLine's order, whatever order they were given in.
    assert places.action_lines_of(org) == [ActionLine.DURING_PREGNANCY, ActionLine.AFTER_BIRTH]
    event = db.session.query(AuditEvent).filter_by(action="organisation.create").one()
    assert event.actor_id == staff.id and event.after["municipalities"] == [leeuwarden.id]


@pytest.mark.parametrize(("area", "count", "field"), [
    (WorkingArea.MUNICIPALITY, 0, "municipality_ids"), (WorkingArea.MUNICIPALITY, 2, "municipality_ids"),
    (WorkingArea.REGION, 1, "municipality_ids"),
])
def test_the_working_area_needs_the_right_number_of_municipalities(db, area, count, field):
    municipalities = [factories.make_municipality() for _ in range(count)]
    with pytest.raises(places.PlacesError) as refused:
        _create(working_area=area, municipalities=municipalities)
    assert refused.value.field == field


def test_a_province_wide_organisation_stores_no_municipalities_and_counts_everywhere(db):
    a, b = factories.make_municipality("Ameland"), factories.make_municipality("Vlieland")
    org = _create(municipalities=[a])
    db.session.commit()
    assert org.municipalities == []
    page = directory.directory(municipality_slug=b.slug)
    assert [r.organisation.name for r in page.rows] == ["Kraamzorg Het Nest"]
    assert {t.municipality.name: t.count for t in page.tiles} == {"Ameland": 1, "Vlieland": 1}


def test_names_are_unique_whatever_the_capitals(db):
    _create()
    with pytest.raises(places.PlacesError) as refused:
        _create(name="kraamzorg het nest ")
    assert refused.value.field == "name"


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://example.org", "geen adres"])
def test_a_website_is_a_web_address(db, website):
    with pytest.raises(places.PlacesError) as refused:
        _create(website=website)
    assert refused.value.field == "website"


def test_an_unknown_kind_or_action_line_is_refused(db):
    with pytest.raises(places.PlacesError):
        _create(kind="specialistische_hulp")
    with pytest.raises(places.PlacesError):
        _create(action_lines=["altijd"])


def test_an_edit_against_an_older_version_is_a_conflict(db):
    staff = factories.make_user(staff=True)
    org = _create(staff)
    db.session.commit()
    loaded = org.lock_version
    places.update_organisation(staff, org, version=loaded, name="Kraamzorg Het Nest", kind=org.kind,
                               working_area=org.working_area, action_lines=[ActionLine.AFTER_BIRTH])
    db.session.commit()
    with pytest.raises(EditConflict):
        places.update_organisation(staff, org, version=loaded, name="Andere naam", kind=org.kind,
                                   working_area=org.working_area)
    db.session.rollback()
    assert org.name == "Kraamzorg Het Nest"
    event = db.session.query(AuditEvent).filter_by(action="organisation.update").one()
    assert event.before["action_lines"] == [] and event.after["action_lines"] == [ActionLine.AFTER_BIRTH]


def test_the_directory_filters_by_text_kind_municipality_and_action_line(db):
    leeuwarden, harlingen = factories.make_municipality("Leeuwarden"), factories.make_municipality("Harlingen")
    with factories.one_commit():
        factories.make_organisation("Veilig Thuis Friesland", kind=OrganisationKind.SAFE_AT_HOME,
                                    when_to_engage="Bij zorgen over huiselijk geweld.",
                                    action_lines=[ActionLine.DURING_PREGNANCY])
        factories.make_organisation("Verloskundigen Leeuwarden", municipalities=[leeuwarden],
                                    action_lines=[ActionLine.AFTER_BIRTH])
        factories.make_organisation("Verloskundigen Harlingen", municipalities=[harlingen])

    def names(**filters):
        return [r.organisation.name for r in directory.directory(**filters).rows]

    assert names(q="huiselijk") == ["Veilig Thuis Friesland"]
    assert names(q="VERLOSKUNDIGEN") == ["Verloskundigen Harlingen", "Verloskundigen Leeuwarden"]
    assert names(kind=OrganisationKind.SAFE_AT_HOME) == ["Veilig Thuis Friesland"]
    assert names(municipality_slug=leeuwarden.slug) == ["Veilig Thuis Friesland", "Verloskundigen Leeuwarden"]
    assert names(action_line=ActionLine.AFTER_BIRTH) == ["Verloskundigen Leeuwarden"]
    counts = {t.municipality.name: t.count for t in directory.directory().tiles}
    assert counts == {"Harlingen": 2, "Leeuwarden": 2}


def test_a_municipality_page_holds_its_organisations_and_the_end_products_that_concern_it(db):
    team = Team()
    leeuwarden, harlingen = factories.make_municipality("Leeuwarden"), factories.make_municipality("Harlingen")
    coalition = factories.make_coalition(leeuwarden)
    member = factories.make_coalition_member(coalition, name="Coalitielid")
    team.publish("Voor heel Friesland")
    team.publish("Voor Leeuwarden", municipalities=[leeuwarden])
    team.publish("Voor Harlingen", municipalities=[harlingen])
    with factories.one_commit():
        factories.make_organisation("JGZ", kind=OrganisationKind.YOUTH_HEALTH_CARE)
        factories.make_organisation("VSV Noord", kind=OrganisationKind.OBSTETRIC_PARTNERSHIP,
                                    municipalities=[leeuwarden, harlingen])
        factories.make_organisation("Wijkteam Harlingen", kind=OrganisationKind.MUNICIPALITY, municipalities=[harlingen])
    page = directory.municipality_page(leeuwarden.slug)
    assert page.coalition.id == coalition.id and [p.name for p in page.members] == ["Coalitielid"]
    assert [(kind, [o.name for o in orgs]) for kind, orgs in page.by_kind] == [
        (OrganisationKind.YOUTH_HEALTH_CARE, ["JGZ"]), (OrganisationKind.OBSTETRIC_PARTNERSHIP, ["VSV Noord"])]
    assert sorted(e.title for e in page.entries) == ["Voor Leeuwarden", "Voor heel Friesland"]
    assert member is not None


def test_a_coalition_marks_an_end_product_used_once(db):
    team = Team()
    version = team.publish("Zorgpad")
    coalition = factories.make_coalition("Leeuwarden")
    member = factories.make_coalition_member(coalition)
    colleague = factories.make_coalition_member(coalition)
    use = factories.make_use(member, version.deliverable, note="In het wijkoverleg")
    assert use.coalition_id == coalition.id
    with pytest.raises(places.PlacesError):
        places.mark_used(colleague, version.deliverable, coalition)
    db.session.rollback()
    assert db.session.query(AuditEvent).filter_by(action="deliverable.use").count() == 1
    assert directory.use_counts([version.deliverable.id]) == {version.deliverable.id: 1}


def test_only_members_mark_and_only_published_end_products(db):
    team = Team()
    published = team.publish("Zorgpad").deliverable
    draft = team.draft("Concept").deliverable
    ours, theirs = factories.make_coalition("Leeuwarden"), factories.make_coalition("Harlingen")
    member = factories.make_coalition_member(ours)
    with pytest.raises(places.PlacesError):
        places.mark_used(member, published, theirs)      # not their coalition
    with pytest.raises(places.PlacesError):
        places.mark_used(member, draft, ours)             # not published
    db.session.rollback()
    assert db.session.query(DeliverableUse).count() == 0
    assert VersionStatus.PUBLISHED  # the factory's status took it to publication
