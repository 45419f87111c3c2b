"""Every route × every role, checked against one table of what each role may do.

A new route fails `test_every_route_is_in_the_table` until its expected outcome per role is
written down here. Forms are posted empty (with a valid CSRF token): an allowed role then gets
the form back with errors (400), or a redirect — never 403; a refused one gets 403, and an
anonymous visitor is sent to the login page with `next` set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from flask_login import AnonymousUserMixin
from werkzeug.exceptions import MethodNotAllowed

from leernetwerk.auth.services import make_token
from leernetwerk.extensions import db
from leernetwerk.library.models import VersionStatus
from leernetwerk.notifications.services import notify
from leernetwerk.policy import PERMISSIONS, can
from leernetwerk.rounds.models import MemberRole
from tests import factories

ROLES = ("anonymous", "member", "coalition", "table_member", "table_lead", "liaison", "core", "staff")
LOGGED_IN = frozenset(ROLES[1:])
STAFF = frozenset({"staff"})
STEERS_TABLE = frozenset({"liaison", "staff"})                     # staff and the table's liaison
SITS_AT_TABLE = frozenset({"table_member", "table_lead"})
TABLE_WORK = SITS_AT_TABLE | STEERS_TABLE                           # members, liaison, staff
AUTHOR = frozenset({"table_member"})           # wrote the world's progress update and support request
AUTHOR_OR_STAFF = AUTHOR | STAFF               # staff may withdraw anyone's (moderation), not edit it
CORE_OR_STAFF = frozenset({"liaison", "core", "staff"})   # the liaison is in the core group too
COALITION = frozenset({"coalition"})
LOGIN = "to the login page"
RESTART = "to the login page, to start again"  # without `next`
CORE = frozenset({"liaison", "core", "staff"})                     # the core group (liaisons are in it) and staff
COALITION = frozenset({"coalition"})   # in the coalition that raised the world's question and in one that signalled it
SEES_QUESTIONS = COALITION | CORE


def public(ok: int = 200) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, ok)


def only(allowed: frozenset[str], ok: int = 200) -> dict[str, int | str]:
    """Anonymous → login page; an allowed role → `ok`; any other logged-in role → 403."""
    return {role: LOGIN if role == "anonymous" else ok if role in allowed else 403 for role in ROLES}


def guests_only(ok: int | str = 200) -> dict[str, int | str]:
    """Pages for people not logged in; a logged-in person is sent on (302)."""
    return {role: ok if role == "anonymous" else 302 for role in ROLES}


# endpoint → method → role → expected status (or LOGIN)
EXPECTED: dict[str, dict[str, dict[str, int | str]]] = {
    "main.index": {"GET": guests_only()},  # a logged-in person goes on to /mijn
    "main.healthz": {"GET": public()},
    "auth.login": {"GET": guests_only(), "POST": guests_only()},
    "auth.logout": {"POST": only(LOGGED_IN, 302)},
    "auth.forgot_password": {"GET": public(), "POST": public()},
    # The signed link in the mail is the permission: anyone holding it sees the form.
    "auth.set_password": {"GET": public(), "POST": public()},
    "auth.reset_password": {"GET": public(), "POST": public()},
    "auth.choose_locale": {"POST": public(302)},
    "auth.account": {"GET": only(LOGGED_IN)},
    # The code step without a password first: back to the login form (a logged-in person goes on).
    "auth.login_code": {"GET": guests_only(RESTART), "POST": guests_only(RESTART)},
    "auth.two_factor_setup": {"GET": only(LOGGED_IN), "POST": only(LOGGED_IN, 400)},
    "auth.recovery_codes": {"POST": only(LOGGED_IN, 404)},  # nobody in the world has two-factor login on
    "auth.two_factor_disable": {"POST": only(LOGGED_IN, 302)},
    "auth.end_device_session": {"POST": only(LOGGED_IN, 404)},  # an id that is not one's own session
    "auth.end_other_sessions": {"POST": only(LOGGED_IN, 302)},
    "admin.users": {"GET": only(STAFF)},
    # Without ?tafel= (see test_invite_for_a_table_answers_each_role for the table's own invite).
    "admin.invite": {"GET": only(STAFF), "POST": only(STAFF, 400)},
    "admin.edit_person": {"GET": only(STAFF), "POST": only(STAFF, 400)},
    "admin.deactivate": {"POST": only(STAFF, 302)},
    "admin.reactivate": {"POST": only(STAFF, 302)},
    "admin.reset_two_factor": {"POST": only(STAFF, 302)},
    "admin.audit_log": {"GET": only(STAFF)},
    "library.synonyms": {"GET": only(STAFF), "POST": only(STAFF, 400)},
    "library.synonym_edit": {"GET": only(STAFF), "POST": only(STAFF, 400)},
    "library.synonym_remove": {"POST": only(STAFF, 302)},
    "rounds.dashboard": {"GET": only(LOGGED_IN)},
    "rounds.round_list": {"GET": only(LOGGED_IN)},
    "rounds.round_create": {"GET": only(STAFF), "POST": only(STAFF, 400)},
    "rounds.round_detail": {"GET": only(LOGGED_IN)},
    "rounds.round_edit": {"GET": only(STAFF), "POST": only(STAFF, 400)},
    "rounds.round_close": {"POST": only(STAFF, 302)},
    # Any core-group member may start a table in an open round.
    "rounds.table_create": {"GET": only(STEERS_TABLE | {"core"}), "POST": only(STEERS_TABLE | {"core"}, 400)},
    "rounds.table_detail": {"GET": only(LOGGED_IN)},
    "rounds.table_edit": {"GET": only(STEERS_TABLE), "POST": only(STEERS_TABLE, 400)},
    "rounds.table_carry_over": {"POST": only(STEERS_TABLE, 302)},
    "rounds.table_evaluate": {"GET": only(STEERS_TABLE | {"table_lead"}),
                              "POST": only(STEERS_TABLE | {"table_lead"}, 400)},
    # Only the table itself asks for support (an empty question is refused with 400).
    "rounds.support_ask": {"POST": only(SITS_AT_TABLE, 400)},
    "rounds.support_answer": {"POST": only(STEERS_TABLE, 400)},
    # Own content: only who asked edits a question; they or staff withdraw it.
    # (Fields left out of a post keep the stored text: nothing changes, and the author is sent back.)
    "rounds.support_edit": {"GET": only(AUTHOR), "POST": only(AUTHOR, 302)},
    "rounds.support_withdraw": {"POST": only(AUTHOR_OR_STAFF, 302)},
    "rounds.work_package_create": {"GET": only(TABLE_WORK), "POST": only(TABLE_WORK, 400)},
    "rounds.work_package_detail": {"GET": only(LOGGED_IN)},
    "rounds.work_package_edit": {"GET": only(TABLE_WORK), "POST": only(TABLE_WORK, 400)},
    "rounds.update_post": {"POST": only(TABLE_WORK, 400)},
    # Own content: only who wrote an update edits it; they or staff withdraw it.
    "rounds.update_edit": {"GET": only(AUTHOR), "POST": only(AUTHOR, 400)},
    "rounds.update_withdraw": {"POST": only(AUTHOR_OR_STAFF, 302)},
    "rounds.milestone_create": {"POST": only(TABLE_WORK, 400)},
    "rounds.milestone_edit": {"GET": only(TABLE_WORK), "POST": only(TABLE_WORK, 400)},
    "rounds.milestone_done": {"POST": only(TABLE_WORK, 302)},
    "rounds.milestone_reopen": {"POST": only(TABLE_WORK, 302)},
    "rounds.milestone_remove": {"POST": only(TABLE_WORK, 302)},
    # The library and its API are public; `slug` is a published, public end product.
    "library.index": {"GET": public()},
    "library.atom_feed": {"GET": public()},
    "library.detail": {"GET": public()},
    "library.detail_version": {"GET": public()},
    "library.download": {"GET": public()},
    "library.follow": {"POST": only(LOGGED_IN, 302)},
    "api.deliverables": {"GET": public()},
    "api.deliverable": {"GET": public()},
    "api.openapi": {"GET": public()},
    # A table's end products: `deliverable_id` is a draft of the table (an empty form is a 400).
    "library.create": {"GET": only(TABLE_WORK), "POST": only(TABLE_WORK, 400)},
    "library.manage": {"GET": only(TABLE_WORK)},
    "library.edit": {"GET": only(TABLE_WORK), "POST": only(TABLE_WORK, 400)},
    "library.start_new_version": {"POST": only(TABLE_WORK, 302)},
    "library.submit": {"POST": only(TABLE_WORK, 302)},
    "library.review": {"POST": only(STEERS_TABLE, 302)},   # the liaison approves,
    "library.publish": {"POST": only(STAFF, 302)},         # only staff publish
    "library.withdraw": {"POST": only(STAFF, 302)},
    # `attachment_id` here is the draft's attachment: its team removes it (a second time is refused politely).
    "library.remove_attachment": {"POST": only(TABLE_WORK, 302)},
    # Notices and reminder settings: everyone logged in, for themselves.
    "notifications.notification_list": {"GET": only(LOGGED_IN)},
    "notifications.mark_read": {"POST": only(LOGGED_IN, 302)},
    "notifications.mark_all_read": {"POST": only(LOGGED_IN, 302)},
    "notifications.preferences": {"GET": only(LOGGED_IN), "POST": only(LOGGED_IN)},
    "notifications.calendar_renew": {"POST": only(LOGGED_IN, 302)},
    "notifications.calendar_revoke": {"POST": only(LOGGED_IN, 302)},
    # Calendar apps and mail clients cannot log in: the signed token in the link is the permission.
    "notifications.calendar_feed": {"GET": public()},
    "notifications.unsubscribe": {"GET": public(), "POST": public()},
    "notifications.reminders_admin": {"GET": only(STAFF)},
    "notifications.outbox_retry": {"POST": only(STAFF, 302)},
    "notifications.outbox_deliver": {"POST": only(STAFF, 302)},
    # Coalition questions: coalition members, the core group and staff see them (not other members).
    "questions.index": {"GET": only(SEES_QUESTIONS)},
    "questions.similar": {"GET": only(SEES_QUESTIONS)},
    "questions.detail": {"GET": only(SEES_QUESTIONS)},
    "questions.create": {"GET": only(COALITION), "POST": only(COALITION, 400)},
    # Its own coalition edits the question while it is new (an empty form is a 400).
    "questions.edit": {"GET": only(COALITION), "POST": only(COALITION, 400)},
    # 'Ook bij ons' from another coalition (here already signalled: refused with a message, 302).
    "questions.signal": {"POST": only(COALITION, 302)},
    "questions.unsignal": {"POST": only(COALITION, 302)},
    "questions.triage": {"POST": only(CORE, 400)},
    "questions.merge": {"POST": only(CORE, 302)},
    # The core group's own view.
    "questions.core_group": {"GET": only(CORE)},
    # The organisation directory and municipality pages: the whole network reads; staff and the
    # core group keep the directory. `slug` is the coalition member's municipality.
    "coalitions.organisations": {"GET": only(LOGGED_IN)},
    "coalitions.organisation_create": {"GET": only(CORE_OR_STAFF), "POST": only(CORE_OR_STAFF, 400)},
    "coalitions.organisation_edit": {"GET": only(CORE_OR_STAFF), "POST": only(CORE_OR_STAFF, 400)},
    "coalitions.organisation_archive": {"POST": only(CORE_OR_STAFF, 302)},
    "coalitions.organisation_restore": {"POST": only(CORE_OR_STAFF, 302)},
    "coalitions.municipality": {"GET": only(LOGGED_IN)},
    # "Gebruikt in": only a coalition member (an empty post is sent back to the page with a message).
    "coalitions.mark_used": {"POST": only(COALITION, 302)},
}

# RFC 8058 one-click unsubscribe is POSTed by mail clients without cookies; its signed token
# (checked in test_unsubscribe_without_csrf_needs_a_valid_token) stands in for the CSRF token.
CSRF_EXEMPT = {"notifications.unsubscribe"}

# Routes that are not the application's own pages.
NOT_CHECKED = {"static"}


@dataclass
class World:
    users: dict[str, object]
    round: object
    table: object
    work_package: object
    milestone: object
    support_request: object
    progress_update: object  # written by the table member
    target: object
    invited: object
    published: object       # a published, public end product of the table, with an attachment
    draft: object           # an end product of the table that is still a draft
    notification: object    # a notice for the table member
    question: object        # raised by the coalition member's first coalition, signalled by their second
    signal: object
    organisation: object    # in the directory, working in the coalition member's municipality
    municipality: object    # the coalition member's
    synonyms: object        # a synonym group for search


    def url_values(self, endpoint: str) -> dict[str, object]:
        attachment = self.published.published_version.attachments[0]
        values = {
            "user_id": self.target.id,
            "round_id": self.round.id,
            "table_id": self.table.id,
            "wp_id": self.work_package.id,
            "milestone_id": self.milestone.id,
            "request_id": self.support_request.id,
            "update_id": self.progress_update.id,
            "slug": self.published.slug,
            "number": self.published.published_version.number,
            "attachment_id": attachment.id,
            "name": attachment.original_name,
            "deliverable_id": self.draft.id,
            "notification_id": self.notification.id,
            "question_id": self.question.id,
            "signal_id": self.signal.id,
            "organisation_id": self.organisation.id,
            "session_id": 999_999,
            "group_id": self.synonyms.id,
        }
        if endpoint == "library.remove_attachment":
            from leernetwerk.library.services import latest_version

            values["attachment_id"] = latest_version(self.draft).attachments[0].id
        if endpoint == "coalitions.municipality":
            values["slug"] = self.municipality.slug
        if endpoint == "auth.set_password":
            values["token"] = make_token(self.invited, "invite")
        elif endpoint == "auth.reset_password":
            values["token"] = make_token(self.target, "reset")
        elif endpoint == "notifications.calendar_feed":
            from leernetwerk.notifications.services import renew_calendar_token

            values["token"] = renew_calendar_token(self.target)
            db.session.commit()
        elif endpoint == "notifications.unsubscribe":
            from leernetwerk.notifications.models import ReminderKind
            from leernetwerk.notifications.services import unsubscribe_token

            values["token"] = unsubscribe_token(self.target.id, [ReminderKind.MILESTONE_DUE])
        return values


@pytest.fixture
def world() -> World:
    with factories.one_commit():
        raised_by, signalled_by = factories.make_coalition(), factories.make_coalition()
        users = {
            "member": factories.make_user(name="Gewoon lid"),
            "coalition": factories.make_user(coalitions=[raised_by, signalled_by], name="Coalitielid"),
            "table_member": factories.make_user(name="Tafellid"),
            "table_lead": factories.make_user(name="Kartrekker"),
            "liaison": factories.make_user(core=True, name="Verbindingspersoon"),
            "core": factories.make_user(core=True, name="Ander kerngroeplid"),
            "staff": factories.make_user(staff=True, name="ROS"),
        }
        staff = users["staff"]
        round_ = factories.make_round(staff, starts_on=date.today() - timedelta(days=20))
        table = factories.make_table(staff, round_, liaison=users["liaison"],
                                     members=[(users["table_member"], MemberRole.MEMBER),
                                              (users["table_lead"], MemberRole.LEAD)])
        wp = factories.make_work_package(staff, table)
        question = factories.make_question(users["coalition"], raised_by, title="Schulden vroeg zien")
        signal = factories.make_question_signal(question, signalled_by, users["coalition"], "Hier ook")
        world = World(
            users=users, round=round_, table=table, work_package=wp,
            milestone=factories.make_milestone(staff, wp, title="Concept klaar",
                                               due_on=date.today() + timedelta(days=5)),
            support_request=factories.make_support_request(users["table_member"], table, subject="Hulp",
                                                           body="Kan iemand helpen?"),
            progress_update=factories.make_update(users["table_member"], wp, "Gestart."),
            target=factories.make_user(name="Doelwit"),
            invited=factories.make_user(staff, password=None, name="Uitgenodigd"),
            published=end_product(wp, users, publish=True), draft=end_product(wp, users),
            notification=notify([users["table_member"]], kind="milestone_due", title="Mijlpaal morgen")[0],
            question=question, signal=signal,
            municipality=users["coalition"].coalitions[0].municipality,
            organisation=factories.make_organisation(
                "Verloskundigen Noord", municipalities=[users["coalition"].coalitions[0].municipality]),
            synonyms=_synonyms())
    return world


def _synonyms():
    from leernetwerk.extensions import db
    from leernetwerk.library.models import SynonymGroup

    group = SynonymGroup(words="JGZ\njeugdgezondheidszorg")
    db.session.add(group)
    db.session.flush()
    return group


def end_product(wp, users, *, publish: bool = False, visibility: str = "openbaar"):
    """An end product made through the real life cycle: draft → review → approved → published."""
    version = factories.make_deliverable(
        users["table_member"], wp, title="Zorgpad" if publish else "Concept", body="## Stappen", kind="zorgpad",
        visibility=visibility, uploads=[(b"Tekst van de bijlage.", "bijlage.txt")],
        status=VersionStatus.PUBLISHED if publish else VersionStatus.DRAFT, publisher=users["staff"])
    return version.deliverable


def _routes(app) -> dict[str, set[str]]:
    return {
        rule.endpoint: set(rule.methods) - {"HEAD", "OPTIONS"}
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in NOT_CHECKED
    }


def _url(app, world: World, endpoint: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = world.url_values(endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


def _browsers(world: World, login, make_client) -> dict[str, object]:
    browsers = {"anonymous": make_client()}
    for role, user in world.users.items():
        browsers[role] = login(user, c=make_client())
    return browsers


def _outcome(response, path: str) -> int | str:
    if response.status_code == 302:
        location = urlsplit(response.headers["Location"])
        if location.path == "/inloggen" and not location.query:
            return RESTART
        if location.path == "/inloggen":
            assert parse_qs(location.query).get("next") == [path], response.headers["Location"]
            return LOGIN
    return response.status_code


def test_every_route_is_in_the_table(app):
    """A route without an entry here has no declared policy: write down who may use it."""
    routes = _routes(app)
    missing = sorted(set(routes) - set(EXPECTED))
    assert missing == [], f"routes without an expected outcome per role: {missing}"
    stale = sorted(set(EXPECTED) - set(routes))
    assert stale == [], f"table lists routes that no longer exist: {stale}"
    methods = {e: m for e, m in routes.items() if m != set(EXPECTED[e])}
    assert methods == {}, f"methods differ from the table: {methods}"


@pytest.mark.parametrize(
    ("endpoint", "method"),
    [(endpoint, method) for endpoint, methods in EXPECTED.items() for method in methods],
)
def test_route_answers_each_role_as_the_policy_says(app, world, login, make_client, endpoint, method):
    if endpoint not in _routes(app):
        pytest.fail(f"{endpoint} is in the table but not registered")
    path = _url(app, world, endpoint)
    browsers = _browsers(world, login, make_client)
    expected = EXPECTED[endpoint][method]
    # Refused roles first, so an allowed action cannot change what a refused one sees.
    order = sorted(ROLES, key=lambda r: expected[r] not in (LOGIN, 403))
    got = {}
    for role in order:
        browser = browsers[role]
        response = browser.get(path) if method == "GET" else browser.post(path, data={})
        got[role] = _outcome(response, path)
    assert {r: got[r] for r in ROLES} == expected, f"{method} {path}"


def test_invite_for_a_table_answers_each_role(app, world, login, make_client):
    """`/beheer/mensen/uitnodigen?tafel=<id>`: staff and the table's own liaison invite for it;
    everyone else, another core-group member included, is refused."""
    path = f"/beheer/mensen/uitnodigen?tafel={world.table.id}"
    browsers = _browsers(world, login, make_client)
    got = {role: (_outcome(browsers[role].get(path), path), _outcome(browsers[role].post(path, data={}), path))
           for role in ROLES}
    assert got == {role: (LOGIN, LOGIN) if role == "anonymous" else (200, 400) if role in STEERS_TABLE else (403, 403)
                   for role in ROLES}
    assert browsers["staff"].get(f"/beheer/mensen/uitnodigen?tafel={world.table.id + 999}").status_code == 404


def test_state_changing_routes_refuse_get(app, world, login, make_client):
    anonymous, staff = make_client(), login(world.users["staff"], c=make_client())
    wrong = {}
    for endpoint in (e for e, methods in EXPECTED.items() if "GET" not in methods):
        path = _url(app, world, endpoint)
        try:
            other, _ = app.url_map.bind("localhost").match(path, method="GET")
        except MethodNotAllowed:
            got = (anonymous.get(path).status_code, staff.get(path).status_code)
            if got != (405, 405):
                wrong[path] = got
        else:
            # The path also fits a page (e.g. /bibliotheek/volgen and /bibliotheek/<slug>):
            # GET reaches that read-only page, never the action.
            if other == endpoint or "GET" not in EXPECTED[other]:
                wrong[path] = other
    assert wrong == {}


def test_state_changing_route_without_csrf_token_is_refused(app, world, login, make_client):
    for endpoint, methods in EXPECTED.items():
        if "POST" in methods and endpoint not in CSRF_EXEMPT:
            path = _url(app, world, endpoint)
            browser = login(world.users["staff"], c=make_client())
            assert browser.post(path, data={}, csrf=False).status_code == 400, path


def test_unsubscribe_without_csrf_needs_a_valid_token(app, world, make_client):
    path = _url(app, world, "notifications.unsubscribe")
    assert make_client().post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False).status_code == 200
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert make_client().post(tampered, data={"List-Unsubscribe": "One-Click"}, csrf=False).status_code == 400


# --- the policy module itself --------------------------------------------------------------------

# action → (object it is asked about, roles allowed) for an open round.
POLICY: dict[str, tuple[str | None, frozenset[str]]] = {
    "site.view": (None, frozenset(ROLES)),
    "account.view": (None, LOGGED_IN),
    "network.view": (None, LOGGED_IN),
    "dashboard.view": (None, LOGGED_IN),
    "rounds.view": ("round", LOGGED_IN),
    "table.view": ("table", LOGGED_IN),
    "users.list": (None, STAFF),
    "users.invite": (None, STAFF),
    "users.invite_to_table": ("table", STEERS_TABLE),
    "users.edit": ("target", STAFF),
    "users.deactivate": ("target", STAFF),
    "users.reset_two_factor": ("target", STAFF),
    "users.reactivate": ("target", STAFF),
    "audit.view": (None, STAFF),
    "round.create": (None, STAFF),
    "round.edit": ("round", STAFF),
    "round.close": ("round", STAFF),
    "table.create": ("round", STEERS_TABLE | {"core"}),
    "table.edit": ("table", STEERS_TABLE),
    "table.carry_over": ("table", STEERS_TABLE),
    "table.evaluate": ("table", STEERS_TABLE | {"table_lead"}),
    "table.work": ("table", TABLE_WORK),
    "support.ask": ("table", SITS_AT_TABLE),
    "support.answer": ("support_request", STEERS_TABLE),
    "support.edit": ("support_request", AUTHOR),
    "support.withdraw": ("support_request", AUTHOR_OR_STAFF),
    "update.edit": ("progress_update", AUTHOR),
    "update.withdraw": ("progress_update", AUTHOR_OR_STAFF),
    "notifications.view": (None, LOGGED_IN),
    "organisations.view": (None, LOGGED_IN),
    "organisation.create": (None, CORE_OR_STAFF),
    "organisation.edit": ("organisation", CORE_OR_STAFF),
    "organisation.archive": ("organisation", CORE_OR_STAFF),
    "municipality.view": (None, LOGGED_IN),
    "deliverable.mark_used": ("published", COALITION),
    "reminders.admin": (None, STAFF),
    "synonyms.manage": (None, STAFF),
    "library.view": (None, frozenset(ROLES)),
    "library.follow": (None, LOGGED_IN),
    "version.read": ("published_version", frozenset(ROLES)),
    "deliverable.create": ("table", TABLE_WORK),
    "deliverable.manage": ("draft", TABLE_WORK),
    "deliverable.edit": ("draft", TABLE_WORK),
    "deliverable.submit": ("draft", TABLE_WORK),
    "deliverable.review": ("draft", STEERS_TABLE),
    "deliverable.publish": ("draft", STAFF),
    "deliverable.withdraw": ("published", STAFF),
    # What may be done with a version now depends on its status too (see the test below).
    "version.edit": ("draft_version", TABLE_WORK),
    "version.submit": ("draft_version", TABLE_WORK),
    "version.start_next": ("published_version", TABLE_WORK),
    "version.review": ("draft_version", frozenset()),
    "version.publish": ("draft_version", frozenset()),
    "version.remove_attachment": ("draft_version", TABLE_WORK),
    "questions.view": (None, SEES_QUESTIONS),
    "question.raise": (None, COALITION),
    "question.edit": ("question", COALITION),
    "question.signal": ("question", COALITION),
    "question.triage": ("question", CORE),
    "core_group.view": (None, CORE),
}

# Once the round is closed, everything in it is read-only (staff may still edit an end product);
# carrying a table over still works.
CLOSED_ROUND: dict[str, tuple[str, frozenset[str]]] = {
    "round.edit": ("round", frozenset()),
    "round.close": ("round", frozenset()),
    "table.create": ("round", frozenset()),
    "table.edit": ("table", frozenset()),
    "table.evaluate": ("table", frozenset()),
    "table.work": ("table", frozenset()),
    "support.ask": ("table", frozenset()),
    "support.edit": ("support_request", frozenset()),
    "support.withdraw": ("support_request", frozenset()),   # staff too: a closed round is read-only
    "update.edit": ("progress_update", frozenset()),
    "update.withdraw": ("progress_update", frozenset()),
    "deliverable.create": ("table", frozenset()),
    "deliverable.edit": ("draft", STAFF),
    "deliverable.manage": ("draft", TABLE_WORK),
    "table.carry_over": ("table", STEERS_TABLE),
    "table.view": ("table", LOGGED_IN),
    "users.invite_to_table": ("table", frozenset()),
}


def _who_may(action: str, obj: object, world: World) -> frozenset[str]:
    people = {"anonymous": AnonymousUserMixin()} | world.users
    return frozenset(role for role, user in people.items() if can(user, action, obj))


def test_every_policy_action_is_in_the_table():
    assert sorted(PERMISSIONS) == sorted(POLICY)


def _object(world: World, name: str | None) -> object:
    if name == "published_version":
        return world.published.published_version
    if name == "draft_version":
        from leernetwerk.library.services import latest_version

        return latest_version(world.draft)
    return getattr(world, name) if name else None


def test_policy_answers_each_role(world):
    wrong = {action: sorted(_who_may(action, _object(world, name), world))
             for action, (name, allowed) in POLICY.items()
             if _who_may(action, _object(world, name), world) != allowed}
    assert wrong == {}


def test_policy_in_a_closed_round(world, db):
    from leernetwerk.database import utcnow

    world.round.closed_at = utcnow()
    db.session.commit()
    wrong = {action: sorted(_who_may(action, _object(world, name), world))
             for action, (name, allowed) in CLOSED_ROUND.items()
             if _who_may(action, _object(world, name), world) != allowed}
    assert wrong == {}


def test_who_may_read_an_end_product_version(world):
    from leernetwerk.library.services import latest_version

    network_only = end_product(world.work_package, world.users, publish=True, visibility="netwerk")
    assert _who_may("version.read", world.published.published_version, world) == frozenset(ROLES)
    assert _who_may("version.read", network_only.published_version, world) == LOGGED_IN
    # Drafts are for the table's own team.
    assert _who_may("version.read", latest_version(world.draft), world) == TABLE_WORK


def test_what_may_be_done_with_a_version_follows_its_status(world, db):
    """The buttons on an end product's page: edit and submit a draft, review it while in review,
    publish it once approved, start a next version once published; each by the right people."""
    from leernetwerk.library import services

    version = services.latest_version(world.draft)
    actions = ("version.edit", "version.submit", "version.review", "version.publish", "version.start_next")

    def allowed() -> dict[str, frozenset[str]]:
        return {action: _who_may(action, version, world) for action in actions}

    nobody = frozenset()
    assert allowed() == {"version.edit": TABLE_WORK, "version.submit": TABLE_WORK, "version.review": nobody,
                         "version.publish": nobody, "version.start_next": nobody}
    services.submit_for_review(world.users["table_member"], version)
    assert allowed() == dict.fromkeys(actions, nobody) | {"version.review": STEERS_TABLE}
    services.review(world.users["liaison"], version, approve=True, comment="")
    assert allowed() == dict.fromkeys(actions, nobody) | {"version.publish": STAFF}
    services.publish(world.users["staff"], version)
    assert allowed() == dict.fromkeys(actions, nobody) | {"version.start_next": TABLE_WORK}


def test_staff_may_not_deactivate_themselves(world):
    staff = world.users["staff"]
    assert can(staff, "users.deactivate", world.target) and not can(staff, "users.deactivate", staff)


def test_unknown_action_is_an_error_not_a_yes():
    with pytest.raises(KeyError):
        can(AnonymousUserMixin(), "library.delete_everything")
