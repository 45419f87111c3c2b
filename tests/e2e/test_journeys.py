"""Whole journeys, as each role walks them, from planning a round to a reader's download.

The starting network is scenes.network(): a running round ("Ronde najaar") whose first table
("Kwetsbare zwangeren in beeld") seats the member and has the liaison, a closed round and a
planned one. Every step after that goes through the pages, with the labels and buttons a
person sees; each page is checked on arrival (axe, sideways scrolling on a phone, no 5xx) and
kept as a screenshot, see journey.py.

A  staff plan a round that overlaps nothing, set up two tables (liaison, kartrekker, members),
   a work package and two milestones, and invite a new person, who sets a password from the
   mail and lands logged in.
B  the member posts an update and corrects it, withdraws an older one of hers, ticks a
   milestone, re-dates an overdue one and removes one that no longer applies (after a confirm),
   asks the core group for support (with a double click: one question arrives) and corrects
   the question, makes an end product with a PDF and submits it for review.
C  the liaison answers the question and sends the end product back; the member reads the
   comment on the edit form, edits without a new file and resubmits; the liaison approves;
   staff find it on /mijn under "Klaar om te publiceren" and publish it; the member is told.
D  an anonymous reader finds it by other word forms (title and PDF text), opens it and
   downloads the PDF.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from leernetwerk.extensions import db
from leernetwerk.library.extraction import run_queue
from leernetwerk.notifications.mail import deliver_outbox
from tests.library.helpers import make_pdf

from .journey import DESKTOP, PHONE, Journey, Trail, Viewport
from .scenes import Network, network

pytestmark = pytest.mark.e2e

TODAY = date.today()
# The scene's planned round runs from today + 100 to today + 195 days; this one comes after it.
OVERLAPPING_START, NEW_START = TODAY + timedelta(days=150), TODAY + timedelta(days=200)
NEW_END = NEW_START + timedelta(days=100)  # between three and four calendar months
NEW_ROUND = "Ronde na de zomer"
TABLE_ONE, TABLE_TWO = "Begeleiding in de wijk", "De eerste weken thuis"
NEW_WORK_PACKAGE = "Route wijkteam en verloskundige"

# The scene's running table, where the member works.
TABLE = "Kwetsbare zwangeren in beeld"
WORK_PACKAGE = "Zorgpad signaleren en doorverwijzen"
MILESTONE = "Bespreken met huisartsen"
OVERDUE_MILESTONE = "Eerste versie zorgpad"  # three days overdue in the scene
OBSOLETE_MILESTONE = "Zorgpad vastgesteld"  # removed by the member
OLDER_UPDATE = "Huisartsen reageren traag"  # the member's own update of two days ago, withdrawn

SUPPORT_SUBJECT = "Ruimte voor de ouderavond"
END_PRODUCT = "Draaiboek eerste huisbezoek"
PDF_NAME = "draaiboek.pdf"
PDF_WORD = "zwangerschapsbegeleiding"  # only in the PDF: found through the attachment's text
REVIEW_COMMENT = "Zet er bij wie de ouders belt, en wanneer."
NEW_SUMMARY = "Wie de ouders belt, wanneer, en hoe verloskundige en wijkteam het eerste huisbezoek voorbereiden."


@pytest.fixture
def open_browser(browser: Browser, live_server: str):
    """open_browser(viewport): a page in a fresh browser (its own cookies) of that size."""
    contexts = []

    def _open(viewport: Viewport) -> Page:
        context = browser.new_context(base_url=live_server, locale="nl-NL",
                                      viewport={"width": viewport.width, "height": viewport.height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def invitation_path(app: Flask, email: str) -> str:
    """Deliver the outbox (the scheduler's job) and read the link from the newest mail to `email`."""
    deliver_outbox()
    db.session.commit()  # end the test's transaction: the live server writes again
    folder = Path(app.config["MAIL_URL"].removeprefix("file://"))
    for eml in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
        mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
        if mail["To"] == email:
            assert "Uitnodiging" in mail["Subject"], mail["Subject"]
            text = mail.get_body(("plain",)).get_content()
            return re.search(r"http://localhost(/uitnodiging/\S+)", text).group(1)
    raise AssertionError(f"no mail to {email} in {folder}")


# --- A: staff ------------------------------------------------------------------------------------

def journey_a_staff_plans_a_round(staff: Journey, net: Network, app: Flask, newcomer: Journey) -> None:
    page = staff.page
    staff.log_in(net.staff)
    staff.heading("Mijn overzicht")

    staff.menu("Rondes", "rounds")
    staff.link("Nieuwe ronde", "new round form")
    page.get_by_label("Naam").fill(NEW_ROUND)
    page.get_by_label("Begindatum").fill(OVERLAPPING_START.isoformat())
    page.get_by_label("Einddatum").fill((OVERLAPPING_START + timedelta(days=100)).isoformat())
    page.get_by_label("Doel van de ronde").fill("Elke coalitie heeft een **route** van wijkteam naar verloskundige.")
    staff.button("Opslaan", "new round overlaps the planned round")
    expect(page.locator("[data-error-summary]")).to_contain_text("Ronde volgend jaar")
    expect(page.get_by_label("Naam")).to_have_value(NEW_ROUND)
    page.get_by_label("Begindatum").fill(NEW_START.isoformat())
    page.get_by_label("Einddatum").fill(NEW_END.isoformat())
    staff.button("Opslaan", "new round saved")
    staff.flash(f"Ronde ‘{NEW_ROUND}’ aangemaakt.")
    staff.heading(NEW_ROUND)
    expect(page.get_by_role("heading", level=1)).to_contain_text("gepland")

    for title, theme, line, leads, members in [
        (TABLE_ONE, "Kwetsbare zwangeren", "Tijdens de zwangerschap", [net.lead.name], [net.member.name]),
        (TABLE_TWO, "Kraamtijd", "Na de geboorte", [], [net.member.name, net.lead.name]),
    ]:
        staff.link("Nieuwe thematafel", f"new table form for {title}")
        page.get_by_label("Titel").fill(title)
        page.get_by_label("Thema").fill(theme)
        page.get_by_label("Actielijn").select_option(label=line)
        page.get_by_label("Beschrijving").fill(f"De tafel **{title.lower()}** werkt aan één route.")
        choose_people(page, "Verbindingspersoon (kerngroep)", [net.liaison.name])
        choose_people(page, "Kartrekkers", leads)
        choose_people(page, "Leden", members)
        staff.button("Opslaan", f"table {title} saved")
        staff.flash(f"Thematafel ‘{title}’ aangemaakt.")
        staff.heading(title)
        main = page.get_by_role("main")
        expect(main).to_contain_text(net.liaison.name)
        for name in leads + members:
            expect(main).to_contain_text(name)
        staff.link(NEW_ROUND, "round with its tables", within=page.locator(".breadcrumb"))

    expect(page.get_by_role("table", name=f"Thematafels in {NEW_ROUND}")).to_contain_text(TABLE_TWO)
    staff.link(TABLE_ONE, "first new table", within=page.get_by_role("table", name=f"Thematafels in {NEW_ROUND}"))
    staff.link("Werkpakket toevoegen", "new work package form")
    page.get_by_label("Titel").fill(NEW_WORK_PACKAGE)
    page.get_by_label("Doel").fill("Elke verloskundige weet welk wijkteam ze belt.")
    page.get_by_label("Beschrijving").fill("1. Wijkteams in kaart\n2. Afspraken per gemeente")
    choose_people(page, "Eigenaar", [net.lead.name])
    expect(page.get_by_label("Einddatum")).to_have_value(NEW_END.isoformat())  # the round's end, filled in
    page.get_by_label("Status").select_option(label="Niet gestart")
    staff.button("Opslaan", "work package saved")
    staff.flash("Werkpakket aangemaakt.")
    staff.heading(NEW_WORK_PACKAGE)

    for title, due, who in [("Gesprekken met de wijkteams", NEW_START + timedelta(days=30), net.member.name),
                            ("Route vastgesteld", NEW_START + timedelta(days=80), "— de hele tafel —")]:
        page.get_by_text("Mijlpaal toevoegen").click()
        page.get_by_label("Mijlpaal", exact=True).fill(title)
        page.get_by_label("Datum").fill(due.isoformat())
        select = page.get_by_label("Wie")
        select.select_option(value=select.locator("option").filter(has_text=who).first.get_attribute("value"))
        staff.button("Toevoegen", f"milestone {title} added")
        staff.flash("Mijlpaal toegevoegd.")
    milestones = page.locator("ul.milestones > li")
    expect(milestones).to_have_count(2)
    expect(milestones.first).to_contain_text("Gesprekken met de wijkteams")
    expect(milestones.last).to_contain_text("hele tafel")

    email = f"femke.{staff.trail.viewport.width}@example.org"
    staff.menu("Beheer", "people")
    staff.heading("Mensen")
    staff.link("Iemand uitnodigen", "invite form")
    page.get_by_label("Naam").fill("Femke de Vries")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Organisatie").select_option(label="Verloskundigenpraktijk De Wadden")
    page.get_by_label("Taal van de uitnodiging").select_option(label="Nederlands")
    staff.button("Uitnodiging versturen", "invitation sent")
    staff.flash(f"Uitnodiging voor Femke de Vries ({email}) staat klaar; de mail gaat binnen enkele minuten de deur uit.")
    expect(page.get_by_role("main")).to_contain_text("Femke de Vries")

    # The newcomer opens the link from the mail in her own browser.
    newcomer.visit(invitation_path(app, email), "invitation link from the mail")
    newcomer.heading("Welkom, Femke de Vries")
    newcomer.page.get_by_label("Nieuw wachtwoord").fill("een lange zin als wachtwoord")
    newcomer.page.get_by_label("Herhaal het wachtwoord").fill("een lange zin als wachtwoord")
    newcomer.button("Wachtwoord opslaan", "password set, logged in")
    newcomer.flash("Je wachtwoord is ingesteld.")
    newcomer.heading("Mijn overzicht")
    expect(newcomer.page.get_by_role("banner")).to_contain_text("Femke de Vries")
    expect(newcomer.page.get_by_role("button", name="Uitloggen")).to_be_visible()


def choose_people(page: Page, label: str, names: list[str]) -> None:
    """As a person picks from a long list: type each name in the list's search box, take it."""
    select = page.get_by_label(label, exact=True)
    search = page.get_by_role("searchbox", name=f"{label}: typ een naam of organisatie om te zoeken")
    chosen = []
    for name in names:
        search.fill(name)
        chosen.append(select.locator("option:not([hidden])").filter(has_text=name).first.get_attribute("value"))
    select.select_option(value=chosen)
    search.fill("")


# --- B: a member of the running table -------------------------------------------------------------

def journey_b_member_works_at_the_table(member: Journey, net: Network) -> None:
    page = member.page
    member.log_in(net.member)
    member.heading("Mijn overzicht")
    expect(member.region("Mijn thematafels")).to_contain_text(TABLE_ONE)  # staff just seated her there
    expect(member.region("Werkpakketten zonder update in 14 dagen")).not_to_contain_text(NEW_WORK_PACKAGE)

    member.link(TABLE, "her table", within=member.region("Mijn thematafels"))
    member.link(WORK_PACKAGE, "work package")
    page.get_by_label("Wat is er gebeurd, wat komt er?").fill(
        "Drie praktijken werken met de **vragenlijst**.\n\n- huisartsen gesproken\n- draaiboek in de maak")
    page.get_by_role("group", name="Stand van zaken").get_by_label("Op koers").check()
    member.button("Update plaatsen", "update posted")
    member.flash("Update geplaatst.")
    newest = page.locator("ol.updates > li").first
    expect(newest.locator(".status-op_koers")).to_have_text("Op koers")
    expect(newest.locator(".prose strong")).to_have_text("vragenlijst")
    # A slip in what she just posted: she corrects it (her own update, within a day).
    member.link("Aanpassen", "update edit form", within=newest, exact=False)
    member.heading("Update aanpassen")
    page.get_by_label("Wat is er gebeurd, wat komt er?").fill(
        "Drie praktijken werken met de **vragenlijst**.\n\n- huisartsen gesproken\n- draaiboek bijna klaar")
    member.button("Opslaan", "update corrected")
    member.flash("Update aangepast.")
    expect(newest.locator(".prose")).to_contain_text("draaiboek bijna klaar")
    expect(newest.locator(".update-meta")).to_contain_text("bewerkt")
    # Her older update no longer holds: she withdraws it; it stays, marked.
    older = page.locator("ol.updates > li").filter(has_text=OLDER_UPDATE)
    page.once("dialog", lambda dialog: dialog.accept())
    member.button("Intrekken", "older update withdrawn", within=older, exact=False)
    member.flash("Update ingetrokken.")
    expect(older).to_contain_text("ingetrokken op")
    expect(older.get_by_role("button")).to_have_count(0)

    milestone = page.locator("ul.milestones > li").filter(has_text=MILESTONE)
    member.button("Afvinken", "milestone ticked", within=milestone)
    member.flash("Mijlpaal afgevinkt.")
    expect(page.locator("ul.milestones > li").filter(has_text=MILESTONE)).to_contain_text("klaar")

    overdue = page.locator("ul.milestones > li").filter(has_text=OVERDUE_MILESTONE)
    expect(overdue).to_contain_text("te laat")
    member.link("Aanpassen", "milestone edit form", within=overdue, exact=False)
    member.heading("Mijlpaal aanpassen")
    page.get_by_label("Datum").fill((TODAY + timedelta(days=10)).isoformat())
    member.button("Opslaan", "milestone re-dated")
    member.flash("Mijlpaal aangepast.")
    redated = page.locator("ul.milestones > li").filter(has_text=OVERDUE_MILESTONE)
    expect(redated).not_to_contain_text("te laat")

    obsolete = page.locator("ul.milestones > li").filter(has_text=OBSOLETE_MILESTONE)
    page.once("dialog", lambda dialog: dialog.accept())
    member.button("Verwijderen", "milestone removed", within=obsolete, exact=False)
    member.flash(f"Mijlpaal ‘{OBSOLETE_MILESTONE}’ verwijderd.")
    expect(page.locator("ul.milestones")).not_to_contain_text(OBSOLETE_MILESTONE)

    member.link(TABLE, "table again", within=page.locator(".breadcrumb"))
    page.get_by_label("Onderwerp").fill(SUPPORT_SUBJECT)
    page.get_by_label("Waar heeft de tafel hulp bij nodig?").fill(
        "We zoeken een zaal voor dertig ouders in Sneek, op een doordeweekse avond.")
    # An impatient double click sends the form twice (the browser may abandon the first request
    # for the second); one question arrives, and the page says so.
    page.get_by_role("button", name="Vraag versturen").dblclick()
    expect(page.get_by_role("status")).to_be_visible(timeout=15_000)
    page.wait_for_load_state("load")
    member.arrived("support request sent with a double click")
    questions = page.locator("article").filter(has=page.get_by_role("heading", name=SUPPORT_SUBJECT))
    expect(questions).to_have_count(1)
    expect(questions).to_contain_text("open")
    member.link("Aanpassen", "question edit form", within=questions, exact=False)
    member.heading("Vraag aanpassen")
    page.get_by_label("Waar heeft de tafel hulp bij nodig?").fill(
        "We zoeken een zaal voor veertig ouders in Sneek, op een doordeweekse avond.")
    member.button("Opslaan", "question corrected")
    member.flash("Vraag aangepast.")
    expect(questions).to_contain_text("veertig ouders")
    expect(questions).to_contain_text("bewerkt")

    member.link(WORK_PACKAGE, "work package again")
    member.link("Eindproduct toevoegen", "new end product form")
    member.heading("Nieuw eindproduct")
    page.get_by_label("Titel").fill(END_PRODUCT)
    page.get_by_label("Samenvatting").fill("Hoe verloskundige en wijkteam samen het eerste huisbezoek voorbereiden.")
    page.get_by_label("Inhoud").fill("## Voorbereiding\n\n- Bel de ouders vooraf\n- Neem de vragenlijst mee")
    page.get_by_label("Soort").select_option(label="Handreiking")
    page.get_by_label("Actielijn").select_option(label="Tijdens de zwangerschap")
    page.get_by_label("Doelgroep").select_option(label=["Verloskundigen", "Sociaal domein"])
    page.get_by_label("Voor heel Friesland").check()
    page.get_by_role("group", name="Wie mag het lezen?").get_by_label("Openbaar").check()
    page.get_by_label("Bijlagen").set_input_files([{
        "name": PDF_NAME, "mimeType": "application/pdf",
        "buffer": make_pdf(f"Draaiboek voor {PDF_WORD} in de wijk")}])
    member.button("Concept opslaan", "end product saved as draft")
    member.flash("Eindproduct aangemaakt als concept.")
    member.heading(END_PRODUCT)
    expect(page.get_by_role("link", name=PDF_NAME)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"{PDF_NAME} (1 kB) tekst wordt gelezen")  # outside the request
    member.button("Indienen ter review", "end product submitted")
    member.flash("Ingediend ter review bij de verbindingspersoon.")
    expect(page.get_by_role("main")).to_contain_text("In review")


# --- C: the liaison reviews, the member corrects, staff publish -------------------------------------------

def journey_c_review_and_publish(liaison: Journey, member: Journey, staff: Journey, net: Network) -> None:
    page = liaison.page
    liaison.log_in(net.liaison)
    liaison.heading("Mijn overzicht")
    expect(liaison.region("Eindproducten die op mijn review wachten")).to_contain_text(END_PRODUCT)
    liaison.link(SUPPORT_SUBJECT, "support request on the table", within=liaison.region("Open ondersteuningsvragen"))
    question = page.locator("article").filter(has=page.get_by_role("heading", name=SUPPORT_SUBJECT))
    question.get_by_label("Antwoord").fill("De bibliotheek in Sneek heeft op dinsdagavond een zaal; ik bel ze.")
    liaison.button("Antwoord versturen", "support request answered", within=question)
    liaison.flash("Antwoord verstuurd.")
    question = page.locator("article").filter(has=page.get_by_role("heading", name=SUPPORT_SUBJECT))
    expect(question).to_contain_text("beantwoord")
    expect(question).to_contain_text("De bibliotheek in Sneek")

    liaison.menu("Meldingen", "notices")
    liaison.link(f"Eindproduct ter review: {END_PRODUCT}", "end product to review")
    liaison.heading(END_PRODUCT)
    expect(page.get_by_role("link", name=PDF_NAME)).to_be_visible()
    page.get_by_label("Opmerking").fill(REVIEW_COMMENT)
    liaison.button("Terugsturen met opmerkingen", "end product sent back")
    liaison.flash("Teruggestuurd naar de tafel.")

    page = member.page
    member.menu("Meldingen", "notices")
    member.link(f"Teruggestuurd met opmerkingen: {END_PRODUCT}", "end product sent back")
    expect(page.get_by_role("main")).to_contain_text(REVIEW_COMMENT)
    member.link("Bewerken", "edit form")
    member.heading("Eindproduct bewerken")
    expect(member.region(f"Teruggestuurd door {net.liaison.name}", exact=False)).to_contain_text(REVIEW_COMMENT)
    expect(page.get_by_role("main")).to_contain_text(f"Al toegevoegd: {PDF_NAME}")
    expect(page.get_by_role("main")).not_to_contain_text("tekst wordt gelezen")  # the scheduler has read it
    page.get_by_label("Samenvatting").fill(NEW_SUMMARY)
    member.button("Concept opslaan", "edit saved without a new file")
    member.flash("Concept opgeslagen.")
    expect(page.get_by_role("main")).to_contain_text(NEW_SUMMARY)
    member.button("Indienen ter review", "end product resubmitted")
    member.flash("Ingediend ter review bij de verbindingspersoon.")

    page = liaison.page
    liaison.menu("Meldingen", "notices again")
    liaison.link(f"Eindproduct ter review: {END_PRODUCT}", "end product to review again", within=page.locator(
        "ul.notices > li").first)
    liaison.button("Goedkeuren voor publicatie", "end product approved")
    liaison.flash("Goedgekeurd voor publicatie.")

    page = staff.page
    staff.menu("Mijn overzicht", "overview")
    staff.link(END_PRODUCT, "approved end product", within=staff.region("Klaar om te publiceren"))
    expect(page.get_by_role("main")).to_contain_text("Goedgekeurd")
    staff.button("Publiceren", "end product published")
    staff.flash("Gepubliceerd in de bibliotheek.")
    staff.link("bekijk in de bibliotheek", "end product in the library")
    staff.heading(END_PRODUCT)

    member.menu("Meldingen", "notices after publication")
    member.link(f"Gepubliceerd in de bibliotheek: {END_PRODUCT}", "own end product in the library")
    member.heading(END_PRODUCT)


# --- D: an anonymous reader ----------------------------------------------------------------------------

def journey_d_reader_finds_and_downloads(reader: Journey) -> None:
    page = reader.page
    reader.visit("/", "home")
    reader.menu("Bibliotheek", "library")
    count = page.locator("#resultaten-kop")
    hits = page.locator(".hit h3")

    page.get_by_label("Zoek in de bibliotheek").fill("draaiboeken")  # the title says 'Draaiboek'
    reader.button("Zoeken", "search for a title word in another form")
    expect(count).to_have_text("1 eindproduct voor ‘draaiboeken’")
    expect(hits).to_have_text([END_PRODUCT])
    if reader.trail.viewport.is_phone:
        # The filters are folded behind "Filters" on a phone: the first result is on the first screen.
        first = page.locator(".hit").first.bounding_box()
        assert first["y"] < reader.trail.viewport.height, f"first result {first['y']:.0f} px down"
        expect(page.locator(".facets input[type=checkbox]").first).to_be_hidden()
        page.locator(".filter-panel > summary").click()
        expect(page.locator(".facets input[type=checkbox]").first).to_be_visible()

    page.get_by_label("Zoek in de bibliotheek").fill("zwangerschapsbegeleidingen")  # only in the PDF, singular
    reader.button("Zoeken", "search for a word from the PDF")
    expect(hits.filter(has_text=END_PRODUCT)).to_have_count(1)
    reader.link(END_PRODUCT, "end product", within=page.locator(".hits"))
    reader.heading(END_PRODUCT)
    expect(page.locator(".lead")).to_have_text(NEW_SUMMARY)

    with page.expect_download() as download:
        page.get_by_role("link", name=PDF_NAME).click()
    assert download.value.suggested_filename == PDF_NAME
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert PDF_WORD in PdfReader(io.BytesIO(data)).pages[0].extract_text()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=lambda v: v.name)
def test_a_round_from_planning_to_a_download_in_the_library(viewport: Viewport, app: Flask, open_browser):
    """Staff plan and invite (A); a member works and submits (B); the liaison sends back, the member
    resubmits, the liaison approves, staff publish (C); a reader finds and downloads it (D)."""
    net = network()
    with Trail(viewport, app) as trail:
        staff, member, liaison, newcomer, reader = (
            Journey(trail, open_browser(viewport), who)
            for who in ("staff", "member", "liaison", "newcomer", "reader"))
        trail.section("A staff plan a round and invite")
        journey_a_staff_plans_a_round(staff, net, app, newcomer)
        trail.section("B member works at the table")
        journey_b_member_works_at_the_table(member, net)
        read = run_queue()  # the scheduler's job: the PDF's text (and the scene's), for the search in D
        assert read["done"] >= 1 and read["failed"] == 0
        trail.section("C review, correct, approve, publish")
        journey_c_review_and_publish(liaison, member, staff, net)
        trail.section("D reader finds and downloads")
        journey_d_reader_finds_and_downloads(reader)
