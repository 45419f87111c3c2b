"""The audit log as staff read it (/beheer/logboek): names instead of ids, Dutch labels instead of
codes, links to the objects, readable values; filters by person, kind and date; paged with
counts from the database, in a fixed number of queries however many events a page shows."""

from __future__ import annotations

import ast
import re
from datetime import date, datetime, timedelta
from html import unescape
from pathlib import Path

from leernetwerk.admin.audit_log import AuditAction
from leernetwerk.audit import AuditEvent
from leernetwerk.auth import services as accounts
from leernetwerk.dates import AMSTERDAM
from leernetwerk.extensions import db
from leernetwerk.rounds import services as rounds
from leernetwerk.rounds import work
from leernetwerk.rounds.models import MemberRole
from tests import factories

ROOT = Path(__file__).resolve().parents[1] / "leernetwerk"


def _recorded_actions() -> set[str]:
    """Every action string passed to record(...) anywhere in the application."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record" \
                    and len(node.args) >= 2:
                found |= {n.value for n in ast.walk(node.args[1]) if isinstance(n, ast.Constant)
                          and isinstance(n.value, str)}
    return found


def test_every_recorded_action_has_a_dutch_label():
    actions = _recorded_actions()
    assert {"milestone.done", "table.create", "user.update"} <= actions  # the scan finds them
    assert sorted(actions - set(AuditAction.__labels__)) == []


def _start_with_an_empty_log() -> None:
    """The factories write audit events too (they go through the services); these tests read
    only the events they make themselves."""
    db.session.query(AuditEvent).delete()
    db.session.commit()


def _text(client, url: str = "/beheer/logboek") -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return unescape(response.text)


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]]


def test_the_log_reads_as_names_labels_links_and_dutch_values(client, login):
    staff = factories.make_user(staff=True, name="Sanne ROS")
    vera, wim = factories.make_user(core=True, name="Vera Verbinding"), factories.make_user(core=True, name="Wim Wissel")
    lid = factories.make_user(name="Renée Visser")
    _start_with_an_empty_log()
    round_ = rounds.create_round(staff, name="Ronde voorjaar 2030", starts_on=date(2030, 1, 1),
                                 ends_on=date(2030, 3, 31))
    table = rounds.create_table(staff, round_, title="Tafel Taalbarrières", theme="Taal", action_line="na_geboorte",
                                description="", liaison=vera, members=[(lid, MemberRole.LEAD)])
    wp = work.create_work_package(lid, table, title="Wegwijzer tolken", goal="", description="", owner=lid,
                                    due_on=date(2030, 3, 15))
    milestone = work.add_milestone(lid, wp, title="Concept klaar", due_on=date(2030, 2, 12), assignee=lid)
    work.set_milestone_done(lid, milestone, True)
    rounds.update_table(staff, table, version=table.version, title="Tafel Taalbarrières", theme="Taal",
                        action_line="na_geboorte", description="", liaison=wim, members=[(lid, MemberRole.MEMBER)])
    db.session.commit()
    login(staff)
    page = _text(client)
    rows = _rows(page)
    assert len(rows) == 6
    update, done, milestone_added, wp_created, created, round_created = rows

    assert "Mijlpaal afgevinkt" in done and "Renée Visser" in done and "Afgevinkt: nee → ja" in done
    assert "Concept klaar" in done
    assert "Thematafel bewerkt" in update
    assert "Verbindingspersoon: Vera Verbinding → Wim Wissel" in update
    assert "Leden: Renée Visser (kartrekker) → Renée Visser (lid)" in update
    assert "Titel" not in update  # unchanged values are left out
    assert "Thematafel aangemaakt" in created and "Actielijn: Na de geboorte" in created
    assert "Verbindingspersoon: Vera Verbinding" in created
    assert "Ronde aangemaakt" in round_created and "Einddatum: 31 maart 2030" in round_created
    assert "Datum: 12 februari 2030" in milestone_added and "Wie: Renée Visser" in milestone_added
    assert "Status: Niet gestart" in wp_created and "Eigenaar: Renée Visser" in wp_created
    assert "Einddatum: 15 maart 2030" in wp_created

    # Links to the objects' pages; a milestone leads to its work package.
    assert f'href="/tafels/{table.id}">Tafel Taalbarrières</a>' in page
    assert f'href="/rondes/{round_.id}">Ronde voorjaar 2030</a>' in page
    assert f'href="/werkpakketten/{wp.id}">Concept klaar</a>' in page
    assert f'href="/werkpakketten/{wp.id}">Wegwijzer tolken</a>' in page
    # No codes, ids or escaped characters.
    for code in ("milestone.done", "table.create", "liaison_id", "na_geboorte", "\\u00e9", "True", "False"):
        assert code not in page, code


def test_people_in_the_log_link_to_their_page_and_deleted_objects_say_so(client, login):
    staff = factories.make_user(staff=True, name="Sanne ROS")
    login(staff)
    client.post("/beheer/mensen/uitnodigen", data={"name": "Nina Nieuw", "email": "nina@example.org",
                                                  "organisation_id": 0, "locale": "en"})
    db.session.add(AuditEvent(actor_id=staff.id, action="round.close", object_type="rounds", object_id=424242,
                              after={"closed_at": "2030-03-31T12:00:00+00:00"}))
    db.session.commit()
    nina = accounts.find_user("nina@example.org")
    page = _text(client)
    rows = _rows(page)
    assert "Ronde afgesloten" in rows[0] and "nummer 424242 (verwijderd)" in rows[0]
    assert "Afgesloten op: 31 maart 2030 14:00" in rows[0]  # shown in Dutch time
    assert "Persoon uitgenodigd" in rows[1] and "Taal: English" in rows[1] and "Kerngroep: nee" in rows[1]
    assert f'href="/beheer/mensen/{nina.id}/bewerken">Nina Nieuw</a>' in page
    assert f'href="/beheer/logboek?wie={staff.id}"' in page


def _event(actor, action: str, kind: str, object_id: int | None, day: date, **after) -> AuditEvent:
    event = AuditEvent(actor_id=actor.id if actor else None, action=action, object_type=kind, object_id=object_id,
                       after=after or None, created_at=datetime.combine(day, datetime.min.time().replace(hour=12),
                                                                       AMSTERDAM))
    db.session.add(event)
    return event


def test_filters_by_person_kind_and_dates_work_as_a_plain_get_form(client, login):
    staff, other = factories.make_user(staff=True, name="Sanne ROS"), factories.make_user(core=True, name="Vera Verbinding")
    wp = factories.make_work_package(title="Wegwijzer")
    _start_with_an_empty_log()
    _event(staff, "round.create", "rounds", wp.table.round_id, date(2030, 1, 5))
    _event(other, "milestone.create", "milestones", None, date(2030, 1, 20), title="Concept")
    _event(other, "work_package.create", "work_packages", wp.id, date(2030, 2, 3), title="Wegwijzer")
    _event(None, "outbox.retry", "", None, date(2030, 2, 4), count=1)
    db.session.commit()
    login(staff)

    page = _text(client)
    assert "4 wijzigingen gevonden." in page and '<form method="get" action="/beheer/logboek"' in page
    only_vera = _text(client, f"/beheer/logboek?wie={other.id}")
    assert "2 wijzigingen gevonden." in only_vera and "Sanne ROS" not in "".join(_rows(only_vera))
    assert f'<option selected value="{other.id}">Vera Verbinding</option>' in only_vera
    assert "1 wijziging gevonden." in _text(client, "/beheer/logboek?wie=systeem")
    by_kind = _text(client, "/beheer/logboek?soort=milestones")
    assert "1 wijziging gevonden." in by_kind and "Mijlpaal toegevoegd" in by_kind
    assert "Uitgaande mail" in "".join(_rows(_text(client, "/beheer/logboek?soort=mail")))
    january = _text(client, "/beheer/logboek?van=2030-01-01&tot=2030-01-31")
    assert "2 wijzigingen gevonden." in january and "Werkpakket aangemaakt" not in january
    assert "1 wijziging gevonden." in _text(client, "/beheer/logboek?van=2030-01-20&tot=2030-01-20")
    assert "Alle wijzigingen tonen" in january and "Alle wijzigingen tonen" not in page
    assert "Niets gevonden met deze filters." in _text(client, "/beheer/logboek?van=2031-01-01")

    wrong = client.get("/beheer/logboek?van=2030-02-01&tot=2030-01-01")
    assert wrong.status_code == 400
    text = unescape(wrong.text)
    assert "‘Tot en met’ ligt voor ‘vanaf’: kies een latere datum." in text
    assert 'value="2030-02-01"' in text and 'value="2030-01-01"' in text
    nonsense = client.get("/beheer/logboek?van=gisteren")
    assert nonsense.status_code == 400 and "Vul een geldige datum in" in nonsense.text
    assert 'value="gisteren"' in nonsense.text and "4 wijzigingen gevonden." in nonsense.text


def test_pages_count_from_the_database_and_keep_the_filters(client, login):
    staff = factories.make_user(staff=True, name="Sanne ROS")
    for i in range(120):
        _event(staff, "round.update", "rounds", None, date(2030, 1, 1) + timedelta(days=i % 30), name=f"R{i}")
    db.session.commit()
    login(staff)
    first = _text(client, f"/beheer/logboek?wie={staff.id}")
    assert "120 wijzigingen gevonden." in first and "Pagina 1 van 3" in first and len(_rows(first)) == 50
    assert f'href="/beheer/logboek?wie={staff.id}&amp;pagina=2"' in client.get(f"/beheer/logboek?wie={staff.id}").text
    last = _text(client, f"/beheer/logboek?wie={staff.id}&pagina=3")
    assert "Pagina 3 van 3" in last and len(_rows(last)) == 20


def _fill(staff, n: int) -> None:
    """`n` events of every sort the page resolves names and links for."""
    before = db.session.query(db.func.max(AuditEvent.id)).scalar() or 0
    coalition, org = factories.make_coalition(), factories.make_organisation()
    core, member = factories.make_user(core=True), factories.make_user()
    table = factories.make_table(liaison=core, members=[(member, MemberRole.LEAD)])
    wp = factories.make_work_package(None, table)
    db.session.query(AuditEvent).filter(AuditEvent.id > before).delete()  # the setup's own events
    kinds = [
        ("table.update", "tables", table.id, {"liaison_id": core.id, "members": {str(member.id): "kartrekker"}}),
        ("milestone.done", "milestones", None, {"done": True, "work_package_id": wp.id}),
        ("work_package.update", "work_packages", wp.id, {"owner_id": member.id, "due_on": "2030-01-01"}),
        ("user.update", "users", member.id, {"organisation_id": org.id, "coalitions": [coalition.id]}),
        ("deliverable.publish", "deliverables", 1, {"version": 1}),
        ("support_request.create", "support_requests", 1, {"table_id": table.id, "subject": "Hulp"}),
        ("progress_update.create", "progress_updates", 1, {"work_package_id": wp.id, "light": "risico"}),
        ("round.close", "rounds", table.round_id, {"closed_at": "2030-03-31T12:00:00+00:00"}),
    ]
    for i in range(n):
        action, kind, object_id, after = kinds[i % len(kinds)]
        _event(staff, action, kind, object_id, date(2030, 1, 1), **after)
    db.session.commit()


def _count(client, count_queries) -> int:
    client.get("/beheer/logboek")  # warm up: first-request work is not what we measure
    with count_queries() as q:
        assert client.get("/beheer/logboek").status_code == 200
    return q.count


def test_a_page_of_the_log_costs_the_same_queries_for_1_or_50_events(client, login, count_queries):
    staff = factories.make_user(staff=True)
    _start_with_an_empty_log()
    login(staff)
    _fill(staff, 1)
    one = _count(client, count_queries)
    # BEGIN, the session, the people filter, the events, their count, every name and title they
    # mention (one UNION ALL), the header's unread count: 7 on SQLite today.
    assert one <= 7
    _fill(staff, 49)
    assert "50 wijzigingen gevonden." in client.get("/beheer/logboek").text
    assert _count(client, count_queries) == one


def test_the_log_speaks_english_to_someone_who_chose_english(client, login):
    staff = factories.make_user(staff=True, locale="en")
    _event(staff, "milestone.done", "milestones", None, date(2030, 1, 1), done=True)
    db.session.commit()
    login(staff)
    row = _rows(_text(client))[0]
    assert "Milestone marked as done" in row and "Done: yes" in row and "January 1, 2030" in row
