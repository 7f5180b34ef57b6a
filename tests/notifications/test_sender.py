"""The outbox is delivered to a real SMTP server on loopback, survives the server being down, and two
senders at once never send a message twice."""
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications import sender
from wijkmakers.notifications.models import OutboxMessage
from wijkmakers.notifications.services import Attachment, queue_mail


class Collect:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_port():
    return _free_port()


@pytest.fixture
def app_config(smtp_port):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port, "MAIL_TIMEOUT": 5}


@pytest.fixture
def smtp_server(smtp_port):
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


def test_delivers_with_attachment(app, smtp_server):
    queue_mail("sanne@example.org", "Je bent aangemeld", "Tot woensdag!",
               attachments=[Attachment("wandeling.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\n")])
    db.session.commit()
    assert sender.send_due() == {"claimed": 1, "sent": 1, "failed": 0}
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["sanne@example.org"]
    raw = envelope.content.decode()
    assert "Subject: Je bent aangemeld" in raw and "Tot woensdag!" in raw
    assert 'filename="wandeling.ics"' in raw and "method=" in raw
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is not None
    assert sender.send_due()["claimed"] == 0  # never twice


def test_server_down_backs_off_and_delivers_later(app, smtp_port, time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=False)
    queue_mail("a@example.org", "Onderwerp", "Tekst")
    db.session.commit()
    result = sender.send_due()
    assert result["failed"] == 1 and result["sent"] == 0
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is None and message.attempts == 1 and "Error" in message.last_error
    assert message.next_attempt_at > utcnow()
    assert sender.send_due()["claimed"] == 0  # not due yet
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        time_machine.move_to("2026-11-23 10:05:00+00:00", tick=False)
        assert sender.send_due()["sent"] == 1
    finally:
        controller.stop()
    assert len(handler.messages) == 1
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage)).attempts == 2


def test_a_stale_claim_expires(app, smtp_server):
    queue_mail("a@example.org", "Onderwerp", "Tekst")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    message.claimed_by, message.claimed_until = "crashed", utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert sender.send_due()["claimed"] == 0
    message.claimed_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert sender.send_due()["sent"] == 1


def test_two_senders_never_send_a_message_twice(app, smtp_server):
    for i in range(40):
        queue_mail(f"p{i}@example.org", f"Bericht {i}", "Tekst")
    db.session.commit()
    errors = []

    def run(name):
        try:
            with app.app_context():
                while sender.send_due(limit=5, worker=name)["claimed"]:
                    pass
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"sender-{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    recipients = [e.rcpt_tos[0] for e in smtp_server.messages]
    assert len(recipients) == 40 and len(set(recipients)) == 40
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_not(None))) == 40


def test_cli_send_reports_counts(app, smtp_server):
    queue_mail("a@example.org", "Onderwerp", "Tekst")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "1 verstuurd" in result.output
