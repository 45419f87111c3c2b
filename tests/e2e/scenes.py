"""Realistic data for the browser tests: one running round of the network, as people see it.

Everything is built with the factories, through the domain services (the same paths the app
takes), then handed to the test as plain values (ids, slugs, logins) with the test's transaction
ended, so the live server can write (see browsing.visitor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from leernetwerk.database import utcnow
from leernetwerk.extensions import db
from leernetwerk.library.models import DeliverableVersion, VersionStatus
from leernetwerk.rounds.models import Light, MemberRole, WorkPackageStatus
from tests import factories
from tests.library.helpers import make_pdf

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


def _ago(days: int):
    return utcnow() - timedelta(days=days)


def network() -> Network:
    today = date.today()
    with factories.one_commit():
        staff = factories.make_user(staff=True, name="ROS")
        lead = factories.make_user(name="Kartrekker")
        member = factories.make_user(name="Tafellid Anna",
                                     organisation=factories.make_organisation("Verloskundigenpraktijk De Wadden"))
        spring = factories.make_round(staff, name="Ronde voorjaar", starts_on=today - timedelta(days=230))
        factories.finish_round(staff, spring)
        round_ = factories.make_round(staff, name="Ronde najaar",
                                      goal="Elke coalitie heeft een **werkend zorgpad** voor kwetsbare zwangeren.")
        factories.make_round(staff, name="Ronde volgend jaar", starts_on=today + timedelta(days=100))

        table = factories.make_table(staff, round_, title="Kwetsbare zwangeren in beeld", theme="Kwetsbare zwangeren",
                                     description="We maken **één zorgpad** dat elke gemeente kan overnemen.",
                                     members=[(lead, MemberRole.LEAD), (member, MemberRole.MEMBER)])
        liaison = table.liaison
        wp = factories.make_work_package(staff, table, title="Zorgpad signaleren en doorverwijzen",
                                         goal="Een zorgpad dat alle verloskundigen gebruiken.",
                                         description=WORK_PACKAGE_DESCRIPTION, owner=lead,
                                         status=WorkPackageStatus.IN_PROGRESS)
        for title, days, assignee, done in [
            ("Vragenlijst gekozen", -12, lead, True),
            ("Eerste versie zorgpad", -3, lead, False),
            ("Bespreken met huisartsen", 5, None, False),
            ("Zorgpad vastgesteld", 40, member, False),
        ]:
            factories.make_milestone(staff, wp, title=title, due_on=today + timedelta(days=days), assignee=assignee,
                                     done=done)
        factories.make_update(lead, wp, "Vragenlijst gekozen: de **ALPHA-NL**.\n\n- 3 praktijken doen mee\n"
                              "- start in week 2", Light.ON_TRACK, at=_ago(9))
        factories.make_update(member, wp, "Huisartsen reageren traag; zie [de planning](https://example.org/planning).",
                              Light.AT_RISK, at=_ago(2))
        factories.make_support_request(member, table, subject="Contact met de huisartsenkring",
                                       body="Wie kent iemand bij de huisartsenkring die mee wil denken?")
        factories.make_support_request(lead, table, subject="Zaal voor de bijeenkomst",
                                       body="Kunnen we het gemeentehuis gebruiken?",
                                       answer="Ja, de raadszaal is vrij op dinsdag.")

        other = factories.make_table(staff, round_, title="Geldzorgen rond de geboorte",
                                     members=[(member, MemberRole.LEAD)])
        other_wp = factories.make_work_package(staff, other, title="Route naar schuldhulp")
        factories.make_milestone(staff, other_wp, title="Afspraken met schuldhulp", due_on=today - timedelta(days=1))
        factories.make_update(member, other_wp, "De gemeente heeft nog geen contactpersoon.", Light.DELAYED, at=_ago(20))
        factories.make_table(staff, round_, title="Na de geboorte: kraamzorg en JGZ", liaison=liaison)

        def publish(title: str, **content) -> DeliverableVersion:
            return factories.make_deliverable(lead, wp, title=title, status=VersionStatus.PUBLISHED, publisher=staff,
                                              **content)

        municipality = factories.make_municipality("Súdwest-Fryslân")
        pdf = make_pdf("Zorgpad kwetsbare zwangerschap voor verloskundigen")
        deliverable = publish("Zorgpad kwetsbare zwangerschap", body=ZORGPAD_BODY,
                              summary="Hoe verloskundigen bij een kwetsbare zwangerschap signaleren en doorverwijzen.",
                              audiences=("verloskundigen", "huisartsen"), uploads=[(pdf, "zorgpad.pdf")]).deliverable
        factories.make_version(lead, deliverable, status=VersionStatus.PUBLISHED, publisher=staff, comment="Helder.",
                               summary="Hoe verloskundigen en huisartsen bij een kwetsbare zwangerschap samen "
                                       "optrekken.")
        # Version 3 waits for review; the published version 2 stays what the library shows.
        factories.make_version(lead, deliverable, status=VersionStatus.IN_REVIEW,
                               body=ZORGPAD_BODY + "\n## Stap 3: nazorg\n\nDe kraamzorg belt na twee weken.\n")
        publish("Sociale kaart Súdwest-Fryslân", kind="sociale_kaart", audiences=("sociaal_domein",),
                summary="Wie helpt bij geldzorgen tijdens de zwangerschap, per dorp.", municipalities=[municipality])
        publish("Factsheet stress in de zwangerschap", kind="factsheet", audiences=("ouders", "jgz"),
                summary="Wat stress doet met moeder en kind, op één A4.")
        publish("Werkwijze huisbezoek", kind="werkwijze", summary="Een huisbezoek in de zesde maand.")
        publish("Netwerkoverzicht zwangerschappen", visibility="netwerk", summary="Alleen voor het netwerk.")
        in_review = factories.make_deliverable(
            lead, wp, title="Handreiking gesprek over geld", kind="handreiking", status=VersionStatus.IN_REVIEW,
            summary="Zo begin je het gesprek over geldzorgen in de zwangerschap.")

    # Committed: the live server may write now.
    ids = dict(round_id=round_.id, table_id=table.id, work_package_id=wp.id, deliverable_id=deliverable.id,
               deliverable_slug=deliverable.slug, review_deliverable_id=in_review.deliverable_id)
    people = {role: Person(person.email, person.name)
              for role, person in dict(lead=lead, member=member, liaison=liaison, staff=staff).items()}
    db.session.commit()  # reading the ids began a transaction: end it
    # 'zwangerschappen' finds the Zorgpad, the Sociale kaart and the Factsheet; the network-only
    # overview is hidden from visitors and the handreiking is not published.
    return Network(**people, **ids, search_hits=3)
