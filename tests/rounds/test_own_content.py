"""Own content: the author corrects or withdraws their progress update or support request.

An update can be edited for 24 hours and withdrawn at any time; a support request can be edited
and withdrawn until it is answered. Withdrawn items stay in the history, marked; staff may
withdraw anyone's (moderation) but edit nobody's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from leernetwerk.audit import AuditEvent
from leernetwerk.database import utcnow
from leernetwerk.extensions import db as _db
from leernetwerk.rounds.models import MemberRole, ProgressUpdate, SupportRequest, ThematicTable, WorkPackage
from tests import factories

POSTED = datetime(2026, 11, 4, 9, 0, tzinfo=timezone.utc)  # 10:00 in Amsterdam


@dataclass
class Team:
    author: object
    colleague: object
    liaison: object
    staff: object
    table: ThematicTable
    wp: WorkPackage


@pytest.fixture
def clock():
    with time_machine.travel(POSTED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(clock, db) -> Team:
    author, colleague = factories.make_user(name="Anne Auteur"), factories.make_user(name="Cees Collega")
    round_ = factories.make_round(starts_on=POSTED.date() - timedelta(days=20))
    table = factories.make_table(None, round_, members=[(author, MemberRole.MEMBER), (colleague, MemberRole.LEAD)],
                            title="Tafel Taal")
    return Team(author=author, colleague=colleague, liaison=table.liaison,
                staff=factories.make_user(staff=True, name="Sanne ROS"), table=table,
                wp=factories.make_work_package(None, table, title="Wegwijzer"))


def _post_update(client, team: Team, body: str, light: str) -> ProgressUpdate:
    response = client.post(f"/werkpakketten/{team.wp.id}/updates", data={"body": body, "light": light})
    assert response.status_code == 302
    return _db.session.query(ProgressUpdate).filter_by(body=body).one()


def _update_item(page: str, update: ProgressUpdate) -> str:
    start = page.index(f'id="update-{update.id}"')
    return page[start:page.index("</li>", start)]


def _light_on_table_page(client, team: Team) -> str:
    page = client.get(f"/tafels/{team.table.id}").text
    return re.search(r'<span class="status status-([a-z_]+)">', page).group(1)


# --- progress updates ----------------------------------------------------------------------------

def test_the_author_corrects_an_update_the_same_day_and_it_shows_bewerkt(team, client, login, clock):
    login(team.author)
    update = _post_update(client, team, "Gesprek met de *GGD* gehad", "op_koers")
    page = client.get(f"/werkpakketten/{team.wp.id}").text
    assert f'href="/updates/{update.id}/bewerken"' in _update_item(page, update)
    clock.move_to(POSTED + timedelta(hours=3))

    form = client.get(f"/updates/{update.id}/bewerken")
    assert form.status_code == 200 and "Gesprek met de *GGD* gehad" in form.text
    assert "tot 5 november 2026 10:00" in form.text  # how long it can still be changed
    saved = client.post(f"/updates/{update.id}/bewerken", data={"body": "Gesprek met de *JGZ* gehad",
                                                                "light": "risico"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#update-{update.id}")

    item = _update_item(client.get(f"/werkpakketten/{team.wp.id}").text, update)
    assert "Gesprek met de <em>JGZ</em> gehad" in item and "GGD" not in item
    assert "Risico" in item and "bewerkt 4 november 2026 13:00" in item
    assert _light_on_table_page(client, team) == "risico"
    event = _db.session.query(AuditEvent).filter_by(action="progress_update.edit").one()
    assert event.before == {"body": "Gesprek met de *GGD* gehad", "light": "op_koers"}
    assert event.after["body"] == "Gesprek met de *JGZ* gehad" and event.after["light"] == "risico"
    assert event.actor_id == team.author.id


def test_after_24_hours_the_edit_is_refused_with_a_reason_and_the_typed_text_kept(team, client, login, clock):
    login(team.author)
    update = _post_update(client, team, "Eerste versie", "op_koers")
    client.get(f"/updates/{update.id}/bewerken")  # the form opened in time …
    clock.move_to(POSTED + timedelta(hours=24, minutes=1))  # … and sent a day later
    refused = client.post(f"/updates/{update.id}/bewerken", data={"body": "Mijn betere tekst", "light": "vertraagd"})
    assert refused.status_code == 400
    assert "Een update kan tot 24 uur na het plaatsen worden aangepast" in refused.text
    assert "Mijn betere tekst" in refused.text  # nothing typed is lost
    assert re.search(r'value="vertraagd"[^>]*checked|checked[^>]*value="vertraagd"', refused.text)
    _db.session.expire_all()
    stored = _db.session.get(ProgressUpdate, update.id)
    assert (stored.body, stored.light, stored.edited_at) == ("Eerste versie", "op_koers", None)
    # Past the window the page offers no edit link any more, and the form page says why.
    assert "/bewerken" not in _update_item(client.get(f"/werkpakketten/{team.wp.id}").text, update)
    late_form = client.get(f"/updates/{update.id}/bewerken").text
    assert "kan niet meer worden aangepast" in late_form and "<textarea" not in late_form


def test_only_the_author_edits_an_update_not_a_colleague_the_liaison_or_staff(team, client, login, make_client):
    login(team.author)
    update = _post_update(client, team, "Van Anne", "op_koers")
    for person in (team.colleague, team.liaison, team.staff):
        other = login(person, c=make_client())
        assert other.get(f"/updates/{update.id}/bewerken").status_code == 403
        assert other.post(f"/updates/{update.id}/bewerken",
                          data={"body": "Overschreven", "light": "risico"}).status_code == 403
        assert f"/updates/{update.id}/bewerken" not in other.get(f"/werkpakketten/{team.wp.id}").text
    _db.session.expire_all()
    assert _db.session.get(ProgressUpdate, update.id).body == "Van Anne"


def test_a_withdrawn_update_stays_marked_and_no_longer_sets_the_light(team, client, login, clock):
    login(team.author)
    _post_update(client, team, "Loopt goed", "op_koers")
    clock.move_to(POSTED + timedelta(days=3))  # withdrawing has no time limit
    wrong = _post_update(client, team, "Verkeerde tafel, sorry", "vertraagd")
    assert _light_on_table_page(client, team) == "vertraagd"
    clock.move_to(POSTED + timedelta(days=5))
    page = client.get(f"/werkpakketten/{team.wp.id}").text
    button = _update_item(page, wrong)
    assert f'action="/updates/{wrong.id}/intrekken"' in button and "data-confirm=" in button

    response = client.post(f"/updates/{wrong.id}/intrekken")
    assert response.status_code == 302
    assert "Update ingetrokken." in client.get(response.headers["Location"]).text
    page = client.get(f"/werkpakketten/{team.wp.id}").text
    item = _update_item(page, wrong)
    assert f'class="update withdrawn" id="update-{wrong.id}"' in page  # greyed
    assert "ingetrokken op 9 november 2026 10:00" in item
    assert "Verkeerde tafel, sorry" in item  # still readable, greyed
    assert "/intrekken" not in item and "/bewerken" not in item
    assert _light_on_table_page(client, team) == "op_koers"  # the latest update that counts
    round_page = client.get(f"/rondes/{team.table.round_id}").text  # the round picture too
    assert '<td data-label="Stand van zaken"><span class="status status-op_koers">' in round_page
    assert "status-vertraagd" not in round_page

    again = client.post(f"/updates/{wrong.id}/intrekken", follow_redirects=True)
    assert "Deze update was al ingetrokken." in again.text
    refused = client.post(f"/updates/{wrong.id}/bewerken", data={"body": "Toch", "light": "risico"})
    assert refused.status_code == 400 and "is ingetrokken" in refused.text
    [event] = _db.session.query(AuditEvent).filter_by(action="progress_update.withdraw").all()
    assert (event.before, event.after["withdrawn"], event.actor_id) == ({"withdrawn": False}, True, team.author.id)
    _db.session.expire_all()
    assert _db.session.get(ProgressUpdate, wrong.id) is not None  # never deleted


def test_staff_withdraw_anyones_update_as_moderation_the_liaison_and_colleagues_may_not(team, client, login,
                                                                                          make_client):
    login(team.author)
    update = _post_update(client, team, "Met een telefoonnummer erin", "op_koers")
    for person in (team.colleague, team.liaison):
        other = login(person, c=make_client())
        assert other.post(f"/updates/{update.id}/intrekken").status_code == 403
    staff = login(team.staff, c=make_client())
    assert f"/updates/{update.id}/intrekken" in staff.get(f"/werkpakketten/{team.wp.id}").text
    assert staff.post(f"/updates/{update.id}/intrekken").status_code == 302
    item = _update_item(client.get(f"/werkpakketten/{team.wp.id}").text, update)
    assert "ingetrokken op" in item and "door Sanne ROS" in item


def test_a_withdrawn_update_does_not_make_quiet_work_look_active_on_my_overview(team, client, login, clock, db):
    db.session.add(ProgressUpdate(work_package=team.wp, author=team.author, body="Oud", light="op_koers",
                                  created_at=utcnow() - timedelta(days=20)))
    db.session.commit()
    login(team.author)
    fresh = _post_update(client, team, "Vandaag", "op_koers")

    def quiet() -> str:
        page = client.get("/mijn").text
        return page[page.index('id="d-stil"'):page.index('id="d-steun"')]

    assert "Wegwijzer" not in quiet()
    client.post(f"/updates/{fresh.id}/intrekken")
    assert "Wegwijzer" in quiet()


def test_in_a_closed_round_nobody_edits_or_withdraws(team, client, login, make_client, db):
    login(team.author)
    update = _post_update(client, team, "Afgerond", "op_koers")
    team.table.round.closed_at = utcnow()
    db.session.commit()
    assert client.get(f"/updates/{update.id}/bewerken").status_code == 403
    assert client.post(f"/updates/{update.id}/intrekken").status_code == 403
    staff = login(team.staff, c=make_client())
    assert staff.post(f"/updates/{update.id}/intrekken").status_code == 403


# --- support requests ----------------------------------------------------------------------------

def _ask(client, team: Team, subject: str, body: str) -> SupportRequest:
    response = client.post(f"/tafels/{team.table.id}/ondersteuning", data={"subject": subject, "body": body})
    assert response.status_code == 302
    return _db.session.query(SupportRequest).filter_by(subject=subject).one()


def _card(page: str, request: SupportRequest) -> str:
    start = page.index(f'id="vraag-{request.id}"')
    return page[start:page.index("</article>", start)]


def test_the_asker_edits_a_question_until_it_is_answered(team, client, login, make_client, clock):
    login(team.author)
    question = _ask(client, team, "Tolk nodig", "Wie betaalt de tolk?")
    assert f'href="/ondersteuning/{question.id}/bewerken"' in _card(client.get(f"/tafels/{team.table.id}").text,
                                                                     question)
    clock.move_to(POSTED + timedelta(hours=2))
    form = client.get(f"/ondersteuning/{question.id}/bewerken")
    assert form.status_code == 200 and 'value="Tolk nodig"' in form.text
    saved = client.post(f"/ondersteuning/{question.id}/bewerken",
                        data={"subject": "Tolk Pools nodig", "body": "Wie betaalt een tolk Pools?"})
    assert saved.status_code == 302
    card = _card(client.get(f"/tafels/{team.table.id}").text, question)
    assert "Tolk Pools nodig" in card and "Wie betaalt een tolk Pools?" in card
    assert "bewerkt 4 november 2026 12:00" in card
    liaison = login(team.liaison, c=make_client())
    assert "Tolk Pools nodig" in liaison.get("/mijn").text  # the liaison sees the question as it is now
    event = _db.session.query(AuditEvent).filter_by(action="support_request.edit").one()
    assert event.before == {"subject": "Tolk nodig", "body": "Wie betaalt de tolk?"}
    assert event.after["subject"] == "Tolk Pools nodig"

    liaison.post(f"/ondersteuning/{question.id}/beantwoorden", data={"answer": "De gemeente."})
    card = _card(client.get(f"/tafels/{team.table.id}").text, question)
    assert "/bewerken" not in card and "/intrekken" not in card
    refused = client.post(f"/ondersteuning/{question.id}/bewerken",
                          data={"subject": "Tolk Pools nodig", "body": "En een tolk Arabisch?"})
    assert refused.status_code == 400
    assert "Deze vraag is intussen beantwoord en kan niet meer worden aangepast." in refused.text
    assert "En een tolk Arabisch?" in refused.text  # nothing typed is lost
    _db.session.expire_all()
    assert _db.session.get(SupportRequest, question.id).body == "Wie betaalt een tolk Pools?"


def test_a_withdrawn_question_stays_marked_and_waits_for_nobody(team, client, login, make_client, clock):
    login(team.author)
    question = _ask(client, team, "Zaal voor de bijeenkomst", "Wie regelt een zaal?")
    liaison = login(team.liaison, c=make_client())
    staff = login(team.staff, c=make_client())
    assert "Zaal voor de bijeenkomst" in liaison.get("/mijn").text
    clock.move_to(POSTED + timedelta(days=1))
    page = client.get(f"/tafels/{team.table.id}").text
    assert "data-confirm=" in _card(page, question)
    assert client.post(f"/ondersteuning/{question.id}/intrekken").status_code == 302

    card = _card(client.get(f"/tafels/{team.table.id}").text, question)
    assert "ingetrokken op 5 november 2026 10:00" in card and "Wie regelt een zaal?" in card
    assert ">open<" not in card
    liaison_card = _card(liaison.get(f"/tafels/{team.table.id}").text, question)
    assert "<textarea" not in liaison_card  # nothing to answer any more
    for person in (liaison, staff):
        assert "Zaal voor de bijeenkomst" not in person.get("/mijn").text
    answered = liaison.post(f"/ondersteuning/{question.id}/beantwoorden", data={"answer": "Te laat"},
                            follow_redirects=True)
    assert "Deze vraag is ingetrokken" in answered.text
    _db.session.expire_all()
    stored = _db.session.get(SupportRequest, question.id)
    assert stored.answered_at is None and stored.withdrawn_by_id == team.author.id
    event = _db.session.query(AuditEvent).filter_by(action="support_request.withdraw").one()
    assert event.after["withdrawn"] is True


def test_an_answered_question_is_not_withdrawn(team, client, login, make_client):
    login(team.author)
    question = _ask(client, team, "Vraag", "Wat nu?")
    login(team.liaison, c=make_client()).post(f"/ondersteuning/{question.id}/beantwoorden", data={"answer": "Zo."})
    refused = client.post(f"/ondersteuning/{question.id}/intrekken", follow_redirects=True)
    assert "Deze vraag is al beantwoord; een beantwoorde vraag blijft staan." in refused.text
    _db.session.expire_all()
    assert _db.session.get(SupportRequest, question.id).withdrawn_at is None


def test_only_the_asker_edits_a_question_and_staff_may_withdraw_it(team, client, login, make_client):
    login(team.author)
    question = _ask(client, team, "Eigen vraag", "Van Anne")
    for person in (team.colleague, team.liaison, team.staff):
        other = login(person, c=make_client())
        assert other.get(f"/ondersteuning/{question.id}/bewerken").status_code == 403
        assert f"/ondersteuning/{question.id}/bewerken" not in other.get(f"/tafels/{team.table.id}").text
    for person in (team.colleague, team.liaison):
        assert login(person, c=make_client()).post(f"/ondersteuning/{question.id}/intrekken").status_code == 403
    staff = login(team.staff, c=make_client())
    assert staff.post(f"/ondersteuning/{question.id}/intrekken").status_code == 302
    assert "door Sanne ROS" in _card(client.get(f"/tafels/{team.table.id}").text, question)


def test_an_answer_that_came_in_after_the_question_was_loaded_is_seen_by_the_edit(team, db):
    """Two people at once: the page loaded the question, then the liaison's answer was stored.
    The edit reloads (and locks) the row first, so it sees the answer and is refused."""
    from sqlalchemy import update

    from leernetwerk.rounds import services, work

    question = SupportRequest(table=team.table, author=team.author, subject="Vraag", body="Eerst")
    db.session.add(question)
    db.session.commit()
    assert question.is_open  # loaded: unanswered
    db.session.execute(update(SupportRequest).where(SupportRequest.id == question.id)
                       .values(answer="Zo.", answered_at=utcnow(), answered_by_id=team.liaison.id)
                       .execution_options(synchronize_session=False))
    with pytest.raises(services.RoundsError, match="intussen beantwoord"):
        work.edit_support(team.author, question, subject="Vraag", body="Later")
    with pytest.raises(services.RoundsError, match="al beantwoord"):
        work.withdraw_support(team.author, question)


def test_in_english_the_marks_and_buttons_are_english(team, client, login, db):
    team.author.locale = "en"
    db.session.commit()
    login(team.author)
    update = _post_update(client, team, "Eerste", "op_koers")
    page = client.get(f"/werkpakketten/{team.wp.id}").text
    assert ">Edit<" in _update_item(page, update) and ">Withdraw<" in _update_item(page, update)
    client.post(f"/updates/{update.id}/intrekken")
    assert "withdrawn on November 4, 2026 10:00" in _update_item(client.get(f"/werkpakketten/{team.wp.id}").text, update)


def test_an_edit_racing_an_answer_waits_for_it_and_is_then_refused(team, app, db):
    """Really at the same time, in two transactions: the liaison's answer holds the question's row;
    the asker's edit, loaded before the answer was stored, waits for it and is then refused."""
    import threading
    import time

    from leernetwerk.rounds import services, work

    question = SupportRequest(table=team.table, author=team.author, subject="Vraag", body="Eerst")
    db.session.add(question)
    db.session.commit()
    question_id, author_id = question.id, team.author.id
    work.answer_support(team.liaison, question, "Zo.")  # not committed yet: the row stays locked
    outcome: dict[str, object] = {}

    def edit_in_another_transaction() -> None:
        from leernetwerk.auth.models import User

        with app.app_context():
            try:
                loaded = db.session.get(SupportRequest, question_id)  # on SQLite this already waits
                work.edit_support(db.session.get(User, author_id), loaded, subject="Vraag", body="Later")
                db.session.commit()
                outcome["result"] = "saved"
            except services.RoundsError as error:
                outcome["result"] = str(error)
            finally:
                db.session.rollback()
                db.session.remove()

    other = threading.Thread(target=edit_in_another_transaction)
    other.start()
    time.sleep(0.5)
    db.session.commit()
    other.join(timeout=20)
    assert "intussen beantwoord" in str(outcome["result"])
    db.session.expire_all()
    assert db.session.get(SupportRequest, question_id).body == "Eerst"
