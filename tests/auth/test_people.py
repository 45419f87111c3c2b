"""Staff edit a person: name, organisation, roles, coalitions, language; audited; nobody takes
away their own staff role; the form keeps what was typed when something is wrong."""

from __future__ import annotations

from html import unescape

from leernetwerk.audit import AuditEvent
from leernetwerk.auth.models import User
from leernetwerk.extensions import db
from leernetwerk.rounds.models import MemberRole
from tests import factories


def _form(**changes) -> dict:
    data = {"name": "Petra Partner", "organisation_id": 0, "locale": "nl"}
    data.update(changes)
    return data


def test_staff_edit_a_person_from_the_people_list_and_the_change_is_audited(client, login):
    staff = factories.make_user(staff=True, name="Sanne ROS")
    leeuwarden, sneek = factories.make_coalition("Leeuwarden"), factories.make_coalition("Súdwest-Fryslân")
    person = factories.make_coalition_member(leeuwarden)
    org = factories.make_organisation("JGZ Fryslân")
    login(staff)
    people = client.get("/beheer/mensen").text
    assert f'href="/beheer/mensen/{person.id}/bewerken"' in people and "Bewerken" in people

    form = unescape(client.get(f"/beheer/mensen/{person.id}/bewerken").text)
    assert f'value="{person.name}"' in form and person.email in form
    response = client.post(f"/beheer/mensen/{person.id}/bewerken", data=_form(
        name="  Petra Partner ", organisation_id=org.id, is_core_group="y", coalition_ids=[sneek.id], locale="en"))
    assert response.status_code == 302 and response.headers["Location"] == "/beheer/mensen"
    assert "De gegevens van Petra Partner zijn opgeslagen." in client.get("/beheer/mensen").text

    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert (person.name, person.organisation_id, person.is_core_group, person.is_staff, person.locale) == \
        ("Petra Partner", org.id, True, False, "en")
    assert [c.id for c in person.coalitions] == [sneek.id]
    event = db.session.query(AuditEvent).filter_by(action="user.update").one()
    assert event.actor_id == staff.id and event.object_id == person.id
    assert event.before["coalitions"] == [leeuwarden.id] and event.after["coalitions"] == [sneek.id]
    assert event.before["is_core_group"] is False and event.after["is_core_group"] is True
    assert event.after["name"] == "Petra Partner" and event.after["organisation_id"] == org.id


def test_staff_cannot_take_away_their_own_staff_role_and_keep_what_they_typed(client, login):
    staff = factories.make_user(staff=True, name="Sanne ROS")
    login(staff)
    response = client.post(f"/beheer/mensen/{staff.id}/bewerken",
                           data=_form(name="Sanne de Vries", is_core_group="y", locale="en"))
    assert response.status_code == 400
    text = unescape(response.text)
    assert "Je kunt je eigen rol als ROS-medewerker niet weghalen" in text
    assert 'value="Sanne de Vries"' in text
    assert '<input checked id="is_core_group" name="is_core_group" type="checkbox" value="y">' in text
    assert 'aria-invalid="true" id="is_staff" name="is_staff" type="checkbox" value="y">' in text  # unticked, flagged
    assert '<option selected value="en">' in text
    db.session.expire_all()
    assert db.session.get(User, staff.id).is_staff and db.session.get(User, staff.id).name == "Sanne ROS"
    assert db.session.query(AuditEvent).filter_by(action="user.update").count() == 0


def test_another_staff_member_may_take_someones_staff_role_away(client, login):
    colleague = factories.make_user(staff=True, name="Oud ROS")
    login(factories.make_user(staff=True))
    assert client.post(f"/beheer/mensen/{colleague.id}/bewerken", data=_form(name="Oud ROS")).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, colleague.id).is_staff


def test_an_empty_name_is_refused_in_dutch_with_the_rest_kept(client, login):
    person = factories.make_user(name="Piet")
    login(factories.make_user(staff=True))
    response = client.post(f"/beheer/mensen/{person.id}/bewerken", data=_form(name="", locale="en"))
    assert response.status_code == 400
    assert "Vul de naam in." in response.text and '<option selected value="en">' in response.text
    db.session.expire_all()
    assert db.session.get(User, person.id).name == "Piet"


def test_a_liaison_of_a_running_table_stays_in_the_core_group(client, login):
    liaison = factories.make_user(core=True, name="Vera Verbinding")
    factories.make_table(liaison=liaison, title="Tafel Taalbarrières", members=[(factories.make_user(), MemberRole.LEAD)])
    login(factories.make_user(staff=True))
    response = client.post(f"/beheer/mensen/{liaison.id}/bewerken", data=_form(name="Vera Verbinding"))
    assert response.status_code == 400
    assert "Vera Verbinding is verbindingspersoon van ‘Tafel Taalbarrières’" in unescape(response.text)
    db.session.expire_all()
    assert db.session.get(User, liaison.id).is_core_group


def test_only_staff_edit_people(client, login):
    person = factories.make_user()
    login(factories.make_user(core=True))
    assert client.get(f"/beheer/mensen/{person.id}/bewerken").status_code == 403
    assert client.post(f"/beheer/mensen/{person.id}/bewerken", data=_form()).status_code == 403
    login(factories.make_user(staff=True))
    assert client.get("/beheer/mensen/999999/bewerken").status_code == 404
