"""Library search in Dutch: stems, accents, hostile input, ranking, facets, visibility.

The same fixture gives the same hits on SQLite (FTS5) and PostgreSQL (tsvector): the suite runs
on both databases.
"""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from leernetwerk.library import extraction
from leernetwerk.library.queries import LibraryQuery, search_library
from tests import factories

from .helpers import Team, make_pdf


@pytest.fixture
def corpus(db):
    team = Team()
    leeuwarden = factories.make_municipality("Leeuwarden")
    team.publish("Zorgpad kwetsbare zwangeren", kind="zorgpad", summary="Signaleren tijdens de zwangerschap.",
                 body="## Stappen\n\nDe verloskundige bespreekt het in het VSV.", municipalities=[leeuwarden])
    team.publish("Sociale kaart", kind="sociale_kaart", summary="Wie helpt bij geldzorgen?",
                 body="Contact met de coöperatie van huisartsen.", audiences=("huisartsen",))
    team.publish("Handreiking taal", kind="handreiking", summary="Tolken bij huisbezoeken.",
                 body="Over zorgpaden in het algemeen.")
    team.publish("Intern overzicht", kind="overig", summary="Alleen voor het netwerk: zwangerschap.",
                 visibility="netwerk")
    team.publish("Scholing meldcode", kind="scholing", summary="Twee dagdelen.",
                 uploads=[(make_pdf("Huiselijk geweld rond de bevalling herkennen"), "scholing.pdf")])
    team.draft("Concept zorgpad zwangerschap", summary="Nog niet klaar: zwangerschap.")
    extraction.run_queue()  # the scheduler's job: the PDF's text into the index
    return team


def titles(q: str = "", network: bool = False, **filters) -> list[str]:
    args = MultiDict([("q", q)] + [(k, v) for k, values in filters.items() for v in values])
    return [h.entry.title for h in search_library(LibraryQuery.from_args(args), visible_to_network=network).hits]


def test_word_forms_meet(corpus):
    assert titles("zwangerschappen") == ["Zorgpad kwetsbare zwangeren"]
    assert set(titles("zorgpaden")) == {"Zorgpad kwetsbare zwangeren", "Handreiking taal"}


def test_accents_do_not_matter(corpus):
    assert titles("cooperatie") == ["Sociale kaart"]
    assert titles("COÖPERATIE") == ["Sociale kaart"]


def test_text_inside_a_pdf_attachment_is_found(corpus):
    assert titles("bevalling") == ["Scholing meldcode"]


def test_title_matches_rank_above_body_matches(corpus):
    assert titles("zorgpad") == ["Zorgpad kwetsbare zwangeren", "Handreiking taal"]


@pytest.mark.parametrize("hostile", [
    '"', "'", '"zorgpad', "zorgpad OR 1=1", "-zorgpad", "zorgpad*", "NEAR(zorgpad)", "col:zorgpad",
    "<script>alert(1)</script>", "'; DROP TABLE deliverables; --", "&&||!", "\\", "((((", "zorg\x00pad", "é" * 500,
])
def test_any_input_is_safe(corpus, hostile, client):
    titles(hostile)
    response = client.get("/bibliotheek", query_string={"q": hostile})
    # A NUL byte in any request is refused before a view runs (docs/architecture.md, odd input).
    assert response.status_code == (400 if "\x00" in hostile else 200)
    assert "<script>alert(1)" not in response.text


def test_snippets_highlight_the_match_and_escape_markup(corpus):
    [hit] = search_library(LibraryQuery(q="geldzorgen"), visible_to_network=False).hits
    assert "<mark>geldzorgen</mark>" in str(hit.snippet)


def test_network_only_items_only_for_logged_in_people_and_drafts_never(corpus):
    assert "Intern overzicht" not in titles("zwangerschap")
    assert "Intern overzicht" in titles("zwangerschap", network=True)
    assert not any("Concept" in t for t in titles("zwangerschap", network=True) + titles(network=True))


def test_facets_filter_and_count(corpus):
    results = search_library(LibraryQuery(), visible_to_network=False)
    kinds = {v.value: v.count for v in results.facets["soort"]}
    assert kinds == {"zorgpad": 1, "sociale_kaart": 1, "handreiking": 1, "scholing": 1}
    assert titles(soort=["handreiking", "zorgpad"]) == ["Handreiking taal", "Zorgpad kwetsbare zwangeren"]
    assert titles(doelgroep=["huisartsen"]) == ["Sociale kaart"]
    audiences = {v.value: v.count for v in results.facets["doelgroep"]}
    assert audiences == {"verloskundigen": 3, "huisartsen": 1}  # the network-only item is not counted
    network = search_library(LibraryQuery(), visible_to_network=True)
    assert {v.value: v.count for v in network.facets["doelgroep"]} == {"verloskundigen": 4, "huisartsen": 1}
    municipality = {v.label: v.value for v in results.facets["gemeente"]}
    # The others are for all of Friesland, so they concern Leeuwarden too.
    assert len(titles(gemeente=[municipality["Leeuwarden"]])) == 4
    # Counts of a facet ignore its own selection, so the alternatives stay visible.
    chosen = search_library(LibraryQuery(filters={"soort": ["zorgpad"]}), visible_to_network=False)
    assert {v.value for v in chosen.facets["soort"]} == set(kinds)
    assert [v.count for v in chosen.facets["actielijn"]] == [1]


def test_sort_by_date_and_paging(corpus):
    newest_first = titles()
    assert newest_first[0] == "Scholing meldcode"
    args = MultiDict([("per_pagina", "2"), ("pagina", "2"), ("sorteer", "datum")])
    page = search_library(LibraryQuery.from_args(args), visible_to_network=False)
    assert page.total == 4 and page.pages == 2 and [h.entry.title for h in page.hits] == newest_first[2:]


def test_a_query_by_date_lists_its_hits_newest_first_page_by_page(corpus):
    everything = titles()  # newest first
    # "zwangerschap" is in three of them: the network-only one counts for a logged-in person.
    hits = [t for t in everything if t in ("Zorgpad kwetsbare zwangeren", "Intern overzicht")]
    assert titles("zwangerschap", sorteer=["datum"]) == [t for t in hits if t != "Intern overzicht"]
    network = [h.entry.title for page in (1, 2) for h in search_library(
        LibraryQuery(q="zwangerschap", sort="datum", per_page=1, page=page), visible_to_network=True).hits]
    all_titles = [h.entry.title for h in search_library(LibraryQuery(per_page=10), visible_to_network=True).hits]
    assert network == [t for t in all_titles if t in ("Zorgpad kwetsbare zwangeren", "Intern overzicht")]


@pytest.mark.parametrize("members", [[3], [1, 7, 9], list(range(0, 40, 2)), list(range(40))])
def test_newest_first_from_the_kept_order_sparse_or_dense(members):
    """A few ids are sorted by their place in the kept order, many are picked from it: both give
    the members in that order, after the skipped ones."""
    from array import array

    from pyroaring import FrozenBitMap

    from leernetwerk.library.queries import _newest, _Snapshot

    order = [(i * 17) % 41 for i in range(41)]  # 41 is prime: a shuffled order of 0..40
    position = array("l", [0]) * 41
    for n, i in enumerate(order):
        position[i] = n
    snapshot = _Snapshot(everything=FrozenBitMap(order), public=FrozenBitMap(), frisian=FrozenBitMap(),
                         by_facet={}, newest=array("l", order), position=position)
    expected = [i for i in order if i in set(members)]
    for skip, take in ((0, 2), (1, 5), (0, 100), (len(members), 3)):
        assert _newest(snapshot, FrozenBitMap(members), skip, take) == expected[skip: skip + take]


def test_a_municipality_includes_the_end_products_for_all_of_friesland(db):
    """`gemeente=<id>` finds that municipality's own end products and those for all of Friesland
    (they concern every municipality); `gemeente=friesland` only the latter. On both databases."""
    team = Team()
    leeuwarden, harlingen = factories.make_municipality("Leeuwarden"), factories.make_municipality("Harlingen")
    factories.make_municipality("Vlieland")
    team.publish("Voor Leeuwarden", municipalities=[leeuwarden])
    team.publish("Voor Harlingen", municipalities=[harlingen])
    team.publish("Voor Leeuwarden en Harlingen", municipalities=[leeuwarden, harlingen])
    team.publish("Voor heel Friesland")
    team.publish("Intern voor heel Friesland", visibility="netwerk")
    assert sorted(titles(gemeente=[str(leeuwarden.id)])) == [
        "Voor Leeuwarden", "Voor Leeuwarden en Harlingen", "Voor heel Friesland"]
    assert titles(gemeente=["friesland"]) == ["Voor heel Friesland"]
    assert sorted(titles(gemeente=["friesland"], network=True)) == ["Intern voor heel Friesland", "Voor heel Friesland"]
    facet = search_library(LibraryQuery(), visible_to_network=False).facets["gemeente"]
    # "Heel Friesland" is a value of its own, first; each municipality counts what choosing it finds.
    assert [(v.label, v.value, v.count) for v in facet] == [
        ("heel Friesland", "friesland", 1), ("Harlingen", str(harlingen.id), 3),
        ("Leeuwarden", str(leeuwarden.id), 3), ("Vlieland", str(factories_id("Vlieland")), 1)]
    # With another facet chosen, the counts follow it.
    chosen = search_library(LibraryQuery(q="Harlingen"), visible_to_network=False).facets["gemeente"]
    assert {(v.label, v.count) for v in chosen} == {("Harlingen", 2), ("Leeuwarden", 1)}


def factories_id(name: str) -> int:
    from sqlalchemy import select

    from leernetwerk.coalitions.models import Municipality
    from leernetwerk.extensions import db

    return db.session.execute(select(Municipality.id).where(Municipality.name == name)).scalar_one()
