"""Pages whose content grows with the network stay a screenful: filled with hundreds of tables and
thousands of milestones, each page stays under a fixed size and runs the same number of queries
as with a tenth of that; what is not shown is reachable through filters and paging."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import event, select

from leernetwerk.extensions import db
from leernetwerk.rounds.models import ThematicTable
from tests.bulk import THEMES, Network


@pytest.fixture
def network(db):
    net = Network()
    net.grow(40)
    return net


def _get(client, count_queries, url: str) -> tuple[str, int]:
    client.get(url)  # warm up (first-request work is not what is measured)
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.text, q.count


# Who opens which page, and the most it may weigh (bytes of HTML) with 440 tables and 4,400
# milestones; with everything rendered these pages weighed several megabytes.
PAGES = [
    ("staff", "/rondes", 40_000),
    ("staff", "/rondes/{round}", 100_000),
    ("staff", "/rondes/{round}?thema=Thema+3", 130_000),
    ("staff", "/rondes/{round}?aandacht=vraag&thema=Thema+1&pagina=2", 130_000),
    ("staff", "/mijn", 20_000),
    ("liaison", "/mijn", 20_000),
    ("member", "/mijn", 20_000),
    ("staff", "/beheer/herinneringen", 70_000),
    ("staff", "/beheer/herinneringen?soort=milestone_due&pagina=2&mail_pagina=3", 70_000),
    ("member", "/meldingen", 60_000),
    ("staff", "/beheer/logboek", 60_000),
    ("coalition_member", "/vraagstukken", 40_000),
    ("staff", "/kerngroep", 50_000),
]


def test_pages_stay_small_and_their_queries_constant_as_the_network_grows(network, client, make_client, login,
                                                                          count_queries):
    clients = {}
    for role in ("staff", "liaison", "member", "coalition_member"):
        clients[role] = login(getattr(network, role), c=make_client())
    urls = [(role, url.format(round=network.round.id), limit) for role, url, limit in PAGES]
    before = {(role, url): _get(clients[role], count_queries, url)[1] for role, url, _limit in urls}
    network.grow(400)
    for role, url, limit in urls:
        html, queries = _get(clients[role], count_queries, url)
        assert len(html.encode()) < limit, (role, url, len(html.encode()))
        assert queries == before[(role, url)], (role, url, before[(role, url)], queries)


def test_the_round_page_groups_by_theme_and_every_table_is_reachable(network, client, login):
    network.grow(200)
    login(network.staff)
    page = unescape(client.get(f"/rondes/{network.round.id}").text)
    assert "Tijdlijn van" in page and "per thema" in page
    for n in range(THEMES):  # one line per theme, each a link to its tables
        assert f'?thema=Thema+{n}"' in page.replace("&amp;", "&") or f"thema=Thema+{n}" in page
    assert "240 thematafels gevonden" in page and "Pagina 1 van 10" in page  # a page of 25 at a time
    # A theme's tables, all of them over its pages.
    seen = set()
    for number in range(1, 3):
        themed = client.get(f"/rondes/{network.round.id}?thema=Thema+3&pagina={number}").text
        seen |= set(re.findall(r">(Tafel \d-\d{4})</a>", themed))
    expected = set(db.session.execute(select(ThematicTable.title).where(ThematicTable.theme == "Thema 3")).scalars())
    assert seen == expected and len(seen) == 30


def test_filters_narrow_the_round_to_what_needs_attention(network, client, login):
    login(network.liaison)
    base = f"/rondes/{network.round.id}"
    mine = client.get(f"{base}?mijn=1").text
    assert "thematafels gevonden" in mine
    titles = set(re.findall(r">(Tafel \d-\d{4})</a>", mine))
    liaison_of = set(db.session.execute(select(ThematicTable.title).where(
        ThematicTable.liaison_id == network.liaison.id)).scalars())
    assert titles == liaison_of  # the liaison is in no table as a member
    no_update = client.get(f"{base}?stand=geen").text
    assert all(int(t.split("-")[1]) >= 0 for t in re.findall(r">(Tafel \d-\d{4})</a>", no_update))
    assert "Nog geen update" in no_update and "Vertraagd</span></td>" not in no_update
    support = client.get(f"{base}?aandacht=vraag").text
    assert "10 thematafels gevonden" in support
    # An unknown value is ignored rather than an error, and links carry only known parameters.
    odd = client.get(f"{base}?stand=paars&_anchor=x&actielijn=tijdens_zwangerschap&pagina=2")
    links = re.findall(r'href="([^"]*pagina=[^"]*)"', odd.text)
    assert odd.status_code == 200 and links and not [link for link in links if "_anchor" in link or "#x" in link]
    assert all("actielijn=tijdens_zwangerschap" in link and "paars" not in link for link in links)


def test_my_page_shows_a_few_and_links_to_the_filtered_round(network, client, make_client, login):
    network.grow(100)
    login(network.member)
    page = unescape(client.get("/mijn").text)
    mine = page.split('id="d-tafels"')[1].split("</section>")[0]
    assert mine.count("/tafels/") == 8 and f"/rondes/{network.round.id}?mijn=1" in mine
    milestones = page.split('id="d-mijlpalen"')[1].split("</section>")[0]
    assert milestones.count("/werkpakketten/") == 5 and "Alle mijlpalen van je tafels" in milestones
    staff = login(network.staff, c=make_client())
    page = unescape(staff.get("/mijn").text)
    support = page.split('id="d-steun"')[1].split("</section>")[0]
    assert support.count("vraag-") == 5
    assert f"35 tafels met een open ondersteuningsvraag ({network.round.name})" in support
    assert f"/rondes/{network.round.id}?aandacht=vraag" in support
    listed = staff.get(f"/rondes/{network.round.id}?aandacht=vraag").text
    assert "35 thematafels gevonden" in listed


def test_the_reminder_page_counts_each_kind_and_puts_failed_mail_first(network, client, login):
    network.grow(100)
    login(network.staff)
    page = unescape(client.get("/beheer/herinneringen").text)
    rows = re.findall(r'<span class="tag( tag-late)?">(mislukt|in de wachtrij)</span>', page)
    assert rows[:28] == [(" tag-late", "mislukt")] * 28 and rows[28] == ("", "in de wachtrij")
    assert "Pagina 1 van" in page and 'mail_pagina=2#uitgaand' in page
    assert "Alle 28 mislukte mails opnieuw proberen" in page
    overdue = unescape(client.get("/beheer/herinneringen?soort=milestone_overdue").text)
    assert 'aria-current="true">Mijlpaal over tijd' in overdue and "Komende herinneringen: Mijlpaal over tijd" in overdue


def test_a_second_visit_compiles_no_statement_again(network, make_client, login, app):
    """SQLAlchemy keeps each compiled statement; one built so that its cache key changes every
    time (a subquery shared between statements, say) is compiled on every visit: a few
    milliseconds a page, for nothing."""
    from sqlalchemy.engine.interfaces import CacheStats

    from leernetwerk.extensions import db as _db
    from leernetwerk.rounds.models import WorkPackage

    wp = _db.session.execute(select(WorkPackage).order_by(WorkPackage.id)).scalars().first()
    urls = [("staff", "/mijn"), ("liaison", "/mijn"), ("member", "/mijn"), ("staff", "/rondes"),
            ("member", f"/rondes/{network.round.id}"), ("staff", f"/rondes/{network.round.id}?stand=geen&mijn=1"),
            ("member", f"/tafels/{wp.table_id}"), ("member", f"/werkpakketten/{wp.id}"),
            ("member", "/bibliotheek"), ("member", "/meldingen")]
    clients = {role: login(getattr(network, role), c=make_client()) for role in ("staff", "liaison", "member")}
    missed: list[tuple[str, str]] = []
    for role, url in urls:
        clients[role].get(url)
        clients[role].get(url)

        def note(_conn, _cursor, statement, _params, context, _many, url=url) -> None:
            if context is not None and context.cache_hit is CacheStats.CACHE_MISS:
                missed.append((url, statement[:120]))

        event.listen(_db.engine, "before_cursor_execute", note)
        try:
            assert clients[role].get(url).status_code == 200, url
        finally:
            event.remove(_db.engine, "before_cursor_execute", note)
    assert not missed, missed


def test_a_filtered_round_counts_the_whole_round_and_groups_only_what_the_filters_keep(network):
    """The round's numbers and its grouped timeline come from one count per theme and status:
    the numbers over every table of the round, the theme lines over the filtered ones."""
    from collections import Counter

    from werkzeug.datastructures import MultiDict

    from leernetwerk.dates import today
    from leernetwerk.rounds import overview
    from leernetwerk.rounds.models import SupportRequest

    network.grow(200)
    day = today()
    filters = overview.RoundFilters.from_args(MultiDict({"aandacht": "vraag"}))
    summary = overview.summary(network.round, filters, network.staff, day)

    everything = overview.summary(network.round, overview.RoundFilters(), network.staff, day)
    assert summary.totals == everything.totals
    assert summary.totals.tables == 240 == sum(summary.totals.by_status.values())
    asking = db.session.execute(
        select(ThematicTable.theme, ThematicTable.id).join(SupportRequest, SupportRequest.table_id == ThematicTable.id)
        .where(ThematicTable.round_id == network.round.id, SupportRequest.answered_at.is_(None),
               SupportRequest.withdrawn_at.is_(None)).distinct()).all()
    assert len(asking) == len(summary.table_ids) > 25
    assert summary.groups is not None  # more than a page: the timeline groups by theme
    assert {g.theme: g.tables for g in summary.groups} == dict(Counter(theme for theme, _id in asking))
    assert all(sum(g.by_status.values()) == g.tables for g in summary.groups)
