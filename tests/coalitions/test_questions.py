"""Coalition questions (vraagstukken): the domain rules without HTTP, then the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from leernetwerk.audit import AuditEvent
from leernetwerk.coalitions import services
from leernetwerk.coalitions.models import Question, QuestionSignal, QuestionStatus
from leernetwerk.extensions import db as _db
from leernetwerk.library.models import VersionStatus
from leernetwerk.notifications.models import EventKind, Notification
from leernetwerk.rounds.models import ActionLine
from tests import factories


@pytest.fixture
def net():
    """Three coalitions with a member each, a core-group member, staff, a running round with a
    table and a published end product of that table."""
    with factories.one_commit():
        a, b, c = (factories.make_coalition(name) for name in ("Leeuwarden", "Heerenveen", "Smallingerland"))
        people = dict(
            a=factories.make_coalition_member(a, name="Anna"), b=factories.make_coalition_member(b, name="Bert"),
            c=factories.make_coalition_member(c, name="Cor"), core=factories.make_user(core=True, name="Kern"),
            staff=factories.make_user(staff=True, name="ROS"), outsider=factories.make_user(name="Buiten"))
        round_ = factories.make_round(people["staff"], starts_on=date.today() - timedelta(days=20))
        table = factories.make_table(people["staff"], round_, liaison=people["core"], title="Geldzorgen")
        wp = factories.make_work_package(people["staff"], table)
        product = factories.make_deliverable(people["staff"], wp, title="Route geldzorgen",
                                             status=VersionStatus.PUBLISHED, publisher=people["staff"]).deliverable
    return dict(coalitions=dict(a=a, b=b, c=c), people=people, round=round_, table=table, wp=wp, product=product)


def _raise(net, who="a", title="Hoe vindt de verloskundige schulden?", **kw):
    p = net["people"][who]
    return services.raise_question(p, net["coalitions"][who], title=title, body=kw.pop("body", ""),
                                   action_line=kw.pop("action_line", ActionLine.DURING_PREGNANCY), **kw)


# --- domain rules ------------------------------------------------------------------------------

def test_a_member_raises_a_question_for_their_own_coalition_only(net):
    question = _raise(net, organisation_kinds=["verloskunde", "gemeente"])
    assert question.status == QuestionStatus.NEW
    assert question.organisation_kinds == ["gemeente", "verloskunde"]
    assert _db.session.execute(select(AuditEvent.action).where(AuditEvent.object_id == question.id,
                                                               AuditEvent.object_type == "questions")).scalar() \
        == "question.create"
    with pytest.raises(services.QuestionsError):
        services.raise_question(net["people"]["a"], net["coalitions"]["b"], title="X",
                                action_line=ActionLine.AFTER_BIRTH)
    with pytest.raises(services.QuestionsError) as refused:
        _raise(net, title="   ")
    assert refused.value.field == "title"
    with pytest.raises(services.QuestionsError):
        _raise(net, organisation_kinds=["bakker"])


def test_only_the_own_coalition_edits_and_only_while_new(net):
    question = _raise(net)
    services.edit_question(net["people"]["a"], question, title="Schulden vroeg zien", body="**Hoe?**",
                           action_line=ActionLine.BEFORE_PREGNANCY, organisation_kinds=["jgz"])
    assert (question.title, question.organisation_kinds) == ("Schulden vroeg zien", ["jgz"])
    with pytest.raises(services.QuestionsError):
        services.edit_question(net["people"]["b"], question, title="Van mij", action_line=ActionLine.AFTER_BIRTH)
    services.move_question(net["people"]["core"], question, QuestionStatus.IN_PROGRESS)
    with pytest.raises(services.QuestionsError):
        services.edit_question(net["people"]["a"], question, title="Te laat", action_line=ActionLine.AFTER_BIRTH)


def test_ook_bij_ons_once_per_coalition_and_can_be_taken_back(net):
    question = _raise(net)
    signal = services.signal_question(net["people"]["b"], question, net["coalitions"]["b"], "Hier ook")
    with pytest.raises(services.QuestionsError):
        services.signal_question(net["people"]["b"], question, net["coalitions"]["b"])
    with pytest.raises(services.QuestionsError):   # not for its own question
        services.signal_question(net["people"]["a"], question, net["coalitions"]["a"])
    with pytest.raises(services.QuestionsError):   # not on behalf of someone else's coalition
        services.signal_question(net["people"]["b"], question, net["coalitions"]["c"])
    with pytest.raises(services.QuestionsError):
        services.withdraw_signal(net["people"]["c"], signal)
    services.withdraw_signal(net["people"]["b"], signal)
    assert _db.session.execute(select(QuestionSignal)).first() is None
    actions = _db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "questions")
                                  .order_by(AuditEvent.id)).scalars().all()
    assert actions == ["question.create", "question.signal", "question.unsignal"]


def test_triage_follows_the_states_and_needs_a_table_products_or_a_reason(net):
    core, question = net["people"]["core"], _raise(net)
    with pytest.raises(services.QuestionsError):
        services.move_question(net["people"]["a"], question, QuestionStatus.IN_PROGRESS)   # not the core group
    with pytest.raises(services.QuestionsError) as no_table:
        services.move_question(core, question, QuestionStatus.PLACED)
    assert no_table.value.field == "table_id"
    with pytest.raises(services.QuestionsError):   # nieuw → beantwoord is not a step
        services.move_question(core, question, QuestionStatus.ANSWERED, answers=[net["product"]])
    services.move_question(core, question, QuestionStatus.PLACED, table=net["table"])
    assert question.table_id == net["table"].id
    with pytest.raises(services.QuestionsError):
        services.move_question(core, question, QuestionStatus.ANSWERED)
    services.move_question(core, question, QuestionStatus.ANSWERED, answers=[net["product"]])
    assert question.answers == [net["product"]]
    other = _raise(net, title="Iets anders")
    with pytest.raises(services.QuestionsError) as no_reason:
        services.move_question(net["people"]["staff"], other, QuestionStatus.NOT_TAKEN_UP)
    assert no_reason.value.field == "reason"
    services.move_question(net["people"]["staff"], other, QuestionStatus.NOT_TAKEN_UP, reason="Landelijk geregeld.")
    assert other.reason == "Landelijk geregeld."


def test_a_draft_cannot_answer_a_question(net):
    draft = factories.make_deliverable(net["people"]["staff"], net["wp"], title="Concept").deliverable
    question = _raise(net)
    services.move_question(net["people"]["core"], question, QuestionStatus.IN_PROGRESS)
    with pytest.raises(services.QuestionsError):
        services.move_question(net["people"]["core"], question, QuestionStatus.ANSWERED, answers=[draft])


def test_merging_moves_coalitions_and_notes_and_deletes_no_question(net):
    kept = _raise(net, who="a", title="Schulden bij zwangeren")
    duplicate = _raise(net, who="b", title="Geldzorgen in de zwangerschap")
    services.signal_question(net["people"]["c"], kept, net["coalitions"]["c"], "Eerste notitie")
    services.signal_question(net["people"]["c"], duplicate, net["coalitions"]["c"], "Tweede notitie")
    services.signal_question(net["people"]["a"], duplicate, net["coalitions"]["a"], "Zelf ook")
    services.merge_question(net["people"]["core"], duplicate, kept)
    _db.session.commit()
    assert duplicate.merged_into_id == kept.id
    signals = {s.coalition_id: s.note for s in _db.session.execute(
        select(QuestionSignal).where(QuestionSignal.question_id == kept.id)).scalars()}
    # Heerenveen (the duplicate's own coalition) now signals the kept one; Smallingerland keeps one
    # signal with both notes; Leeuwarden raised the kept one, so it gets no signal of its own.
    assert set(signals) == {net["coalitions"]["b"].id, net["coalitions"]["c"].id}
    assert signals[net["coalitions"]["c"].id] == "Eerste notitie\n\nTweede notitie"
    assert "Geldzorgen in de zwangerschap" in signals[net["coalitions"]["b"].id]
    assert _db.session.execute(select(QuestionSignal).where(QuestionSignal.question_id == duplicate.id)).first() is None
    assert len(_db.session.execute(select(Question)).scalars().all()) == 2
    with pytest.raises(services.QuestionsError):
        services.signal_question(net["people"]["c"], duplicate, net["coalitions"]["c"])
    with pytest.raises(services.QuestionsError):
        services.merge_question(net["people"]["core"], kept, kept)


def test_similar_questions_match_stemmed_words(net):
    first = _raise(net, title="Zwangeren met schulden vroeg herkennen")
    _raise(net, title="Tolken bij huisbezoeken")
    found = services.similar_questions("schuld bij een zwangere")
    assert [q.id for q, _score in found] == [first.id]
    assert services.similar_questions("de het een") == []


def test_coalitions_hear_of_a_new_state_and_of_an_answer(net):
    question = _raise(net)
    services.signal_question(net["people"]["b"], question, net["coalitions"]["b"])
    services.move_question(net["people"]["core"], question, QuestionStatus.IN_PROGRESS)
    _db.session.commit()
    moved = _db.session.execute(select(Notification.user_id).where(Notification.kind == EventKind.QUESTION_MOVED)
                                ).scalars().all()
    assert sorted(moved) == sorted([net["people"]["a"].id, net["people"]["b"].id])
    services.move_question(net["people"]["core"], question, QuestionStatus.ANSWERED, answers=[net["product"]])
    _db.session.commit()
    answered = _db.session.execute(select(Notification).where(Notification.kind == EventKind.QUESTION_ANSWERED)
                                   ).scalars().all()
    assert sorted(n.user_id for n in answered) == sorted([net["people"]["a"].id, net["people"]["b"].id])
    assert {n.url for n in answered} == {f"/bibliotheek/{net['product'].slug}"}
    assert net["people"]["c"].id not in {n.user_id for n in answered}


def test_publishing_an_end_product_of_the_table_reaches_the_coalitions_of_its_questions(net):
    question = _raise(net)
    services.move_question(net["people"]["core"], question, QuestionStatus.PLACED, table=net["table"])
    _db.session.commit()
    product = factories.make_deliverable(net["people"]["staff"], net["wp"], title="Wie bel je bij geldzorgen",
                                         status=VersionStatus.PUBLISHED, publisher=net["people"]["staff"]).deliverable
    notices = _db.session.execute(select(Notification).where(Notification.kind == EventKind.QUESTION_ANSWERED,
                                                             Notification.user_id == net["people"]["a"].id)
                                  ).scalars().all()
    assert [n.url for n in notices] == [f"/bibliotheek/{product.slug}"]


# --- pages -------------------------------------------------------------------------------------

def test_list_sorts_by_shared_coalitions_and_filters(net, client, login):
    few = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Weinig gedeeld",
                                  action_line=ActionLine.AFTER_BIRTH)
    many = factories.make_question(net["people"]["b"], net["coalitions"]["b"], title="Veel gedeeld",
                                   organisation_kinds=["jgz"], action_line=ActionLine.DURING_PREGNANCY)
    factories.make_question_signal(many, net["coalitions"]["a"], net["people"]["a"])
    factories.make_question_signal(many, net["coalitions"]["c"], net["people"]["c"], "Ook hier")
    login(net["people"]["c"])
    page = client.get("/vraagstukken").text
    assert page.index("Veel gedeeld") < page.index("Weinig gedeeld")
    assert "3 coalities" in page
    assert "Veel gedeeld" not in client.get("/vraagstukken?actielijn=na_geboorte").text
    assert "Weinig gedeeld" not in client.get("/vraagstukken?organisatie=jgz").text
    by_place = client.get(f"/vraagstukken?gemeente={net['coalitions']['c'].municipality_id}").text
    assert "Veel gedeeld" in by_place and "Weinig gedeeld" not in by_place
    assert few.id


def test_who_sees_questions(net, client, login, make_client):
    question = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Zichtbaar?")
    assert client.get(f"/vraagstukken/{question.id}").status_code == 302   # to the login page
    outsider = login(net["people"]["outsider"], c=make_client())
    assert outsider.get("/vraagstukken").status_code == 403
    assert outsider.get(f"/vraagstukken/{question.id}").status_code == 403
    for who in ("b", "core", "staff"):
        assert login(net["people"][who], c=make_client()).get(f"/vraagstukken/{question.id}").status_code == 200
    assert login(net["people"]["b"], c=make_client()).get("/vraagstukken/99999").status_code == 404


def test_editing_by_url_is_refused_to_other_coalitions(net, login, make_client):
    question = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Van Leeuwarden")
    other = login(net["people"]["b"], c=make_client())
    assert other.get(f"/vraagstukken/{question.id}/bewerken").status_code == 403
    assert other.post(f"/vraagstukken/{question.id}/bewerken", data={"title": "Gekaapt"}).status_code == 403
    own = login(net["people"]["a"], c=make_client())
    saved = own.post(f"/vraagstukken/{question.id}/bewerken",
                     data={"title": "Aangepast", "action_line": "na_geboorte", "body": ""})
    assert saved.status_code == 302
    _db.session.refresh(question)
    assert question.title == "Aangepast"


def test_raising_shows_similar_questions_first_without_javascript(net, login, make_client):
    existing = factories.make_question(net["people"]["a"], net["coalitions"]["a"],
                                       title="Schulden bij zwangeren herkennen")
    browser = login(net["people"]["b"], c=make_client())
    form = {"title": "Zwangere met schulden", "action_line": "tijdens_zwangerschap",
            "coalition_id": net["coalitions"]["b"].id}
    first = browser.post("/vraagstukken/nieuw", data=form)
    assert first.status_code == 200
    assert "Lijkt je vraag op een van deze vraagstukken?" in first.text
    assert f"/vraagstukken/{existing.id}/ook-bij-ons" in first.text
    assert _db.session.execute(select(Question).where(Question.title == "Zwangere met schulden")).first() is None
    second = browser.post("/vraagstukken/nieuw", data=form | {"really_different": "y"})
    assert second.status_code == 302
    assert existing.id in [row["id"] for row in browser.get("/vraagstukken/vergelijkbaar?q=schulden").json]
    signalled = browser.post(f"/vraagstukken/{existing.id}/ook-bij-ons", data={"note": "Hier ook"})
    assert signalled.status_code == 302
    page = browser.get(f"/vraagstukken/{existing.id}").text
    assert "Hier ook" in page and "Gedeeld door 2 coalities" in page


def test_core_group_page_shows_candidates_with_a_prefilled_table_link(net, client, login, make_client, app):
    planned = factories.make_round(net["people"]["staff"], starts_on=net["round"].ends_on + timedelta(days=1))
    question = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Gedeeld door drie")
    for who in ("b", "c"):
        factories.make_question_signal(question, net["coalitions"][who], net["people"][who])
    core = login(net["people"]["core"])
    page = core.get("/kerngroep").text
    assert "Gedeeld door drie" in page and f"/rondes/{planned.id}/tafels/nieuw?" in page
    assert f"vraagstuk={question.id}" in page
    assert login(net["people"]["a"], c=make_client()).get("/kerngroep").status_code == 403
    form = core.get(f"/rondes/{planned.id}/tafels/nieuw?titel=Gedeeld+door+drie&thema=Geld&vraagstuk={question.id}")
    assert 'value="Gedeeld door drie"' in form.text
    saved = core.post(f"/rondes/{planned.id}/tafels/nieuw?vraagstuk={question.id}", data={
        "title": "Gedeeld door drie", "theme": "Geld", "action_line": "na_geboorte",
        "liaison_id": net["people"]["core"].id})
    assert saved.status_code == 302, saved.text
    _db.session.refresh(question)
    assert question.status == QuestionStatus.PLACED and question.table.round_id == planned.id
    assert "Gedeeld door drie" in core.get("/kerngroep").text.split('id="per-ronde"')[1]   # taken up now
    other = factories.make_question(net["people"]["b"], net["coalitions"]["b"], title="Nog een")
    for who in ("a", "c"):
        factories.make_question_signal(other, net["coalitions"][who], net["people"][who])
    assert f"vraagstuk={other.id}" in core.get("/kerngroep").text
    app.config["CANDIDATE_THRESHOLD"] = 4
    try:
        assert f"vraagstuk={other.id}" not in core.get("/kerngroep").text
    finally:
        app.config["CANDIDATE_THRESHOLD"] = 3


def _count(browser, count_queries, url: str) -> int:
    browser.get(url)
    with count_queries() as q:
        assert browser.get(url).status_code == 200
    return q.count


def test_pages_run_a_fixed_number_of_queries(net, login, make_client, count_queries):
    browser = login(net["people"]["core"], c=make_client())
    first = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Eerste",
                                    organisation_kinds=["jgz"], action_line=ActionLine.DURING_PREGNANCY)
    factories.make_question_signal(first, net["coalitions"]["b"], net["people"]["b"], "Ook")
    one = {url: _count(browser, count_queries, url) for url in ("/vraagstukken", f"/vraagstukken/{first.id}",
                                                                "/kerngroep")}
    with factories.one_commit():
        for i in range(49):
            q = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title=f"Vraag {i}",
                                        organisation_kinds=["jgz", "verloskunde"])
            factories.make_question_signal(q, net["coalitions"]["b"], net["people"]["b"], "Ook")
            factories.make_question_signal(q, net["coalitions"]["c"], net["people"]["c"])
            factories.make_question_signal(first, net["coalitions"]["c"], net["people"]["c"]) if i == 0 else None
    fifty = {url: _count(browser, count_queries, url) for url in one}
    assert fifty == one


def test_an_answered_question_links_its_end_products(net, login, make_client):
    question = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Beantwoord",
                                       status=QuestionStatus.ANSWERED, answers=[net["product"]],
                                       by=net["people"]["core"])
    page = login(net["people"]["b"], c=make_client()).get(f"/vraagstukken/{question.id}").text
    assert f'href="/bibliotheek/{net["product"].slug}"' in page
    assert "Stand van vraagstuk gewijzigd" in page   # the history, from the audit log


def test_taking_back_someone_elses_ook_bij_ons_by_url_is_refused(net, login, make_client):
    question = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Gedeeld")
    other = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Ander")
    signal = factories.make_question_signal(question, net["coalitions"]["b"], net["people"]["b"], "Van Heerenveen")
    cor = login(net["people"]["c"], c=make_client())
    assert cor.post(f"/vraagstukken/{question.id}/ook-bij-ons/{signal.id}/intrekken").status_code == 403
    bert = login(net["people"]["b"], c=make_client())
    assert bert.post(f"/vraagstukken/{other.id}/ook-bij-ons/{signal.id}/intrekken").status_code == 404
    assert _db.session.get(QuestionSignal, signal.id) is not None
    assert bert.post(f"/vraagstukken/{question.id}/ook-bij-ons/{signal.id}/intrekken").status_code == 302
    assert _db.session.get(QuestionSignal, signal.id) is None


def test_the_core_group_triages_and_merges_through_the_page(net, login, make_client):
    question = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Schulden")
    duplicate = factories.make_question(net["people"]["b"], net["coalitions"]["b"], title="Geldzorgen")
    core = login(net["people"]["core"], c=make_client())
    refused = core.post(f"/vraagstukken/{question.id}/stand", data={"status": "niet_opgepakt"})
    assert refused.status_code == 400 and "Schrijf op waarom" in refused.text
    placed = core.post(f"/vraagstukken/{question.id}/stand", data={"status": "ondergebracht",
                                                                    "table_id": net["table"].id})
    assert placed.status_code == 302
    assert core.post(f"/vraagstukken/{duplicate.id}/samenvoegen", data={"keep_id": question.id}).status_code == 302
    _db.session.refresh(duplicate)
    assert duplicate.merged_into_id == question.id
    page = login(net["people"]["b"], c=make_client()).get(f"/vraagstukken/{duplicate.id}").text
    assert "Dit vraagstuk is samengevoegd met" in page
    listing = core.get("/vraagstukken").text
    assert "Geldzorgen" not in listing and "Schulden" in listing
    kept = core.get(f"/vraagstukken/{question.id}").text.split('class="history"', 1)[1]
    assert "(bij het samengevoegde vraagstuk ‘Geldzorgen’)" in kept  # the duplicate's history moved along


def test_linking_another_published_end_product_to_an_answered_question_notifies(net, login, make_client):
    question = factories.make_question(net["people"]["a"], net["coalitions"]["a"], title="Beantwoord",
                                       status=QuestionStatus.ANSWERED, answers=[net["product"]],
                                       by=net["people"]["core"])
    second = factories.make_deliverable(net["people"]["staff"], net["wp"], title="Tweede antwoord",
                                        status=VersionStatus.PUBLISHED, publisher=net["people"]["staff"]).deliverable
    core = login(net["people"]["core"], c=make_client())
    assert core.post(f"/vraagstukken/{question.id}/stand",
                     data={"status": "beantwoord", "answers": [second.id]}).status_code == 302
    assert core.post(f"/vraagstukken/{question.id}/stand",
                     data={"status": "beantwoord", "answers": [second.id]}).status_code == 400   # linked already
    urls = _db.session.execute(select(Notification.url).where(Notification.user_id == net["people"]["a"].id,
                                                              Notification.kind == EventKind.QUESTION_ANSWERED)
                               ).scalars().all()
    assert f"/bibliotheek/{second.slug}" in urls
