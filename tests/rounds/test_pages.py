"""The working cycle as people use it through the browser: forms, permissions, pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

from leernetwerk.database import utcnow
from leernetwerk.extensions import db as _db
from leernetwerk.rounds.models import (
    MemberRole,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    ThematicTable,
    WorkPackage,
)
from tests import factories


def test_staff_create_a_round_and_a_bad_date_keeps_the_typed_text(client, login, db):
    login(factories.make_user(staff=True))
    response = client.post("/rondes/nieuw", data={"name": "Ronde voorjaar", "starts_on": "2027-01-01",
                                                  "ends_on": "2027-02-15", "goal": "Mijn doeltekst"})
    assert response.status_code == 400
    assert "Een ronde duurt minstens drie maanden" in response.text
    assert 'value="Ronde voorjaar"' in response.text and "Mijn doeltekst" in response.text
    response = client.post("/rondes/nieuw", data={"name": "Ronde voorjaar", "starts_on": "2027-01-01",
                                                  "ends_on": "2027-04-15", "goal": "Mijn doeltekst"})
    assert response.status_code == 302
    assert db.session.query(Round).one().name == "Ronde voorjaar"


def test_a_table_member_cannot_create_rounds(client, login):
    login(factories.make_user())
    assert client.get("/rondes/nieuw").status_code == 403


def test_create_a_table_with_liaison_and_members(client, login, db):
    staff, core, lead, member, plain = (factories.make_user(staff=True), factories.make_user(core=True, name="Kern"),
                                        factories.make_user(name="Trekker"), factories.make_user(name="Lid"),
                                        factories.make_user())
    r = factories.make_round()
    login(staff)
    form = client.get(f"/rondes/{r.id}/tafels/nieuw").text
    liaison_select = re.search(r'<select[^>]*id="liaison_id".*?</select>', form, re.S).group(0)
    assert "Kern" in liaison_select and plain.name not in liaison_select
    response = client.post(f"/rondes/{r.id}/tafels/nieuw", data={
        "title": "Zwangeren met geldzorgen", "theme": "Bestaanszekerheid", "action_line": "tijdens_zwangerschap",
        "description": "**Schulden** vroeg zien", "liaison_id": plain.id, "leads": [lead.id], "members": [member.id]})
    assert response.status_code == 400 and "Ongeldige keuze." in response.text  # not a core-group member
    assert 'value="Zwangeren met geldzorgen"' in response.text
    response = client.post(f"/rondes/{r.id}/tafels/nieuw", data={
        "title": "Zwangeren met geldzorgen", "theme": "Bestaanszekerheid", "action_line": "tijdens_zwangerschap",
        "description": "**Schulden** vroeg zien", "liaison_id": core.id, "leads": [lead.id], "members": [member.id]})
    assert response.status_code == 302
    table = db.session.query(ThematicTable).one()
    page = client.get(f"/tafels/{table.id}").text
    assert "<strong>Schulden</strong>" in page and "Trekker" in page and "kartrekker" in page and "Kern" in page


def _setup_two_tables():
    member_a, member_b = factories.make_user(name="Lid A"), factories.make_user(name="Lid B")
    r = factories.make_round()
    table_a = factories.make_table(round_=r, members=[(member_a, MemberRole.LEAD)], title="Tafel A")
    table_b = factories.make_table(round_=r, members=[(member_b, MemberRole.LEAD)], title="Tafel B")
    wp_b = factories.make_work_package(table=table_b)
    milestone = factories.make_milestone(wp=wp_b, title="Stap", due_on=r.starts_on + timedelta(days=10))
    return member_a, member_b, table_a, table_b, wp_b, milestone


def test_a_member_of_table_a_cannot_change_table_b_by_url(client, login, db):
    member_a, _member_b, _table_a, table_b, wp_b, milestone = _setup_two_tables()
    login(member_a)
    due = (wp_b.due_on - timedelta(days=1)).isoformat()
    attempts = [
        ("get", f"/werkpakketten/{wp_b.id}/bewerken", None),
        ("post", f"/werkpakketten/{wp_b.id}/bewerken", {"title": "Gekaapt", "due_on": due, "status": "bezig",
                                                        "owner_id": 0, "version": wp_b.version}),
        ("post", f"/werkpakketten/{wp_b.id}/updates", {"body": "Gekaapt", "light": "op_koers"}),
        ("post", f"/werkpakketten/{wp_b.id}/mijlpalen", {"title": "Gekaapt", "due_on": due, "assignee_id": 0}),
        ("post", f"/mijlpalen/{milestone.id}/afvinken", {}),
        ("get", f"/tafels/{table_b.id}/werkpakketten/nieuw", None),
        ("get", f"/tafels/{table_b.id}/bewerken", None),
        ("post", f"/tafels/{table_b.id}/ondersteuning", {"subject": "x", "body": "y"}),
        ("get", f"/tafels/{table_b.id}/evaluatie", None),
    ]
    for method, url, data in attempts:
        response = client.get(url) if method == "get" else client.post(url, data=data)
        assert response.status_code == 403, url
    db.session.expire_all()
    assert db.session.get(WorkPackage, wp_b.id).title != "Gekaapt"
    assert db.session.query(ProgressUpdate).count() == 0
    assert db.session.get(Milestone, milestone.id).done_at is None
    # They can read table B, as everyone in the network can.
    assert client.get(f"/tafels/{table_b.id}").status_code == 200
    assert client.get(f"/werkpakketten/{wp_b.id}").status_code == 200


def test_coalition_members_read_but_do_not_edit(client, login):
    _a, _b, _ta, table_b, wp_b, milestone = _setup_two_tables()
    login(factories.make_coalition_member())
    assert client.get(f"/tafels/{table_b.id}").status_code == 200
    page = client.get(f"/werkpakketten/{wp_b.id}").text
    assert "Update plaatsen" not in page and "Afvinken" not in page
    assert client.post(f"/mijlpalen/{milestone.id}/afvinken").status_code == 403


def test_the_liaison_edits_their_table_and_a_member_posts_updates(client, login, make_client, db):
    _member_a, member_b, _ta, table_b, wp_b, milestone = _setup_two_tables()
    liaison = table_b.liaison
    login(liaison)
    assert client.get(f"/tafels/{table_b.id}/bewerken").status_code == 200
    assert client.post(f"/mijlpalen/{milestone.id}/afvinken").status_code == 302
    member = login(member_b, c=make_client())
    response = member.post(f"/werkpakketten/{wp_b.id}/updates", data={"body": "Gesprek gehad met *MEE*",
                                                                      "light": "risico"})
    assert response.status_code == 302
    page = member.get(f"/werkpakketten/{wp_b.id}").text
    assert "Gesprek gehad met <em>MEE</em>" in page and "Risico" in page
    assert "milestone.done" in page  # the change history shows who ticked the milestone off


def test_empty_update_gets_a_dutch_message(client, login):
    _a, member_b, _ta, _tb, wp_b, _m = _setup_two_tables()
    login(member_b)
    response = client.post(f"/werkpakketten/{wp_b.id}/updates", data={"body": "", "light": "op_koers"})
    assert response.status_code == 400
    assert "Schrijf kort wat er is gebeurd." in response.text


def test_two_people_editing_the_same_work_package(client, login, make_client, db):
    _a, member_b, _ta, table_b, wp_b, _m = _setup_two_tables()
    first = login(member_b)
    second = login(table_b.liaison, c=make_client())
    form_one = first.get(f"/werkpakketten/{wp_b.id}/bewerken").text
    second.get(f"/werkpakketten/{wp_b.id}/bewerken")
    version = int(re.search(r'name="version" type="hidden" value="(\d+)"', form_one).group(1))
    due = wp_b.due_on.isoformat()
    saved = first.post(f"/werkpakketten/{wp_b.id}/bewerken", data={
        "title": "Titel van de eerste", "goal": "", "description": "", "owner_id": 0, "due_on": due,
        "status": "bezig", "version": version})
    assert saved.status_code == 302
    clash = second.post(f"/werkpakketten/{wp_b.id}/bewerken", data={
        "title": "Titel van de tweede", "goal": "Mijn doel", "description": "Lange tekst van de tweede",
        "owner_id": 0, "due_on": due, "status": "afgerond", "version": version})
    assert clash.status_code == 409
    assert "Iemand anders heeft dit intussen opgeslagen" in clash.text
    assert "Titel van de eerste" in clash.text  # what is stored now
    assert 'value="Titel van de tweede"' in clash.text and "Lange tekst van de tweede" in clash.text  # nothing lost
    db.session.expire_all()
    assert db.session.get(WorkPackage, wp_b.id).title == "Titel van de eerste"
    # Saving again from the conflict page (it now carries the stored version) goes through.
    new_version = int(re.search(r'name="version" type="hidden" value="(\d+)"', clash.text).group(1))
    again = second.post(f"/werkpakketten/{wp_b.id}/bewerken", data={
        "title": "Samengevoegd", "goal": "Mijn doel", "description": "", "owner_id": 0, "due_on": due,
        "status": "afgerond", "version": new_version})
    assert again.status_code == 302


def test_support_request_shows_on_the_liaison_and_staff_dashboards(client, login, make_client):
    _a, member_b, _ta, table_b, _wp, _m = _setup_two_tables()
    login(member_b)
    response = client.post(f"/tafels/{table_b.id}/ondersteuning", data={"subject": "Budget voor tolken",
                                                                        "body": "Wie betaalt?"})
    assert response.status_code == 302
    liaison_view = login(table_b.liaison, c=make_client()).get("/mijn").text
    assert "Budget voor tolken" in liaison_view
    staff_view = login(factories.make_user(staff=True), c=make_client()).get("/mijn").text
    assert "Budget voor tolken" in staff_view
    other_core = login(factories.make_user(core=True), c=make_client()).get("/mijn").text
    assert "Budget voor tolken" not in other_core


def test_liaison_answers_a_support_request_and_it_closes(client, login, db):
    _a, member_b, _ta, table_b, _wp, _m = _setup_two_tables()
    request = factories.make_support_request(member_b, table_b, subject="Vraag", body="?")
    login(table_b.liaison)
    client.post(f"/ondersteuning/{request.id}/beantwoorden", data={"answer": "Zo doen we het."})
    db.session.expire_all()
    assert db.session.get(SupportRequest, request.id).answered_at is not None
    assert "Open ondersteuningsvragen" in client.get("/mijn").text
    assert "Vraag</a>" not in client.get("/mijn").text


def test_my_overview_lists_overdue_first_then_due_soon_and_stale_work(client, login, db):
    me = factories.make_user()
    r = factories.make_round(starts_on=date.today() - timedelta(days=40))
    t = factories.make_table(round_=r, members=[(me, MemberRole.MEMBER)], title="Mijn tafel")
    wp = factories.make_work_package(table=t, title="Stil werkpakket")
    today = date.today()
    for title, due in (("Later", today + timedelta(days=30)), ("Binnenkort", today + timedelta(days=3)),
                       ("Te laat", today - timedelta(days=2))):
        factories.make_milestone(wp=wp, title=title, due_on=due, assignee=me)
    factories.make_update(me, wp, "oud", "op_koers", at=utcnow() - timedelta(days=20))
    login(me)
    page = client.get("/mijn").text
    assert page.index("Te laat") < page.index("Binnenkort")
    assert "Later" not in page
    assert "Stil werkpakket" in page and "Mijn tafel" in page


def test_my_overview_lists_quiet_work_only_from_rounds_that_have_started(client, login):
    me = factories.make_user()
    today = date.today()
    running = factories.make_table(round_=factories.make_round(starts_on=today - timedelta(days=40)),
                                   members=[(me, MemberRole.LEAD)])
    planned = factories.make_table(round_=factories.make_round(starts_on=running.round.ends_on + timedelta(days=1)),
                                   members=[(me, MemberRole.LEAD)], title="Tafel volgende ronde")
    factories.make_work_package(table=running, title="Stil lopend werkpakket")
    factories.make_work_package(table=planned, title="Werkpakket dat nog moet beginnen")
    login(me)
    page = client.get("/mijn").text
    assert "Tafel volgende ronde" in page  # my table in the planned round is listed
    quiet = page[page.index('id="d-stil"'):page.index('id="d-steun"')]
    assert "Stil lopend werkpakket" in quiet
    assert "Werkpakket dat nog moet beginnen" not in quiet


def _round_page_for_kartrekker(client, login, starts_days_ago: int) -> tuple[str, ThematicTable]:
    lead = factories.make_user()
    # Three rounds side by side, one per phase, on the same day.
    r = factories.make_overlapping_round(starts_on=date.today() - timedelta(days=starts_days_ago))
    t = factories.make_table(round_=r, members=[(lead, MemberRole.LEAD)])
    login(lead, c=client)
    return client.get(f"/rondes/{t.round_id}").text, t


def test_a_planned_round_asks_for_no_evaluation(client, login):
    page, t = _round_page_for_kartrekker(client, login, starts_days_ago=-10)
    assert "Evaluatie invullen" not in page and "nog geen evaluatie" not in page
    assert "Evaluatie</a>" not in client.get(f"/tafels/{t.id}").text
    assert client.get(f"/tafels/{t.id}/evaluatie").status_code == 403


def test_the_evaluation_prompt_comes_in_the_closing_phase_and_stays_after_the_end(client, login, make_client):
    running, _t = _round_page_for_kartrekker(client, login, starts_days_ago=20)
    assert "Evaluatie en afsluiten" in running and "Evaluatie invullen" not in running
    closing, _t = _round_page_for_kartrekker(make_client(), login, starts_days_ago=90)  # ends in 5 days
    assert "Evaluatie invullen" in closing
    past_end, _t = _round_page_for_kartrekker(make_client(), login, starts_days_ago=100)  # ended 5 days ago
    assert "Evaluatie invullen" in past_end


def test_round_page_draws_the_round_as_a_picture_with_a_readable_table(client, login):
    _a, _b, _ta, table_b, _wp, _m = _setup_two_tables()
    login(factories.make_coalition_member())
    page = client.get(f"/rondes/{table_b.round_id}").text
    assert "<svg" in page and 'class="today"' in page and "mark-open" in page
    assert '<caption id="round-table-caption">' in page and "Tafel B" in page and "Nog geen update" in page
    assert client.get("/rondes").status_code == 200


def test_markdown_from_users_cannot_run_script(client, login, db):
    member = factories.make_user()
    t = factories.make_table(members=[(member, MemberRole.MEMBER)])
    wp = factories.make_work_package(table=t)
    t.description = '<script>alert(1)</script>[klik](javascript:alert(2)) <img src=x onerror="alert(3)">'
    db.session.commit()
    login(member)
    client.post(f"/werkpakketten/{wp.id}/updates", data={
        "body": '<svg onload=alert(4)></svg>\n\n[x](JaVaScRiPt:alert(5))', "light": "op_koers"})
    from tests.test_markdown import _Markup, _url_scheme

    for url in (f"/tafels/{t.id}", f"/werkpakketten/{wp.id}"):
        page = client.get(url).text
        assert "&lt;script&gt;alert(1)" in page or "&lt;svg onload" in page  # shown as text
        parser = _Markup()
        parser.feed(page)
        for tag, attrs in parser.tags:
            assert tag not in ("script", "img") or dict(attrs).get("src", "").startswith("/static/"), tag
            for name, value in attrs:
                assert not name.startswith("on"), (tag, name)
                if name == "href":
                    assert _url_scheme(value or "") in ("http", "https", "mailto", None), value


def _populate(r: Round, n_tables: int) -> Round:
    with factories.one_commit():
        core = factories.make_user(core=True)
        for i in range(n_tables):
            member = factories.make_user()
            t = factories.make_table(round_=r, title=f"Tafel {i}", theme="T", action_line="na_geboorte",
                                     liaison=core, members=[(member, "lid")])
            wp = factories.make_work_package(table=t, title=f"WP {i}", due_on=r.ends_on)
            factories.make_milestone(wp=wp, title="M", due_on=r.starts_on + timedelta(days=5))
            factories.make_update(member, wp, "u", "risico")
    return r


def _count(client, count_queries, url: str) -> int:
    client.get(url)  # warm up (first-request work is not what we measure)
    with count_queries() as q:
        assert client.get(url).status_code == 200
    return q.count


def test_round_and_dashboard_pages_run_a_fixed_number_of_queries(client, login, count_queries, db):
    staff = factories.make_user(staff=True)
    small = _populate(factories.make_round(), 1)
    # The same days, side by side; one page of tables (a round of hundreds, grouped by theme, is in
    # tests/test_bounded_pages.py).
    large = _populate(factories.make_overlapping_round(starts_on=small.starts_on), 20)
    login(staff)
    for template in ("/rondes/{id}",):
        assert _count(client, count_queries, template.format(id=small.id)) == \
            _count(client, count_queries, template.format(id=large.id))
    table_small = db.session.query(ThematicTable).filter_by(round_id=small.id).first()
    table_large = db.session.query(ThematicTable).filter_by(round_id=large.id).first()
    assert _count(client, count_queries, f"/tafels/{table_small.id}") == \
        _count(client, count_queries, f"/tafels/{table_large.id}")
    assert _count(client, count_queries, f"/werkpakketten/{table_small.work_packages[0].id}") == \
        _count(client, count_queries, f"/werkpakketten/{table_large.work_packages[0].id}")
    # Liaison of one table, then of twenty: the same panels, the same number of queries.
    table_small.liaison_id = staff.id
    db.session.commit()
    few = _count(client, count_queries, "/mijn")
    for t in db.session.query(ThematicTable).filter_by(round_id=large.id):
        t.liaison_id = staff.id
    db.session.commit()
    assert _count(client, count_queries, "/mijn") == few
    assert _count(client, count_queries, "/rondes") == _count(client, count_queries, "/rondes")


def test_review_items_on_my_overview_are_links_and_staff_see_what_is_ready_to_publish(client, login, make_client,
                                                                                        db):
    from leernetwerk.library import services as library
    from tests.library.helpers import Team

    team = Team()
    waiting = team.draft("Wacht op review")
    library.submit_for_review(team.lead, waiting)
    approved = team.draft("Goedgekeurd product")
    library.submit_for_review(team.lead, approved)
    library.review(team.liaison, approved, approve=True, comment="")
    db.session.commit()

    login(team.liaison)
    page = client.get("/mijn").text
    assert f'href="/eindproducten/{waiting.deliverable_id}">Wacht op review</a>' in page
    assert "Klaar om te publiceren" not in page  # only staff publish

    page = login(team.staff, c=make_client()).get("/mijn").text
    assert f'href="/eindproducten/{approved.deliverable_id}">Goedgekeurd product</a>' in page
    assert "Klaar om te publiceren" in page


def test_a_member_renames_and_re_dates_a_milestone_inside_the_round_audited(client, login, db):
    from leernetwerk.audit import AuditEvent

    _a, member_b, _ta, _tb, wp_b, milestone = _setup_two_tables()
    login(member_b)
    page = client.get(f"/werkpakketten/{wp_b.id}").text
    assert f'href="/mijlpalen/{milestone.id}/bewerken"' in page
    outside = (wp_b.table.round.ends_on + timedelta(days=3)).isoformat()
    refused = client.post(f"/mijlpalen/{milestone.id}/bewerken",
                          data={"title": "Nieuwe naam", "due_on": outside, "assignee_id": 0})
    assert refused.status_code == 400 and "moet binnen de ronde vallen" in refused.text
    assert 'value="Nieuwe naam"' in refused.text  # what was typed stays
    new_day = milestone.due_on + timedelta(days=5)
    saved = client.post(f"/mijlpalen/{milestone.id}/bewerken",
                        data={"title": "Nieuwe naam", "due_on": new_day.isoformat(), "assignee_id": 0})
    assert saved.status_code == 302
    _db.session.expire_all()
    stored = _db.session.get(Milestone, milestone.id)
    assert (stored.title, stored.due_on) == ("Nieuwe naam", new_day)
    event = _db.session.query(AuditEvent).filter_by(action="milestone.update").one()
    assert event.before["title"] == "Stap" and event.after["due_on"] == new_day.isoformat()


def test_a_whitespace_answer_is_refused_next_to_its_answer_box(client, login, db):
    _a, member_b, _ta, table_b, _wp, _m = _setup_two_tables()
    support = factories.make_support_request(member_b, table_b, subject="Zaal", body="Waar?")
    other = factories.make_support_request(member_b, table_b, subject="Tolk", body="Wie?")
    login(table_b.liaison)
    response = client.post(f"/ondersteuning/{support.id}/beantwoorden", data={"answer": "   "})
    assert response.status_code == 400
    box = re.search(rf'<form method="post" action="/ondersteuning/{support.id}/beantwoorden">(.*?)</form>',
                    response.text, re.S).group(1)
    assert "Schrijf een antwoord." in box and 'aria-invalid="true"' in box
    other_box = re.search(rf'<form method="post" action="/ondersteuning/{other.id}/beantwoorden">(.*?)</form>',
                          response.text, re.S).group(1)
    assert "Schrijf een antwoord." not in other_box


def test_the_carry_over_choice_starts_empty(client, login, db):
    """A required <select> starts with an empty placeholder; sending it unchosen is refused."""
    _a, _member_b, _ta, table_b, _wp, _m = _setup_two_tables()
    factories.make_round(starts_on=table_b.round.ends_on + timedelta(days=10))
    login(table_b.liaison)
    page = client.get(f"/tafels/{table_b.id}").text
    select = re.search(r'<select[^>]*name="round_id"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.match(r'\s*<option[^>]*value=""[^>]*>— kies een ronde —</option>', select)
    refused = client.post(f"/tafels/{table_b.id}/doorzetten", data={"round_id": ""}, follow_redirects=True)
    assert "Kies een volgende ronde." in refused.text


def _package_with_updates(count: int):
    """Table B's member and package, with `count` updates a day apart ("Stap nummer 01" the oldest)."""
    _a, member_b, _ta, _tb, wp_b, _m = _setup_two_tables()
    start = utcnow() - timedelta(days=50)
    with factories.one_commit():
        for n in range(1, count + 1):
            factories.make_update(member_b, wp_b, f"Stap nummer {n:02d}", at=start + timedelta(days=n))
    return member_b, wp_b


def test_a_long_history_is_read_a_page_at_a_time_newest_first(client, login):
    member_b, wp_b = _package_with_updates(45)
    login(member_b)
    first = client.get(f"/werkpakketten/{wp_b.id}").text
    shown = re.findall(r"Stap nummer (\d\d)", first)
    assert shown == [f"{n:02d}" for n in range(45, 25, -1)]  # the 20 newest, newest first
    assert "Pagina 1 van 3" in first and 'rel="next"' in first
    older = re.search(r'href="([^"]*pagina=2[^"]*)" rel="next"', first).group(1).replace("&amp;", "&")
    assert older.endswith("#updates")
    assert re.findall(r"Stap nummer (\d\d)", client.get(older).text)[0] == "25"
    last = client.get(f"/werkpakketten/{wp_b.id}?pagina=99").text  # past the last: the last page
    assert re.findall(r"Stap nummer (\d\d)", last) == [f"{n:02d}" for n in range(5, 0, -1)]
    # The change history pages on its own, keeping the updates' page.
    history = client.get(f"/werkpakketten/{wp_b.id}?pagina=2&wijzigingen=1").text
    assert re.findall(r"Stap nummer (\d\d)", history)[0] == "25"


def test_each_work_package_page_shows_only_its_own_work(client, login):
    """The page's statements are built once per process and run with the package as a parameter:
    one package's milestones, updates, history and end products never show on another's page."""
    member = factories.make_user(name="Lid Beide")
    table = factories.make_table(members=[(member, MemberRole.LEAD)], title="Tafel Twee Pakketten")
    first, second = (factories.make_work_package(table=table, title=title) for title in ("Pakket Een", "Pakket Twee"))
    for wp, word in ((first, "Eerste"), (second, "Tweede")):
        factories.make_milestone(wp=wp, title=f"{word} mijlpaal")
        factories.make_update(member, wp, f"{word} update")
        factories.make_deliverable(member, wp, title=f"{word} eindproduct")
    login(member)
    for wp, word, other in ((first, "Eerste", "Tweede"), (second, "Tweede", "Eerste"), (first, "Eerste", "Tweede")):
        page = client.get(f"/werkpakketten/{wp.id}").text
        assert f"{word} mijlpaal" in page and f"{word} update" in page and f"{word} eindproduct" in page
        assert other not in page


def test_a_refused_updates_page_pages_through_the_work_package_not_the_form(client, login):
    """After a refused update (no text) the page is drawn as the POST's answer: its "Volgende"
    links still lead to the work package's page (they led to the form's address, a 405)."""
    member_b, wp_b = _package_with_updates(25)
    login(member_b)
    refused = client.post(f"/werkpakketten/{wp_b.id}/updates", data={"body": "", "light": "op_koers"})
    assert refused.status_code == 400
    nexts = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)" rel="next"', refused.text)]
    assert nexts and all(link.startswith(f"/werkpakketten/{wp_b.id}?") for link in nexts)
    for link in nexts:
        assert client.get(link).status_code == 200
