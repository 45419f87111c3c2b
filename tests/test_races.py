"""Parallel identical saves never answer 500 (issue 11, item 6).

Two requests that save the same thing at the same moment both checked that the row was not
there yet; the database's unique constraint then catches the second. These tests send real
parallel requests, each from its own browser with its own database connection, and on
PostgreSQL hold both at their INSERT until both have arrived, so they collide every time.
(On SQLite a writing request takes the write lock at BEGIN IMMEDIATE, so the same requests
queue instead; the tests run there too and must give the same outcome.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import lxml.html
from sqlalchemy import event, select

from leernetwerk.extensions import db as _db
from leernetwerk.library.models import Deliverable, DeliverableVersion, Follow
from leernetwerk.notifications.models import NotificationPreference
from tests import factories
from tests.library.helpers import Team


@contextmanager
def colliding_at(table: str, parties: int = 2) -> Iterator[None]:
    """On PostgreSQL, hold each request's first INSERT INTO `table` until `parties` requests have
    reached it: all of them have looked and found nothing, and now insert at the same instant."""
    if _db.engine.dialect.name != "postgresql":
        yield
        return
    barrier = threading.Barrier(parties, timeout=20)
    state = threading.local()

    def hold(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} ") and not getattr(state, "held", False):
            state.held = True
            barrier.wait()

    event.listen(_db.engine, "before_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(_db.engine, "before_cursor_execute", hold)


def at_once(*requests: Callable[[], object]) -> list[object]:
    """Run the requests in parallel threads, started together; each answer, or what it raised
    (the test app raises what a server answers 500 to)."""
    _db.session.rollback()  # the test's own transaction ends first (on SQLite it would hold the write lock)
    start = threading.Barrier(len(requests), timeout=20)
    answers: list[object] = [None] * len(requests)

    def run(i: int, request: Callable[[], object]) -> None:
        start.wait()
        try:
            answers[i] = request()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return answers


def _statuses(answers: list[object]) -> list[object]:
    return [a.status_code if hasattr(a, "status_code") else repr(a) for a in answers]


def _browser(make_client, user):
    client = make_client()
    response = client.post("/inloggen", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _post(client, url: str, data: dict) -> Callable[[], object]:
    data = {**data, "csrf_token": client.csrf_token()}
    return lambda: client.post(url, data=data)


def test_following_a_theme_twice_at_once_follows_it_once(make_client, db):
    person = factories.make_coalition_member()
    _db.session.commit()
    browsers = [_browser(make_client, person) for _ in range(2)]
    form = {"facet": "thema", "value": "Taal en tolken", "next": "/bibliotheek"}
    with colliding_at("follows"):
        answers = at_once(*(_post(b, "/bibliotheek/volgen", form) for b in browsers))
    assert _statuses(answers) == [302, 302]
    follows = _db.session.execute(select(Follow.user_id, Follow.facet, Follow.value)).all()
    assert follows == [(person.id, "thema", "Taal en tolken")]


def test_two_end_products_with_the_same_title_at_once_both_keep_their_text(make_client, db):
    team = Team()
    url = f"/werkpakketten/{team.work_package.id}/eindproducten/nieuw"
    requests = []
    for person, text in ((team.lead, "De tekst van de kartrekker"), (team.liaison, "De tekst van de verbindingspersoon")):
        browser = _browser(make_client, person)
        page = lxml.html.fromstring(browser.get(url).text)
        once = page.xpath('//input[@name="once"]/@value')[0]
        requests.append(_post(browser, url, {
            "title": "Sociale kaart Leeuwarden", "summary": "Wie helpt waar", "body": text, "kind": "sociale_kaart",
            "action_line": "na_geboorte", "audiences": "verloskundigen", "all_of_friesland": "y",
            "visibility": "openbaar", "once": once}))
    with colliding_at("deliverables"):
        answers = at_once(*requests)
    assert _statuses(answers) == [302, 302]
    stored = _db.session.execute(
        select(Deliverable.slug, DeliverableVersion.body).join(DeliverableVersion.deliverable).order_by(Deliverable.slug)
    ).all()
    assert sorted(body for _slug, body in stored) == ["De tekst van de kartrekker", "De tekst van de verbindingspersoon"]
    assert [slug for slug, _body in stored] == ["sociale-kaart-leeuwarden", "sociale-kaart-leeuwarden-2"]
    assert all(answer.headers["Location"].startswith("/eindproducten/") for answer in answers)


def test_first_notification_preferences_saved_twice_at_once_are_stored_once(make_client, db):
    person = Team().lead  # a kartrekker: many kinds of reminder can reach them
    browsers = [_browser(make_client, person) for _ in range(2)]
    page = lxml.html.fromstring(browsers[0].get("/meldingen/instellingen").text)
    [form] = [f for f in page.forms if f.action.endswith("/meldingen/instellingen")]
    choices = {name: value for name, value in form.form_values() if name not in ("csrf_token",)}
    kinds = [name for name in choices if name != "once"]
    assert len(kinds) >= 3
    choices = {**choices, **dict.fromkeys(kinds, "wekelijks")}
    with colliding_at("notification_preferences"):
        answers = at_once(*(_post(b, "/meldingen/instellingen", choices) for b in browsers))
    assert _statuses(answers) == [302, 302]
    stored = dict(_db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery)
        .where(NotificationPreference.user_id == person.id)).tuples().all())
    assert stored == dict.fromkeys(kinds, "wekelijks")


def test_two_colleagues_saying_ook_bij_ons_at_once_signal_it_once(make_client, db):
    from leernetwerk.coalitions.models import QuestionSignal

    raiser = factories.make_coalition_member()
    question = factories.make_question(raiser, raiser.coalitions[0], title="Tolken bij de kraamzorg")
    coalition = factories.make_coalition()
    colleagues = [factories.make_coalition_member(coalition) for _ in range(2)]
    _db.session.commit()
    url = f"/vraagstukken/{question.id}/ook-bij-ons"
    requests = [_post(_browser(make_client, c), url, {"coalition_id": str(coalition.id), "note": f"Van {c.name}"})
                for c in colleagues]
    with colliding_at("question_signals"):
        answers = at_once(*requests)
    assert _statuses(answers) == [302, 302]  # the second hears that it was already said
    signals = _db.session.execute(select(QuestionSignal.coalition_id).where(
        QuestionSignal.question_id == question.id)).scalars().all()
    assert signals == [coalition.id]
