"""Realistic data for the browser tests: one running round of the network, as people see it.

Everything is built through the domain services (the same paths the app takes), then handed to
the test as plain values (ids, slugs, logins) with the test's transaction ended, so the live
server can write (see browsing.visitor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from leernetwerk.database import utcnow
from leernetwerk.extensions import db
from leernetwerk.library import services as library
from leernetwerk.rounds import services as rounds
from leernetwerk.rounds.models import Light, MemberRole, TableMembership, WorkPackageStatus
from tests import factories
from tests.library.helpers import Team, make_pdf

from .browsing import Person

WORK_PACKAGE_DESCRIPTION = """\
## Aanpak

1. Signaleren bij de **eerste controle** met de *vragenlijst*.
2. Bespreken in het [MDO](https://example.org/mdo).

> Wie twijfelt, belt de wijkverpleegkundige.

| Stap | Wie |
| --- | --- |
| Signaleren | Verloskundige |
| Doorverwijzen | Huisarts |
"""

ZORGPAD_BODY = """\
## Stap 1: signaleren

Bij elke **zwangerschap** vraagt de verloskundige naar stress, geldzorgen en steun.

## Stap 2: doorverwijzen

- Sociaal team van de gemeente
- Wijkverpleegkundige
- `Veilig Thuis` bij zorgen over veiligheid
"""


@dataclass(frozen=True)
class Network:
    """A running round with three tables, work, end products; who is who, as plain values."""

    lead: Person  # kartrekker of the first table
    member: Person  # a plain member of the first table
    liaison: Person  # core group, liaison of the first table
    staff: Person
    round_id: int
    table_id: int
    work_package_id: int
    deliverable_id: int
    deliverable_slug: str  # published twice (two versions), with a PDF to download; version 3 in review
    review_deliverable_id: int  # waiting for the liaison's review
    search_hits: int  # how many public end products match "zwangerschappen"


def _update(wp, author, body: str, light: str, days_ago: int) -> None:
    update = rounds.post_update(author, wp, body, light)
    db.session.flush()
    update.created_at = utcnow() - timedelta(days=days_ago)


def network() -> Network:
    today = date.today()
    team = Team(theme="Kwetsbare zwangeren")
    round_ = team.table.round
    round_.name = "Ronde najaar"
    round_.goal = "Elke coalitie heeft een **werkend zorgpad** voor kwetsbare zwangeren."
    factories.round_(starts_on=today - timedelta(days=230), name="Ronde voorjaar").closed_at = utcnow()
    factories.round_(starts_on=today + timedelta(days=100), name="Ronde volgend jaar")

    table = team.table
    table.title = "Kwetsbare zwangeren in beeld"
    table.description = "We maken **één zorgpad** dat elke gemeente kan overnemen."
    member = factories.user(name="Tafellid Anna")
    organisation = factories.organisation("Verloskundigenpraktijk De Wadden")
    member.organisation_id = organisation.id
    table.memberships.append(TableMembership(user=member, role=MemberRole.MEMBER))

    wp = team.work_package
    wp.title = "Zorgpad signaleren en doorverwijzen"
    wp.goal = "Een zorgpad dat alle verloskundigen gebruiken."
    wp.description = WORK_PACKAGE_DESCRIPTION
    wp.owner_id = team.lead.id
    wp.status = WorkPackageStatus.IN_PROGRESS
    db.session.flush()
    for title, days, assignee, done in [
        ("Vragenlijst gekozen", -12, team.lead, True),
        ("Eerste versie zorgpad", -3, team.lead, False),
        ("Bespreken met huisartsen", 5, None, False),
        ("Zorgpad vastgesteld", 40, member, False),
    ]:
        milestone = rounds.add_milestone(team.staff, wp, title=title, due_on=today + timedelta(days=days),
                                         assignee=assignee)
        if done:
            rounds.set_milestone_done(team.lead, milestone, True)
    _update(wp, team.lead, "Vragenlijst gekozen: de **ALPHA-NL**.\n\n- 3 praktijken doen mee\n- start in week 2",
            Light.ON_TRACK, 9)
    _update(wp, member, "Huisartsen reageren traag; zie [de planning](https://example.org/planning).",
            Light.AT_RISK, 2)
    rounds.ask_support(member, table, subject="Contact met de huisartsenkring",
                       body="Wie kent iemand bij de huisartsenkring die mee wil denken?")
    answered = rounds.ask_support(team.lead, table, subject="Zaal voor de bijeenkomst",
                                  body="Kunnen we het gemeentehuis gebruiken?")
    rounds.answer_support(team.liaison, answered, "Ja, de raadszaal is vrij op dinsdag.")

    other = factories.table(round_, title="Geldzorgen rond de geboorte", members=[(member, MemberRole.LEAD)])
    other_wp = factories.work_package(other, title="Route naar schuldhulp")
    rounds.add_milestone(team.staff, other_wp, title="Afspraken met schuldhulp", due_on=today - timedelta(days=1),
                         assignee=None)
    _update(other_wp, member, "De gemeente heeft nog geen contactpersoon.", Light.DELAYED, 20)
    factories.table(round_, title="Na de geboorte: kraamzorg en JGZ", liaison=team.liaison)

    municipality = factories.municipality("Súdwest-Fryslân")
    pdf = make_pdf("Zorgpad kwetsbare zwangerschap voor verloskundigen")
    published = team.publish("Zorgpad kwetsbare zwangerschap", summary=(
        "Hoe verloskundigen bij een kwetsbare zwangerschap signaleren en doorverwijzen."),
        body=ZORGPAD_BODY, audiences=("verloskundigen", "huisartsen"), uploads=[(pdf, "zorgpad.pdf")])
    deliverable = published.deliverable
    second = library.new_version(team.lead, deliverable)
    second.summary = "Hoe verloskundigen en huisartsen bij een kwetsbare zwangerschap samen optrekken."
    library.submit_for_review(team.lead, second)
    library.review(team.liaison, second, approve=True, comment="Helder.")
    library.publish(team.staff, second)
    third = library.new_version(team.lead, deliverable)  # the published version 2 stays what the library shows
    third.body = ZORGPAD_BODY + "\n## Stap 3: nazorg\n\nDe kraamzorg belt na twee weken.\n"
    library.submit_for_review(team.lead, third)
    team.publish("Sociale kaart Súdwest-Fryslân", kind="sociale_kaart", audiences=("sociaal_domein",),
                 summary="Wie helpt bij geldzorgen tijdens de zwangerschap, per dorp.",
                 municipalities=[municipality])
    team.publish("Factsheet stress in de zwangerschap", kind="factsheet", audiences=("ouders", "jgz"),
                 summary="Wat stress doet met moeder en kind, op één A4.")
    team.publish("Werkwijze huisbezoek", kind="werkwijze", summary="Een huisbezoek in de zesde maand.")
    team.publish("Netwerkoverzicht zwangerschappen", visibility="netwerk", summary="Alleen voor het netwerk.")
    in_review = team.draft("Handreiking gesprek over geld", kind="handreiking",
                           summary="Zo begin je het gesprek over geldzorgen in de zwangerschap.")
    library.submit_for_review(team.lead, in_review)
    db.session.flush()

    ids = dict(round_id=round_.id, table_id=table.id, work_package_id=wp.id, deliverable_id=deliverable.id,
               deliverable_slug=deliverable.slug,
               review_deliverable_id=in_review.deliverable_id)
    people = dict(lead=Person(team.lead.email, team.lead.name), member=Person(member.email, member.name),
                  liaison=Person(team.liaison.email, team.liaison.name), staff=Person(team.staff.email, team.staff.name))
    db.session.commit()  # also ends the transaction: the live server may write now
    # 'zwangerschappen' finds the Zorgpad, the Sociale kaart and the Factsheet; the network-only
    # overview is hidden from visitors and the handreiking is not published.
    return Network(**people, **ids, search_hits=3)
