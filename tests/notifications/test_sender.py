"""The outbox is delivered to a real SMTP server on loopback, survives the server being down, gives up
without losing anything, and two senders at once never send a message twice."""
import threading
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications import sender, services
from wijkmakers.notifications.models import OutboxMessage
from wijkmakers.notifications.services import Attachment, queue_mail

from .conftest import SMTP_PASSWORD, SMTP_USER

ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:activiteit-7@wijkmakers\r\n"
       b"SUMMARY:Wijkwandeling Selwerd\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def _queue(n=1, **kwargs):
    for i in range(n):
        queue_mail(kwargs.get("recipient", f"p{i}@example.org"), kwargs.get("subject", f"Bericht {i}"),
                   kwargs.get("body", "Tekst"), attachments=kwargs.get("attachments", ()))
    db.session.commit()


def _messages():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_delivers_subject_recipient_body_and_calendar_attachment(app, mailbox):
    queue_mail("sanne@example.org", "Je bent aangemeld – wandeling in Selwerd",
               "Beste Sanne,\n\nTot woensdag bij het buurthuis. Groet, de coördinator\n",
               attachments=[Attachment("activiteit-7.ics", "text/calendar; method=REQUEST", ICS)],
               reply_to="organisator@wijkmakers.example")
    db.session.commit()

    assert sender.send_due().as_dict() == {"claimed": 1, "sent": 1, "deferred": 0, "failed": 0}

    assert mailbox.recipients == ["sanne@example.org"]
    (mail,) = mailbox.messages
    assert mail["To"] == "sanne@example.org"
    assert mail["From"] == "Wijkmakers <noreply@wijkmakers.example>"
    assert mail["Subject"] == "Je bent aangemeld – wandeling in Selwerd"
    assert mail["Reply-To"] == "organisator@wijkmakers.example"
    (row,) = _messages()
    assert mail["Message-ID"].startswith(f"<outbox.{row.id}.") and mail["Message-ID"].endswith("@wijkmakers.example>")
    assert "Tot woensdag bij het buurthuis. Groet, de coördinator" in mail.get_body(("plain",)).get_content()
    (part,) = list(mail.iter_attachments())
    assert part.get_filename() == "activiteit-7.ics"
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_payload(decode=True) == ICS

    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None and row.claimed_until is None
    assert sender.send_due().claimed == 0  # never twice
    assert len(mailbox.envelopes) == 1


def test_calendar_method_is_taken_from_the_content_when_the_type_lacks_it(app, mailbox):
    cancel = ICS.replace(b"METHOD:REQUEST", b"METHOD:CANCEL")
    _queue(attachments=[Attachment("afgelast.ics", "text/calendar", cancel),
                        Attachment("lijst.pdf", "application/pdf", b"%PDF-1.7 ...")])
    sender.send_due()
    calendar, pdf = mailbox.messages[0].iter_attachments()
    assert calendar.get_param("method") == "CANCEL" and calendar.get_param("charset") == "utf-8"
    assert pdf.get_content_type() == "application/pdf" and pdf.get_payload(decode=True) == b"%PDF-1.7 ..."


def test_a_line_break_in_the_subject_cannot_add_recipients(app, mailbox):
    _queue(recipient="a@example.org", subject="Hallo\r\nBcc: b@example.org")
    assert sender.send_due().sent == 1
    assert mailbox.recipients == ["a@example.org"]
    assert mailbox.messages[0]["Bcc"] is None


def test_server_down_backs_off_and_delivers_on_a_later_run(app, smtp, time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 10, 0), tick=False)
    _queue()
    result = sender.send_due()
    assert (result.sent, result.deferred, result.failed) == (0, 1, 0)
    (message,) = _messages()
    assert message.sent_at is None and message.failed_at is None and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == datetime(2026, 11, 23, 10, 1)
    assert message.claimed_until is None
    assert sender.send_due().claimed == 0  # not due yet

    time_machine.move_to(datetime(2026, 11, 23, 10, 1, 30), tick=False)
    assert sender.send_due().deferred == 1
    (message,) = _messages()
    assert message.attempts == 2 and message.next_attempt_at == datetime(2026, 11, 23, 10, 3, 30)  # doubled

    mailbox = smtp.start()
    time_machine.move_to(datetime(2026, 11, 23, 10, 2), tick=False)
    assert sender.send_due().claimed == 0  # the back-off is respected even when the server is back
    time_machine.move_to(datetime(2026, 11, 23, 10, 4), tick=False)
    assert sender.send_due().sent == 1
    assert mailbox.recipients == ["p0@example.org"]
    (message,) = _messages()
    assert message.attempts == 3 and message.sent_at == datetime(2026, 11, 23, 10, 4) and message.last_error is None


def test_an_unreachable_server_defers_the_whole_batch_after_one_try(app, smtp, monkeypatch):
    _queue(3)
    connects = []
    real_connect = sender._connect

    def counting_connect():
        connects.append(1)
        return real_connect()

    monkeypatch.setattr(sender, "_connect", counting_connect)
    result = sender.send_due()
    assert (result.claimed, result.deferred) == (3, 3)
    assert len(connects) == 1
    assert [m.attempts for m in _messages()] == [1, 1, 1]


def test_backoff_grows_and_is_capped():
    assert [sender.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert sender.backoff(30) == timedelta(hours=6)


def test_gives_up_after_the_last_attempt_but_keeps_the_message(app, smtp, time_machine):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    time_machine.move_to(datetime(2026, 11, 23, 10, 0), tick=False)
    _queue()
    outcomes = []
    for hour in range(3):
        time_machine.move_to(datetime(2026, 11, 23, 11 + hour, 0), tick=False)
        result = sender.send_due()
        outcomes.append((result.deferred, result.failed))
    assert outcomes == [(1, 0), (1, 0), (0, 1)]
    (message,) = _messages()
    assert message.failed_at == datetime(2026, 11, 23, 13, 0) and message.sent_at is None
    assert message.attempts == 3 and message.status == "failed" and "Connection" in message.last_error

    mailbox = smtp.start()
    time_machine.move_to(datetime(2026, 11, 24, 10, 0), tick=False)
    assert sender.send_due().claimed == 0  # failed stays failed, but is still there
    counts = services.outbox_counts()
    assert (counts.pending, counts.failed, counts.sent) == (0, 1, 0)

    assert services.retry_failed(actor_id=None) == 1
    assert sender.send_due().sent == 1
    assert mailbox.recipients == ["p0@example.org"]
    (message,) = _messages()
    assert message.failed_at is None and message.status == "sent"


def test_a_refused_recipient_fails_at_once_and_the_rest_still_goes(app, smtp):
    mailbox = smtp.start(refuse={"weg@example.org"})
    queue_mail("weg@example.org", "Eerste", "Tekst")
    queue_mail("er@example.org", "Tweede", "Tekst")
    db.session.commit()
    result = sender.send_due()
    assert (result.sent, result.deferred, result.failed) == (1, 0, 1)
    gone, there = _messages()
    assert gone.failed_at is not None and gone.attempts == 1 and "550" in gone.last_error
    assert there.sent_at is not None
    assert mailbox.recipients == ["er@example.org"]


def test_logs_in_and_never_stores_the_password(app, smtp):
    mailbox = smtp.start(authenticate=True)
    app.config.update(MAIL_USERNAME=SMTP_USER, MAIL_PASSWORD=SMTP_PASSWORD)
    _queue()
    assert sender.send_due().sent == 1
    assert mailbox.recipients == ["p0@example.org"]

    app.config["MAIL_PASSWORD"] = "verkeerd-" + SMTP_PASSWORD
    _queue(recipient="q@example.org")
    assert sender.send_due().deferred == 1
    failed = _messages()[-1]
    assert "SMTPAuthenticationError" in failed.last_error and "535" in failed.last_error
    assert SMTP_PASSWORD not in failed.last_error


def test_error_texts_are_scrubbed_of_the_password_and_its_encodings(app):
    import base64
    import smtplib

    app.config.update(MAIL_USERNAME="portaal", MAIL_PASSWORD="s3cr3t!")
    plain = base64.b64encode(b"\0portaal\0s3cr3t!").decode()
    login = base64.b64encode(b"s3cr3t!").decode()
    text = sender.describe_error(smtplib.SMTPResponseException(535, f"bad s3cr3t! {plain} {login}\r\nX".encode()))
    assert "s3cr3t!" not in text and plain not in text and login not in text
    assert text.startswith("SMTPResponseException: 535 bad ***") and "\n" not in text


def test_a_stale_claim_expires(app, mailbox):
    _queue()
    db.session.execute(update(OutboxMessage).values(claimed_by="crashed",
                                                    claimed_until=utcnow() + timedelta(minutes=5)))
    db.session.commit()
    assert sender.send_due().claimed == 0  # someone holds it
    db.session.execute(update(OutboxMessage).values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert sender.send_due().sent == 1
    assert mailbox.recipients == ["p0@example.org"]


def test_a_message_whose_claim_was_taken_over_is_not_sent(app, mailbox, monkeypatch):
    _queue(2)
    real_claim = sender.claim_batch

    def claim_then_lose_first(worker, limit):
        ids = real_claim(worker, limit)
        # Our sender stalled past its claim; another one took the first message meanwhile.
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == ids[0]).values(claimed_by="other"))
        db.session.commit()
        return ids

    monkeypatch.setattr(sender, "claim_batch", claim_then_lose_first)
    result = sender.send_due()
    assert result.sent == 1
    assert mailbox.recipients == ["p1@example.org"]
    first, second = _messages()
    assert first.sent_at is None and first.attempts == 0 and second.sent_at is not None


def test_a_message_erased_while_it_is_sent_does_not_stop_the_run(app, mailbox, monkeypatch, caplog):
    _queue(2)
    first_id = _messages()[0].id
    real_build = sender.build_email

    def build_then_erase(message):
        email = real_build(message)
        if message.id == first_id:  # meanwhile the person's data is erased (people.privacy)
            with db.engine.begin() as other:
                other.execute(delete(OutboxMessage).where(OutboxMessage.id == first_id))
        return email

    monkeypatch.setattr(sender, "build_email", build_then_erase)
    result = sender.send_due()
    assert result.claimed == 2 and len(mailbox.recipients) == 2
    (left,) = _messages()
    assert left.recipient == "p1@example.org" and left.sent_at is not None
    assert f"outbox message {first_id} was deleted while it was being sent" in caplog.text


def test_two_senders_at_once_send_each_message_exactly_once(app, mailbox):
    _queue(40)
    errors, start = [], threading.Barrier(2)

    def run(name):
        try:
            with app.app_context():
                start.wait()
                while sender.send_due(limit=3, worker=name).claimed:
                    pass
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"sender-{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(mailbox.recipients) == sorted(f"p{i}@example.org" for i in range(40))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_not(None))) == 40
    assert db.session.scalar(select(func.sum(OutboxMessage.attempts))) == 40
