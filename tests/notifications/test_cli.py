"""`flask outbox ...`: send once or as a service, status, retry, purge."""
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications import cli, sender
from wijkmakers.notifications.models import OutboxAttachment, OutboxMessage
from wijkmakers.notifications.services import Attachment, queue_mail


def _queue(n=1):
    for i in range(n):
        queue_mail(f"p{i}@example.org", f"Bericht {i}", "Tekst")
    db.session.commit()


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=["outbox", *args])


def _count(*where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(*where))


def test_help_is_dutch(app):
    result = _invoke(app, "send", "--help")
    assert result.exit_code == 0
    assert "--once / --loop" in result.output and "--interval" in result.output and "--limit" in result.output
    assert "Verstuur de e-mail die klaarstaat" in result.output
    assert "De verzendlijst" in _invoke(app, "--help").output


def test_send_once_reports_counts_and_respects_the_limit(app, mailbox):
    _queue(3)
    result = _invoke(app, "send", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert "2 verstuurd, 0 uitgesteld (nieuwe poging later), 0 opgegeven." in result.output
    assert len(mailbox.recipients) == 2
    assert _count(OutboxMessage.sent_at.is_(None)) == 1


def test_send_rejects_a_bad_limit(app):
    result = _invoke(app, "send", "--limit", "0")
    assert result.exit_code == 2 and "--limit" in result.output


def test_loop_drains_full_batches_without_waiting_then_stops_on_request(app, mailbox, monkeypatch):
    _queue(5)
    waits = []

    def fake_wait(seconds):
        waits.append(seconds)
        return True  # as if SIGTERM arrived while waiting

    monkeypatch.setattr(cli, "_wait", fake_wait)
    result = _invoke(app, "send", "--loop", "--limit", "2", "--interval", "7")
    assert result.exit_code == 0, result.output
    assert waits == [7]  # rounds of 2, 2, 1: only after the short round does it wait
    assert sorted(mailbox.recipients) == [f"p{i}@example.org" for i in range(5)]
    assert "Verzender gestopt." in result.output


def test_loop_survives_a_database_hiccup(app, mailbox, monkeypatch):
    _queue(1)
    real_send = sender.send_due
    calls = []

    def flaky_send(limit):
        calls.append(limit)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return real_send(limit=limit)

    monkeypatch.setattr(sender, "send_due", flaky_send)
    waits = iter([False, True])
    monkeypatch.setattr(cli, "_wait", lambda seconds: next(waits))
    result = _invoke(app, "send", "--loop", "--interval", "1")
    assert result.exit_code == 0, result.output
    assert len(calls) == 2 and mailbox.recipients == ["p0@example.org"]


def test_status_shows_counts_and_last_errors(app, smtp):
    _queue(2)
    _invoke(app, "send")  # server down: both deferred
    result = _invoke(app, "status")
    assert result.exit_code == 0
    assert "wachtend: 2 (waarvan 2 na een mislukte poging), verstuurd: 0, mislukt: 0" in result.output
    assert "p0@example.org (poging 1): ConnectionRefusedError" in result.output


def test_retry_puts_failed_messages_back(app, mailbox):
    _queue(2)
    db.session.execute(update(OutboxMessage).values(failed_at=utcnow(), attempts=12, last_error="x"))
    db.session.commit()
    first_id = db.session.scalar(select(func.min(OutboxMessage.id)))
    result = _invoke(app, "retry", "--id", str(first_id))
    assert result.exit_code == 0 and f"Bericht #{first_id} staat weer klaar." in result.output
    assert _count(OutboxMessage.failed_at.is_(None)) == 1
    assert "1 mislukte bericht(en) staan weer klaar." in _invoke(app, "retry").output
    _invoke(app, "send")
    assert len(mailbox.recipients) == 2

    missing = _invoke(app, "retry", "--id", "999999")
    assert missing.exit_code == 1 and "Dit bericht bestaat niet." in missing.output
    sent = _invoke(app, "retry", "--id", str(first_id))
    assert sent.exit_code == 1 and "al verstuurd" in sent.output


def test_purge_deletes_only_old_sent_messages(app):
    queue_mail("oud@example.org", "Oud", "Tekst", attachments=[Attachment("a.ics", "text/calendar", b"X")])
    queue_mail("nieuw@example.org", "Nieuw", "Tekst")
    queue_mail("wacht@example.org", "Wacht", "Tekst")
    queue_mail("mislukt@example.org", "Mislukt", "Tekst")
    db.session.commit()
    long_ago = utcnow() - timedelta(days=200)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "oud@example.org")
                       .values(sent_at=long_ago, created_at=long_ago))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "nieuw@example.org")
                       .values(sent_at=utcnow()))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "mislukt@example.org")
                       .values(failed_at=long_ago, created_at=long_ago))
    db.session.commit()
    result = _invoke(app, "purge", "--days", "90")
    assert result.exit_code == 0 and "1 verstuurde bericht(en) verwijderd." in result.output
    db.session.expire_all()
    assert set(db.session.scalars(select(OutboxMessage.recipient))) == {
        "nieuw@example.org", "wacht@example.org", "mislukt@example.org"}
    assert db.session.scalar(select(func.count()).select_from(OutboxAttachment)) == 0
