"""No text a person typed can break a mail header (issue 11, item 5).

A title with a line break used to make every mail about it fail for good ("Header values may
not contain linefeed…"), for every recipient. Now single-line form fields turn control
characters into a space, and the one place that builds mails makes every header one line,
also for titles that were stored before.
"""

from __future__ import annotations

from sqlalchemy import select
from wtforms import PasswordField, StringField, TextAreaField

from leernetwerk.extensions import db
from leernetwerk.forms import Form, single_line
from leernetwerk.notifications import reminders
from leernetwerk.notifications.mail import deliver_outbox, queue_mail
from leernetwerk.notifications.models import OutboxMail, OutboxStatus
from leernetwerk.rounds import work
from leernetwerk.rounds.models import Milestone, SupportRequest

from .conftest import NOW, TODAY, days

# (No NUL: PostgreSQL stores none in text; the forms turn it into a space too.)
BREAKS = "Tolken\r\nBcc: iedereen@example.org\nX-Extra: 1\rEinde\u2028en\u2029verder\x0bklaar\x1f\x85."


def _header_lines(raw: bytes) -> list[str]:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


def test_a_stored_subject_with_line_breaks_still_goes_out_on_one_header_line(scene, smtp_server):
    # Stored before the forms cleaned titles (the service takes the text as given).
    request = work.ask_support(scene.lead, scene.table, subject=BREAKS, body="Wie kent een tolk?")
    db.session.commit()
    assert request.subject == BREAKS

    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    [message] = smtp_server.messages
    assert message["To"] == scene.liaison.email
    assert message["Subject"] == ("Ondersteuningsvraag van Tafel Taalbarrières: "
                                  "Tolken Bcc: iedereen@example.org X-Extra: 1 Einde en verder klaar .")
    assert message["Bcc"] is None and message["X-Extra"] is None
    [raw] = smtp_server.raw
    names = [line.split(":", 1)[0] for line in _header_lines(raw) if not line.startswith((" ", "\t"))]
    assert "Bcc" not in names and "X-Extra" not in names
    assert db.session.execute(select(OutboxMail.status)).scalar_one() == OutboxStatus.SENT


def test_a_milestone_title_with_a_line_break_reaches_everyone_it_reminds(scene, smtp_server):
    milestone = scene.milestone("Factsheet", TODAY + days(1))
    milestone.title = "Factsheet\r\nconcept"  # as stored before the forms cleaned titles
    db.session.commit()
    reminders.run_sweep(NOW)
    assert deliver_outbox() == {"sent": 2, "retry": 0, "failed": 0}
    assert {m["Subject"] for m in smtp_server.messages} == {"Mijlpaal ‘Factsheet concept’ staat voor morgen"}


def test_every_header_of_a_queued_mail_is_made_one_line(db, smtp_server):
    queue_mail("lid@leernetwerk.test", "Eerste\r\nregel", "Tekst\r\nmag wel meer regels hebben.",
               unsubscribe_url="http://localhost/afmelden/abc\r\nBcc: x@example.org", key="x\r\ny")
    db.session.commit()
    assert deliver_outbox()["sent"] == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "Eerste regel"
    assert message["List-Unsubscribe"] == "<http://localhost/afmelden/abc Bcc: x@example.org>"
    assert message["Bcc"] is None
    assert "mag wel meer regels" in message.get_body(("plain",)).get_content()


def test_a_support_request_typed_with_line_breaks_is_stored_on_one_line(client, login, scene, smtp_server):
    login(scene.lead)
    response = client.post(f"/tafels/{scene.table.id}/ondersteuning",
                           data={"subject": "Hulp\r\nBcc: x@example.org\tnodig", "body": "Regel 1\r\nRegel 2"})
    assert response.status_code == 302
    request = db.session.execute(select(SupportRequest)).scalar_one()
    assert request.subject == "Hulp Bcc: x@example.org nodig"
    assert request.body.splitlines() == ["Regel 1", "Regel 2"]  # a text area keeps its lines
    assert deliver_outbox()["sent"] == 1
    assert smtp_server.messages[0]["Subject"].endswith(": Hulp Bcc: x@example.org nodig")


def test_a_milestone_title_typed_with_a_line_break_is_stored_on_one_line(client, login, scene):
    login(scene.lead)
    response = client.post(f"/werkpakketten/{scene.work_package.id}/mijlpalen",
                           data={"title": "Factsheet\nconcept\x1f", "due_on": (TODAY + days(3)).isoformat(),
                                 "assignee_id": "0"})
    assert response.status_code == 302, response.text
    assert db.session.execute(select(Milestone.title)).scalar_one() == "Factsheet concept"


def test_single_line_turns_control_characters_into_one_space():
    assert single_line(BREAKS) == "Tolken Bcc: iedereen@example.org X-Extra: 1 Einde en verder klaar ."
    assert single_line("a\x00\x7f\x9fb") == "a b"
    assert single_line("  gewoon  twee  spaties  ") == "  gewoon  twee  spaties  "
    assert single_line("") == "" and single_line(None) is None


def _all_forms() -> list[type]:
    from flask_wtf import FlaskForm

    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [f for f in found if f.__module__.startswith("leernetwerk.")]


def _import_every_form_module() -> None:
    import importlib
    import pkgutil

    import leernetwerk

    for module in pkgutil.walk_packages(leernetwerk.__path__, "leernetwerk."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "place_forms"):
            importlib.import_module(module.name)


def test_every_form_of_the_app_cleans_its_single_line_fields(app):
    _import_every_form_module()
    forms = _all_forms()
    assert len(forms) > 20
    not_ours = [f.__qualname__ for f in forms if not issubclass(f, Form)]
    assert not not_ours, f"forms that do not derive from leernetwerk.forms.Form: {not_ours}"
    checked = 0
    for form_class in forms:
        with app.test_request_context(method="POST", data={}):
            names = [field.name for field in form_class(meta={"csrf": False})]
        with app.test_request_context(method="POST", data=dict.fromkeys(names, "een\r\ntwee")):
            form = form_class(meta={"csrf": False})
            for field in form:
                if isinstance(field, TextAreaField | PasswordField):
                    assert field.data == "een\r\ntwee", (form_class.__qualname__, field.name)
                elif isinstance(field, StringField):
                    assert field.data == "een twee", (form_class.__qualname__, field.name)
                    checked += 1
    assert checked > 20


def test_a_subject_without_control_characters_goes_out_unchanged(db, smtp_server):
    text = "Mijlpaal ‘Zorgpad – één’ staat voor morgen"
    queue_mail("lid@leernetwerk.test", text, "Tekst")
    db.session.commit()
    assert deliver_outbox()["sent"] == 1
    assert smtp_server.messages[0]["Subject"] == text
