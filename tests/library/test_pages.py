"""The library as people and websites use it: pages, uploads, downloads, feed, API, permissions."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from leernetwerk.library import services
from leernetwerk.library.models import Deliverable
from tests import factories

from .helpers import Team, make_pdf

ATOM = "{http://www.w3.org/2005/Atom}"


def test_anonymous_visitors_read_public_items_only_everywhere(client, db):
    team = Team()
    public = team.publish("Openbaar zorgpad", summary="voor iedereen")
    secret = team.publish("Netwerkoverzicht", summary="alleen intern", visibility="netwerk")
    draft = team.draft("Geheim concept", summary="nog niet af")
    listing = client.get("/bibliotheek").text
    assert "Openbaar zorgpad" in listing and "Netwerkoverzicht" not in listing and "Geheim concept" not in listing
    assert "Netwerkoverzicht" not in client.get("/bibliotheek", query_string={"q": "intern"}).text
    assert client.get(f"/bibliotheek/{public.deliverable.slug}").status_code == 200
    assert client.get(f"/bibliotheek/{secret.deliverable.slug}").status_code == 302  # to the login page
    assert client.get(f"/bibliotheek/{draft.deliverable.slug}").status_code == 404
    feed = client.get("/bibliotheek/feed.atom").text
    assert "Openbaar zorgpad" in feed and "Netwerkoverzicht" not in feed and "Geheim concept" not in feed
    api = client.get("/api/v1/eindproducten").get_json()
    assert [i["titel"] for i in api["items"]] == ["Openbaar zorgpad"]
    assert client.get(f"/api/v1/eindproducten/{secret.deliverable.slug}").status_code == 404
    assert client.get(f"/api/v1/eindproducten/{draft.deliverable.slug}").status_code == 404


def test_logged_in_network_members_also_see_network_items(client, login):
    team = Team()
    team.publish("Netwerkoverzicht", summary="alleen intern", visibility="netwerk")
    login(factories.make_coalition_member())
    assert "Netwerkoverzicht" in client.get("/bibliotheek").text
    # The API stays public-only, whoever asks.
    assert client.get("/api/v1/eindproducten").get_json()["items"] == []


def test_feed_is_valid_atom_with_the_newest_first(client):
    team = Team()
    team.publish("Eerste")
    team.publish("Tweede")
    response = client.get("/bibliotheek/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Tweede", "Eerste"]
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("http://localhost/bibliotheek/")
        assert entry.find(f"{ATOM}updated") is not None and entry.find(f"{ATOM}link").get("href")


def test_api_list_detail_and_openapi_document(client):
    team = Team()
    version = team.publish("Zorgpad kwetsbare zwangeren", summary="Signaleren", body="## Stap 1\n\n<script>x</script>",
                           uploads=[(make_pdf("tekst"), "pad.pdf")])
    listing = client.get("/api/v1/eindproducten", query_string={"q": "zorgpaden", "soort": "zorgpad"})
    assert listing.headers["Access-Control-Allow-Origin"] == "*"
    body = listing.get_json()
    assert body["totaal"] == 1 and body["pagina"] == 1 and "facetten" in body
    item = body["items"][0]
    assert set(item) >= {"slug", "titel", "samenvatting", "soort", "actielijn", "gepubliceerd_op", "url", "api_url"}
    detail = client.get(item["api_url"].removeprefix("http://localhost")).get_json()
    assert detail["slug"] == version.deliverable.slug and detail["versie"] == 1
    assert "<script>" not in detail["inhoud_html"] and "<h2>Stap 1</h2>" in detail["inhoud_html"]
    assert detail["bijlagen"][0]["naam"] == "pad.pdf"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    from openapi_spec_validator import validate

    validate(spec)  # raises on an invalid OpenAPI 3.1 document
    from jsonschema import Draft202012Validator

    schemas = spec["components"]["schemas"]
    resolver_root = {"components": {"schemas": schemas}}
    list_schema = spec["paths"]["/eindproducten"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    Draft202012Validator({**list_schema, **resolver_root}).validate(body)
    Draft202012Validator({**schemas["Eindproduct"], **resolver_root}).validate(detail)
    assert set(spec["paths"]) == {"/eindproducten", "/eindproducten/{slug}"}
    listed = spec["components"]["schemas"]["Samenvatting"]["required"]
    assert set(listed) == set(item)  # the document describes exactly the fields we send
    assert set(spec["components"]["schemas"]["Eindproduct"]["required"]) == set(detail)


def test_download_is_an_attachment_with_a_safe_name_and_nosniff(client):
    team = Team()
    version = team.publish("Met pdf", uploads=[(make_pdf("x"), 'rap"port<1>.pdf')])
    attachment = version.attachments[0]
    response = client.get(f"/bijlagen/{attachment.id}/{attachment.original_name}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename=rapport1.pdf' in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def test_attachments_of_drafts_and_network_items_are_not_for_anonymous_visitors(client):
    team = Team()
    draft = team.draft("Concept", uploads=[(make_pdf("x"), "a.pdf")])
    secret = team.publish("Intern", visibility="netwerk", uploads=[(make_pdf("x"), "b.pdf")])
    for version in (draft, secret):
        a = version.attachments[0]
        assert client.get(f"/bijlagen/{a.id}/{a.original_name}").status_code in (302, 403)


def test_table_member_creates_an_end_product_and_a_wrong_file_keeps_the_form(client, login, db):
    team = Team()
    login(team.lead)
    url = f"/werkpakketten/{team.work_package.id}/eindproducten/nieuw"
    form = {"title": "Sociale kaart Leeuwarden", "summary": "Wie helpt waar", "body": "## Kopje",
            "kind": "sociale_kaart", "action_line": "na_geboorte", "visibility": "openbaar",
            "audiences": ["gemeenten"]}
    bad = client.post(url, data={**form, "attachments": [(io.BytesIO(b"MZ\x90\x00binary"), "kaart.pdf")]},
                      content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "geen bestand dat we aannemen" in bad.text
    assert 'value="Sociale kaart Leeuwarden"' in bad.text and "Wie helpt waar" in bad.text
    assert db.session.query(Deliverable).count() == 0
    good = client.post(url, data={**form, "attachments": [(io.BytesIO(make_pdf("kaart")), "kaart.pdf")]},
                       content_type="multipart/form-data")
    assert good.status_code == 302
    deliverable = db.session.query(Deliverable).one()
    page = client.get(f"/eindproducten/{deliverable.id}").text
    assert "Indienen ter review" in page and "Publiceren" not in page


def test_editing_a_draft_with_an_attachment_without_a_new_file_keeps_text_and_attachment(client, login, db):
    team = Team()
    version = team.draft("Zorgpad eerste versie", uploads=[(make_pdf("zorgpad"), "zorgpad.pdf")])
    d = version.deliverable.id
    login(team.lead)
    page = client.get(f"/eindproducten/{d}/bewerken")
    assert page.status_code == 200
    assert "zorgpad.pdf" in page.text  # shown as already added
    response = client.post(f"/eindproducten/{d}/bewerken", data={
        "title": "Zorgpad tweede versie", "summary": "Nieuwe samenvatting", "body": "", "kind": "zorgpad",
        "action_line": "tijdens_zwangerschap", "visibility": "openbaar", "audiences": ["verloskundigen"],
        "all_of_friesland": "y", "version": str(version.lock_version)}, content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    db.session.refresh(version)
    assert version.title == "Zorgpad tweede versie" and version.summary == "Nieuwe samenvatting"
    assert [a.original_name for a in version.attachments] == ["zorgpad.pdf"]
    assert "zorgpad.pdf" in client.get(f"/eindproducten/{d}").text
    with_file = client.post(f"/eindproducten/{d}/bewerken", data={
        "title": "Zorgpad tweede versie", "summary": "Nieuwe samenvatting", "body": "", "kind": "zorgpad",
        "action_line": "tijdens_zwangerschap", "visibility": "openbaar", "audiences": ["verloskundigen"],
        "all_of_friesland": "y", "version": str(version.lock_version),
        "attachments": [(io.BytesIO(make_pdf("bijlage")), "bijlage.pdf")]}, content_type="multipart/form-data")
    assert with_file.status_code == 302, with_file.text
    db.session.refresh(version)
    assert sorted(a.original_name for a in version.attachments) == ["bijlage.pdf", "zorgpad.pdf"]


def test_the_whole_workflow_through_the_pages(client, login, make_client, db):
    team = Team()
    version = team.draft("Werkwijze warme overdracht", body="## Hoe\n\nGezamenlijk huisbezoek in de kraamweek.")
    d = version.deliverable.id
    lead = login(team.lead)
    assert lead.post(f"/eindproducten/{d}/indienen").status_code == 302
    assert lead.post(f"/eindproducten/{d}/publiceren").status_code == 403
    liaison = login(team.liaison, c=make_client())
    assert "Werkwijze warme overdracht" in liaison.get("/mijn").text  # waiting for my review
    review_page = liaison.get(f"/eindproducten/{d}").text
    assert "Gezamenlijk huisbezoek" in review_page  # the reviewer reads what they approve
    liaison.post(f"/eindproducten/{d}/beoordelen", data={"besluit": "goedkeuren", "comment": ""})
    assert liaison.post(f"/eindproducten/{d}/publiceren").status_code == 403
    staff = login(team.staff, c=make_client())
    staff.post(f"/eindproducten/{d}/publiceren")
    assert "Werkwijze warme overdracht" in make_client().get("/bibliotheek").text
    staff.post(f"/eindproducten/{d}/intrekken", data={"reason": "Verouderd"})
    assert "Werkwijze warme overdracht" not in make_client().get("/bibliotheek").text
    page = make_client().get(f"/bibliotheek/{version.deliverable.slug}")
    assert page.status_code == 200 and "Ingetrokken op" in page.text and "Verouderd" in page.text


def test_no_hits_with_facets_suggests_removing_them(client):
    Team().publish("Zorgpad", kind="zorgpad")
    page = client.get("/bibliotheek", query_string={"q": "zorgpad", "soort": "factsheet"}).text
    assert "Niets gevonden." in page and "zonder filters" in page


def test_end_product_page_has_provenance_versions_and_a_print_stylesheet(client):
    team = Team()
    version = team.publish("Zorgpad kwetsbare zwangeren")
    page = client.get(f"/bibliotheek/{version.deliverable.slug}").text
    assert team.table.title in page and team.liaison.name in page and team.table.round.name in page
    assert re.search(r'href="/static/css/print\.[0-9a-f]{12}\.css" media="print"', page)


def test_library_page_query_count_does_not_grow_with_the_data(client, count_queries):
    team = Team()
    for n in range(3):  # enough hits not to look for "Bedoelde je …?"
        team.publish(f"Eerste zorgpad {n}", municipalities=[factories.make_municipality()])
    client.get("/bibliotheek")  # the facet bit sets of this state of the library are built
    with count_queries() as few:
        client.get("/bibliotheek", query_string={"q": "zorgpad"})
    for n in range(30):
        team.publish(f"Zorgpad {n}", kind=["zorgpad", "factsheet", "handreiking"][n % 3],
                     audiences=("verloskundigen", "jgz"), municipalities=[factories.make_municipality()])
    client.get("/bibliotheek")
    with count_queries() as many:
        response = client.get("/bibliotheek", query_string={"q": "zorgpad"})
    assert "33 eindproducten" in response.text
    # Not more with more data (fewer may be: where the titles fill a page, on SQLite the next
    # tier of matches is not fetched).
    assert many.count <= few.count


def test_the_reviewers_comment_shows_on_the_edit_form_after_sending_back(client, login, db):
    team = Team()
    version = team.draft("Zorgpad geldzorgen")
    services.submit_for_review(team.lead, version)
    services.review(team.liaison, version, approve=False, comment="Voeg het telefoonnummer van de schuldhulp toe.")
    db.session.commit()
    login(team.lead)
    page = client.get(f"/eindproducten/{version.deliverable_id}/bewerken").text
    assert f"Teruggestuurd door {team.liaison.name}" in page
    assert "Voeg het telefoonnummer van de schuldhulp toe." in page


def test_a_file_whose_content_is_not_what_its_name_says_gets_a_message_that_says_so(client, login, db):
    team = Team()
    login(team.lead)
    url = f"/werkpakketten/{team.work_package.id}/eindproducten/nieuw"
    form = {"title": "Afsprakenkaart", "summary": "Wie doet wat.", "kind": "zorgpad", "action_line": "na_geboorte",
            "visibility": "openbaar", "all_of_friesland": "y"}
    page = client.get(url).text
    assert 'accept=".pdf,.docx,.xlsx,.pptx,.odt,.png,.jpg,.jpeg,.csv,.txt"' in page  # the picker offers these
    broken = client.post(url, data={**form, "attachments": [(io.BytesIO(b"MZ\x90\x00\x03binary"), "kaart.pdf")]},
                         content_type="multipart/form-data")
    assert broken.status_code == 400
    assert "heet een PDF-bestand, maar de inhoud is dat niet" in broken.text
    renamed = client.post(url, data={**form, "attachments": [(io.BytesIO(make_pdf("kaart")), "afspraken.docx")]},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "‘afspraken.docx’ is eigenlijk een PDF-bestand; het staat bij de bijlagen als ‘afspraken.pdf’." in (
        renamed.text)


def test_the_reviewer_sees_what_changed_since_sending_it_back(client, login, db):
    team = Team()
    version = team.draft("Zorgpad geldzorgen", summary="Eerste samenvatting",
                         body="## Stappen\n\nBel de wijkcoach.\nVraag naar schulden.")
    services.submit_for_review(team.lead, version)
    services.review(team.liaison, version, approve=False, comment="Noem de schuldhulp bij naam.")
    db.session.commit()
    login(team.lead)
    page = client.get(f"/eindproducten/{version.deliverable_id}/bewerken").text
    token = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    client.post(f"/eindproducten/{version.deliverable_id}/bewerken", data={
        "title": "Zorgpad geldzorgen", "summary": "Nieuwe samenvatting", "kind": "zorgpad",
        "action_line": "tijdens_zwangerschap", "visibility": "openbaar", "all_of_friesland": "y", "version": token,
        "body": "## Stappen\n\nBel de wijkcoach.\nVerwijs naar Schuldhulp Leeuwarden.",
        "attachments": [(io.BytesIO(make_pdf("route")), "route.pdf")]}, content_type="multipart/form-data")
    services.submit_for_review(team.lead, version)
    db.session.commit()

    liaison = login(team.liaison, c=client.application.test_client())
    page = liaison.get(f"/eindproducten/{version.deliverable_id}").text
    assert "Veranderd sinds het terugsturen" in page
    assert "<del>Eerste samenvatting</del> → <ins>Nieuwe samenvatting</ins>" in page
    assert '<del class="diff-line">Vraag naar schulden.</del>' in page
    assert '<ins class="diff-line">Verwijs naar Schuldhulp Leeuwarden.</ins>' in page
    assert "Nieuwe bijlagen: route.pdf" in page


def test_a_drafts_attachment_can_be_removed_and_a_published_versions_stays(client, login, db):
    """Removed from the draft (kept in the database, audited, no longer offered or downloadable);
    the reviewer sees it gone; a published version keeps its files."""
    from leernetwerk.audit import AuditEvent
    from leernetwerk.library.models import Attachment

    team = Team()
    version = team.draft("Zorgpad geldzorgen", uploads=[(make_pdf("oud"), "oude-route.pdf"),
                                                        (make_pdf("nieuw"), "route.pdf")])
    services.submit_for_review(team.lead, version)
    services.review(team.liaison, version, approve=False, comment="Eén bijlage is genoeg.")
    db.session.commit()
    old = next(a for a in version.attachments if a.original_name == "oude-route.pdf")
    login(team.lead)
    page = client.get(f"/eindproducten/{version.deliverable_id}").text
    assert f'action="/bijlagen/{old.id}/verwijderen"' in page
    done = client.post(f"/bijlagen/{old.id}/verwijderen", follow_redirects=True)
    assert "Bijlage ‘oude-route.pdf’ verwijderd." in done.text
    assert "oude-route.pdf" not in done.text.split("Bijlage ‘oude-route.pdf’ verwijderd.")[1]
    assert client.get(f"/bijlagen/{old.id}/oude-route.pdf").status_code == 404
    db.session.expire_all()
    assert db.session.get(Attachment, old.id).removed_at is not None  # kept, marked
    assert db.session.query(AuditEvent).filter_by(action="deliverable.attachment_remove").count() == 1

    services.submit_for_review(team.lead, version)
    db.session.commit()
    reviewer = login(team.liaison, c=client.application.test_client())
    assert "Verwijderde bijlagen: oude-route.pdf" in reviewer.get(f"/eindproducten/{version.deliverable_id}").text

    published = team.publish("Gepubliceerd", uploads=[(make_pdf("x"), "blijft.pdf")])
    kept = published.attachments[0]
    assert client.post(f"/bijlagen/{kept.id}/verwijderen").status_code == 403


def test_a_facet_lists_its_largest_values_and_links_to_all_of_them(client):
    """At national scale the `tafel` facet has thousands of values: the page shows twelve (and any
    chosen one) with a link to all, so it stays small."""
    teams = [Team(theme=f"Thema {n:02d}") for n in range(14)]
    for n, team in enumerate(teams):
        team.publish(f"Eindproduct {n:02d}")
    page = client.get("/bibliotheek").text
    tables = page.split("<legend>Thematafel</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert tables.count('name="tafel"') == 12 and "Alle 14 tonen" in tables
    listed = set(re.findall(r'name="tafel" value="(\d+)"', tables))
    chosen = next(t.table.id for t in teams if str(t.table.id) not in listed)
    page = client.get("/bibliotheek", query_string={"tafel": chosen}).text
    tables = page.split("<legend>Thematafel</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert f'value="{chosen}" id=' in tables and "checked" in tables  # a chosen value is always listed
    link = re.search(r'<a href="([^"]+)">Alle 14 tonen', tables).group(1).replace("&amp;", "&")
    assert "alle=tafel" in link and f"tafel={chosen}" in link
    everything = client.get(link).text.split("<legend>Thematafel</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert everything.count('name="tafel"') == 14 and "Alle 14 tonen" not in everything


def test_a_members_filters_follow_a_publication_and_a_renamed_table_at_once(client, login, db):
    """The filters with their counts are counted and drawn once and kept per state of the library
    (queries._COUNTS, views._facets): a logged-in member sees a new publication's count and a
    table's new name on the next visit (the name stayed old until the index changed)."""
    team = Team()
    team.publish("Zorgpad een")
    login(team.lead)

    def tables() -> str:
        return client.get("/bibliotheek").text.split("<legend>Thematafel</legend>", 1)[1].split("</fieldset>", 1)[0]

    before = tables()
    assert before == tables() and "(1)" in before
    team.publish("Zorgpad twee")
    assert "(2)" in tables()
    team.table.title = "Tafel Met Een Nieuwe Naam"
    db.session.commit()
    assert "Tafel Met Een Nieuwe Naam" in tables()
