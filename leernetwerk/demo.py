"""Realistic Frisian demo data, built relative to today so the demo always looks alive."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from . import dates
from .auth.models import User
from .auth.passwords import hash_password
from .coalitions.models import (
    Coalition,
    CoalitionMember,
    Municipality,
    Organisation,
    OrganisationKind,
    Question,
    QuestionSignal,
    QuestionStatus,
    WorkingArea,
)
from .dates import add_months
from .extensions import db
from .library.models import (
    Audience,
    Deliverable,
    DeliverableKind,
    DeliverableVersion,
    Review,
    ReviewDecision,
    VersionStatus,
    Visibility,
    version_audiences,
)
from .rounds.models import (
    ActionLine,
    Decision,
    Light,
    MemberRole,
    Milestone,
    ProgressUpdate,
    Round,
    SupportRequest,
    Table,
    TableEvaluation,
    TableMembership,
    WorkPackage,
    WorkPackageStatus,
)
from .text import slugify

DEMO_PASSWORD = "demo-wachtwoord"
DEMO_LOGINS = [
    ("staf@leernetwerk.test", "ROS-medewerker (beheer)"),
    ("kern@leernetwerk.test", "kerngroep, verbindingspersoon van lopende tafels"),
    ("tafel@leernetwerk.test", "lid van een lopende thematafel"),
    ("coalitie@leernetwerk.test", "lid van de coalitie Leeuwarden"),
]

MUNICIPALITIES = [
    "Achtkarspelen", "Ameland", "Dantumadiel", "De Fryske Marren", "Harlingen", "Heerenveen",
    "Leeuwarden", "Noardeast-Fryslân", "Ooststellingwerf", "Opsterland", "Schiermonnikoog",
    "Smallingerland", "Súdwest-Fryslân", "Terschelling", "Tytsjerksteradiel", "Vlieland",
    "Waadhoeke", "Weststellingwerf",
]

# (name, kind, working area, municipalities covered; None = all of Friesland)
ORGANISATIONS = [
    ("ROS Friesland", OrganisationKind.SUPPORT_ORGANISATION, WorkingArea.PROVINCE, None),
    ("Verloskundigenpraktijk Leeuwarden-Oost", OrganisationKind.MIDWIFERY, WorkingArea.MUNICIPALITY, ["Leeuwarden"]),
    ("Verloskundigenpraktijk De Friese Wouden", OrganisationKind.MIDWIFERY, WorkingArea.REGION,
     ["Achtkarspelen", "Tytsjerksteradiel", "Dantumadiel"]),
    ("Verloskundigenpraktijk Sneek en omstreken", OrganisationKind.MIDWIFERY, WorkingArea.REGION,
     ["Súdwest-Fryslân", "De Fryske Marren"]),
    ("Kraamzorg Friesland", OrganisationKind.MATERNITY_CARE, WorkingArea.PROVINCE, None),
    ("JGZ Fryslân", OrganisationKind.YOUTH_HEALTH_CARE, WorkingArea.PROVINCE, None),
    ("VSV Leeuwarden", OrganisationKind.OBSTETRIC_PARTNERSHIP, WorkingArea.REGION,
     ["Leeuwarden", "Waadhoeke", "Noardeast-Fryslân", "Harlingen"]),
    ("VSV Heerenveen-Drachten", OrganisationKind.OBSTETRIC_PARTNERSHIP, WorkingArea.REGION,
     ["Heerenveen", "Smallingerland", "Opsterland", "Ooststellingwerf", "Weststellingwerf"]),
    ("VSV Zuidwest-Friesland", OrganisationKind.OBSTETRIC_PARTNERSHIP, WorkingArea.REGION,
     ["Súdwest-Fryslân", "De Fryske Marren"]),
    ("Veilig Thuis Friesland", OrganisationKind.SPECIALIST_SUPPORT, WorkingArea.PROVINCE, None),
    ("Fier", OrganisationKind.SPECIALIST_SUPPORT, WorkingArea.PROVINCE, None),
    ("MEE Friesland", OrganisationKind.SPECIALIST_SUPPORT, WorkingArea.PROVINCE, None),
    ("Sociaal wijkteam Leeuwarden", OrganisationKind.SOCIAL_TEAM, WorkingArea.MUNICIPALITY, ["Leeuwarden"]),
    ("Gebiedsteam Smallingerland", OrganisationKind.SOCIAL_TEAM, WorkingArea.MUNICIPALITY, ["Smallingerland"]),
    ("Sociaal team Heerenveen", OrganisationKind.SOCIAL_TEAM, WorkingArea.MUNICIPALITY, ["Heerenveen"]),
    ("Gemeente Leeuwarden", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Leeuwarden"]),
    ("Gemeente Súdwest-Fryslân", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Súdwest-Fryslân"]),
    ("Huisartsencoöperatie Friesland", OrganisationKind.GENERAL_PRACTICE, WorkingArea.PROVINCE, None),
    ("Ziekenhuis Leeuwarden, afdeling verloskunde", OrganisationKind.HOSPITAL, WorkingArea.REGION,
     ["Leeuwarden", "Waadhoeke", "Noardeast-Fryslân", "Tytsjerksteradiel"]),
    ("Welzijn Noordoost Friesland", OrganisationKind.WELFARE, WorkingArea.REGION,
     ["Noardeast-Fryslân", "Dantumadiel", "Achtkarspelen"]),
    ("Ervaringsdeskundigen Kansrijke Start Friesland", OrganisationKind.EXPERTS_BY_EXPERIENCE, WorkingArea.PROVINCE, None),
]

# Demo people are named by their role, not as invented persons.
# (email, name, organisation, staff, core group, coalition)
PEOPLE = [
    ("staf@leernetwerk.test", "Coördinator ROS", "ROS Friesland", True, False, None),
    ("staf2@leernetwerk.test", "Adviseur ROS", "ROS Friesland", True, False, None),
    ("kern@leernetwerk.test", "Kerngroep – verloskunde", "VSV Leeuwarden", False, True, None),
    ("kern2@leernetwerk.test", "Kerngroep – JGZ", "JGZ Fryslân", False, True, None),
    ("kern3@leernetwerk.test", "Kerngroep – gemeenten", "Gemeente Leeuwarden", False, True, None),
    ("kern4@leernetwerk.test", "Kerngroep – kraamzorg", "Kraamzorg Friesland", False, True, None),
    ("kern5@leernetwerk.test", "Kerngroep – ervaringsdeskundigen", "Ervaringsdeskundigen Kansrijke Start Friesland", False, True, None),
    ("tafel@leernetwerk.test", "Verloskundige Leeuwarden-Oost", "Verloskundigenpraktijk Leeuwarden-Oost", False, False, None),
    ("tafel2@leernetwerk.test", "Schuldhulpverlener wijkteam", "Sociaal wijkteam Leeuwarden", False, False, None),
    ("tafel3@leernetwerk.test", "Jeugdverpleegkundige JGZ", "JGZ Fryslân", False, False, None),
    ("tafel4@leernetwerk.test", "Kraamverzorgende", "Kraamzorg Friesland", False, False, None),
    ("tafel5@leernetwerk.test", "Consulent MEE", "MEE Friesland", False, False, None),
    ("tafel6@leernetwerk.test", "Aandachtsfunctionaris Veilig Thuis", "Veilig Thuis Friesland", False, False, None),
    ("tafel7@leernetwerk.test", "Hulpverlener Fier", "Fier", False, False, None),
    ("tafel8@leernetwerk.test", "Huisarts", "Huisartsencoöperatie Friesland", False, False, None),
    ("coalitie@leernetwerk.test", "Coalitie Leeuwarden – beleidsadviseur", "Gemeente Leeuwarden", False, False, "Leeuwarden"),
    ("coalitie2@leernetwerk.test", "Coalitie Súdwest-Fryslân – coördinator", "Gemeente Súdwest-Fryslân", False, False, "Súdwest-Fryslân"),
    ("coalitie3@leernetwerk.test", "Coalitie Smallingerland – gebiedsteam", "Gebiedsteam Smallingerland", False, False, "Smallingerland"),
    ("coalitie4@leernetwerk.test", "Coalitie Heerenveen – sociaal team", "Sociaal team Heerenveen", False, False, "Heerenveen"),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def database_is_empty() -> bool:
    return db.session.execute(select(func.count(User.id))).scalar_one() == 0


class _Seeder:
    def __init__(self, today: date) -> None:
        self.today = today
        self.password_hash = hash_password(DEMO_PASSWORD)
        self.municipalities: dict[str, Municipality] = {}
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.coalitions: dict[str, Coalition] = {}
        self.counts: dict[str, int] = {}

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def places(self) -> None:
        for name in MUNICIPALITIES:
            m = Municipality(name=name, slug=slugify(name))
            self.municipalities[name] = m
            db.session.add(m)
            c = Coalition(municipality=m, name=f"Kansrijke Start {name}")
            self.coalitions[name] = c
            db.session.add(c)
        self.count("gemeenten", len(MUNICIPALITIES))
        self.count("coalities", len(MUNICIPALITIES))
        for name, kind, area, covered in ORGANISATIONS:
            org = Organisation(name=name, kind=kind, working_area=area)
            org.municipalities = [self.municipalities[m] for m in (covered or MUNICIPALITIES)]
            self.organisations[name] = org
            db.session.add(org)
        self.count("organisaties", len(ORGANISATIONS))
        db.session.flush()

    def people(self) -> None:
        for email, name, org, staff, core, _coalition in PEOPLE:
            user = User(
                email=email,
                name=name,
                password_hash=self.password_hash,
                organisation=self.organisations[org],
                is_staff=staff,
                is_core_group=core,
                created_at=_at(self.today - timedelta(days=300)),
            )
            db.session.add(user)
            self.users[email.split("@")[0]] = user
        db.session.flush()
        for email, _name, _org, _staff, _core, coalition in PEOPLE:
            if coalition:
                db.session.add(
                    CoalitionMember(coalition_id=self.coalitions[coalition].id, user_id=self.users[email.split("@")[0]].id)
                )
        self.count("accounts", len(PEOPLE))

    def table(self, round_: Round, title: str, theme: str, line: ActionLine, liaison: str,
              members: list[tuple[str, MemberRole]], description: str) -> Table:
        table = Table(round=round_, title=title, theme=theme, action_line=line, liaison=self.users[liaison],
                      description=description, created_at=_at(round_.starts_on - timedelta(days=10)))
        db.session.add(table)
        for key, role in members:
            table.memberships.append(TableMembership(user=self.users[key], role=role))
        self.count("thematafels")
        return table

    def work_package(self, table: Table, title: str, goal: str, owner: str, due: date,
                     status: WorkPackageStatus) -> WorkPackage:
        wp = WorkPackage(table=table, title=title, goal=goal, owner=self.users[owner], due_on=due, status=status,
                         description="", created_at=_at(table.round.starts_on))
        db.session.add(wp)
        self.count("werkpakketten")
        return wp

    def milestone(self, wp: WorkPackage, title: str, due: date, assignee: str | None, done: bool) -> None:
        db.session.add(Milestone(
            work_package=wp, title=title, due_on=due,
            assignee=self.users[assignee] if assignee else None,
            done_at=_at(due - timedelta(days=1)) if done else None,
            done_by_id=self.users[assignee].id if done and assignee else None,
        ))
        self.count("mijlpalen")

    def update(self, wp: WorkPackage, author: str, days_ago: int, light: Light, body: str) -> None:
        db.session.add(ProgressUpdate(work_package=wp, author=self.users[author], light=light, body=body,
                                      created_at=_at(self.today - timedelta(days=days_ago), 15)))
        self.count("voortgangsupdates")

    def deliverable(self, wp: WorkPackage, title: str, kind: DeliverableKind, line: ActionLine,
                    audiences: list[Audience], summary: str, body: str, *, visibility: Visibility = Visibility.PUBLIC,
                    municipalities: list[str] | None = None, published_on: date | None = None,
                    status: VersionStatus = VersionStatus.PUBLISHED, author: str = "tafel",
                    earlier_version_on: date | None = None) -> Deliverable:
        deliverable = Deliverable(slug=slugify(title), work_package=wp, created_by_id=self.users[author].id,
                                  created_at=_at((earlier_version_on or published_on or self.today) - timedelta(days=20)))
        db.session.add(deliverable)
        db.session.flush()
        numbers = []
        if earlier_version_on:
            numbers.append((1, VersionStatus.SUPERSEDED, earlier_version_on, summary, body))
        numbers.append((len(numbers) + 1, status, published_on, summary, body))
        for number, version_status, on, text_summary, text_body in numbers:
            version = DeliverableVersion(
                deliverable_id=deliverable.id, number=number, title=title, summary=text_summary,
                body=text_body if number == len(numbers) else text_body.split("\n\n")[0],
                kind=kind, action_line=line, visibility=visibility, all_of_friesland=municipalities is None,
                status=version_status, created_by_id=self.users[author].id,
                created_at=_at((on or self.today) - timedelta(days=14)),
                submitted_at=_at((on or self.today) - timedelta(days=7)) if version_status != VersionStatus.DRAFT else None,
                published_at=_at(on) if on and version_status in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED) else None,
                published_by_id=self.users["staf"].id if on else None,
            )
            if municipalities:
                version.municipalities = [self.municipalities[m] for m in municipalities]
            db.session.add(version)
            db.session.flush()
            db.session.execute(version_audiences.insert(), [{"version_id": version.id, "audience": a} for a in audiences])
            if version_status in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.APPROVED):
                db.session.add(Review(version_id=version.id, reviewer_id=wp.table.liaison_id,
                                      decision=ReviewDecision.APPROVED, comment="Helder en bruikbaar.",
                                      created_at=_at((on or self.today) - timedelta(days=3))))
            if version_status == VersionStatus.PUBLISHED:
                deliverable.published_version_id = version.id
        self.count("eindproducten")
        return deliverable


def seed_demo(today: date | None = None) -> dict[str, int]:
    """Fill an empty database with the demo network. Returns what was made, for the CLI."""
    today = today or dates.today()
    s = _Seeder(today)
    s.places()
    s.people()

    running_start = today - timedelta(days=45)
    running_end = add_months(running_start, 3) + timedelta(days=15)
    closed_end = running_start - timedelta(days=15)
    closed_start = add_months(closed_end, -3) - timedelta(days=10)
    planned_start = running_end + timedelta(days=14)
    planned_end = add_months(planned_start, 3) + timedelta(days=15)

    closed = Round(name=f"Ronde {closed_start.year}-{closed_start.month:02d}", starts_on=closed_start,
                   ends_on=closed_end, goal="Kwetsbare zwangeren eerder in beeld en een sociale kaart voor heel Friesland.",
                   closed_at=_at(closed_end + timedelta(days=3)), closed_by_id=s.users["staf"].id)
    running = Round(name=f"Ronde {running_start.year}-{running_start.month:02d}", starts_on=running_start,
                    ends_on=running_end, goal="Bestaanszekerheid, taal en de rol van regionale partijen: "
                    "elke coalitie weet wie wat doet, en wanneer.")
    planned = Round(name=f"Ronde {planned_start.year}-{planned_start.month:02d}", starts_on=planned_start,
                    ends_on=planned_end, goal="Preconceptiezorg en de overgang van kraamzorg naar JGZ.")
    db.session.add_all([closed, running, planned])
    s.count("rondes", 3)

    # The closed round: two tables, evaluated, with what they delivered.
    t_pathway = s.table(closed, "Zorgpad kwetsbare zwangeren", "Kwetsbare zwangeren", ActionLine.DURING_PREGNANCY,
                        "kern", [("tafel", MemberRole.LEAD), ("tafel3", MemberRole.MEMBER), ("tafel6", MemberRole.MEMBER)],
                        "Eén zorgpad voor heel Friesland: signaleren, bespreken, doorverwijzen en volgen.")
    t_map = s.table(closed, "Sociale kaart Kansrijke Start", "Sociale kaart", ActionLine.AFTER_BIRTH,
                    "kern2", [("tafel2", MemberRole.LEAD), ("tafel4", MemberRole.MEMBER)],
                    "Wie biedt wat in de eerste 1000 dagen, per gemeente.")
    wp_pathway = s.work_package(t_pathway, "Zorgpad kwetsbare zwangeren opstellen", "Een vastgesteld zorgpad.",
                                "tafel", closed_end - timedelta(days=10), WorkPackageStatus.DONE)
    wp_map = s.work_package(t_map, "Sociale kaart vullen en publiceren", "Een actuele sociale kaart per gemeente.",
                            "tafel2", closed_end - timedelta(days=7), WorkPackageStatus.DONE)
    for wp, owner in ((wp_pathway, "tafel"), (wp_map, "tafel2")):
        s.milestone(wp, "Eerste concept besproken", closed_start + timedelta(days=40), owner, True)
        s.milestone(wp, "Definitieve versie ter review", closed_end - timedelta(days=14), owner, True)
        s.update(wp, owner, (today - closed_end).days + 20, Light.ON_TRACK, "Concept besproken met de kerngroep; "
                 "de reacties zijn verwerkt.")
    for table in (t_pathway, t_map):
        db.session.add(TableEvaluation(table=table, delivered="Eindproduct gepubliceerd in de bibliotheek.",
                                       what_worked="Korte lijnen met de verbindingspersoon; schriftelijke updates in "
                                       "plaats van overleggen.", decision=Decision.STOP if table is t_map else Decision.CONTINUE,
                                       author_id=s.users["staf"].id, created_at=_at(closed_end + timedelta(days=2))))

    # The running round: four tables side by side.
    t_money = s.table(running, "Zwangeren met geldzorgen", "Bestaanszekerheid", ActionLine.DURING_PREGNANCY, "kern",
                      [("tafel", MemberRole.LEAD), ("tafel2", MemberRole.MEMBER), ("tafel8", MemberRole.MEMBER)],
                      "Hoe komt een verloskundige erachter dat een zwangere **schulden** heeft, en wie belt zij "
                      "dan bij de gemeente?")
    t_language = s.table(running, "Ouders die geen Nederlands spreken", "Taal en tolken", ActionLine.AFTER_BIRTH, "kern2",
                         [("tafel3", MemberRole.LEAD), ("tafel4", MemberRole.MEMBER)],
                         "Wie helpt als een ouder geen Nederlands spreekt? Tolken, vertaalde materialen en afspraken.")
    t_regional = s.table(running, "Regionale partijen: wie doet wat, wanneer", "Samenwerking regionaal",
                         ActionLine.DURING_PREGNANCY, "kern",
                         [("tafel5", MemberRole.LEAD), ("tafel6", MemberRole.MEMBER), ("tafel7", MemberRole.MEMBER)],
                         "Hoe werken Fier, MEE en Veilig Thuis, en wanneer kan een regionale partij instappen?")
    t_pre = s.table(running, "Kansrijk vóór de zwangerschap", "Preconceptiezorg", ActionLine.BEFORE_PREGNANCY, "kern3",
                    [("tafel8", MemberRole.LEAD), ("tafel3", MemberRole.MEMBER)],
                    "Kinderwens bespreekbaar maken bij de huisarts en in het sociaal domein.")
    t_pre.carried_over_from = t_pathway

    wp_money = s.work_package(t_money, "Route van verloskundige naar schuldhulp", "Elke verloskundige weet binnen één "
                              "telefoontje wie in haar gemeente helpt bij geldzorgen.", "tafel", running_end - timedelta(days=7),
                              WorkPackageStatus.IN_PROGRESS)
    wp_language = s.work_package(t_language, "Tolkvoorzieningen in kaart", "Een factsheet over tolken en vertaalde "
                                 "materialen voor de eerste 1000 dagen.", "tafel3", running_end - timedelta(days=10),
                                 WorkPackageStatus.IN_PROGRESS)
    wp_regional = s.work_package(t_regional, "Wie doet wat: regionale partijen", "Een overzicht van instapmomenten "
                                 "van Fier, MEE en Veilig Thuis.", "tafel5", running_end - timedelta(days=5),
                                 WorkPackageStatus.IN_PROGRESS)
    wp_pre = s.work_package(t_pre, "Gesprekshulp kinderwens", "Een gesprekshulp voor huisartsen en wijkteams.",
                            "tafel8", running_end - timedelta(days=3), WorkPackageStatus.NOT_STARTED)

    s.milestone(wp_money, "Interviews met vijf verloskundigenpraktijken", today - timedelta(days=20), "tafel", True)
    s.milestone(wp_money, "Contactpersonen schuldhulp per gemeente verzameld", today - timedelta(days=4), "tafel2", False)
    s.milestone(wp_money, "Concept handreiking naar de kerngroep", today + timedelta(days=5), "tafel", False)
    s.milestone(wp_money, "Handreiking ter review", running_end - timedelta(days=14), "tafel", False)
    s.milestone(wp_language, "Inventarisatie tolkgebruik JGZ", today - timedelta(days=9), "tafel3", False)
    s.milestone(wp_language, "Factsheet concept", today + timedelta(days=1), "tafel4", False)
    s.milestone(wp_language, "Factsheet ter review", running_end - timedelta(days=20), None, False)
    s.milestone(wp_regional, "Instapmomenten per partij beschreven", today + timedelta(days=6), "tafel5", False)
    s.milestone(wp_regional, "Casusbespreking met drie coalities", today + timedelta(days=25), "tafel7", False)
    s.milestone(wp_pre, "Startbijeenkomst", today - timedelta(days=2), "tafel8", False)
    s.milestone(wp_pre, "Eerste versie gesprekshulp", today + timedelta(days=30), "tafel8", False)

    s.update(wp_money, "tafel", 12, Light.ON_TRACK, "Vijf praktijken gesproken. Rode draad: verloskundigen *zien* de "
             "signalen, maar weten niet wie ze moeten bellen.")
    s.update(wp_money, "tafel2", 3, Light.AT_RISK, "Nog niet alle gemeenten hebben een contactpersoon schuldhulp "
             "doorgegeven; we lopen een week achter.")
    s.update(wp_language, "tafel3", 6, Light.DELAYED, "De tolkentelefoon blijkt per organisatie anders geregeld. "
             "Meer uitzoekwerk dan gedacht.")
    s.update(wp_regional, "tafel5", 20, Light.ON_TRACK, "Gesprekken met Fier en MEE gepland.")
    # wp_pre has no update at all: it shows up as "no update in 14 days".

    db.session.add(SupportRequest(table=t_language, author=s.users["tafel3"], subject="Budget voor tolken bij de "
                                  "factsheet-toets", body="Kan de kerngroep helpen aan budget om de factsheet met twee "
                                  "ouders met een tolk te toetsen?", created_at=_at(today - timedelta(days=1), 9)))
    db.session.add(SupportRequest(table=t_money, author=s.users["tafel"], subject="Contact met wethouders",
                                  body="Wie kan ons introduceren bij de wethouders armoedebeleid?",
                                  created_at=_at(today - timedelta(days=15), 9), answer="Dat doet de coördinator van "
                                  "ROS via het bestuurlijk overleg.", answered_by_id=s.users["staf"].id,
                                  answered_at=_at(today - timedelta(days=13), 9)))
    s.count("ondersteuningsvragen", 2)

    # The library: published end products (most public, one for the network only).
    everyone = [Audience.MIDWIVES, Audience.MATERNITY_CARE, Audience.YOUTH_HEALTH_CARE, Audience.GENERAL_PRACTITIONERS]
    s.deliverable(wp_pathway, "Zorgpad kwetsbare zwangeren", DeliverableKind.CARE_PATHWAY, ActionLine.DURING_PREGNANCY,
                  everyone + [Audience.SOCIAL_DOMAIN],
                  "Eén zorgpad voor heel Friesland: van signaleren tijdens de zwangerschap tot een warme overdracht "
                  "naar JGZ na de geboorte.",
                  "## Waarom dit zorgpad\n\nKwetsbare zwangeren worden te laat of niet gezien. Dit zorgpad beschrijft "
                  "wie signaleert, wie bespreekt en wie doorverwijst.\n\n## Stappen\n\n1. Signaleren bij de intake "
                  "(verloskundige of huisarts)\n2. Bespreken in het VSV-overleg\n3. Doorverwijzen naar het sociaal "
                  "wijkteam\n4. Warme overdracht naar JGZ en kraamzorg\n\n## Afspraken\n\nDe verloskundige is "
                  "casushouder tot de overdracht.",
                  published_on=closed_end - timedelta(days=5), earlier_version_on=closed_end - timedelta(days=30))
    s.deliverable(wp_map, "Sociale kaart Kansrijke Start Friesland", DeliverableKind.SOCIAL_MAP, ActionLine.AFTER_BIRTH,
                  everyone + [Audience.MUNICIPALITIES],
                  "Per gemeente: wie helpt bij geldzorgen, huisvesting, opvoeding en psychische klachten rond de "
                  "zwangerschap.", "## Zo gebruik je de kaart\n\nZoek je gemeente en het onderwerp. Elke regel noemt "
                  "een organisatie, wat die doet en hoe je haar bereikt.", published_on=closed_end - timedelta(days=2))
    s.deliverable(wp_pathway, "Handreiking geldzorgen bespreekbaar maken in de spreekkamer", DeliverableKind.GUIDE,
                  ActionLine.DURING_PREGNANCY, [Audience.MIDWIVES, Audience.GENERAL_PRACTITIONERS],
                  "Vijf vragen waarmee je geldzorgen bespreekbaar maakt, en wat je daarna doet.",
                  "## Vijf vragen\n\n- Lukt het om rond te komen?\n- Zijn er rekeningen die blijven liggen?\n\n"
                  "## Daarna\n\nVerwijs naar de schuldhulp van de gemeente.", municipalities=["Leeuwarden", "Heerenveen"],
                  published_on=closed_end - timedelta(days=8))
    s.deliverable(wp_map, "Factsheet tolkvoorzieningen voor zorgprofessionals", DeliverableKind.FACTSHEET,
                  ActionLine.AFTER_BIRTH, [Audience.YOUTH_HEALTH_CARE, Audience.MATERNITY_CARE, Audience.MIDWIVES],
                  "Welke tolkvoorzieningen er zijn, wie ze betaalt en hoe je ze aanvraagt.",
                  "## Tolkentelefoon\n\nBeschikbaar voor JGZ en verloskundigen.\n\n## Vertaalde materialen\n\n"
                  "Folders in tien talen.", published_on=closed_end - timedelta(days=1))
    s.deliverable(wp_pathway, "Werkwijze warme overdracht verloskundige en JGZ", DeliverableKind.WORKING_METHOD,
                  ActionLine.AFTER_BIRTH, [Audience.MIDWIVES, Audience.YOUTH_HEALTH_CARE, Audience.MATERNITY_CARE],
                  "Hoe de verloskundige, de kraamzorg en de jeugdverpleegkundige een gezin samen overdragen.",
                  "## Wanneer\n\nBij elke zwangere met een verhoogd risico.\n\n## Hoe\n\nEen gezamenlijk huisbezoek "
                  "in de kraamweek.", published_on=closed_end + timedelta(days=5))
    s.deliverable(wp_pathway, "Scholing signalen van huiselijk geweld rond de zwangerschap", DeliverableKind.TRAINING,
                  ActionLine.DURING_PREGNANCY, [Audience.MIDWIVES, Audience.MATERNITY_CARE, Audience.SOCIAL_DOMAIN],
                  "Een scholing van twee dagdelen, ontwikkeld met Veilig Thuis Friesland en Fier.",
                  "## Inhoud\n\nSignalen herkennen, de meldcode toepassen en het gesprek voeren.",
                  published_on=closed_end + timedelta(days=10))
    s.deliverable(wp_map, "Contactlijst coalitiecoördinatoren", DeliverableKind.OTHER, ActionLine.AFTER_BIRTH,
                  [Audience.MUNICIPALITIES], "Wie coördineert de coalitie in elke gemeente.",
                  "Alleen voor leden van het netwerk.", visibility=Visibility.NETWORK,
                  published_on=closed_end + timedelta(days=12))
    # Work in progress in the running round: one draft, one in review.
    s.deliverable(wp_money, "Route geldzorgen: wie bel je in jouw gemeente", DeliverableKind.GUIDE,
                  ActionLine.DURING_PREGNANCY, [Audience.MIDWIVES], "Concept.", "Nog in bewerking.",
                  status=VersionStatus.DRAFT, published_on=None)
    s.deliverable(wp_regional, "Instapmomenten regionale partijen", DeliverableKind.FACTSHEET, ActionLine.DURING_PREGNANCY,
                  [Audience.SOCIAL_DOMAIN, Audience.MUNICIPALITIES], "Wanneer Fier, MEE en Veilig Thuis instappen.",
                  "## Fier\n\nBij geweld in afhankelijkheidsrelaties.", status=VersionStatus.IN_REVIEW, published_on=None,
                  author="tafel5")

    # Questions from coalitions, with "ook bij ons".
    q1 = Question(coalition=s.coalitions["Leeuwarden"], author=s.users["coalitie"], title="Hoe bereiken we zwangeren "
                  "die niet naar de verloskundige gaan?", body="We zien late aanmeldingen, vooral bij nieuwkomers.",
                  created_at=_at(today - timedelta(days=30)))
    q2 = Question(coalition=s.coalitions["Súdwest-Fryslân"], author=s.users["coalitie2"], title="Wie betaalt de tolk "
                  "bij een huisbezoek?", status=QuestionStatus.BUNDLED, table=t_language,
                  created_at=_at(today - timedelta(days=70)))
    db.session.add_all([q1, q2])
    db.session.flush()
    db.session.add(QuestionSignal(question_id=q1.id, coalition_id=s.coalitions["Smallingerland"].id,
                                  user_id=s.users["coalitie3"].id, note="Hier ook, vooral in Drachten."))
    db.session.add(QuestionSignal(question_id=q2.id, coalition_id=s.coalitions["Leeuwarden"].id,
                                  user_id=s.users["coalitie"].id))
    s.count("vraagstukken", 2)
    db.session.flush()
    from .library.services import rebuild_index

    rebuild_index()
    return s.counts
