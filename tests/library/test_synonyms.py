"""Staff keep synonym groups: validated with clear Dutch messages, audited, used at once; the
index is rebuilt with the new analysis by the CLI and by migration 0013's function."""

from __future__ import annotations

from sqlalchemy import select, text

from leernetwerk.audit import AuditEvent
from leernetwerk.library import synonyms
from leernetwerk.library.models import SynonymGroup
from leernetwerk.library.queries import LibraryQuery, search_library
from leernetwerk.library.services import reindex
from tests import factories

from .helpers import Team


def found(q: str) -> list[str]:
    return [h.entry.title for h in search_library(LibraryQuery(q=q), visible_to_network=False).hits]


def test_staff_add_change_and_remove_a_group_audited(client, login, db):
    team = Team(theme="Proefthema")
    team.publish("Centrum voor Jeugd en Gezin", summary="Het centrum in elke gemeente.")
    login(team.staff)
    response = client.post("/beheer/synoniemen", data={"words": "CJG\ncentrum voor jeugd en gezin"})
    assert response.status_code == 302
    assert found("cjg") == ["Centrum voor Jeugd en Gezin"]
    group = db.session.execute(select(SynonymGroup)).scalar_one()
    assert client.post(f"/beheer/synoniemen/{group.id}", data={"words": "CJG\njeugd en gezin"}).status_code == 302
    assert client.post(f"/beheer/synoniemen/{group.id}/verwijderen").status_code == 302
    assert found("cjg") == []
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions[-3:] == ["synonym_group.create", "synonym_group.update", "synonym_group.remove"]
    log = client.get("/beheer/logboek").text
    assert "Synoniemen toegevoegd" in log and "CJG ~ jeugd en gezin" in log


def test_bad_groups_get_a_dutch_message_and_keep_what_was_typed(client, login, db):
    staff = factories.make_user(staff=True)
    synonyms.create(staff, "JGZ\njeugdgezondheidszorg")
    db.session.commit()
    login(staff)
    one = client.post("/beheer/synoniemen", data={"words": "alleen"})
    assert one.status_code == 400 and "Geef minstens twee woorden" in one.text and "alleen</textarea>" in one.text
    twice = client.post("/beheer/synoniemen", data={"words": "jgz\nconsultatiebureau"})
    assert twice.status_code == 400 and "‘jgz’ staat al in de groep ‘JGZ ~ jeugdgezondheidszorg’" in twice.text
    assert "jgz\nconsultatiebureau</textarea>" in twice.text
    empty = client.post("/beheer/synoniemen", data={"words": "!!!\n???"})
    assert empty.status_code == 400 and "bevat geen woord" in empty.text
    assert len(synonyms.groups()) == 1


def test_commas_separate_words_too_and_duplicates_fold():
    staff = factories.make_user(staff=True)
    group = synonyms.create(staff, "VSV, verloskundig samenwerkingsverband; vsv")
    assert group.word_list == ["VSV", "verloskundig samenwerkingsverband"]


def test_reindex_rebuilds_the_index_with_the_new_analysis(app, db):
    team = Team(theme="Proefthema")
    team.publish("Kraamzorg thuis", summary="Acht dagen.", body="## Kop\n\nTekst")
    db.session.execute(text("DELETE FROM library_search"))
    db.session.execute(text("UPDATE library_entries SET plain_text = 'Kop Tekst'"))
    db.session.commit()
    assert found("zorg") == []
    # What migration 0013 runs on upgrade, on its own connection.
    assert reindex(db.session.connection()) == 1
    db.session.commit()
    assert found("zorg") == ["Kraamzorg thuis"]
    [hit] = search_library(LibraryQuery(q="tekst"), visible_to_network=False).hits
    assert "Kop · <mark>Tekst</mark>" in str(hit.snippet)
    # And the CLI.
    db.session.execute(text("DELETE FROM library_search"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["library", "reindex"])
    assert "1 eindproducten opnieuw geïndexeerd." in result.output
    assert found("kraam") == ["Kraamzorg thuis"]
