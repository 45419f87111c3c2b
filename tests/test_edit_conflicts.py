"""Every version-checked save shows the same conflict page: what is stored now beside what this
person typed, nothing lost. Whether the other save came before the form was sent (the version
in the form is old) or in the same instant (the database's version check at flush)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from leernetwerk.extensions import db as _db
from leernetwerk.library import services as library
from leernetwerk.rounds import services as rounds
from leernetwerk.rounds.models import MemberRole, Round, ThematicTable
from tests import factories
from tests.library.helpers import Team


def _racing(monkeypatch, module, name: str, sql: str) -> None:
    """Make `module.name` run as if someone else saved the same row after this request loaded it
    and checked its version: the row's version moves on under the loaded object, and the database's
    version check at flush finds it. (Here the change is made in the request's own transaction, so
    the rollback undoes it too; on PostgreSQL another worker's commit would stay.)"""
    real = getattr(module, name)

    def step(*args, **kwargs):
        _db.session.execute(text(sql))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, step)


def test_a_round_saved_by_someone_else_in_the_same_instant_shows_both_versions(client, login, monkeypatch, db):
    staff = factories.make_user(staff=True)
    round_ = factories.make_round(name="Ronde voorjaar")
    _db.session.commit()
    login(staff)
    _racing(monkeypatch, rounds, "update_round",
            f"UPDATE rounds SET name = 'Ronde van de ander', version = version + 1 WHERE id = {round_.id}")
    response = client.post(f"/rondes/{round_.id}/bewerken", data={
        "name": "Mijn rondenaam", "starts_on": round_.starts_on.isoformat(), "ends_on": round_.ends_on.isoformat(),
        "goal": "Mijn doel", "version": round_.version})
    assert response.status_code == 409
    assert "Iemand anders heeft dit intussen opgeslagen" in response.text
    assert "<td class=\"pre\">Ronde voorjaar</td>" in response.text  # what is stored now
    assert 'value="Mijn rondenaam"' in response.text and "Mijn doel" in response.text  # nothing typed lost
    _db.session.expire_all()
    assert _db.session.get(Round, round_.id).name == "Ronde voorjaar"


def test_a_table_saved_by_someone_else_in_the_same_instant_shows_both_versions(client, login, monkeypatch, db):
    lead = factories.make_user()
    table = factories.make_table(members=[(lead, MemberRole.LEAD)], title="Taal en tolken")
    _db.session.commit()
    login(table.liaison)
    _racing(monkeypatch, rounds, "update_table",
            f"UPDATE tables SET title = 'Titel van de ander', version = version + 1 WHERE id = {table.id}")
    response = client.post(f"/tafels/{table.id}/bewerken", data={
        "title": "Mijn titel", "theme": table.theme, "action_line": table.action_line, "description": "Mijn tekst",
        "liaison_id": table.liaison_id, "leads": [lead.id], "version": table.version})
    assert response.status_code == 409
    assert "<td class=\"pre\">Taal en tolken</td>" in response.text and 'value="Mijn titel"' in response.text
    _db.session.expire_all()
    assert _db.session.get(ThematicTable, table.id).title == "Taal en tolken"


@pytest.mark.parametrize("race", ["before", "same instant"])
def test_an_end_product_saved_by_someone_else_shows_both_versions(client, login, monkeypatch, db, race):
    team = Team()
    version = team.draft("Sociale kaart")
    _db.session.commit()
    login(team.lead)
    form = {"title": "Mijn titel", "summary": "Mijn samenvatting", "body": "Mijn lange tekst", "kind": "zorgpad",
            "action_line": "tijdens_zwangerschap", "visibility": "openbaar", "all_of_friesland": "y",
            "version": version.lock_version}
    sql = (f"UPDATE deliverable_versions SET title = 'Titel van de ander', lock_version = lock_version + 1 "
           f"WHERE id = {version.id}")
    if race == "before":
        _db.session.execute(text(sql))
        _db.session.commit()
    else:
        _racing(monkeypatch, library, "update_draft", sql)
    response = client.post(f"/eindproducten/{version.deliverable_id}/bewerken", data=form)
    assert response.status_code == 409
    stored = "Titel van de ander" if race == "before" else "Sociale kaart"
    assert f"<td class=\"pre\">{stored}</td>" in response.text
    assert 'value="Mijn titel"' in response.text and "Mijn lange tekst" in response.text


def test_an_edit_sent_after_the_draft_went_to_review_keeps_the_typed_text(client, login, db):
    """The member still had the edit form open when the draft was submitted for review: the save
    is refused, but the page shows what was submitted beside what they typed."""
    team = Team()
    version = team.draft("Sociale kaart", body="Ingediende tekst")
    _db.session.commit()
    login(team.lead)
    page = client.get(f"/eindproducten/{version.deliverable_id}/bewerken")
    assert page.status_code == 200
    library.submit_for_review(team.staff, version)
    _db.session.commit()
    response = client.post(f"/eindproducten/{version.deliverable_id}/bewerken", data={
        "title": "Sociale kaart", "summary": "Samenvatting", "body": "Mijn nieuwe alinea over schuldhulp",
        "kind": "zorgpad", "action_line": "tijdens_zwangerschap", "visibility": "openbaar", "all_of_friesland": "y",
        "version": version.lock_version})
    assert response.status_code == 409
    assert "in review" in response.text and "niet opgeslagen" in response.text
    assert "Ingediende tekst" in response.text  # what was submitted
    assert "Mijn nieuwe alinea over schuldhulp" in response.text  # what they typed, still in the form
