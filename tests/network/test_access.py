"""Every network page for anonymous visitors, for someone who did not opt in, and for a blocked sender."""
import pytest
from sqlalchemy import select

from wijkmakers.extensions import db
from wijkmakers.network.initiatives import create_initiative, visible_initiative
from wijkmakers.network.messages import block_sender, send_contact_request
from wijkmakers.network.profiles import profile_of
from wijkmakers.network.models import ContactRequest, NetworkBlock

from ..conftest import login, outbox
from .conftest import make_plan

MESSAGE = "Hallo, zullen we eens kennismaken over energie in de wijk?"


@pytest.fixture
def scene(world):
    """Anna opted in, has an initiative, an action plan and blocked Bas after his first message."""
    plan = make_plan(world.anna)
    initiative = create_initiative(world.anna, title="Energiecafé", neighbourhood="Selwerd",
                                            theme="energietransitie", summary="Elke maand een energiecafé.",
                                            progress_id=plan.id)
    request = send_contact_request(world.bas, world.anna.id, MESSAGE)
    block_sender(world.anna, request.id)
    block = db.session.scalar(select(NetworkBlock))
    return {"profile": profile_of(world.anna.id).id, "initiative": initiative.id, "request": request.id,
            "plan": plan.id, "block": block.id, "report": 1}


PAGES = [  # (method, url template)
    ("GET", "/netwerk"), ("GET", "/netwerk?thema=energietransitie&wijk=Selwerd"),
    ("GET", "/netwerk/mensen/{profile}"), ("POST", "/netwerk/mensen/{profile}/bericht"),
    ("GET", "/netwerk/mijn-profiel"), ("POST", "/netwerk/mijn-profiel"),
    ("POST", "/netwerk/mijn-profiel/verbergen"), ("POST", "/netwerk/mijn-profiel/verwijderen"),
    ("GET", "/netwerk/berichten"), ("GET", "/netwerk/berichten/{request}"), ("POST", "/netwerk/berichten/{request}"),
    ("POST", "/netwerk/berichten/{request}/archiveren"), ("POST", "/netwerk/berichten/{request}/blokkeren"),
    ("GET", "/netwerk/berichten/{request}/melden"), ("POST", "/netwerk/berichten/{request}/melden"),
    ("POST", "/netwerk/blokkades/{block}/opheffen"), ("GET", "/netwerk/meldingen"),
    ("POST", "/netwerk/meldingen/{report}"), ("GET", "/netwerk/initiatieven"),
    ("GET", "/netwerk/initiatieven/nieuw"), ("POST", "/netwerk/initiatieven/nieuw"),
    ("GET", "/netwerk/initiatieven/{initiative}"), ("GET", "/netwerk/initiatieven/{initiative}/bewerken"),
    ("POST", "/netwerk/initiatieven/{initiative}/bewerken"), ("POST", "/netwerk/initiatieven/{initiative}/verwijderen"),
    ("POST", "/netwerk/initiatieven/{initiative}/updates"), ("POST", "/netwerk/initiatieven/{initiative}/volgen"),
    ("POST", "/netwerk/initiatieven/{initiative}/ontvolgen"), ("POST", "/netwerk/initiatieven/{initiative}/hulp"),
    ("GET", "/netwerk/opvolging/{plan}"), ("POST", "/netwerk/opvolging/{plan}"), ("GET", "/netwerk/cijfers"),
]
FORM = {"message": "Nog een bericht, met genoeg tekst erin.", "reply": "Antwoord", "reason": "Ongewenst",
        "title": "Overgenomen", "summary": "Een poging tot overname.", "status": "klaar", "body": "Update",
        "outcome": "Gekaapt", "display_name": "Iemand", "note": ""}


def _open(client, method, template, ids):
    url = template.format(**ids)
    return client.open(url, method=method, data=FORM if method == "POST" else None)


def test_anonymous_visitors_see_nothing(client, scene):
    for method, template in PAGES:
        response = _open(client, method, template, scene)
        assert response.status_code == 302, (method, template)
        assert "/inloggen" in response.headers["Location"]
    assert "Netwerk" not in client.get("/").get_data(as_text=True).split("</nav>")[0]


# What a logged-in person who is not in the network gets; anything about others is withheld.
NOT_OPTED_IN = {
    ("GET", "/netwerk"): 200, ("GET", "/netwerk?thema=energietransitie&wijk=Selwerd"): 200,
    ("GET", "/netwerk/mensen/{profile}"): 403, ("POST", "/netwerk/mensen/{profile}/bericht"): 403,
    ("GET", "/netwerk/mijn-profiel"): 200, ("POST", "/netwerk/mijn-profiel/verbergen"): 302,
    ("POST", "/netwerk/mijn-profiel/verwijderen"): 302, ("GET", "/netwerk/berichten"): 200,
    ("GET", "/netwerk/berichten/{request}"): 404, ("POST", "/netwerk/berichten/{request}"): 404,
    ("POST", "/netwerk/berichten/{request}/archiveren"): 404, ("POST", "/netwerk/berichten/{request}/blokkeren"): 404,
    ("GET", "/netwerk/berichten/{request}/melden"): 404, ("POST", "/netwerk/berichten/{request}/melden"): 404,
    ("POST", "/netwerk/blokkades/{block}/opheffen"): 404, ("GET", "/netwerk/meldingen"): 403,
    ("POST", "/netwerk/meldingen/{report}"): 403, ("GET", "/netwerk/initiatieven"): 200,
    ("GET", "/netwerk/initiatieven/nieuw"): 403, ("POST", "/netwerk/initiatieven/nieuw"): 403,
    ("GET", "/netwerk/initiatieven/{initiative}"): 403, ("GET", "/netwerk/initiatieven/{initiative}/bewerken"): 404,
    ("POST", "/netwerk/initiatieven/{initiative}/bewerken"): 404,
    ("POST", "/netwerk/initiatieven/{initiative}/verwijderen"): 404,
    ("POST", "/netwerk/initiatieven/{initiative}/updates"): 404,
    ("POST", "/netwerk/initiatieven/{initiative}/volgen"): 403,
    ("POST", "/netwerk/initiatieven/{initiative}/ontvolgen"): 302,
    ("POST", "/netwerk/initiatieven/{initiative}/hulp"): 403, ("GET", "/netwerk/opvolging/{plan}"): 404,
    ("POST", "/netwerk/opvolging/{plan}"): 404, ("GET", "/netwerk/cijfers"): 403,
}


def test_someone_who_did_not_opt_in_sees_nothing_of_others(client, world, scene):
    login(client, world.carla)
    mails = len(outbox())
    for method, template in PAGES:
        if (method, template) == ("POST", "/netwerk/mijn-profiel"):
            continue  # that is opting in
        response = _open(client, method, template, scene)
        assert response.status_code == NOT_OPTED_IN[(method, template)], (method, template, response.status_code)
        html = response.get_data(as_text=True)
        for secret in ("Anna Bakker", "Energiecafé", "energiecafé", MESSAGE, "anna@example.org"):
            assert secret not in html, (method, template, secret)
    assert len(outbox()) == mails
    assert profile_of(world.carla.id) is None
    db.session.expire_all()
    assert db.session.get(ContactRequest, scene["request"]).status != "beantwoord"


# A blocked sender sees the network as anyone does; only his messages to the blocker go nowhere.
BLOCKED = {
    ("GET", "/netwerk"): 200, ("GET", "/netwerk?thema=energietransitie&wijk=Selwerd"): 200,
    ("GET", "/netwerk/mensen/{profile}"): 200, ("POST", "/netwerk/mensen/{profile}/bericht"): 302,
    ("GET", "/netwerk/berichten"): 200, ("GET", "/netwerk/berichten/{request}"): 200,
    ("POST", "/netwerk/berichten/{request}"): 404, ("POST", "/netwerk/berichten/{request}/archiveren"): 404,
    ("POST", "/netwerk/berichten/{request}/blokkeren"): 404, ("GET", "/netwerk/berichten/{request}/melden"): 404,
    ("POST", "/netwerk/berichten/{request}/melden"): 404, ("POST", "/netwerk/blokkades/{block}/opheffen"): 404,
    ("GET", "/netwerk/meldingen"): 403, ("POST", "/netwerk/meldingen/{report}"): 403,
    ("GET", "/netwerk/initiatieven"): 200, ("GET", "/netwerk/initiatieven/{initiative}"): 200,
    ("GET", "/netwerk/initiatieven/{initiative}/bewerken"): 404,
    ("POST", "/netwerk/initiatieven/{initiative}/bewerken"): 404,
    ("POST", "/netwerk/initiatieven/{initiative}/verwijderen"): 404,
    ("POST", "/netwerk/initiatieven/{initiative}/updates"): 404,
    ("POST", "/netwerk/initiatieven/{initiative}/volgen"): 302,
    ("POST", "/netwerk/initiatieven/{initiative}/ontvolgen"): 302,
    ("POST", "/netwerk/initiatieven/{initiative}/hulp"): 302, ("GET", "/netwerk/opvolging/{plan}"): 404,
    ("POST", "/netwerk/opvolging/{plan}"): 404, ("GET", "/netwerk/cijfers"): 403,
}


def test_blocked_sender(client, world, scene):
    login(client, world.bas)
    mails = len(outbox())
    for (method, template), status in BLOCKED.items():
        response = _open(client, method, template, scene)
        assert response.status_code == status, (method, template, response.status_code)
        html = response.get_data(as_text=True).lower()
        assert "geblokkeerd" not in html.replace("<h2>geblokkeerd</h2>", "").replace("je hebt niemand geblokkeerd", "")
        assert "anna@example.org" not in html
    assert len(outbox()) == mails  # neither the second message nor the help offer reached Anna
    delivered = db.session.scalars(select(ContactRequest).where(ContactRequest.recipient_id == world.anna.id,
                                                                ContactRequest.status == "open")).all()
    assert delivered == []
    db.session.expire_all()
    assert visible_initiative(scene["initiative"], world.anna).initiative.title == "Energiecafé"
    # and Anna's own pages are untouched by all of this
    login(client, world.anna)
    assert "Nog een bericht, met genoeg tekst erin." not in client.get("/netwerk/berichten").get_data(as_text=True)
