"""A form is saved once: a double click or Back-and-submit-again stores nothing twice, while a
refused form can be corrected and sent again."""

from __future__ import annotations

import re
from datetime import timedelta

from leernetwerk.extensions import db as _db
from leernetwerk.library.models import Deliverable
from leernetwerk.rounds.models import MemberRole, Milestone, ProgressUpdate, Round, SupportRequest
from tests import factories

ONCE = re.compile(r'name="once" type="hidden" value="([^"]+)"')


def _token(page: str) -> str:
    return ONCE.search(page).group(1)


def _member_and_work_package():
    member = factories.make_user(name="Tafellid")
    table = factories.make_table(members=[(member, MemberRole.MEMBER)])
    wp = factories.make_work_package(None, table)
    _db.session.commit()
    return member, table, wp


def test_two_clicks_on_send_make_one_support_request(client, login, db):
    member, table, _wp = _member_and_work_package()
    login(member)
    token = _token(client.get(f"/tafels/{table.id}").text)
    form = {"subject": "Tolk nodig", "body": "Wie betaalt de tolk?", "once": token}
    first = client.post(f"/tafels/{table.id}/ondersteuning", data=form)
    second = client.post(f"/tafels/{table.id}/ondersteuning", data=form)
    assert first.status_code == second.status_code == 302
    assert _db.session.query(SupportRequest).filter_by(subject="Tolk nodig").count() == 1
    page = client.get(second.headers["Location"]).text
    assert "Dit was al verstuurd; het is niet nog een keer opgeslagen." in page


def test_an_update_and_a_milestone_sent_twice_are_stored_once(client, login, db):
    member, _table, wp = _member_and_work_package()
    login(member)
    page = client.get(f"/werkpakketten/{wp.id}").text
    milestone_token, update_token = ONCE.findall(page)  # each form on the page has its own token
    assert milestone_token != update_token
    update = {"body": "Eerste gesprek gevoerd.", "light": "op_koers", "once": update_token}
    for _ in range(2):
        client.post(f"/werkpakketten/{wp.id}/updates", data=update)
    due = (wp.table.round.starts_on + timedelta(days=20)).isoformat()
    milestone = {"title": "Concept klaar", "due_on": due, "assignee_id": 0, "once": milestone_token}
    for _ in range(2):
        client.post(f"/werkpakketten/{wp.id}/mijlpalen", data=milestone)
    assert _db.session.query(ProgressUpdate).filter_by(work_package_id=wp.id).count() == 1
    assert _db.session.query(Milestone).filter_by(work_package_id=wp.id, title="Concept klaar").count() == 1


def test_a_refused_form_keeps_its_token_and_goes_through_once_corrected(client, login, db):
    member, _table, wp = _member_and_work_package()
    login(member)
    token = ONCE.findall(client.get(f"/werkpakketten/{wp.id}").text)[1]
    refused = client.post(f"/werkpakketten/{wp.id}/updates", data={"body": " ", "light": "op_koers", "once": token})
    assert refused.status_code == 400 and f'value="{token}"' in refused.text
    saved = client.post(f"/werkpakketten/{wp.id}/updates", data={"body": "Nu wel.", "light": "op_koers", "once": token})
    assert saved.status_code == 302
    assert _db.session.query(ProgressUpdate).filter_by(work_package_id=wp.id).count() == 1


def test_a_new_round_and_a_new_end_product_sent_twice_exist_once(client, login, db):
    staff = factories.make_user(staff=True)
    login(staff)
    token = _token(client.get("/rondes/nieuw").text)
    form = {"name": "Ronde najaar 2031", "starts_on": "2031-09-01", "ends_on": "2031-12-15", "goal": "", "once": token}
    assert client.post("/rondes/nieuw", data=form).status_code == 302
    again = client.post("/rondes/nieuw", data=form)
    assert again.status_code == 302 and again.headers["Location"].endswith("/rondes")
    assert _db.session.query(Round).filter_by(name="Ronde najaar 2031").count() == 1

    _member, _table, wp = _member_and_work_package()
    token = _token(client.get(f"/werkpakketten/{wp.id}/eindproducten/nieuw").text)
    form = {"title": "Sociale kaart", "summary": "Wie helpt bij geldzorgen.", "kind": "sociale_kaart",
            "action_line": "tijdens_zwangerschap", "visibility": "openbaar", "all_of_friesland": "y", "once": token}
    assert client.post(f"/werkpakketten/{wp.id}/eindproducten/nieuw", data=form).status_code == 302
    assert client.post(f"/werkpakketten/{wp.id}/eindproducten/nieuw", data=form).status_code == 302
    assert _db.session.query(Deliverable).filter_by(work_package_id=wp.id).count() == 1
