"""End products' life cycle on the domain layer: review, publish, versions, withdrawal, files."""

from __future__ import annotations

import pytest

from leernetwerk.errors import EditConflict
from leernetwerk.library import extraction, files, queries, services
from leernetwerk.library.models import Attachment, Deliverable, LibraryEntry, VersionStatus
from leernetwerk.notifications.models import Notification
from leernetwerk.policy import can
from tests import factories

from .helpers import Team, make_docx, make_pdf


def _library(network: bool = False, q: str = "") -> list[str]:
    results = queries.search_library(queries.LibraryQuery(q=q), visible_to_network=network)
    return [hit.entry.title for hit in results.hits]


def test_draft_review_approve_publish(db):
    team = Team()
    version = team.draft("Zorgpad kwetsbare zwangeren")
    assert version.status == VersionStatus.DRAFT and _library() == []
    services.submit_for_review(team.lead, version)
    assert version.status == VersionStatus.IN_REVIEW
    assert db.session.query(Notification).filter_by(user_id=team.liaison.id, kind="review_requested").count() == 1
    services.review(team.liaison, version, approve=True, comment="Helder")
    assert version.status == VersionStatus.APPROVED and _library() == []
    services.publish(team.staff, version)
    db.session.commit()
    assert _library() == ["Zorgpad kwetsbare zwangeren"]


def test_only_staff_publish_and_only_liaison_or_staff_approve(db):
    team = Team()
    version = team.draft("Factsheet")
    deliverable = version.deliverable
    other_core = factories.make_user(core=True)
    assert can(team.staff, "deliverable.publish", deliverable)
    assert not can(team.liaison, "deliverable.publish", deliverable)
    assert not can(team.lead, "deliverable.publish", deliverable)
    assert can(team.liaison, "deliverable.review", deliverable)
    assert can(team.staff, "deliverable.review", deliverable)
    assert not can(other_core, "deliverable.review", deliverable)
    assert not can(team.lead, "deliverable.review", deliverable)


def test_sending_back_needs_a_comment_and_makes_it_a_draft_again(db):
    team = Team()
    version = team.draft("Handreiking")
    services.submit_for_review(team.lead, version)
    with pytest.raises(services.LibraryError, match="wat er moet veranderen"):
        services.review(team.liaison, version, approve=False, comment=" ")
    services.review(team.liaison, version, approve=False, comment="Voeg de contactgegevens toe.")
    assert version.status == VersionStatus.DRAFT
    assert version.reviews[-1].comment == "Voeg de contactgegevens toe."


def test_publishing_needs_an_approved_version(db):
    team = Team()
    version = team.draft("Te snel")
    with pytest.raises(services.LibraryError, match="goedgekeurde"):
        services.publish(team.staff, version)


def test_a_published_version_never_changes_editing_makes_a_new_version(db):
    team = Team()
    v1 = team.publish("Sociale kaart", body="Eerste tekst")
    with pytest.raises(EditConflict, match="nieuwe versie"):
        services.update_draft(team.lead, v1, lock_version=None, title="Sociale kaart", summary="x", body="Anders",
                              kind="sociale_kaart", action_line="na_geboorte", audiences=[], municipalities=[],
                              all_of_friesland=True, visibility="openbaar")
    v2 = services.new_version(team.lead, v1.deliverable)
    assert v2.number == 2 and v2.status == VersionStatus.DRAFT
    services.update_draft(team.lead, v2, lock_version=v2.lock_version, title="Sociale kaart", summary="Nieuw",
                          body="Tweede tekst", kind="sociale_kaart", action_line="na_geboorte", audiences=[],
                          municipalities=[], all_of_friesland=True, visibility="openbaar")
    db.session.commit()
    # Until v2 is published, the library shows v1.
    assert queries.detail(v1.deliverable.slug).version.body == "Eerste tekst"
    services.submit_for_review(team.lead, v2)
    services.review(team.liaison, v2, approve=True, comment="")
    services.publish(team.staff, v2)
    db.session.commit()
    page = queries.detail(v1.deliverable.slug)
    assert page.version.number == 2 and page.version.body == "Tweede tekst"
    assert [v.number for v in page.versions] == [2, 1]
    old = queries.detail(v1.deliverable.slug, 1)
    assert old.version.body == "Eerste tekst" and old.version.status == VersionStatus.SUPERSEDED
    assert db.session.query(LibraryEntry).count() == 1


def test_withdrawn_leaves_library_and_search_but_the_link_still_works(db):
    team = Team()
    version = team.publish("Verouderde factsheet", summary="over tolken")
    with pytest.raises(services.LibraryError, match="reden"):
        services.withdraw(team.staff, version.deliverable, "")
    services.withdraw(team.staff, version.deliverable, "Vervangen door de nieuwe sociale kaart.")
    db.session.commit()
    assert _library() == [] and _library(q="tolken") == []
    page = queries.detail(version.deliverable.slug)
    assert page is not None and page.deliverable.withdrawn_reason.startswith("Vervangen")


def test_followers_of_a_kind_or_theme_hear_of_a_publication(db):
    team = Team(theme="Taal en tolken")
    kind_fan, theme_fan, other = factories.make_user(), factories.make_user(), factories.make_user()
    services.follow(kind_fan, "soort", "factsheet")
    services.follow(theme_fan, "thema", "Taal en tolken")
    services.follow(other, "soort", "zorgpad")
    db.session.commit()
    team.publish("Factsheet tolken", kind="factsheet")
    kinds = {n.user_id for n in db.session.query(Notification).filter_by(kind="library_published")}
    assert kinds == {kind_fan.id, theme_fan.id}


def test_attachments_are_checked_by_content_and_their_text_is_indexed(db):
    team = Team()
    pdf = make_pdf("Afspraken over de warme overdracht naar de kraamzorg")
    docx = make_docx("Verwijsgids schuldhulpverlening voor verloskundigen")
    version = team.publish("Met bijlagen", uploads=[(pdf, "afspraken.docx"), (docx, "../../etc/gids.docx")])
    names = sorted(a.original_name for a in db.session.query(Attachment))
    assert names == ["afspraken.pdf", "gids.docx"]  # named by what they are, without paths
    assert _library(q="overdracht kraamzorg") == []  # the text is read outside the request...
    assert extraction.run_queue() == {"done": 2, "failed": 0, "retry": 0}
    assert _library(q="overdracht kraamzorg") == ["Met bijlagen"]  # ...and then found
    assert _library(q="schuldhulpverlening") == ["Met bijlagen"]
    assert version.attachments[0].sha256


def test_a_wrong_or_too_large_file_is_refused_and_nothing_is_saved(db):
    team = Team()
    with pytest.raises(services.LibraryError, match="geen bestand dat we aannemen"):
        team.draft("Met virus", uploads=[(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "rapport.pdf")])
    db.session.rollback()
    with pytest.raises(services.LibraryError, match="hoogstens 25 MB"):
        team.draft("Te groot", uploads=[(b"a" * (files.MAX_BYTES + 1), "groot.txt")])
    db.session.rollback()
    assert db.session.query(Deliverable).count() == 0


@pytest.mark.parametrize("kind,data", [
    ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
    ("jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40),
    ("csv", b"gemeente;contact\nLeeuwarden;schuldhulp\n"),
    ("txt", "Coöperatie en zorg".encode()),
])
def test_accepted_kinds(kind, data):
    assert files.check(data, f"bestand.{kind}").kind == kind


def test_reindex_command_rebuilds_the_library(app, db):
    team = Team()
    team.publish("Zorgpad kwetsbare zwangeren")
    db.session.execute(LibraryEntry.__table__.delete())
    from leernetwerk.library import search as index

    index.remove(db.session.query(Deliverable).one().id)
    db.session.commit()
    assert _library(q="zorgpad") == []
    result = app.test_cli_runner().invoke(args=["library", "reindex"])
    assert result.exit_code == 0 and "1 eindproducten opnieuw" in result.output
    assert _library(q="zorgpad") == ["Zorgpad kwetsbare zwangeren"]
