"""What the demo network holds: the people, organisations, rounds, tables, work and end products
a newcomer sees after `make run`. Plain data; demo.py builds each row with the factories.

People are named by their role, not as invented persons, and referred to by the part of their
e-mail address before the @. Dates are relative to the day the demo is loaded: a pair
(anchor, days), where the anchor is today or the start or end of one of the three rounds
(demo.py computes those from today), and the days are added to it.
"""

from __future__ import annotations

from .coalitions.models import OrganisationKind, QuestionStatus, WorkingArea
from .library.models import Audience, DeliverableKind, VersionStatus, Visibility
from .rounds.models import ActionLine, Decision, Light, MemberRole, WorkPackageStatus

DEMO_PASSWORD = "demo-wachtwoord"  # nosec B105 # the demo's published login (README), for demo data only
# Two-factor login in the demo (demo data only; never use these anywhere else). The demo's own
# accounts are marked as demo accounts and are not forced to set it up (so the four logins
# below work with the password alone, for a newcomer and for the crawler); this one has it on,
# to try the code step: add the key to an authenticator app, or use the recovery code (once).
DEMO_TWO_FACTOR_LOGIN = "staf2@leernetwerk.test"
DEMO_TOTP_SECRET = "LEERNETWERKDEMOKANSRIJKESTARTDEM"  # nosec B105 # the demo's published key (README), demo data only
DEMO_RECOVERY_CODE = "abcd-efgh-jkmn-pqrs"

DEMO_LOGINS = [
    ("staf@leernetwerk.test", "ROS-medewerker (beheer)"),
    ("kern@leernetwerk.test", "kerngroep, verbindingspersoon van lopende tafels"),
    ("tafel@leernetwerk.test", "lid van een lopende thematafel"),
    ("coalitie@leernetwerk.test", "lid van de coalitie Leeuwarden"),
]

# Anchors of the relative dates.
TODAY = "today"
CLOSED_START, CLOSED_END = "closed_start", "closed_end"
RUNNING_START, RUNNING_END = "running_start", "running_end"
PLANNED_START, PLANNED_END = "planned_start", "planned_end"

MUNICIPALITIES = [
    "Achtkarspelen", "Ameland", "Dantumadiel", "De Fryske Marren", "Harlingen", "Heerenveen",
    "Leeuwarden", "Noardeast-Fryslân", "Ooststellingwerf", "Opsterland", "Schiermonnikoog",
    "Smallingerland", "Súdwest-Fryslân", "Terschelling", "Tytsjerksteradiel", "Vlieland",
    "Waadhoeke", "Weststellingwerf",
]  # each with its local coalition, "Kansrijke Start <name>"

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
    ("Veilig Thuis Friesland", OrganisationKind.SAFE_AT_HOME, WorkingArea.PROVINCE, None),
    ("Fier", OrganisationKind.FIER, WorkingArea.PROVINCE, None),
    ("MEE Friesland", OrganisationKind.MEE, WorkingArea.PROVINCE, None),
    ("Sociaal wijkteam Leeuwarden", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Leeuwarden"]),
    ("Gebiedsteam Smallingerland", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Smallingerland"]),
    ("Sociaal team Heerenveen", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Heerenveen"]),
    ("Gemeente Leeuwarden", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Leeuwarden"]),
    ("Gemeente Súdwest-Fryslân", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Súdwest-Fryslân"]),
    ("Huisartsencoöperatie Friesland", OrganisationKind.GENERAL_PRACTICE, WorkingArea.PROVINCE, None),
    ("Ziekenhuis Leeuwarden, afdeling verloskunde", OrganisationKind.HOSPITAL, WorkingArea.REGION,
     ["Leeuwarden", "Waadhoeke", "Noardeast-Fryslân", "Tytsjerksteradiel"]),
    ("Welzijn Noordoost Friesland", OrganisationKind.WELFARE, WorkingArea.REGION,
     ["Noardeast-Fryslân", "Dantumadiel", "Achtkarspelen"]),
    ("Ervaringsdeskundigen Kansrijke Start Friesland", OrganisationKind.EXPERTS_BY_EXPERIENCE, WorkingArea.PROVINCE, None),
    ("Verloskundigen Waddeneilanden", OrganisationKind.MIDWIFERY, WorkingArea.REGION,
     ["Vlieland", "Terschelling", "Ameland", "Schiermonnikoog"]),
    ("Ziekenhuis Heerenveen, afdeling verloskunde", OrganisationKind.HOSPITAL, WorkingArea.REGION,
     ["Heerenveen", "De Fryske Marren", "Opsterland", "Weststellingwerf", "Ooststellingwerf"]),
    ("Sociaal team Súdwest-Fryslân", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Súdwest-Fryslân"]),
    ("Gebiedsteam Harlingen", OrganisationKind.MUNICIPALITY, WorkingArea.MUNICIPALITY, ["Harlingen"]),
    ("Welzijn Zuidoost Friesland", OrganisationKind.WELFARE, WorkingArea.REGION,
     ["Opsterland", "Ooststellingwerf", "Weststellingwerf"]),
    ("Kinderopvang en peuterspeelzalen Leeuwarden", OrganisationKind.CHILDCARE, WorkingArea.MUNICIPALITY,
     ["Leeuwarden"]),
    ("Vrijwillige thuishulp voor jonge gezinnen Friesland", OrganisationKind.INFORMAL_CARE, WorkingArea.PROVINCE, None),
]

# What the directory says of some of them: what they do, when to engage them, how to refer
# (`ORGANISATIONS` rows without an entry here have only a name, a kind and an area).
ORGANISATION_DETAILS = {
    "Veilig Thuis Friesland": dict(
        description="Advies- en meldpunt huiselijk geweld en kindermishandeling.",
        when_to_engage="Bij zorgen over de veiligheid van een zwangere of een (ongeboren) kind; ook voor advies "
                       "zonder melding, volgens de meldcode.",
        phone="0800-2000", website="https://www.veiligthuis.nl",
        referral="Bel voor advies of een melding; buiten kantoortijd bereikbaar voor spoed.",
        action_lines=[ActionLine.DURING_PREGNANCY, ActionLine.AFTER_BIRTH]),
    "Fier": dict(
        description="Expertisecentrum voor geweld in afhankelijkheidsrelaties, met opvang en behandeling.",
        when_to_engage="Als er sprake is van geweld in een afhankelijkheidsrelatie en specialistische hulp of opvang "
                       "nodig is.",
        website="https://www.fier.nl", referral="Aanmelden via de huisarts, Veilig Thuis of het sociaal team.",
        action_lines=[ActionLine.DURING_PREGNANCY]),
    "MEE Friesland": dict(
        description="Onafhankelijke cliëntondersteuning voor mensen met een beperking.",
        when_to_engage="Bij (vermoeden van) een licht verstandelijke beperking bij een aanstaande ouder.",
        referral="Aanmelden kan door de ouder zelf of door een professional, met toestemming.",
        action_lines=[ActionLine.BEFORE_PREGNANCY, ActionLine.DURING_PREGNANCY]),
    "JGZ Fryslân": dict(
        description="Jeugdgezondheidszorg van min negen maanden tot achttien jaar: prenataal huisbezoek, "
                    "consultatiebureau.",
        when_to_engage="Voor een prenataal huisbezoek bij een zwangere met zorgen, en bij de overdracht na de "
                       "kraamweek.",
        referral="Warme overdracht door de verloskundige of de kraamzorg, met toestemming van de ouders.",
        action_lines=[ActionLine.DURING_PREGNANCY, ActionLine.AFTER_BIRTH]),
    "Kraamzorg Friesland": dict(
        description="Kraamzorg thuis in de eerste acht tot tien dagen na de bevalling.",
        when_to_engage="Vroeg in de zwangerschap inschrijven; bij zorgen extra uren of een intake aan huis.",
        referral="De zwangere schrijft zich in; de verloskundige kan een indicatie voor extra zorg geven.",
        action_lines=[ActionLine.DURING_PREGNANCY, ActionLine.AFTER_BIRTH]),
    "Sociaal wijkteam Leeuwarden": dict(
        description="Hulp bij geldzorgen, wonen, opvoeden en relaties, in de wijk.",
        when_to_engage="Bij geldzorgen, huisvestingsproblemen of stress in het gezin rond de zwangerschap.",
        referral="Bellen of binnenlopen; een professional kan met toestemming aanmelden.",
        action_lines=[ActionLine.BEFORE_PREGNANCY, ActionLine.DURING_PREGNANCY, ActionLine.AFTER_BIRTH]),
    "VSV Leeuwarden": dict(
        description="Samenwerking van verloskundigen, gynaecologen en kraamzorg in de regio Leeuwarden.",
        when_to_engage="Voor afspraken over zorgpaden en het bespreken van kwetsbare zwangeren in het "
                       "multidisciplinair overleg.",
        referral="Via de eigen verloskundige of de coördinator van het VSV.",
        action_lines=[ActionLine.DURING_PREGNANCY]),
    "Vrijwillige thuishulp voor jonge gezinnen Friesland": dict(
        description="Getrainde vrijwilligers die een jong gezin een jaar lang wekelijks thuis steunen.",
        when_to_engage="Bij ouders met een klein netwerk die vooral een steuntje in de rug nodig hebben.",
        referral="Ouders melden zich zelf aan, of via JGZ of het sociaal team.",
        action_lines=[ActionLine.AFTER_BIRTH]),
}

# "Gebruikt in": coalitions that use an end product (title, coalition's municipality, person, note).
USES = [
    ("Zorgpad kwetsbare zwangeren", "Leeuwarden", "coalitie", "Besproken in het wijkoverleg; de wijkteams werken ermee."),
    ("Zorgpad kwetsbare zwangeren", "Súdwest-Fryslân", "coalitie2", ""),
    ("Sociale kaart Kansrijke Start Friesland", "Smallingerland", "coalitie3",
     "Aangevuld met de gebiedsteams in Drachten."),
    ("Handreiking geldzorgen bespreekbaar maken in de spreekkamer", "Heerenveen", "coalitie4", ""),
]

# What people follow in the library: (person, facet, value); "soort" is a kind of end product.
FOLLOWS = [
    ("coalitie", "soort", "handreiking"),
    ("coalitie", "thema", "Bestaanszekerheid"),
    ("tafel", "thema", "Taal en tolken"),
]

# (email, name, organisation, staff, core group, coalition), all with DEMO_PASSWORD.
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
ACCOUNTS_SINCE = (TODAY, -300)
STAFF = "staf"  # who closes rounds, evaluates tables and publishes

# A closed round, the running one and a planned next one, in this order; named after their first month.
# key → goal
ROUNDS = {
    "closed": "Kwetsbare zwangeren eerder in beeld en een sociale kaart voor heel Friesland.",
    "running": "Bestaanszekerheid, taal en de rol van regionale partijen: elke coalitie weet wie wat doet, en wanneer.",
    "planned": "Preconceptiezorg en de overgang van kraamzorg naar JGZ.",
}
ROUND_CLOSED_ON = (CLOSED_END, 3)
TABLES_SET_UP = -10  # days before their round starts; their work packages start with the round

TABLES = [
    # The closed round: two tables, evaluated, with what they delivered.
    dict(key="pathway", round="closed", title="Zorgpad kwetsbare zwangeren", theme="Kwetsbare zwangeren",
         action_line=ActionLine.DURING_PREGNANCY, liaison="kern",
         members=[("tafel", MemberRole.LEAD), ("tafel3", MemberRole.MEMBER), ("tafel6", MemberRole.MEMBER)],
         description="Eén zorgpad voor heel Friesland: signaleren, bespreken, doorverwijzen en volgen."),
    dict(key="map", round="closed", title="Sociale kaart Kansrijke Start", theme="Sociale kaart",
         action_line=ActionLine.AFTER_BIRTH, liaison="kern2",
         members=[("tafel2", MemberRole.LEAD), ("tafel4", MemberRole.MEMBER)],
         description="Wie biedt wat in de eerste 1000 dagen, per gemeente."),
    # The running round: four tables side by side.
    dict(key="money", round="running", title="Zwangeren met geldzorgen", theme="Bestaanszekerheid",
         action_line=ActionLine.DURING_PREGNANCY, liaison="kern",
         members=[("tafel", MemberRole.LEAD), ("tafel2", MemberRole.MEMBER), ("tafel8", MemberRole.MEMBER)],
         description="Hoe komt een verloskundige erachter dat een zwangere **schulden** heeft, en wie belt zij "
                     "dan bij de gemeente?"),
    dict(key="language", round="running", title="Ouders die geen Nederlands spreken", theme="Taal en tolken",
         action_line=ActionLine.AFTER_BIRTH, liaison="kern2",
         members=[("tafel3", MemberRole.LEAD), ("tafel4", MemberRole.MEMBER)],
         description="Wie helpt als een ouder geen Nederlands spreekt? Tolken, vertaalde materialen en afspraken."),
    dict(key="regional", round="running", title="Regionale partijen: wie doet wat, wanneer",
         theme="Samenwerking regionaal", action_line=ActionLine.DURING_PREGNANCY, liaison="kern",
         members=[("tafel5", MemberRole.LEAD), ("tafel6", MemberRole.MEMBER), ("tafel7", MemberRole.MEMBER)],
         description="Hoe werken Fier, MEE en Veilig Thuis, en wanneer kan een regionale partij instappen?"),
    dict(key="pre", round="running", title="Kansrijk vóór de zwangerschap", theme="Preconceptiezorg",
         action_line=ActionLine.BEFORE_PREGNANCY, liaison="kern3",
         members=[("tafel8", MemberRole.LEAD), ("tafel3", MemberRole.MEMBER)],
         description="Kinderwens bespreekbaar maken bij de huisarts en in het sociaal domein.",
         carried_over_from="pathway"),
]

# table → (what was delivered, what worked, decision), written by staff two days after the round's end.
EVALUATIONS = {
    "pathway": ("Eindproduct gepubliceerd in de bibliotheek.",
                "Korte lijnen met de verbindingspersoon; schriftelijke updates in plaats van overleggen.",
                Decision.CONTINUE),
    "map": ("Eindproduct gepubliceerd in de bibliotheek.",
            "Korte lijnen met de verbindingspersoon; schriftelijke updates in plaats van overleggen.",
            Decision.STOP),
}
EVALUATED_ON = (CLOSED_END, 2)

WORK_PACKAGES = [
    dict(key="pathway", table="pathway", title="Zorgpad kwetsbare zwangeren opstellen", goal="Een vastgesteld zorgpad.",
         owner="tafel", due=(CLOSED_END, -10), status=WorkPackageStatus.DONE),
    dict(key="map", table="map", title="Sociale kaart vullen en publiceren",
         goal="Een actuele sociale kaart per gemeente.", owner="tafel2", due=(CLOSED_END, -7),
         status=WorkPackageStatus.DONE),
    dict(key="money", table="money", title="Route van verloskundige naar schuldhulp",
         goal="Elke verloskundige weet binnen één telefoontje wie in haar gemeente helpt bij geldzorgen.",
         owner="tafel", due=(RUNNING_END, -7), status=WorkPackageStatus.IN_PROGRESS),
    dict(key="language", table="language", title="Tolkvoorzieningen in kaart",
         goal="Een factsheet over tolken en vertaalde materialen voor de eerste 1000 dagen.", owner="tafel3",
         due=(RUNNING_END, -10), status=WorkPackageStatus.IN_PROGRESS),
    dict(key="regional", table="regional", title="Wie doet wat: regionale partijen",
         goal="Een overzicht van instapmomenten van Fier, MEE en Veilig Thuis.", owner="tafel5",
         due=(RUNNING_END, -5), status=WorkPackageStatus.IN_PROGRESS),
    dict(key="pre", table="pre", title="Gesprekshulp kinderwens", goal="Een gesprekshulp voor huisartsen en wijkteams.",
         owner="tafel8", due=(RUNNING_END, -3), status=WorkPackageStatus.NOT_STARTED),
]

# (work package, title, due, assignee, done: ticked off by the assignee the day before it was due)
MILESTONES = [
    ("pathway", "Eerste concept besproken", (CLOSED_START, 40), "tafel", True),
    ("pathway", "Definitieve versie ter review", (CLOSED_END, -14), "tafel", True),
    ("map", "Eerste concept besproken", (CLOSED_START, 40), "tafel2", True),
    ("map", "Definitieve versie ter review", (CLOSED_END, -14), "tafel2", True),
    ("money", "Interviews met vijf verloskundigenpraktijken", (TODAY, -20), "tafel", True),
    ("money", "Contactpersonen schuldhulp per gemeente verzameld", (TODAY, -4), "tafel2", False),
    ("money", "Concept handreiking naar de kerngroep", (TODAY, 5), "tafel", False),
    ("money", "Handreiking ter review", (RUNNING_END, -14), "tafel", False),
    ("language", "Inventarisatie tolkgebruik JGZ", (TODAY, -9), "tafel3", False),
    ("language", "Factsheet concept", (TODAY, 1), "tafel4", False),
    ("language", "Factsheet ter review", (RUNNING_END, -20), None, False),
    ("regional", "Instapmomenten per partij beschreven", (TODAY, 6), "tafel5", False),
    ("regional", "Casusbespreking met drie coalities", (TODAY, 25), "tafel7", False),
    ("pre", "Startbijeenkomst", (TODAY, -2), "tafel8", False),
    ("pre", "Eerste versie gesprekshulp", (TODAY, 30), "tafel8", False),
]

# (work package, author, posted on, light, text), posted at 15:00. "pre" has none at all: it
# shows up as "no update in 14 days".
UPDATES = [
    ("pathway", "tafel", (CLOSED_END, -20), Light.ON_TRACK,
     "Concept besproken met de kerngroep; de reacties zijn verwerkt."),
    ("map", "tafel2", (CLOSED_END, -20), Light.ON_TRACK,
     "Concept besproken met de kerngroep; de reacties zijn verwerkt."),
    ("money", "tafel", (TODAY, -12), Light.ON_TRACK,
     "Vijf praktijken gesproken. Rode draad: verloskundigen *zien* de signalen, maar weten niet wie ze moeten bellen."),
    ("money", "tafel2", (TODAY, -3), Light.AT_RISK,
     "Nog niet alle gemeenten hebben een contactpersoon schuldhulp doorgegeven; we lopen een week achter."),
    ("language", "tafel3", (TODAY, -6), Light.DELAYED,
     "De tolkentelefoon blijkt per organisatie anders geregeld. Meer uitzoekwerk dan gedacht."),
    ("regional", "tafel5", (TODAY, -20), Light.ON_TRACK, "Gesprekken met Fier en MEE gepland."),
]

# Asked and answered at 09:00.
SUPPORT_REQUESTS = [
    dict(table="language", author="tafel3", subject="Budget voor tolken bij de factsheet-toets",
         body="Kan de kerngroep helpen aan budget om de factsheet met twee ouders met een tolk te toetsen?",
         asked=(TODAY, -1)),
    dict(table="money", author="tafel", subject="Contact met wethouders",
         body="Wie kan ons introduceren bij de wethouders armoedebeleid?", asked=(TODAY, -15),
         answer="Dat doet de coördinator van ROS via het bestuurlijk overleg.", answered_by="staf",
         answered=(TODAY, -13)),
]

EVERYONE = [Audience.MIDWIVES, Audience.MATERNITY_CARE, Audience.YOUTH_HEALTH_CARE, Audience.GENERAL_PRACTITIONERS]

# End products, written by `author` (default: "tafel"); reviewed by their table's liaison and
# published by staff on `published` (None: still a draft or in review). With `first_published`,
# an earlier version 1 (the body's first paragraph) was published then.
DELIVERABLES = [
    # The library: published end products (most public, one for the network only).
    dict(wp="pathway", title="Zorgpad kwetsbare zwangeren", kind=DeliverableKind.CARE_PATHWAY,
         action_line=ActionLine.DURING_PREGNANCY, audiences=[*EVERYONE, Audience.SOCIAL_DOMAIN],
         summary="Eén zorgpad voor heel Friesland: van signaleren tijdens de zwangerschap tot een warme overdracht "
                 "naar JGZ na de geboorte.",
         body="## Waarom dit zorgpad\n\nKwetsbare zwangeren worden te laat of niet gezien. Dit zorgpad beschrijft "
              "wie signaleert, wie bespreekt en wie doorverwijst.\n\n## Stappen\n\n1. Signaleren bij de intake "
              "(verloskundige of huisarts)\n2. Bespreken in het VSV-overleg\n3. Doorverwijzen naar het sociaal "
              "wijkteam\n4. Warme overdracht naar JGZ en kraamzorg\n\n## Afspraken\n\nDe verloskundige is "
              "casushouder tot de overdracht.",
         # A PDF attachment: its words (such as "stroomschema") are found only through its text.
         attachment=("stroomschema-zorgpad.pdf", "Stroomschema zorgpad kwetsbare zwangeren. De verloskundige "
                     "signaleert bij de intake en bespreekt binnen vijf werkdagen in het VSV-overleg. Het sociaal "
                     "wijkteam neemt binnen tien werkdagen contact op."),
         published=(CLOSED_END, -5), first_published=(CLOSED_END, -30)),
    dict(wp="map", title="Sociale kaart Kansrijke Start Friesland", kind=DeliverableKind.SOCIAL_MAP,
         action_line=ActionLine.AFTER_BIRTH, audiences=[*EVERYONE, Audience.MUNICIPALITIES],
         summary="Per gemeente: wie helpt bij geldzorgen, huisvesting, opvoeding en psychische klachten rond de "
                 "zwangerschap.",
         body="## Zo gebruik je de kaart\n\nZoek je gemeente en het onderwerp. Elke regel noemt een organisatie, wat "
              "die doet en hoe je haar bereikt.",
         published=(CLOSED_END, -2)),
    dict(wp="pathway", title="Handreiking geldzorgen bespreekbaar maken in de spreekkamer", kind=DeliverableKind.GUIDE,
         action_line=ActionLine.DURING_PREGNANCY, audiences=[Audience.MIDWIVES, Audience.GENERAL_PRACTITIONERS],
         summary="Vijf vragen waarmee je geldzorgen bespreekbaar maakt, en wat je daarna doet.",
         body="## Vijf vragen\n\n- Lukt het om rond te komen?\n- Zijn er rekeningen die blijven liggen?\n\n"
              "## Daarna\n\nVerwijs naar de schuldhulp van de gemeente.",
         municipalities=["Leeuwarden", "Heerenveen"], published=(CLOSED_END, -8)),
    dict(wp="map", title="Factsheet tolkvoorzieningen voor zorgprofessionals", kind=DeliverableKind.FACTSHEET,
         action_line=ActionLine.AFTER_BIRTH,
         audiences=[Audience.YOUTH_HEALTH_CARE, Audience.MATERNITY_CARE, Audience.MIDWIVES],
         summary="Welke tolkvoorzieningen er zijn, wie ze betaalt en hoe je ze aanvraagt.",
         body="## Tolkentelefoon\n\nBeschikbaar voor JGZ en verloskundigen.\n\n## Vertaalde materialen\n\n"
              "Folders in tien talen.",
         published=(CLOSED_END, -1)),
    dict(wp="pathway", title="Werkwijze warme overdracht verloskundige en JGZ", kind=DeliverableKind.WORKING_METHOD,
         action_line=ActionLine.AFTER_BIRTH,
         audiences=[Audience.MIDWIVES, Audience.YOUTH_HEALTH_CARE, Audience.MATERNITY_CARE],
         summary="Hoe de verloskundige, de kraamzorg en de jeugdverpleegkundige een gezin samen overdragen.",
         body="## Wanneer\n\nBij elke zwangere met een verhoogd risico.\n\n## Hoe\n\nEen gezamenlijk huisbezoek "
              "in de kraamweek.",
         published=(CLOSED_END, 5)),
    dict(wp="pathway", title="Scholing signalen van huiselijk geweld rond de zwangerschap",
         kind=DeliverableKind.TRAINING, action_line=ActionLine.DURING_PREGNANCY,
         audiences=[Audience.MIDWIVES, Audience.MATERNITY_CARE, Audience.SOCIAL_DOMAIN],
         summary="Een scholing van twee dagdelen, ontwikkeld met Veilig Thuis Friesland en Fier.",
         body="## Inhoud\n\nSignalen herkennen, de meldcode toepassen en het gesprek voeren.",
         published=(CLOSED_END, 10)),
    dict(wp="map", title="Contactlijst coalitiecoördinatoren", kind=DeliverableKind.OTHER,
         action_line=ActionLine.AFTER_BIRTH, audiences=[Audience.MUNICIPALITIES],
         summary="Wie coördineert de coalitie in elke gemeente.", body="Alleen voor leden van het netwerk.",
         visibility=Visibility.NETWORK, published=(CLOSED_END, 12)),
    # Work in progress in the running round: one draft, one in review.
    dict(wp="money", title="Route geldzorgen: wie bel je in jouw gemeente", kind=DeliverableKind.GUIDE,
         action_line=ActionLine.DURING_PREGNANCY, audiences=[Audience.MIDWIVES], summary="Concept.",
         body="Nog in bewerking.", status=VersionStatus.DRAFT),
    dict(wp="regional", title="Instapmomenten regionale partijen", kind=DeliverableKind.FACTSHEET,
         action_line=ActionLine.DURING_PREGNANCY, audiences=[Audience.SOCIAL_DOMAIN, Audience.MUNICIPALITIES],
         summary="Wanneer Fier, MEE en Veilig Thuis instappen.", body="## Fier\n\nBij geweld in afhankelijkheidsrelaties.",
         status=VersionStatus.IN_REVIEW, author="tafel5"),
]
REVIEW_COMMENT = "Helder en bruikbaar."
# An end product's life, in days before its publication (or before today, for work in progress):
# started, this version written, submitted for review, approved (published ones only).
END_PRODUCT_DAYS = dict(started=-20, written=-14, submitted=-7, approved=-3)

# Questions from coalitions, with "ook bij ons" from other coalitions; triaged by the core group
# ("kern"): one taken up by a table of the running round, one answered by a published end product.
QUESTIONS = [
    dict(key="debts", coalition="Leeuwarden", author="coalitie",
         title="Hoe komt een verloskundige erachter dat een zwangere schulden heeft?",
         body="Verloskundigen horen pas laat van **geldzorgen**. Welke vragen kun je stellen, en naar wie "
              "verwijs je door in jouw gemeente?",
         action_line=ActionLine.DURING_PREGNANCY, kinds=[OrganisationKind.MIDWIFERY, OrganisationKind.MUNICIPALITY],
         asked=(TODAY, -60), status=QuestionStatus.PLACED, table="money",
         signals=[("Smallingerland", "coalitie3", "Bij ons ook: de schuldhulp hoort het pas na de bevalling."),
                  ("Heerenveen", "coalitie4", ""),
                  ("Súdwest-Fryslân", "coalitie2", "Graag ook met de huisartsen erbij.")]),
    dict(key="interpreter", coalition="Súdwest-Fryslân", author="coalitie2",
         title="Wie helpt als een ouder geen Nederlands spreekt?",
         body="Wie betaalt de tolk bij een huisbezoek, en welke folders zijn er in andere talen?",
         action_line=ActionLine.AFTER_BIRTH,
         kinds=[OrganisationKind.YOUTH_HEALTH_CARE, OrganisationKind.MATERNITY_CARE],
         asked=(TODAY, -120), status=QuestionStatus.ANSWERED,
         answers=["Factsheet tolkvoorzieningen voor zorgprofessionals"],
         signals=[("Leeuwarden", "coalitie", "Vooral bij nieuwkomers in de kraamweek.")]),
    dict(key="fier", coalition="Heerenveen", author="coalitie4",
         title="Wanneer kunnen Fier of MEE instappen?",
         body="We twijfelen wanneer we Fier, MEE of Veilig Thuis erbij halen bij een zwangere in een "
              "onveilige situatie.",
         action_line=ActionLine.DURING_PREGNANCY, kinds=[OrganisationKind.FIER, OrganisationKind.MEE],
         asked=(TODAY, -25), status=QuestionStatus.IN_PROGRESS,
         signals=[("Leeuwarden", "coalitie", "Ook bij ons."), ("Smallingerland", "coalitie3", "")]),
    dict(key="late", coalition="Leeuwarden", author="coalitie",
         title="Hoe bereiken we zwangeren die niet naar de verloskundige gaan?",
         body="We zien late aanmeldingen, vooral bij nieuwkomers.", action_line=ActionLine.DURING_PREGNANCY,
         asked=(TODAY, -30), signals=[("Smallingerland", "coalitie3", "Hier ook, vooral in Drachten.")]),
]
QUESTIONS_TRIAGED_BY = "kern"


# Synonym groups for library search (staff keep them at /beheer/synoniemen): the field's common
# abbreviations beside what they stand for, and a few everyday words for the same thing.
SYNONYMS = [
    ["JGZ", "jeugdgezondheidszorg", "consultatiebureau"],
    ["VSV", "verloskundig samenwerkingsverband"],
    ["CJG", "centrum voor jeugd en gezin"],
    ["POH-GGZ", "praktijkondersteuner ggz"],
    ["GGZ", "geestelijke gezondheidszorg"],
    ["GGD", "gemeentelijke gezondheidsdienst"],
    ["LVB", "licht verstandelijke beperking"],
    ["BRP", "basisregistratie personen"],
    ["tolk", "vertaler"],
    ["schulden", "geldzorgen", "financiële problemen"],
]
