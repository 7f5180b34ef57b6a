"""Contact requests through the outbox: no addresses until an answer, rate limit, blocks and reports."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from wijkmakers.auth.models import User

from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.core.errors import DomainError, NotFound
from wijkmakers.network.initiatives import create_initiative
from wijkmakers.network.messages import block_sender, send_contact_request
from wijkmakers.network.profiles import profile_of
from wijkmakers.network.models import (REQUEST_ANSWERED, REQUEST_DECLINED, REQUEST_REFUSED, AbuseReport,
                                       ContactRequest, NetworkBlock)

from ..conftest import login, outbox
from .conftest import opt_in

MESSAGE = "Hoi Anna, ik werk ook aan energie in de wijk. Zullen we eens koffie drinken?"


def _send(client, sender, recipient, message=MESSAGE):
    login(client, sender)
    profile = profile_of(recipient.id)
    return client.post(f"/netwerk/mensen/{profile.id}/bericht", data={"message": message})


def test_request_reaches_the_recipient_without_the_senders_address(client, world):
    response = _send(client, world.bas, world.anna)
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je bericht aan Anna Bakker is verstuurd" in follow
    [mail] = outbox("anna@example.org")
    assert "Bas Visser" in mail.body and "koffie drinken" in mail.body
    assert "bas@example.org" not in mail.body and mail.reply_to is None
    request = db.session.scalar(select(ContactRequest))
    assert f"/netwerk/berichten/{request.id}" in mail.body

    login(client, world.anna)
    inbox = client.get("/netwerk/berichten").get_data(as_text=True)
    assert "Bas Visser" in inbox and "Nieuw" in inbox
    page = client.get(f"/netwerk/berichten/{request.id}").get_data(as_text=True)
    assert "koffie drinken" in page and "bas@example.org" not in page
    assert "Bekijk het profiel van Bas Visser" in page


def test_answer_reveals_the_responders_address_only_then(client, world):
    _send(client, world.bas, world.anna)
    request = db.session.scalar(select(ContactRequest))
    login(client, world.bas)
    assert client.post(f"/netwerk/berichten/{request.id}", data={"reply": "x"}).status_code == 404  # not his to answer
    login(client, world.anna)
    response = client.post(f"/netwerk/berichten/{request.id}", data={"reply": "Leuk! Mail me maar."})
    assert response.status_code == 302
    [mail] = outbox("bas@example.org")
    assert mail.reply_to == "anna@example.org"
    assert "anna@example.org" in mail.body and "Leuk! Mail me maar." in mail.body
    db.session.expire_all()
    assert db.session.get(ContactRequest, request.id).status == REQUEST_ANSWERED
    # answering twice is refused
    response = client.post(f"/netwerk/berichten/{request.id}", data={"reply": "Nog een keer"})
    assert response.status_code == 422
    assert len(outbox("bas@example.org")) == 1
    login(client, world.bas)
    page = client.get(f"/netwerk/berichten/{request.id}").get_data(as_text=True)
    assert "Leuk! Mail me maar." in page and "Beantwoord" in page


def test_empty_or_short_messages_are_refused_in_dutch(client, world):
    response = _send(client, world.bas, world.anna, message="hoi")
    assert response.status_code == 422 and "Schrijf tussen 10 en 1000 tekens." in response.get_data(as_text=True)
    response = _send(client, world.bas, world.anna, message="")
    assert response.status_code == 422 and "Schrijf een kort bericht." in response.get_data(as_text=True)
    assert outbox() == []
    login(client, world.anna)
    response = client.post(f"/netwerk/berichten/{999999}", data={"reply": "Hallo"})
    assert response.status_code == 404


def test_rate_limit_per_sender_per_day(client, world, make):
    people = [make.user(name=f"Ontvanger {n}") for n in range(6)]
    for person in people:
        opt_in(person)
    for person in people[:5]:
        assert _send(client, world.bas, person).status_code == 302
    response = _send(client, world.bas, people[5])
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "al 5 berichten in het netwerk verstuurd" in html and "morgen opnieuw" in html
    assert db.session.scalar(select(ContactRequest).where(ContactRequest.recipient_id == people[5].id)) is None
    # a day later the sender may send again
    db.session.execute(ContactRequest.__table__.update().values(created_at=utcnow() - timedelta(days=1, minutes=1)))
    db.session.commit()
    assert _send(client, world.bas, people[5]).status_code == 302


def test_rate_limit_is_configurable(app, world):
    app.config["NETWORK_CONTACT_LIMIT_PER_DAY"] = 1
    send_contact_request(world.bas, world.anna.id, MESSAGE)
    opt_in(world.carla)
    with pytest.raises(DomainError, match="al 1 berichten"):
        send_contact_request(world.bas, world.carla.id, MESSAGE)


def test_a_second_open_request_to_the_same_person_is_refused(client, world):
    assert _send(client, world.bas, world.anna).status_code == 302
    response = _send(client, world.bas, world.anna)
    assert response.status_code == 422 and "al een bericht gestuurd" in response.get_data(as_text=True)


def test_blocked_sender_is_refused_without_being_told(client, world):
    _send(client, world.bas, world.anna)
    first = db.session.scalar(select(ContactRequest))
    login(client, world.anna)
    assert client.post(f"/netwerk/berichten/{first.id}/blokkeren").status_code == 302
    assert db.session.scalar(select(NetworkBlock)).blocked_id == world.bas.id
    mails_before = len(outbox())

    # Bas sends again: he sees exactly what any sender sees; nothing reaches Anna
    response = _send(client, world.bas, world.anna, message="Waarom antwoord je niet? Ik probeer het nog eens.")
    assert response.status_code == 302
    assert "is verstuurd" in client.get(response.headers["Location"]).get_data(as_text=True)
    second = db.session.scalars(select(ContactRequest).order_by(ContactRequest.id.desc())).first()
    assert second.status == REQUEST_REFUSED
    assert len(outbox()) == mails_before
    sent = client.get("/netwerk/berichten").get_data(as_text=True)
    # the archived first one and the refused second one look alike
    assert sent.count('<span class="tag">Verstuurd</span>') == 2
    assert "geweigerd" not in sent.lower() and "niet beantwoord" not in sent.lower()
    assert "geweigerd" not in client.get(f"/netwerk/berichten/{second.id}").get_data(as_text=True)
    # Bas still sees Anna's profile as before
    assert client.get(f"/netwerk/mensen/{profile_of(world.anna.id).id}").status_code == 200

    login(client, world.anna)
    inbox = client.get("/netwerk/berichten").get_data(as_text=True)
    assert "Waarom antwoord je niet" not in inbox
    assert client.get(f"/netwerk/berichten/{second.id}").status_code == 404
    assert "Bas Visser" in inbox  # in the blocked list, and the first (archived) request
    # a blocked sender's help offer is refused silently too
    initiative = create_initiative(world.anna, title="Energiecafé", neighbourhood="Selwerd",
                                            theme="energietransitie", summary="Elke maand een energiecafé.")
    login(client, world.bas)
    response = client.post(f"/netwerk/initiatieven/{initiative.id}/hulp",
                           data={"message": "Ik help graag mee met het energiecafé!"})
    assert response.status_code == 302
    assert len(outbox()) == mails_before

    # unblocking lets new requests through again
    login(client, world.anna)
    block = db.session.scalar(select(NetworkBlock))
    assert client.post(f"/netwerk/blokkades/{block.id}/opheffen").status_code == 302
    db.session.execute(ContactRequest.__table__.update().values(status=REQUEST_DECLINED))
    db.session.commit()
    _send(client, world.bas, world.anna, message="Een nieuw bericht na het opheffen van de blokkade.")
    assert len(outbox("anna@example.org")) == 2


def test_only_the_blocker_can_unblock(client, world):
    _send(client, world.bas, world.anna)
    request = db.session.scalar(select(ContactRequest))
    block_sender(world.anna, request.id)
    block = db.session.scalar(select(NetworkBlock))
    login(client, world.bas)
    assert client.post(f"/netwerk/blokkades/{block.id}/opheffen").status_code == 404
    assert client.post(f"/netwerk/berichten/{request.id}/blokkeren").status_code == 404  # sender cannot block on it


def test_declining_archives_without_telling_the_sender(client, world):
    _send(client, world.bas, world.anna)
    request = db.session.scalar(select(ContactRequest))
    login(client, world.anna)
    assert client.post(f"/netwerk/berichten/{request.id}/archiveren").status_code == 302
    db.session.expire_all()
    assert db.session.get(ContactRequest, request.id).status == REQUEST_DECLINED
    assert outbox("bas@example.org") == []
    login(client, world.bas)
    assert "Verstuurd" in client.get(f"/netwerk/berichten/{request.id}").get_data(as_text=True)


def test_report_goes_to_the_organisers(client, world):
    _send(client, world.bas, world.anna, message="Dit is een vervelend en ongewenst bericht aan jou.")
    request = db.session.scalar(select(ContactRequest))
    login(client, world.anna)
    assert client.get(f"/netwerk/berichten/{request.id}/melden").status_code == 200
    response = client.post(f"/netwerk/berichten/{request.id}/melden", data={"reason": ""})
    assert response.status_code == 422 and "Beschrijf kort" in response.get_data(as_text=True)
    response = client.post(f"/netwerk/berichten/{request.id}/melden",
                           data={"reason": "Opdringerig bericht", "also_block": "y"})
    assert response.status_code == 302
    report = db.session.scalar(select(AbuseReport))
    assert report.reported_id == world.bas.id and report.reporter_id == world.anna.id
    assert db.session.scalar(select(NetworkBlock)).blocked_id == world.bas.id
    assert [m.subject for m in outbox("olga@example.org")] == ["Nieuwe melding in het Wijkmakers-netwerk"]

    for user in (world.anna, world.bas, world.coordinator, world.guide):
        login(client, user)
        assert client.get("/netwerk/meldingen").status_code == 403
        assert client.post(f"/netwerk/meldingen/{report.id}", data={"note": "x"}).status_code == 403
    login(client, world.organiser)
    page = client.get("/netwerk/meldingen").get_data(as_text=True)
    assert "Opdringerig bericht" in page and "vervelend en ongewenst" in page
    response = client.post(f"/netwerk/meldingen/{report.id}", data={"note": "Gesproken met Bas.", "hide_profile": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AbuseReport, report.id).handled_at is not None
    assert not profile_of(world.bas.id).opted_in
    assert "Er zijn geen open meldingen" in client.get("/netwerk/meldingen").get_data(as_text=True)
    assert "Gesproken met Bas." in client.get("/netwerk/meldingen?alle=1").get_data(as_text=True)
    assert client.post("/netwerk/meldingen/999999", data={"note": ""}).status_code == 404


def test_only_sender_and_recipient_see_a_message(client, world):
    _send(client, world.bas, world.anna)
    request = db.session.scalar(select(ContactRequest))
    for user in (world.carla, world.organiser, world.coordinator):
        login(client, user)
        assert client.get(f"/netwerk/berichten/{request.id}").status_code == 404
        assert client.get(f"/netwerk/berichten/{request.id}/melden").status_code == 404
        assert client.post(f"/netwerk/berichten/{request.id}/archiveren").status_code == 404
    login(client, world.bas)
    assert client.get(f"/netwerk/berichten/{request.id}/melden").status_code == 404


def test_who_may_send(client, world):
    # not in the network: refused, with an invitation
    login(client, world.carla)
    response = client.post(f"/netwerk/mensen/{profile_of(world.anna.id).id}/bericht",
                           data={"message": MESSAGE})
    assert response.status_code == 403 and "Meedoen aan het netwerk" in response.get_data(as_text=True)
    # an organiser may, to bring people together; the name shows the role
    request = send_contact_request(world.organiser, world.anna.id, MESSAGE)
    assert request.sender_name == "Olga Organisator (organisator bij Wijkmakers)"
    # someone who does not accept contact requests
    opt_in(world.anna, accepts_contact=False)
    with pytest.raises(DomainError, match="ontvangt op dit moment geen contactverzoeken"):
        send_contact_request(world.bas, world.anna.id, MESSAGE)
    # nobody writes to themselves or to someone outside the network
    with pytest.raises(DomainError):
        send_contact_request(world.bas, world.bas.id, MESSAGE)
    with pytest.raises(NotFound):
        send_contact_request(world.bas, world.carla.id, MESSAGE)


def test_concurrent_requests_never_exceed_the_daily_limit(app, world, make):
    """Eight requests from one sender at the same moment: exactly five go out (SQLite and PostgreSQL)."""
    recipients = []
    for n in range(8):
        person = make.user(name=f"Tegelijk {n}")
        opt_in(person)
        recipients.append(person.id)
    sender_id = world.bas.id
    outcomes = []
    barrier = threading.Barrier(len(recipients), timeout=30)

    def worker(recipient_id):
        # One shared app, one app context (session) per thread: creating apps in threads trips a
        # CPython 3.11 compiler bug.
        with app.app_context():
            try:
                sender = db.session.get(User, sender_id)
                barrier.wait()
                send_contact_request(sender, recipient_id, MESSAGE)
                outcomes.append("ok")
            except DomainError as exc:
                db.session.rollback()
                outcomes.append("limit" if "maximum per dag" in str(exc) else repr(exc))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(rid,)) for rid in recipients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["limit"] * 3 + ["ok"] * 5, outcomes
    assert db.session.scalar(select(func.count()).select_from(ContactRequest)) == 5
    assert len(outbox()) == 5
