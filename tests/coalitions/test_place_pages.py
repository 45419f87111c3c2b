"""The organisation directory, a municipality's page and "gebruikt in", through HTTP."""

from __future__ import annotations

import re

from sqlalchemy import select

from leernetwerk.audit import AuditEvent
from leernetwerk.coalitions.models import DeliverableUse, Organisation, OrganisationKind, WorkingArea
from leernetwerk.rounds.models import ActionLine
from tests import factories
from tests.library.helpers import Team


def _form(org_name: str = "Fier", **changes) -> dict:
    return {"name": org_name, "kind": OrganisationKind.FIER.value, "working_area": WorkingArea.PROVINCE.value,
            "description": "Hulp bij geweld in afhankelijkheidsrelaties.", "when_to_engage": "Bij vermoeden van geweld.",
            "phone": "088 20 80 000", "email": "info@fier.nl", "website": "https://www.fier.nl",
            "referral": "Bel of meld via de website.", "action_lines": [ActionLine.DURING_PREGNANCY.value]} | changes


def test_the_core_group_adds_an_organisation_and_everyone_logged_in_reads_it(client, login, make_client, db):
    factories.make_municipality("Leeuwarden")
    login(factories.make_user(core=True))
    response = client.post("/organisaties/nieuw", data=_form())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Organisatie toegevoegd." in page and "Bij vermoeden van geweld." in page and 'href="tel:0882080000"' in page
    reader = login(factories.make_coalition_member(), c=make_client())
    page = reader.get("/organisaties").text
    assert "Fier" in page and "Tijdens de zwangerschap" in page and "Bewerken" not in page
    assert "/organisaties/nieuw" not in page


def test_a_refused_rule_shows_next_to_its_field(client, login):
    factories.make_municipality("Leeuwarden")
    login(factories.make_user(staff=True))
    response = client.post("/organisaties/nieuw", data=_form(working_area=WorkingArea.REGION.value))
    assert response.status_code == 400
    assert "minstens twee gemeenten" in response.text


def test_editing_after_someone_else_saved_gives_the_conflict_page(client, login, make_client, db):
    staff, core = factories.make_user(staff=True), factories.make_user(core=True)
    org = factories.make_organisation("Fier", kind=OrganisationKind.FIER)
    first, second = login(staff), login(core, c=make_client())
    version = re.search(r'name="version" type="hidden" value="(\d+)"',
                        second.get(f"/organisaties/{org.id}/bewerken").text).group(1)
    assert first.post(f"/organisaties/{org.id}/bewerken",
                      data=_form(version=first_version(first, org.id), phone="1")).status_code == 302
    response = second.post(f"/organisaties/{org.id}/bewerken", data=_form(version=version, phone="2"))
    assert response.status_code == 409 and "Iemand anders was je voor" in response.text
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).phone == "1"


def first_version(browser, org_id: int) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"',
                     browser.get(f"/organisaties/{org_id}/bewerken").text).group(1)


def test_the_map_links_every_municipality_and_has_a_table_with_the_same_numbers(client, login):
    leeuwarden = factories.make_municipality("Leeuwarden")
    factories.make_municipality("Vlieland")
    factories.make_organisation("JGZ Fryslân", kind=OrganisationKind.YOUTH_HEALTH_CARE)
    factories.make_organisation("Verloskundigen", municipalities=[leeuwarden])
    login(factories.make_user())
    page = client.get("/organisaties").text
    assert '<svg class="map-svg" role="group"' in page and "<title id=" in page and "<desc id=" in page
    assert 'aria-label="Leeuwarden: 2 organisaties"' in page and 'aria-label="Vlieland: 1 organisatie"' in page
    assert re.search(r'href="/gemeenten/leeuwarden">Leeuwarden</a></th><td>2</td>', page)


def test_the_directory_costs_the_same_queries_for_1_or_50_organisations(client, login, count_queries):
    places = [factories.make_municipality(f"Plaats {n}") for n in range(3)]
    factories.make_organisation("Eerste", municipalities=places[:1], action_lines=[ActionLine.AFTER_BIRTH])
    login(factories.make_user(staff=True))
    client.get("/organisaties")
    with count_queries() as few:
        assert client.get("/organisaties", query_string={"soort": "verloskunde"}).status_code == 200
    with factories.one_commit():
        for n in range(49):
            factories.make_organisation(f"Organisatie {n:02d}", municipalities=places[: 1 + n % 3],
                                        action_lines=[ActionLine.AFTER_BIRTH, ActionLine.DURING_PREGNANCY])
    with count_queries() as many:
        response = client.get("/organisaties", query_string={"soort": "verloskunde"})
    assert "50 organisaties" in response.text
    assert many.count == few.count


def test_a_municipality_page_costs_the_same_queries_for_1_or_50_of_everything(client, login, count_queries):
    team = Team()
    leeuwarden = factories.make_municipality("Leeuwarden")
    coalition = factories.make_coalition(leeuwarden)
    member = factories.make_coalition_member(coalition)
    factories.make_organisation("Eerste", municipalities=[leeuwarden])
    factories.make_use(member, team.publish("Eerste zorgpad", municipalities=[leeuwarden]).deliverable)
    login(member)
    client.get("/gemeenten/leeuwarden")
    with count_queries() as few:
        client.get("/gemeenten/leeuwarden")
    with factories.one_commit():
        for n in range(49):
            factories.make_organisation(f"Organisatie {n:02d}", kind=list(OrganisationKind)[n % 16],
                                        municipalities=[leeuwarden] if n % 2 else [])
            factories.make_coalition_member(coalition)
    for n in range(10):
        version = team.publish(f"Zorgpad {n}", municipalities=[leeuwarden] if n % 2 else [])
        factories.make_use(member, version.deliverable)
    with count_queries() as many:
        page = client.get("/gemeenten/leeuwarden").text
    assert "Zorgpad 9" in page and "Organisatie 48" in page
    assert many.count == few.count


def test_a_municipality_page_shows_its_own_and_frisian_end_products_and_unknown_is_404(client, login):
    team = Team()
    leeuwarden, harlingen = factories.make_municipality("Leeuwarden"), factories.make_municipality("Harlingen")
    factories.make_coalition(leeuwarden)
    team.publish("Heel Friesland zorgpad")
    team.publish("Leeuwarder kaart", municipalities=[leeuwarden])
    team.publish("Harlinger kaart", municipalities=[harlingen])
    login(factories.make_user())
    page = client.get("/gemeenten/leeuwarden").text
    assert "Heel Friesland zorgpad" in page and "Leeuwarder kaart" in page and "Harlinger kaart" not in page
    assert "Kansrijke Start Leeuwarden" in page
    assert client.get("/gemeenten/nergens").status_code == 404


def test_a_coalition_member_marks_an_end_product_as_used_once(client, login, make_client, db):
    team = Team()
    deliverable = team.publish("Zorgpad").deliverable
    leeuwarden = factories.make_coalition("Leeuwarden")
    member = factories.make_coalition_member(leeuwarden)
    login(member)
    page = client.get(f"/bibliotheek/{deliverable.slug}").text
    assert "Wij gebruiken dit in Leeuwarden" in page and "Gebruikt in 0 gemeenten" in page
    form = {"coalition_id": leeuwarden.id, "note": "Besproken in het wijkoverleg.",
            "once": "token-1"}
    assert client.post(f"/bibliotheek/{deliverable.slug}/gebruikt", data=form).status_code == 302
    page = client.get(f"/bibliotheek/{deliverable.slug}").text
    assert "Gebruikt in 1 gemeente" in page and "Besproken in het wijkoverleg." in page
    assert "Wij gebruiken dit" not in page
    assert "gebruikt in 1 gemeente" in client.get("/bibliotheek").text
    # Again (another form) is refused; nothing is stored twice.
    client.post(f"/bibliotheek/{deliverable.slug}/gebruikt", data=form | {"once": "token-2"})
    assert db.session.query(DeliverableUse).count() == 1


def test_gebruikt_in_for_another_coalition_or_by_others_is_refused(client, login, make_client, db):
    team = Team()
    deliverable = team.publish("Zorgpad").deliverable
    ours, theirs = factories.make_coalition("Leeuwarden"), factories.make_coalition("Harlingen")
    login(factories.make_coalition_member(ours))
    client.post(f"/bibliotheek/{deliverable.slug}/gebruikt", data={"coalition_id": theirs.id})
    assert db.session.query(DeliverableUse).count() == 0
    assert client.post("/bibliotheek/bestaat-niet/gebruikt", data={"coalition_id": ours.id}).status_code == 404
    draft = team.draft("Concept").deliverable
    assert client.post(f"/bibliotheek/{draft.slug}/gebruikt", data={"coalition_id": ours.id}).status_code == 403
    outsider = login(factories.make_user(), c=make_client())
    assert outsider.post(f"/bibliotheek/{deliverable.slug}/gebruikt",
                         data={"coalition_id": ours.id}).status_code == 403
    assert db.session.query(DeliverableUse).count() == 0


def test_the_table_sees_where_its_end_product_is_used(client, login):
    team = Team()
    deliverable = team.publish("Zorgpad").deliverable
    member = factories.make_coalition_member(factories.make_coalition("Harlingen"))
    factories.make_use(member, deliverable, note="Met de huisartsen doorgenomen.")
    login(team.lead)
    page = client.get(f"/eindproducten/{deliverable.id}").text
    assert "Gebruikt in 1 gemeente" in page and "Harlingen" in page and "Met de huisartsen doorgenomen." in page


def test_the_audit_log_reads_organisations_and_gebruikt_in(client, login):
    team = Team()
    deliverable = team.publish("Zorgpad").deliverable
    member = factories.make_coalition_member(factories.make_coalition("Leeuwarden"))
    factories.make_use(member, deliverable)
    factories.make_organisation("Fier", by=team.staff, kind=OrganisationKind.FIER)
    login(team.staff)
    page = client.get("/beheer/logboek").text
    assert "Organisatie toegevoegd" in page and "Fier" in page
    assert "Eindproduct gemarkeerd als gebruikt in een gemeente" in page
    assert f'href="/eindproducten/{deliverable.id}">Leeuwarden</a>' in page
    assert "verwijderd" not in page


def test_the_directory_map_can_show_open_questions_instead_and_keeps_the_filters(client, login):
    leeuwarden = factories.make_coalition("Leeuwarden")
    factories.make_coalition("Vlieland")
    member = factories.make_coalition_member(leeuwarden)
    factories.make_question(member, leeuwarden, title="Tolken bij het huisbezoek")
    factories.make_organisation("Verloskundigen", municipalities=[leeuwarden.municipality])
    login(member)
    page = client.get("/organisaties", query_string={"soort": "verloskunde"}).text
    assert 'href="/organisaties?kaart=vraagstukken&amp;soort=verloskunde"' in page
    page = client.get("/organisaties", query_string={"soort": "verloskunde", "kaart": "vraagstukken"}).text
    assert 'aria-label="Leeuwarden: 1 open vraagstuk"' in page and 'aria-label="Vlieland: 0 open vraagstukken"' in page
    assert "Open vraagstukken per gemeente" in page and "1 organisatie" in page
    assert 'href="/organisaties?soort=verloskunde" aria-current' not in page  # the chosen map is marked, not the other
    assert 'href="/organisaties?kaart=vraagstukken&amp;soort=verloskunde" aria-current="page"' in page


def test_the_core_group_archives_an_organisation_and_brings_it_back(client, login, make_client, db):
    leeuwarden = factories.make_municipality("Leeuwarden")
    org = factories.make_organisation("Stichting die stopt", municipalities=[leeuwarden])
    factories.make_organisation("Blijft", municipalities=[leeuwarden])
    core = login(factories.make_user(core=True))
    response = core.post(f"/organisaties/{org.id}/archiveren")
    assert response.status_code == 302 and response.headers["Location"] == "/organisaties?gearchiveerd=1"
    archived = core.get(response.headers["Location"]).text
    assert "‘Stichting die stopt’ is gearchiveerd." in archived and "Weer actief maken" in archived
    assert "Blijft" not in archived
    listing = core.get("/organisaties").text
    assert "Stichting die stopt" not in listing and "1 gearchiveerde organisatie" in listing
    assert "Stichting die stopt" not in core.get("/gemeenten/leeuwarden").text
    reader = login(factories.make_coalition_member(), c=make_client())
    assert "Blijft" in reader.get("/organisaties?gearchiveerd=1").text  # only editors see the archive
    assert "gearchiveerde" not in reader.get("/organisaties").text
    assert core.post(f"/organisaties/{org.id}/herstellen").status_code == 302
    assert "Stichting die stopt" in core.get("/gemeenten/leeuwarden").text
    actions = [e.action for e in db.session.execute(
        select(AuditEvent).where(AuditEvent.object_id == org.id, AuditEvent.object_type == "organisations")
        .order_by(AuditEvent.id)).scalars()]
    assert actions == ["organisation.create", "organisation.archive", "organisation.restore"]


def test_the_map_of_questions_is_offered_only_to_those_who_may_read_questions(client, login):
    factories.make_municipality("Leeuwarden")
    login(Team().lead)   # a table member outside any coalition or the core group
    page = client.get("/organisaties", query_string={"kaart": "vraagstukken"}).text
    assert "open vraagstukken" not in page and "/vraagstukken?gemeente=" not in page
    assert "Organisaties per gemeente" in page


def test_the_directory_is_paged_while_the_map_counts_every_organisation(client, login):
    leeuwarden = factories.make_municipality("Leeuwarden")
    with factories.one_commit():
        for n in range(60):
            factories.make_organisation(f"Verloskundigen {n:02d}", municipalities=[leeuwarden])
    login(factories.make_user())
    first = client.get("/organisaties", query_string={"soort": "verloskunde", "_anchor": "x"}).text
    assert "60 organisaties" in first and first.count('class="card organisation"') == 25
    assert 'aria-label="Leeuwarden: 60 organisaties"' in first
    assert 'href="/organisaties?soort=verloskunde&amp;pagina=2#resultaten" rel="next"' in first
    last = client.get("/organisaties", query_string={"soort": "verloskunde", "pagina": 3}).text
    assert last.count('class="card organisation"') == 10 and "Verloskundigen 59" in last
    assert "Verloskundigen 00" not in last
    # A page past the end shows the last page rather than nothing.
    assert "Verloskundigen 59" in client.get("/organisaties", query_string={"pagina": 99}).text


def test_a_municipality_page_shows_a_few_per_kind_and_the_newest_end_products_with_links_to_all(client, login):
    team = Team()
    leeuwarden = factories.make_municipality("Leeuwarden")
    with factories.one_commit():
        for n in range(12):
            factories.make_organisation(f"Verloskundigen {n:02d}", municipalities=[leeuwarden])
        factories.make_organisation("Veilig Thuis Friesland", kind=OrganisationKind.SAFE_AT_HOME)
    for n in range(23):
        team.publish(f"Eindproduct {n:02d}", municipalities=[leeuwarden] if n % 2 else [])
    login(factories.make_user())
    page = client.get("/gemeenten/leeuwarden").text
    assert page.count(">Verloskundigen ") == 8 and "Verloskundigen 07" in page and "Verloskundigen 08" not in page
    assert 'href="/organisaties?gemeente=leeuwarden&amp;soort=verloskunde">Alle 12' in page
    assert "Veilig Thuis Friesland" in page
    assert page.count('class="hit"') == 20 and "De nieuwste 20 van 23" in page
    assert ">Alle 23 in de bibliotheek</a>" in page
