"""erase_network_data: the profile, message contents and the personal parts of initiatives go."""
import pytest
from sqlalchemy import func, select

from wijkmakers.core.errors import DomainError
from wijkmakers.core.timeutil import utcnow
from wijkmakers.core.transaction import transactional

from wijkmakers.extensions import db
from wijkmakers.network.erasure import erase_network_data
from wijkmakers.network.figures import network_figures
from wijkmakers.network.initiatives import add_update, create_initiative, follow
from wijkmakers.network.messages import answer_request, block_sender, report_abuse, send_contact_request
from wijkmakers.network.profiles import profile_of
from wijkmakers.network.models import (AbuseReport, ContactRequest, Initiative, InitiativeFollower,
                                       InitiativeUpdate, NetworkBlock, NetworkProfile, NetworkProfileTheme)

from ..conftest import login
from .conftest import make_plan

MESSAGE = "Hallo, zullen we eens kennismaken over energie in de wijk?"


def test_erase_network_data(client, world):
    plan = make_plan(world.anna)
    mine = create_initiative(world.anna, title="Energiecafé bij Anna thuis", neighbourhood="Selwerd",
                                      theme="energietransitie", summary="Bij mij thuis, Eikenlaan 3.",
                                      progress_id=plan.id, status="bezig")
    add_update(world.anna, mine.id, "Eerste avond bij mij thuis.")
    follow(world.bas, mine.id)
    theirs = create_initiative(world.bas, title="Panel", neighbourhood=None, theme=None,
                                        summary="Een bewonerspanel opzetten.")
    follow(world.anna, theirs.id)
    to_anna = send_contact_request(world.bas, world.anna.id, MESSAGE)
    answer_request(world.anna, to_anna.id, "Graag, bel me!")
    send_contact_request(world.anna, world.bas.id, MESSAGE)
    block_sender(world.bas, db.session.scalar(select(ContactRequest.id).where(
        ContactRequest.sender_id == world.anna.id)))
    report_abuse(world.bas, db.session.scalar(select(ContactRequest.id).where(
        ContactRequest.sender_id == world.anna.id)), "Anna stuurt te veel berichten.")
    before = network_figures()

    counts = erase_network_data(world.anna.id)
    assert counts["profiles"] == 1 and counts["initiatives"] == 1 and counts["requests"] == 2

    assert db.session.scalar(select(NetworkProfile).where(NetworkProfile.user_id == world.anna.id)) is None
    assert db.session.scalar(select(func.count()).select_from(NetworkProfileTheme)) == 1  # Bas's only
    for request in db.session.scalars(select(ContactRequest)):
        assert request.message == "" and request.reply == ""
        assert world.anna.id not in (request.sender_id, request.recipient_id)
    assert db.session.scalar(select(NetworkBlock)) is None
    report = db.session.scalar(select(AbuseReport))
    assert report.reason == "" and report.reported_id is None
    db.session.expire_all()
    erased = db.session.get(Initiative, mine.id)
    assert erased.author_id is None and erased.progress_id is None and erased.summary == ""
    assert "Anna" not in erased.title
    assert all(u.body == "" for u in db.session.scalars(select(InitiativeUpdate)))
    assert db.session.scalar(select(func.count()).select_from(InitiativeFollower)) == 0
    # what remains keeps the figures of the past intact (status, theme, neighbourhood, counts)
    after = network_figures()
    assert after["initiatives"] == dict(before["initiatives"], followers=0)
    assert after["contact_requests"] == before["contact_requests"]

    # the erased initiative is not shown anywhere, and Bas's pages still work
    login(client, world.bas)
    assert client.get(f"/netwerk/initiatieven/{mine.id}").status_code == 404
    inbox = client.get("/netwerk/berichten")
    assert inbox.status_code == 200 and MESSAGE not in inbox.get_data(as_text=True)
    for request in db.session.scalars(select(ContactRequest).where(ContactRequest.recipient_id == world.bas.id)):
        assert client.get(f"/netwerk/berichten/{request.id}").status_code in (200, 404)
    login(client, world.organiser)
    assert client.get("/netwerk/meldingen").status_code == 200


def test_erase_inside_a_transaction_is_rolled_back_with_it(world):
    @transactional
    def erase_then_fail():
        assert erase_network_data(world.bas.id)["profiles"] == 1
        raise DomainError("Het wissen van de rest lukt niet.")

    with pytest.raises(DomainError):
        erase_then_fail()
    db.session.expire_all()
    assert profile_of(world.bas.id) is not None


def test_erase_someone_without_network_data(world):
    assert erase_network_data(world.carla.id) == {"profiles": 0, "requests": 0, "blocks": 0, "follows": 0,
                                                           "initiatives": 0}


def test_the_coordinators_erasure_of_a_person_erases_their_network_data(client, world):
    """people.privacy.erase_person sends person_erased; network.subscribers runs erase_network_data in it."""
    mine = create_initiative(world.anna, title="Energiecafé bij Anna thuis", neighbourhood="Selwerd",
                             theme="energietransitie", summary="Bij mij thuis, Eikenlaan 3.")
    follow(world.bas, mine.id)
    to_anna = send_contact_request(world.bas, world.anna.id, MESSAGE)
    world.anna.erasure_requested_at = utcnow()
    db.session.commit()
    login(client, world.coordinator)
    assert client.post(f"/beheer/privacyverzoeken/{world.anna.id}/wissen").status_code == 302
    db.session.expire_all()
    assert profile_of(world.anna.id) is None
    request = db.session.get(ContactRequest, to_anna.id)
    assert request.message == "" and request.recipient_id is None
    erased = db.session.get(Initiative, mine.id)
    assert erased.author_id is None and erased.summary == "" and erased.title == "(verwijderd)"
    assert db.session.scalar(select(func.count()).select_from(InitiativeFollower)) == 0
    assert profile_of(world.bas.id) is not None  # only Anna's data went
