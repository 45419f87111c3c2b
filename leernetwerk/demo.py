"""`flask seed-demo`: the demo network of demo_data.py, built with the factories relative to
today, so the demo always looks alive: a closed round, a running one, a planned next one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from . import dates
from .auth.models import User
from .coalitions.models import QuestionStatus
from .coalitions.services import move_question
from .dates import add_months
from .demo_data import (
    ACCOUNTS_SINCE,
    DELIVERABLES,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_RECOVERY_CODE,
    DEMO_TOTP_SECRET,
    DEMO_TWO_FACTOR_LOGIN,
    END_PRODUCT_DAYS,
    EVALUATED_ON,
    EVALUATIONS,
    FOLLOWS,
    MILESTONES,
    MUNICIPALITIES,
    ORGANISATION_DETAILS,
    ORGANISATIONS,
    PEOPLE,
    QUESTIONS,
    QUESTIONS_TRIAGED_BY,
    REVIEW_COMMENT,
    ROUND_CLOSED_ON,
    ROUNDS,
    STAFF,
    SUPPORT_REQUESTS,
    SYNONYMS,
    TABLES,
    TABLES_SET_UP,
    TODAY,
    UPDATES,
    USES,
    WORK_PACKAGES,
)
from .extensions import db
from .factories import (
    backdate,
    finish_round,
    make_coalition,
    make_deliverable,
    make_evaluation,
    make_follow,
    make_milestone,
    make_municipality,
    make_organisation,
    make_question,
    make_question_signal,
    make_round,
    make_support_request,
    make_table,
    make_two_factor,
    make_update,
    make_use,
    make_user,
    make_version,
    make_work_package,
    moment,
    without_notices,
)
from .library.models import Deliverable, DeliverableVersion, SynonymGroup, VersionStatus

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DEMO_RECOVERY_CODE", "DEMO_TOTP_SECRET", "DEMO_TWO_FACTOR_LOGIN",
           "database_is_empty", "seed_demo"]

Day = tuple[str, int]


def database_is_empty() -> bool:
    return db.session.execute(select(func.count(User.id))).scalar_one() == 0


def round_dates(today: date) -> dict[str, date]:
    """The anchors of demo_data's dates: the running round started 45 days ago, the closed one
    ended 15 days before that, the planned one starts two weeks after the running one ends;
    each lasts between three and four calendar months (rule R1)."""
    running_start = today - timedelta(days=45)
    running_end = add_months(running_start, 3) + timedelta(days=15)
    closed_end = running_start - timedelta(days=15)
    planned_start = running_end + timedelta(days=14)
    return {
        TODAY: today,
        "closed_start": add_months(closed_end, -3) - timedelta(days=10), "closed_end": closed_end,
        "running_start": running_start, "running_end": running_end,
        "planned_start": planned_start, "planned_end": add_months(planned_start, 3) + timedelta(days=15),
    }


def seed_demo(today: date | None = None) -> dict[str, int]:
    """Fill an empty database with the demo network. Returns what was made, for the CLI.

    The demo stands for months of work: what the services would have announced back then
    (a support request, a review) is not left as unread notices and unsent mail."""
    with without_notices():
        _Demo(today or dates.today()).build()
    return {
        "gemeenten": len(MUNICIPALITIES), "coalities": len(MUNICIPALITIES), "organisaties": len(ORGANISATIONS),
        "accounts": len(PEOPLE), "rondes": len(ROUNDS), "thematafels": len(TABLES),
        "werkpakketten": len(WORK_PACKAGES), "mijlpalen": len(MILESTONES), "voortgangsupdates": len(UPDATES),
        "ondersteuningsvragen": len(SUPPORT_REQUESTS), "eindproducten": len(DELIVERABLES),
        "vraagstukken": len(QUESTIONS),
    }


def demo_pdf(text: str) -> bytes:
    """A one-page PDF with one line of text (Helvetica, Latin-1), for the demo's attachment."""
    content = f"BT /F1 11 Tf 56 780 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class _Demo:
    """Each row of demo_data, made with its factory; what the rows refer to by name, by name."""

    def __init__(self, today: date) -> None:
        self.days = round_dates(today)
        self.municipalities, self.coalitions, self.organisations = {}, {}, {}
        self.people, self.rounds, self.tables, self.work_packages = {}, {}, {}, {}
        self.deliverables: dict[str, object] = {}

    def day(self, when: Day) -> date:
        anchor, days = when
        return self.days[anchor] + timedelta(days=days)

    def at(self, when: Day, hour: int = 10) -> datetime:
        return moment(self.day(when), hour)

    def build(self) -> None:
        self.places()
        self.accounts()
        self.working_cycle()
        self.library()
        self.questions()
        self.synonyms()

    def places(self) -> None:
        for name in MUNICIPALITIES:
            self.municipalities[name] = municipality = make_municipality(name)
            self.coalitions[name] = make_coalition(municipality)
        for name, kind, area, covered in ORGANISATIONS:
            self.organisations[name] = make_organisation(
                name, kind=kind, working_area=area, municipalities=[self.municipalities[m] for m in covered or ()],
                **ORGANISATION_DETAILS.get(name, {}))

    def accounts(self) -> None:
        for email, name, organisation, staff, core, coalition in PEOPLE:
            person = make_user(email=email, name=name, password=DEMO_PASSWORD, staff=staff, core=core,
                               organisation=self.organisations[organisation],
                               coalitions=[self.coalitions[coalition]] if coalition else [])
            person.demo_account = True  # demo only: not forced into two-factor set-up (demo_data.py)
            if email == DEMO_TWO_FACTOR_LOGIN:
                make_two_factor(person, secret=DEMO_TOTP_SECRET, recovery_codes=[DEMO_RECOVERY_CODE])
            self.people[email.split("@")[0]] = backdate(person, created_at=self.at(ACCOUNTS_SINCE))

    def working_cycle(self) -> None:
        staff = self.people[STAFF]
        for key, goal in ROUNDS.items():
            start = self.days[f"{key}_start"]
            self.rounds[key] = make_round(staff, name=f"Ronde {start.year}-{start.month:02d}", starts_on=start,
                                          ends_on=self.days[f"{key}_end"], goal=goal)
        for row in TABLES:
            round_ = self.rounds[row["round"]]
            carried = row.get("carried_over_from")
            table = make_table(
                staff, round_, title=row["title"], theme=row["theme"], action_line=row["action_line"],
                description=row["description"], liaison=self.people[row["liaison"]],
                members=[(self.people[who], role) for who, role in row["members"]],
                carried_over_from=self.tables[carried] if carried else None)
            self.tables[row["key"]] = backdate(
                table, created_at=moment(round_.starts_on + timedelta(days=TABLES_SET_UP)))
        for row in WORK_PACKAGES:
            table = self.tables[row["table"]]
            wp = make_work_package(staff, table, title=row["title"], goal=row["goal"], owner=self.people[row["owner"]],
                                   due_on=self.day(row["due"]), status=row["status"])
            self.work_packages[row["key"]] = backdate(wp, created_at=moment(table.round.starts_on))
        for wp, title, due, assignee, done in MILESTONES:
            who = self.people[assignee] if assignee else None
            milestone = make_milestone(staff, self.work_packages[wp], title=title, due_on=self.day(due), assignee=who,
                                       done=done)
            if done:
                backdate(milestone, done_at=moment(milestone.due_on - timedelta(days=1)))
        for wp, author, on, light, text in UPDATES:
            make_update(self.people[author], self.work_packages[wp], text, light, at=self.at(on, 15))
        for row in SUPPORT_REQUESTS:
            answered = row.get("answered")
            make_support_request(
                self.people[row["author"]], self.tables[row["table"]], subject=row["subject"], body=row["body"],
                asked_at=self.at(row["asked"], 9), answer=row.get("answer"),
                answered_by=self.people.get(row.get("answered_by")), answered_at=self.at(answered, 9) if answered else None)
        for table, (delivered, what_worked, decision) in EVALUATIONS.items():
            evaluation = make_evaluation(staff, self.tables[table], delivered=delivered, what_worked=what_worked,
                                         decision=decision)
            backdate(evaluation, created_at=self.at(EVALUATED_ON))

    def library(self) -> None:
        """End products are made while their round is open; the closed round closes afterwards."""
        staff = self.people[STAFF]
        for row in DELIVERABLES:
            self.end_product(row, staff)
        finish_round(staff, self.rounds["closed"], closed_at=self.at(ROUND_CLOSED_ON))
        for title, municipality, who, note in USES:
            make_use(self.people[who], self.deliverables[title], self.coalitions[municipality], note)
        for who, facet, value in FOLLOWS:
            make_follow(self.people[who], facet, value)

    def synonyms(self) -> None:
        for words in SYNONYMS:
            db.session.add(SynonymGroup(words="\n".join(words)))

    def end_product(self, row: dict, staff: User) -> None:
        author, wp = self.people[row.get("author", "tafel")], self.work_packages[row["wp"]]
        published = self.day(row["published"]) if row.get("published") else None
        first = self.day(row["first_published"]) if row.get("first_published") else None
        status = row.get("status", VersionStatus.PUBLISHED)
        content = dict(summary=row["summary"], kind=row["kind"], action_line=row["action_line"],
                       audiences=row["audiences"], visibility=row.get("visibility", "openbaar"),
                       municipalities=[self.municipalities[m] for m in row.get("municipalities", [])],
                       uploads=[(demo_pdf(row["attachment"][1]), row["attachment"][0])] if "attachment" in row else [])
        if first:  # version 1, published earlier, held the body's first paragraph
            version = make_deliverable(author, wp, title=row["title"], body=row["body"].split("\n\n")[0],
                                       status=status, publisher=staff, comment=REVIEW_COMMENT, **content)
            self.date_version(version, first, status)
            version = make_version(author, version.deliverable, body=row["body"], status=status, publisher=staff,
                                   comment=REVIEW_COMMENT)
        else:
            version = make_deliverable(author, wp, title=row["title"], body=row["body"], status=status,
                                       publisher=staff, comment=REVIEW_COMMENT, **content)
        self.date_version(version, published, status)
        self.deliverables[row["title"]] = version.deliverable
        started = (first or published or self.days[TODAY]) + timedelta(days=END_PRODUCT_DAYS["started"])
        backdate(version.deliverable, created_at=moment(started))

    def date_version(self, version: DeliverableVersion, published: date | None, status: str) -> None:
        """Dates along END_PRODUCT_DAYS, counted back from the publication (or from today)."""
        day = published or self.days[TODAY]
        moments = dict(created_at=moment(day + timedelta(days=END_PRODUCT_DAYS["written"])))
        if status != VersionStatus.DRAFT:
            moments["submitted_at"] = moment(day + timedelta(days=END_PRODUCT_DAYS["submitted"]))
        if published:
            moments["published_at"] = moment(published)
            for review in version.reviews:
                backdate(review, created_at=moment(day + timedelta(days=END_PRODUCT_DAYS["approved"])))
        backdate(version, **moments)

    def questions(self) -> None:
        """Signals come first, so the notices of the triage reach every coalition that shares it."""
        for row in QUESTIONS:
            question = make_question(self.people[row["author"]], self.coalitions[row["coalition"]], title=row["title"],
                                     body=row.get("body", ""), action_line=row["action_line"],
                                     organisation_kinds=row.get("kinds", []))
            backdate(question, created_at=self.at(row["asked"]))
            for coalition, who, note in row["signals"]:
                make_question_signal(question, self.coalitions[coalition], self.people[who], note)
            status, by = row.get("status", QuestionStatus.NEW), self.people[QUESTIONS_TRIAGED_BY]
            if status in (QuestionStatus.IN_PROGRESS, QuestionStatus.ANSWERED):
                move_question(by, question, QuestionStatus.IN_PROGRESS)
            if status == QuestionStatus.PLACED:
                move_question(by, question, status, table=self.tables[row["table"]])
            elif status == QuestionStatus.ANSWERED:
                answers = db.session.execute(select(Deliverable).join(DeliverableVersion, Deliverable.published_version)
                                             .where(DeliverableVersion.title.in_(row["answers"]))).scalars().all()
                move_question(by, question, status, answers=answers)
