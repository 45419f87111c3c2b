"""/mijn for a coalition member: what is new for their municipality since their last visit, and
no panels that can never have content for them."""

from __future__ import annotations

import re
from datetime import timedelta

from leernetwerk.auth.models import User
from leernetwerk.coalitions import services
from leernetwerk.coalitions.models import QuestionStatus
from leernetwerk.database import utcnow
from leernetwerk.library.models import DeliverableKind, FollowFacet
from tests import factories
from tests.library.helpers import Team

TABLE_PANELS = ("Mijn mijlpalen", "Werkpakketten zonder update", "op mijn review wachten", "Klaar om te publiceren",
                "Open ondersteuningsvragen")


def test_a_coalition_member_sees_new_end_products_for_their_municipality_and_friesland(client, login, make_client, db):
    team = Team()
    leeuwarden, harlingen = factories.make_coalition("Leeuwarden"), factories.make_coalition("Harlingen")
    member = factories.make_coalition_member(leeuwarden)
    team.publish("Voor Leeuwarden", municipalities=[leeuwarden.municipality])
    team.publish("Voor heel Friesland")
    team.publish("Voor Harlingen", municipalities=[harlingen.municipality])
    login(member)
    page = client.get("/mijn").text
    assert "Nieuw voor Leeuwarden" in page and "Voor Leeuwarden" in page and "Voor heel Friesland" in page
    assert "Voor Harlingen" not in page and 'href="/gemeenten/leeuwarden"' in page
    for panel in TABLE_PANELS:
        assert panel not in page
    assert "Mijn thematafels" not in page
    # The same session keeps the list; the next visit (a new session) starts from this one.
    assert "Voor Leeuwarden" in client.get("/mijn").text
    db.session.expire_all()
    assert db.session.get(User, member.id).last_seen_at is not None
    later = login(member, c=make_client())
    assert "Niets nieuws sinds je vorige bezoek" in later.get("/mijn").text


def test_only_what_was_published_after_the_last_visit_is_new(client, login, db):
    team = Team()
    coalition = factories.make_coalition("Leeuwarden")
    member = factories.make_coalition_member(coalition)
    team.publish("Oud zorgpad")
    db.session.get(User, member.id).last_seen_at = utcnow() + timedelta(seconds=1)
    db.session.commit()
    login(member)
    assert "Oud zorgpad" not in client.get("/mijn").text


def test_table_people_still_see_their_panels_and_no_coalition_panel(client, login):
    team = Team()
    login(team.lead)
    page = client.get("/mijn").text
    assert "Mijn mijlpalen" in page and "Mijn thematafels" in page and "Nieuw voor" not in page
    assert "op mijn review wachten" not in page  # a kartrekker reviews nothing


def test_my_page_costs_the_same_queries_for_1_or_50_new_end_products(client, login, count_queries):
    team = Team()
    coalition = factories.make_coalition("Leeuwarden")
    member = factories.make_coalition_member(coalition)
    team.publish("Eerste")
    login(member)
    client.get("/mijn")  # a session's first look also stores when it was; measure the looks after it
    with count_queries() as few:
        client.get("/mijn")
    for n in range(15):
        team.publish(f"Zorgpad {n}", municipalities=[coalition.municipality] if n % 2 else [])
    client.get("/mijn")  # counts per round are kept until round work changes: measure a look like the first
    with count_queries() as many:
        page = client.get("/mijn").text
    assert "Zorgpad 14" in page
    assert many.count == few.count


def test_my_page_and_the_municipality_page_list_the_coalitions_questions(client, login, db):
    """/mijn shows the questions my coalition raised or shares, and questions of other coalitions
    that look like them; the municipality's page lists its open questions."""
    leeuwarden, sneek = factories.make_coalition("Leeuwarden"), factories.make_coalition("Súdwest-Fryslân")
    member, other = factories.make_coalition_member(leeuwarden), factories.make_coalition_member(sneek)
    ours = factories.make_question(member, leeuwarden, title="Schulden vroeg zien bij zwangeren")
    factories.make_question(other, sneek, title="Schulden en geldzorgen in de zwangerschap")
    factories.make_question(other, sneek, title="Tolken bij het huisbezoek")
    login(member)
    page = client.get("/mijn").text
    panel = page.split('id="d-vraagstukken"', 1)[1].split("</section>", 1)[0]
    assert f'href="/vraagstukken/{ours.id}">Schulden vroeg zien bij zwangeren</a>' in panel
    alike = panel.split("Lijkt op jullie vragen", 1)[1]
    assert "Schulden en geldzorgen in de zwangerschap" in alike and "Tolken" not in alike
    municipality = client.get("/gemeenten/leeuwarden").text
    assert "Open vraagstukken" in municipality and "Schulden vroeg zien bij zwangeren" in municipality
    assert "Tolken bij het huisbezoek" not in municipality


def test_my_page_has_a_map_of_open_questions_per_municipality(client, login, db):
    """A question counts where it was raised and where a coalition said "ook bij ons"; a question
    that is not taken up is no longer open."""
    leeuwarden, harlingen, vlieland = (factories.make_coalition(name) for name in ("Leeuwarden", "Harlingen", "Vlieland"))
    member = factories.make_coalition_member(leeuwarden)
    question = factories.make_question(member, leeuwarden, title="Tolken bij het huisbezoek")
    factories.make_question_signal(question, harlingen, factories.make_coalition_member(harlingen))
    islander = factories.make_coalition_member(vlieland)
    closed = factories.make_question(islander, vlieland, title="Een vraag die niet wordt opgepakt")
    services.move_question(factories.make_user(core=True), closed, QuestionStatus.NOT_TAKEN_UP, reason="Al geregeld.")
    db.session.commit()
    login(member)
    page = client.get("/mijn").text
    panel = page.split('id="d-kaart"', 1)[1].split("</section>", 1)[0]
    assert 'aria-label="Leeuwarden: 1 open vraagstuk"' in panel and 'aria-label="Harlingen: 1 open vraagstuk"' in panel
    assert 'aria-label="Vlieland: 0 open vraagstukken"' in panel
    row = re.search(r'<a href="(/vraagstukken\?gemeente=\d+)">Harlingen</a></th><td>1</td>', panel)
    assert row, "the text table gives the same numbers, each a link to the municipality's questions"
    assert "Tolken bij het huisbezoek" in client.get(row.group(1)).text


def test_my_page_lists_what_i_follow_with_what_is_new_and_lets_me_stop(client, login):
    team = Team(theme="Taal en tolken")
    member = factories.make_coalition_member(factories.make_coalition("Leeuwarden"))
    factories.make_follow(member, FollowFacet.KIND, DeliverableKind.GUIDE)
    factories.make_follow(member, FollowFacet.THEME, "Taal en tolken")
    team.publish("Tolken regelen in de spreekkamer", kind=DeliverableKind.GUIDE)
    login(member)
    panel = client.get("/mijn").text.split('id="d-volg"', 1)[1].split("</section>", 1)[0]
    assert 'href="/bibliotheek?soort=handreiking">Handreiking</a>' in panel
    assert ">Taal en tolken</a>" in panel and panel.count("1 nieuw") == 2
    response = client.post("/bibliotheek/volgen", data={"facet": "soort", "value": "handreiking",
                                                        "action": "ontvolgen", "next": "/mijn"})
    assert response.status_code == 302 and response.headers["Location"] == "/mijn"
    panel = client.get("/mijn").text.split('id="d-volg"', 1)[1].split("</section>", 1)[0]
    assert "Handreiking" not in panel and "Taal en tolken" in panel


def test_someone_who_follows_nothing_is_told_how_to(client, login):
    login(Team().lead)
    assert "Je volgt nog niets" in client.get("/mijn").text


def test_my_page_costs_the_same_queries_for_1_or_30_follows_and_questions(client, login, count_queries):
    leeuwarden, harlingen = factories.make_coalition("Leeuwarden"), factories.make_coalition("Harlingen")
    member, other = factories.make_coalition_member(leeuwarden), factories.make_coalition_member(harlingen)
    factories.make_follow(member, FollowFacet.THEME, "Thema 0")
    factories.make_question(other, harlingen, title="Vraag 0")
    login(member)
    client.get("/mijn")
    with count_queries() as few:
        client.get("/mijn")
    with factories.one_commit():
        for n in range(1, 30):
            factories.make_follow(member, FollowFacet.THEME, f"Thema {n}")
            factories.make_question(other, harlingen, title=f"Vraag {n}")
    with count_queries() as many:
        page = client.get("/mijn").text
    assert "Thema 29" in page and 'aria-label="Harlingen: 30 open vraagstukken"' in page
    assert many.count == few.count
