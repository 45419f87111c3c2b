"""`flask seed-demo` and `flask create-user`: what a newcomer sees after `make run`."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from itertools import combinations

import pytest
import time_machine
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from leernetwerk.auth.models import User
from leernetwerk.coalitions.directory import directory
from leernetwerk.coalitions.models import (
    Coalition,
    CoalitionMember,
    DeliverableUse,
    Municipality,
    Organisation,
    WorkingArea,
)
from leernetwerk.library.models import Deliverable, DeliverableVersion, VersionStatus, Visibility
from leernetwerk.library.queries import LibraryQuery, search_library
from leernetwerk.rounds.models import Milestone, ProgressUpdate, Round, TableMembership, WorkPackage

DEMO_PASSWORD = "demo-wachtwoord"
DEMO_LOGINS = ("staf@leernetwerk.test", "kern@leernetwerk.test", "tafel@leernetwerk.test", "coalitie@leernetwerk.test")
FRISIAN_MUNICIPALITIES = {
    "Achtkarspelen", "Ameland", "Dantumadiel", "De Fryske Marren", "Harlingen", "Heerenveen", "Leeuwarden",
    "Noardeast-Fryslân", "Ooststellingwerf", "Opsterland", "Schiermonnikoog", "Smallingerland",
    "Súdwest-Fryslân", "Terschelling", "Tytsjerksteradiel", "Vlieland", "Waadhoeke", "Weststellingwerf",
}


def seed(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result


def _count(model) -> int:
    return _scalar(select(func.count()).select_from(model))


def _scalar(query):
    from leernetwerk.extensions import db

    return db.session.execute(query).scalar_one()


def _all(query) -> list:
    from leernetwerk.extensions import db

    return list(db.session.execute(query).scalars())


def _end_of_months(start: date, months: int) -> date:
    """The last day of `months` calendar months from `start` (1 Jan + 3 → 31 Mar; 31 Jan + 1 → 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1])) - timedelta(days=1)


def _user(email: str) -> User:
    return _scalar(select(User).where(User.email == email))


def _running(today: date) -> list[Round]:
    return _all(select(Round).where(Round.closed_at.is_(None), Round.starts_on <= today, Round.ends_on >= today))


def assert_round_rules_hold(today: date) -> None:
    rounds = _all(select(Round).order_by(Round.starts_on))
    for r in rounds:
        assert _end_of_months(r.starts_on, 3) <= r.ends_on <= _end_of_months(r.starts_on, 4), \
            f"{r.name}: {r.starts_on} – {r.ends_on} is not 3 to 4 calendar months"
    for a, b in combinations(rounds, 2):
        assert a.ends_on < b.starts_on or b.ends_on < a.starts_on, f"{a.name} overlaps {b.name}"

    closed = [r for r in rounds if r.closed_at is not None]
    planned = [r for r in rounds if r.starts_on > today]
    assert len(closed) == 1 and closed[0].ends_on < today
    assert len(_running(today)) == 1
    assert len(planned) == 1 and planned[0].closed_at is None
    # A work package's due date and its milestones lie inside its round.
    for wp in _all(select(WorkPackage)):
        r = wp.table.round
        assert r.starts_on <= wp.due_on <= r.ends_on, wp.title
        for m in wp.milestones:
            assert r.starts_on <= m.due_on <= r.ends_on, m.title


def test_seed_demo_builds_the_frisian_network(app, db):
    result = seed(app)
    today = date.today()

    municipalities = _all(select(Municipality))
    assert {m.name for m in municipalities} == FRISIAN_MUNICIPALITIES
    assert _count(Coalition) == 18
    assert all(m.coalition is not None for m in municipalities)

    organisations = {o.name for o in _all(select(Organisation))}
    assert 25 <= len(organisations) <= 40
    assert {"Veilig Thuis Friesland", "Fier"} <= organisations
    assert any(name.startswith("MEE") for name in organisations)
    kinds = set(_all(select(Organisation.kind)))
    # Every municipality has organisations of its own (locally or in a region) besides the provincial ones.
    provincial = _scalar(select(func.count()).where(Organisation.working_area == WorkingArea.PROVINCE))
    assert all(t.count > provincial for t in directory().tiles)
    assert _count(DeliverableUse) >= 4
    assert {"verloskunde", "kraamzorg", "jgz", "vsv", "gemeente", "veilig_thuis", "fier", "mee"} <= kinds

    assert _scalar(select(func.count()).where(User.is_core_group)) == 5

    [running] = _running(today)
    tables = running.tables
    assert len(tables) == 4
    assert all(t.work_packages for t in tables)
    assert all(t.liaison.is_core_group for t in tables)

    open_milestones = _all(select(Milestone).where(Milestone.done_at.is_(None)))
    assert any(today <= m.due_on <= today + timedelta(days=7) for m in open_milestones)
    assert any(m.due_on < today for m in open_milestones)

    running_wp_ids = {wp.id for t in tables for wp in t.work_packages}
    updates = _all(select(ProgressUpdate))
    assert any(u.work_package_id in running_wp_ids for u in updates)

    published_public = _all(
        select(DeliverableVersion)
        .join(Deliverable, Deliverable.published_version_id == DeliverableVersion.id)
        .where(DeliverableVersion.status == VersionStatus.PUBLISHED,
               DeliverableVersion.visibility == Visibility.PUBLIC,
               Deliverable.withdrawn_at.is_(None))
    )
    assert len(published_public) >= 6
    assert "Zorgpad kwetsbare zwangeren" in {v.title for v in published_public}
    # Its PDF's text was read by the seed (the scheduler's job, run at once): the library finds it.
    assert "Tekst van bijlagen gelezen: 2 (niet leesbaar: 0)." in result.output  # version 1 and its copy
    hits = search_library(LibraryQuery.from_args(MultiDict({"q": "stroomschema"})), visible_to_network=False).hits
    assert [h.entry.title for h in hits] == ["Zorgpad kwetsbare zwangeren"]

    assert_round_rules_hold(today)

    assert DEMO_PASSWORD in result.output
    for email in DEMO_LOGINS:
        assert email in result.output


def test_demo_logins_work_and_have_their_roles(app, db, make_client, monkeypatch):
    seed(app)
    # As in production: two-factor login required for staff and the core group. The demo's own
    # logins are marked as demo accounts, so the password alone lets them in.
    monkeypatch.setitem(app.config, "TWO_FACTOR_REQUIRED", True)
    today = date.today()
    for email in DEMO_LOGINS:
        browser = make_client()
        response = browser.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (email, response.text)
        assert browser.get("/account").status_code == 200, email
        allowed = browser.get("/beheer/mensen").status_code
        assert allowed == (200 if email.startswith("staf@") else 403), email

    assert _user("staf@leernetwerk.test").is_staff

    kern = _user("kern@leernetwerk.test")
    [running] = _running(today)
    assert kern.is_core_group
    assert any(t.liaison_id == kern.id for t in running.tables)

    tafel = _user("tafel@leernetwerk.test")
    tafel_tables = _all(select(TableMembership.table_id).where(TableMembership.user_id == tafel.id))
    assert any(t.id in tafel_tables for t in running.tables)

    coalitie = _user("coalitie@leernetwerk.test")
    leeuwarden = _scalar(select(Coalition).join(Municipality).where(Municipality.name == "Leeuwarden"))
    assert _scalar(select(func.count()).select_from(CoalitionMember).where(
        CoalitionMember.user_id == coalitie.id, CoalitionMember.coalition_id == leeuwarden.id)) == 1


def test_the_demo_two_factor_login_works_with_the_printed_key_and_recovery_code(app, db, make_client):
    import pyotp

    from leernetwerk.demo import DEMO_RECOVERY_CODE, DEMO_TOTP_SECRET, DEMO_TWO_FACTOR_LOGIN

    output = seed(app).output
    assert DEMO_TOTP_SECRET in output and DEMO_RECOVERY_CODE in output and DEMO_TWO_FACTOR_LOGIN in output
    for code in (pyotp.TOTP(DEMO_TOTP_SECRET).now(), DEMO_RECOVERY_CODE):
        browser = make_client()
        response = browser.post("/inloggen", data={"email": DEMO_TWO_FACTOR_LOGIN, "password": DEMO_PASSWORD})
        assert response.headers["Location"] == "/inloggen/code"
        assert browser.post("/inloggen/code", data={"code": code}).status_code == 302, code
        assert browser.get("/beheer/mensen").status_code == 200


def test_seed_demo_a_second_time_adds_nothing(app, db):
    from leernetwerk.extensions import db as _db

    seed(app)
    before = {t.name: _scalar(select(func.count()).select_from(t)) for t in _db.metadata.sorted_tables}
    again = seed(app)
    after = {t.name: _scalar(select(func.count()).select_from(t)) for t in _db.metadata.sorted_tables}
    assert after == before
    assert "bevat al gegevens" in again.output
    assert "staf@leernetwerk.test" in again.output  # the logins are printed every time


@pytest.mark.parametrize("today", [
    date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31), date(2027, 8, 31), date(2027, 10, 31),
    date(2027, 12, 31), date(2028, 2, 29), date(2027, 2, 28), date(2028, 1, 1), date(2027, 4, 14),
])
def test_demo_rounds_keep_the_rules_whatever_the_date(app, db, today):
    with time_machine.travel(date.fromordinal(today.toordinal()).isoformat() + "T09:00:00+01:00", tick=False):
        assert date.today() == today
        seed(app)
        assert_round_rules_hold(today)
        [running] = _running(today)
        assert len(running.tables) == 4


# --- create-user -------------------------------------------------------------------------------------

def test_create_user_makes_an_active_account_that_can_log_in(app, db, client):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "Nieuwe.Collega@ROS-Friesland.nl", "--name", "Nieuwe collega",
        "--password", "een-heel-lang-wachtwoord", "--staff",
    ])
    assert result.exit_code == 0, result.output
    assert "nieuwe.collega@ros-friesland.nl" in result.output

    user = _user("nieuwe.collega@ros-friesland.nl")
    assert user.active and user.is_staff and not user.is_core_group
    response = client.post("/inloggen", data={"email": "nieuwe.collega@ros-friesland.nl",
                                               "password": "een-heel-lang-wachtwoord"})
    assert response.status_code == 302
    assert client.get("/beheer/mensen").status_code == 200


def test_create_user_asks_for_missing_values(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-user"], input="kern9@leernetwerk.test\nKerngroeplid\neen-heel-lang-wachtwoord\n"
                                    "een-heel-lang-wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "E-mailadres" in result.output and "Wachtwoord" in result.output
    assert _user("kern9@leernetwerk.test").name == "Kerngroeplid"


def test_create_user_refuses_an_existing_email_in_dutch(app, db):
    args = ["create-user", "--email", "dubbel@leernetwerk.test", "--name", "Een", "--password", "een-heel-lang-wachtwoord"]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    again = app.test_cli_runner().invoke(args=[*args[:2], "DUBBEL@leernetwerk.test", *args[3:]])
    assert again.exit_code != 0
    assert "Er bestaat al een account met dit e-mailadres." in again.output
    assert _scalar(select(func.count()).where(User.email == "dubbel@leernetwerk.test")) == 1


def test_create_user_refuses_a_short_password_in_dutch(app, db):
    result = app.test_cli_runner().invoke(args=["create-user", "--email", "kort@leernetwerk.test", "--name", "Kort",
                                                "--password", "kort"])
    assert result.exit_code != 0
    assert "Kies een wachtwoord van minstens" in result.output
    assert _scalar(select(func.count()).where(User.email == "kort@leernetwerk.test")) == 0
