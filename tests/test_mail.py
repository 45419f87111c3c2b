"""Outgoing mail: queued in the caller's transaction, delivered by a real SMTP conversation,
kept and retried with backoff when the mail server is down, never sent twice."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from leernetwerk.database import utcnow
from leernetwerk.notifications.mail import BACKOFF, LEASE, MAX_ATTEMPTS, deliver_outbox, queue_mail
from leernetwerk.notifications.models import OutboxMail, OutboxStatus

from .conftest import free_port


def _queue(db, recipient="lid@leernetwerk.test", subject="Herinnering: mijlpaal", key=None) -> OutboxMail:
    mail = queue_mail(
        recipient,
        subject,
        "Je mijlpaal 'Factsheet concept' staat voor morgen.",
        "<p>Je mijlpaal <strong>Factsheet concept</strong> staat voor morgen.</p>",
        unsubscribe_url="http://localhost/afmelden/abc",
        key=key,
    )
    db.session.commit()
    return mail


def _reload(db, mail_id: int) -> OutboxMail:
    db.session.expire_all()
    return db.session.get(OutboxMail, mail_id)


@pytest.fixture
def smtp_down(app):
    """MAIL_URL pointing at a loopback port where nothing listens."""
    old = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}?timeout=2"
    yield
    app.config["MAIL_URL"] = old


def test_mail_is_delivered_over_smtp_with_text_and_html(db, smtp_server):
    mail = _queue(db, subject="Uitnodiging voor het Leernetwerk")

    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}

    [received] = smtp_server.messages
    assert received["To"] == "lid@leernetwerk.test"
    assert received["Subject"] == "Uitnodiging voor het Leernetwerk"
    assert received["Message-ID"] == mail.message_id
    assert "noreply@leernetwerk.test" in received["From"]
    assert received["List-Unsubscribe"] == "<http://localhost/afmelden/abc>"
    assert received.get_content_type() == "multipart/alternative"
    assert "Factsheet concept" in received.get_body(("plain",)).get_content()
    assert "<strong>Factsheet concept</strong>" in received.get_body(("html",)).get_content()
    row = _reload(db, mail.id)
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert row.last_error is None


def _raw_header_lines(raw: bytes) -> list[str]:
    """The header block of a mail exactly as it came over the wire, one entry per physical line."""
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


def test_list_unsubscribe_goes_out_as_a_plain_url_with_one_click_post_even_when_long(db, smtp_server):
    token = "eyJ1IjoxMiwiayI6WyJkaWdlc3QiLCJtaWxlc3RvbmVfZHVlIiwibWlsZXN0b25lX292ZXJkdWUiXX0." + "x" * 120
    url = f"http://localhost/meldingen/afmelden/{token}"
    for unsubscribe_url in ("http://localhost/afmelden/abc", url):
        queue_mail("lid@leernetwerk.test", "Herinnering", "Tekst", unsubscribe_url=unsubscribe_url)
    db.session.commit()
    assert deliver_outbox()["sent"] == 2

    for raw, unsubscribe_url in zip(smtp_server.raw, ("http://localhost/afmelden/abc", url), strict=True):
        lines = _raw_header_lines(raw)
        at = lines.index(f"List-Unsubscribe: <{unsubscribe_url}>")  # one line: not folded, not encoded
        assert not lines[at + 1].startswith((" ", "\t"))
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
        assert not any("=?" in line for line in lines if line.startswith("List-Unsubscribe"))


def test_a_delivered_mail_is_not_sent_again(db, smtp_server):
    _queue(db)
    deliver_outbox()
    assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp_server.messages) == 1


def test_a_key_gives_the_same_message_id_and_no_second_mail(db):
    first = _queue(db, key="milestone:7:due-tomorrow:user:3")
    message_id = first.message_id
    assert message_id.endswith("@localhost>")

    with pytest.raises(IntegrityError):
        _queue(db, key="milestone:7:due-tomorrow:user:3")
    db.session.rollback()
    assert db.session.execute(select(func.count(OutboxMail.id))).scalar_one() == 1

    other = _queue(db, key="milestone:7:due-tomorrow:user:4")
    unkeyed = [_queue(db), _queue(db)]
    assert len({message_id, other.message_id, *(m.message_id for m in unkeyed)}) == 4


def test_key_based_message_id_is_the_same_in_a_later_run(db):
    mail = _queue(db, key="digest:2026-w10:user:5")
    first = mail.message_id
    db.session.delete(mail)
    db.session.commit()
    assert _queue(db, key="digest:2026-w10:user:5").message_id == first


def test_smtp_down_keeps_the_mail_queued_for_a_later_attempt(db, smtp_down):
    mail = _queue(db)
    before = utcnow()

    assert deliver_outbox() == {"sent": 0, "retry": 1, "failed": 0}

    row = _reload(db, mail.id)
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert row.last_error and ("refused" in row.last_error.lower() or "Connection" in row.last_error)
    assert row.next_attempt_at >= before + BACKOFF[0]
    assert row.sent_at is None


def test_stopped_smtp_server_then_back_delivers_exactly_once_after_the_backoff(app, db, smtp_server):
    mail = _queue(db)
    smtp_server.controller.stop()

    assert deliver_outbox()["retry"] == 1
    row = _reload(db, mail.id)
    assert row.attempts == 1 and row.last_error

    # The server comes back (on another port), but the backoff has not passed: nothing happens yet.
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(smtp_server.controller.handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
        assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}
        assert smtp_server.messages == []

        with time_machine.travel(utcnow() + BACKOFF[0] + timedelta(seconds=5)):
            assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
            assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}
        with time_machine.travel(utcnow() + timedelta(days=2)):
            assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}
    finally:
        controller.stop()

    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["Message-ID"] == mail.message_id
    row = _reload(db, mail.id)
    assert row.status == OutboxStatus.SENT and row.attempts == 2 and row.last_error is None


def test_retries_back_off_and_give_up_after_max_attempts(app, db, smtp_down):
    mail = _queue(db)
    waits = []
    now = utcnow()
    with time_machine.travel(now, tick=False) as traveller:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            counts = deliver_outbox()
            row = _reload(db, mail.id)
            assert row.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert counts["retry"] == 1 and row.status == OutboxStatus.PENDING
                waits.append(row.next_attempt_at - utcnow())
                # Not due yet: another sweep right away leaves it alone.
                assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}
                traveller.move_to(row.next_attempt_at + timedelta(seconds=1))
            else:
                assert counts["failed"] == 1

    row = _reload(db, mail.id)
    assert row.status == OutboxStatus.FAILED and row.attempts == MAX_ATTEMPTS and row.last_error
    assert waits == sorted(waits) and waits[0] >= timedelta(minutes=1) and waits[-1] > waits[0]

    # A failed mail is not picked up again, even when the server is reachable later.
    with time_machine.travel(utcnow() + timedelta(days=30)):
        assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}


def test_a_mail_left_sending_by_a_crashed_delivery_is_taken_over_after_its_lease(db, smtp_server):
    crashed = _queue(db, subject="Halverwege gecrasht")
    busy = _queue(db, subject="Wordt nu verstuurd door een andere sweep")
    crashed.status = OutboxStatus.SENDING
    crashed.next_attempt_at = utcnow() - timedelta(seconds=1)  # the lease ran out
    busy.status = OutboxStatus.SENDING
    busy.next_attempt_at = utcnow() + LEASE  # still leased to a live delivery
    db.session.commit()

    assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    assert [m["Subject"] for m in smtp_server.messages] == ["Halverwege gecrasht"]
    assert _reload(db, crashed.id).status == OutboxStatus.SENT
    assert _reload(db, busy.id).status == OutboxStatus.SENDING


def test_a_crash_during_sending_is_retried_once_the_lease_expires(db, smtp_server, monkeypatch):
    mail = _queue(db)
    import leernetwerk.notifications.mail as mail_module

    def crash(*_args, **_kwargs):
        raise KeyboardInterrupt  # the process dies mid-delivery: nothing after this runs

    monkeypatch.setattr(mail_module, "send_message", crash)
    with pytest.raises(KeyboardInterrupt):
        deliver_outbox()
    db.session.rollback()
    monkeypatch.undo()

    row = _reload(db, mail.id)
    assert row.status == OutboxStatus.SENDING and row.attempts == 0
    assert deliver_outbox() == {"sent": 0, "retry": 0, "failed": 0}  # still leased
    with time_machine.travel(utcnow() + LEASE + timedelta(seconds=5)):
        assert deliver_outbox() == {"sent": 1, "retry": 0, "failed": 0}
    assert len(smtp_server.messages) == 1


def test_file_transport_writes_one_eml_per_mail(app, db, tmp_path):
    folder = tmp_path / "mail"
    old = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = f"file://{folder}"
    try:
        mails = [_queue(db, recipient=f"lid{n}@leernetwerk.test", subject=f"Bericht {n}") for n in range(3)]
        assert deliver_outbox()["sent"] == 3
        assert deliver_outbox()["sent"] == 0
    finally:
        app.config["MAIL_URL"] = old

    files = sorted(folder.glob("*.eml"))
    assert len(files) == 3
    parsed = {message_from_bytes(f.read_bytes(), policy=policy.default)["Message-ID"]: f for f in files}
    assert set(parsed) == {m.message_id for m in mails}
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("Bericht ")
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
