"""The beheerder's Verzendlijst: counts, last errors, retry; nobody else may see it."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.permissions import ALL_ROLES, BEHEERDER
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage
from wijkmakers.notifications.services import queue_mail

URL = "/beheer/verzendlijst"


def _message(recipient="a@example.org", subject="Onderwerp", **fields):
    message = queue_mail(recipient, subject, "Tekst")
    db.session.flush()
    for key, value in fields.items():
        setattr(message, key, value)
    db.session.commit()
    return message


def _failed(recipient="kapot@example.org", error="SMTPRecipientsRefused: 550 onbekend"):
    now = utcnow()
    return _message(recipient, failed_at=now, attempts=1, last_attempt_at=now, last_error=error)


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert client.post(f"{URL}/opnieuw").status_code == 302


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != BEHEERDER])
def test_other_roles_are_refused(client, login_as, role):
    login_as(role)
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}/opnieuw").status_code == 403
    assert client.post(f"{URL}/1/opnieuw").status_code == 403


def test_beheerder_sees_counts_and_the_last_errors(client, login_as):
    login_as(BEHEERDER)
    _message("wacht@example.org")
    _message("verstuurd@example.org", sent_at=utcnow(), attempts=1)
    _message("later@example.org", attempts=2, last_attempt_at=utcnow(), last_error="ConnectionRefusedError: weg",
             next_attempt_at=utcnow() + timedelta(minutes=2))
    _failed(error="<script>alert(1)</script>")
    page = client.get(URL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<h1>") == 1
    for label, number in (("Wacht op verzending", 2), ("Waarvan na een mislukte poging", 1), ("Verstuurd", 1),
                          ("Mislukt", 1)):
        assert f"<dt>{label}</dt><dd>{number}</dd>" in html
    assert "later@example.org" in html and "ConnectionRefusedError: weg" in html
    assert "Wacht" in html and "volgende" in html
    assert "kapot@example.org" in html and "&lt;script&gt;" in html and "<script>alert" not in html
    assert "wacht@example.org" not in html  # no error, nothing to show
    assert "Alle 1 mislukte berichten opnieuw versturen" in html
    assert 'href="/beheer/verzendlijst"' in html  # in the navigation


def test_navigation_shows_the_page_only_to_the_beheerder(client, login_as):
    login_as("coordinator")
    assert 'href="/beheer/verzendlijst"' not in client.get("/").get_data(as_text=True)


def test_empty_outbox(client, login_as):
    login_as(BEHEERDER)
    html = client.get(URL).get_data(as_text=True)
    assert "Er zijn geen berichten met fouten." in html and "opnieuw versturen" not in html


def test_the_page_issues_a_constant_number_of_queries(client, login_as, count_queries):
    login_as(BEHEERDER)
    _failed()
    with count_queries() as few:
        assert client.get(URL).status_code == 200
    for i in range(15):
        _failed(recipient=f"kapot{i}@example.org")
    with count_queries() as many:
        assert client.get(URL).status_code == 200
    assert many.count == few.count


def test_retry_one_message(client, login_as):
    admin = login_as(BEHEERDER)
    message = _failed()
    response = client.post(f"{URL}/{message.id}/opnieuw", follow_redirects=True)
    assert response.status_code == 200
    assert f"Bericht {message.id} staat weer klaar" in response.get_data(as_text=True)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert message.failed_at is None and message.attempts == 0 and message.next_attempt_at <= utcnow()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.retry"))
    assert event.actor_id == admin.id and event.object_id == message.id


def test_retry_a_sent_message_is_refused_with_a_message(client, login_as):
    login_as(BEHEERDER)
    message = _message(sent_at=utcnow(), attempts=1)
    response = client.post(f"{URL}/{message.id}/opnieuw", follow_redirects=True)
    assert "al verstuurd" in response.get_data(as_text=True)


def test_retry_an_unknown_message_is_404(client, login_as):
    login_as(BEHEERDER)
    assert client.post(f"{URL}/987654/opnieuw").status_code == 404
    assert client.get(f"{URL}/1/opnieuw").status_code == 405


def test_retry_all_failed(client, login_as):
    login_as(BEHEERDER)
    _failed("a@example.org")
    _failed("b@example.org")
    _message("c@example.org", sent_at=utcnow())
    response = client.post(f"{URL}/opnieuw", follow_redirects=True)
    assert "2 mislukte berichten staan weer klaar" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))).all() == []
    again = client.post(f"{URL}/opnieuw", follow_redirects=True)
    assert "Er waren geen mislukte berichten." in again.get_data(as_text=True)


def test_retry_needs_a_valid_csrf_token_when_csrf_is_on(app, client, login_as):
    login_as(BEHEERDER)
    message = _failed()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"{URL}/{message.id}/opnieuw").status_code in (400, 403)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).failed_at is not None
