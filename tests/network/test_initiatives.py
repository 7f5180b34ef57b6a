"""Initiatives: from an action plan or from scratch, updates, followers, offers of help."""
import re

from sqlalchemy import select

from wijkmakers.auth.models import User
from wijkmakers.extensions import db
from wijkmakers.network.initiatives import create_initiative, follow
from wijkmakers.network.messages import answer_request
from wijkmakers.network.models import KIND_HELP, ContactRequest, Initiative, InitiativeFollower

from ..conftest import login, outbox
from .conftest import make_module, make_plan, opt_in

FORM = {"title": "Energiecafé in Selwerd", "neighbourhood": "Selwerd", "theme": "energietransitie",
        "status": "idee", "summary": "Elke maand een avond over isoleren en energie besparen."}


def _titles(client, query=""):
    html = client.get("/netwerk/initiatieven" + query).get_data(as_text=True)
    return set(re.findall(r'<h2><a href="/netwerk/initiatieven/\d+">([^<]+)</a>', html))


def test_publish_an_action_plan_as_initiative(client, world):
    plan = make_plan(world.anna)
    login(client, world.anna)
    profile_page = client.get("/netwerk/mijn-profiel").get_data(as_text=True)
    assert f"/netwerk/initiatieven/nieuw?plan={plan.id}" in profile_page
    assert f"/netwerk/initiatieven/nieuw?plan={plan.id}" in client.get("/netwerk/initiatieven/nieuw").get_data(
        as_text=True)
    form = client.get(f"/netwerk/initiatieven/nieuw?plan={plan.id}").get_data(as_text=True)
    assert "warmteavond in het buurthuis" in form and "Doe-opdracht: Energietransitie" in form
    response = client.post("/netwerk/initiatieven/nieuw", data=dict(FORM, plan=str(plan.id)))
    assert response.status_code == 302
    initiative = db.session.scalar(select(Initiative))
    assert initiative.progress_id == plan.id and initiative.author_id == world.anna.id
    # once is enough
    response = client.post("/netwerk/initiatieven/nieuw", data=dict(FORM, plan=str(plan.id)))
    assert response.status_code == 422 and "al een initiatief gemaakt" in response.get_data(as_text=True)

    login(client, world.bas)
    assert _titles(client) == {"Energiecafé in Selwerd"}
    page = client.get(f"/netwerk/initiatieven/{initiative.id}").get_data(as_text=True)
    assert "Anna Bakker" in page and "Elke maand een avond" in page and "anna@example.org" not in page


def test_someone_elses_action_plan_cannot_be_published(client, world):
    plan = make_plan(world.bas)
    login(client, world.anna)
    assert client.get(f"/netwerk/initiatieven/nieuw?plan={plan.id}").status_code == 404
    assert client.post("/netwerk/initiatieven/nieuw", data=dict(FORM, plan=str(plan.id))).status_code == 404
    assert client.get("/netwerk/initiatieven/nieuw?plan=abc").status_code == 404
    assert db.session.scalar(select(Initiative)) is None


def test_initiative_from_scratch_and_form_errors(client, world):
    login(client, world.bas)
    response = client.post("/netwerk/initiatieven/nieuw", data=dict(FORM, title="", summary="kort"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Geef je initiatief een titel." in html and "Schrijf 10 tot" in html
    response = client.post("/netwerk/initiatieven/nieuw", data=dict(FORM, status="verzonnen"))
    assert response.status_code == 422 and "Kies een stand van zaken" in response.get_data(as_text=True)
    response = client.post("/netwerk/initiatieven/nieuw", data=dict(FORM, theme="astrologie"))
    assert response.status_code == 422 and "Kies een thema uit de lijst" in response.get_data(as_text=True)
    assert client.post("/netwerk/initiatieven/nieuw", data=FORM).status_code == 302


def test_not_opted_in_cannot_publish_or_browse(client, world):
    for user in (world.carla, world.organiser):
        login(client, user)
        response = client.get("/netwerk/initiatieven/nieuw")
        assert response.status_code == 403
        assert "Zet daarom eerst je netwerkprofiel aan" in response.get_data(as_text=True)
        assert client.post("/netwerk/initiatieven/nieuw", data=FORM).status_code == 403
    assert db.session.scalar(select(Initiative)) is None
    create_initiative(world.anna, title="Zichtbaar voor leden", neighbourhood=None, theme=None,
                               summary="Alleen voor mensen in het netwerk.")
    login(client, world.carla)
    response = client.get("/netwerk/initiatieven")
    assert response.status_code == 200 and "Zichtbaar voor leden" not in response.get_data(as_text=True)
    initiative = db.session.scalar(select(Initiative))
    assert client.get(f"/netwerk/initiatieven/{initiative.id}").status_code == 403
    login(client, world.organiser)
    assert _titles(client) == {"Zichtbaar voor leden"}


def test_filters(client, world):
    create_initiative(world.anna, title="Energiecafé", neighbourhood="Selwerd", theme="energietransitie",
                               summary="Elke maand een energiecafé.", status="bezig")
    create_initiative(world.bas, title="Bewonerspanel", neighbourhood="Paddepoel",
                               theme="bewonersparticipatie", summary="Een panel van twintig bewoners.")
    login(client, world.bas)
    assert _titles(client, "?thema=energietransitie") == {"Energiecafé"}
    assert _titles(client, "?wijk=Paddepoel") == {"Bewonerspanel"}
    assert _titles(client, "?status=bezig") == {"Energiecafé"}
    assert _titles(client, "?q=twintig") == {"Bewonerspanel"}
    assert _titles(client, "?status=onzin&thema=x&wijk=y&pagina=-1") == {"Energiecafé", "Bewonerspanel"}
    energy = db.session.scalar(select(Initiative).where(Initiative.title == "Energiecafé"))
    follow(world.bas, energy.id)
    assert _titles(client, "?volgend=1") == {"Energiecafé"}


def test_only_the_author_edits_updates_and_deletes(client, world):
    initiative = create_initiative(world.anna, title="Energiecafé", neighbourhood="Selwerd",
                                            theme="energietransitie", summary="Elke maand een energiecafé.")
    login(client, world.bas)
    assert client.get(f"/netwerk/initiatieven/{initiative.id}/bewerken").status_code == 404
    assert client.post(f"/netwerk/initiatieven/{initiative.id}/bewerken", data=FORM).status_code == 404
    assert client.post(f"/netwerk/initiatieven/{initiative.id}/updates", data={"body": "Hack"}).status_code == 404
    assert client.post(f"/netwerk/initiatieven/{initiative.id}/verwijderen").status_code == 404
    assert client.get("/netwerk/initiatieven/999999").status_code == 404

    login(client, world.anna)
    assert client.get(f"/netwerk/initiatieven/{initiative.id}/bewerken").status_code == 200
    response = client.post(f"/netwerk/initiatieven/{initiative.id}/bewerken", data=dict(FORM, status="bezig"))
    assert response.status_code == 302
    db.session.expire_all()
    assert initiative.status == "bezig" and initiative.title == "Energiecafé in Selwerd"
    assert "De stand van zaken is nu: bezig." in client.get(f"/netwerk/initiatieven/{initiative.id}").get_data(
        as_text=True)
    assert client.post(f"/netwerk/initiatieven/{initiative.id}/verwijderen").status_code == 302
    assert db.session.get(Initiative, initiative.id) is None


def test_followers_get_updates_by_mail(client, world):
    initiative = create_initiative(world.anna, title="Energiecafé", neighbourhood="Selwerd",
                                            theme="energietransitie", summary="Elke maand een energiecafé.")
    login(client, world.bas)
    assert client.post(f"/netwerk/initiatieven/{initiative.id}/volgen").status_code == 302
    assert client.post(f"/netwerk/initiatieven/{initiative.id}/volgen").status_code == 302  # twice is harmless
    assert db.session.scalar(select(InitiativeFollower.user_id)) == world.bas.id
    assert "Niet meer volgen" in client.get(f"/netwerk/initiatieven/{initiative.id}").get_data(as_text=True)

    login(client, world.anna)
    response = client.post(f"/netwerk/initiatieven/{initiative.id}/updates", data={"body": "", "status": ""})
    assert response.status_code == 422 and "Schrijf een korte update." in response.get_data(as_text=True)
    response = client.post(f"/netwerk/initiatieven/{initiative.id}/updates",
                           data={"body": "Eerste avond: twintig buren!", "status": "bezig"})
    assert response.status_code == 302
    [mail] = outbox("bas@example.org")
    assert "Eerste avond: twintig buren!" in mail.body and "bezig" in mail.body
    assert "anna@example.org" not in mail.body
    # the author cannot follow her own initiative
    assert client.post(f"/netwerk/initiatieven/{initiative.id}/volgen").status_code == 302
    assert db.session.scalar(select(InitiativeFollower).where(InitiativeFollower.user_id == world.anna.id)) is None

    login(client, world.bas)
    assert client.post(f"/netwerk/initiatieven/{initiative.id}/ontvolgen").status_code == 302
    assert db.session.scalar(select(InitiativeFollower)) is None


def test_offer_help_goes_to_the_author_through_the_outbox(client, world):
    initiative = create_initiative(world.anna, title="Energiecafé", neighbourhood="Selwerd",
                                            theme="energietransitie", summary="Elke maand een energiecafé.")
    login(client, world.bas)
    response = client.post(f"/netwerk/initiatieven/{initiative.id}/hulp", data={"message": "kort"})
    assert response.status_code == 422
    response = client.post(f"/netwerk/initiatieven/{initiative.id}/hulp",
                           data={"message": "Ik kan helpen met flyers en een zaal."})
    assert response.status_code == 302
    request = db.session.scalar(select(ContactRequest))
    assert request.kind == KIND_HELP and request.initiative_id == initiative.id
    [mail] = outbox("anna@example.org")
    assert "Energiecafé" in mail.subject and "flyers" in mail.body and "bas@example.org" not in mail.body
    login(client, world.anna)
    inbox = client.get("/netwerk/berichten").get_data(as_text=True)
    assert "Hulpaanbod voor Energiecafé" in inbox
    # help offers count towards the same daily limit and follow the same answer rule
    answer_request(world.anna, request.id, "Graag!")
    assert outbox("bas@example.org")[0].reply_to == "anna@example.org"
    # no help offers on one's own initiative
    response = client.post(f"/netwerk/initiatieven/{initiative.id}/hulp", data={"message": "Ik help mezelf graag."})
    assert response.status_code == 422


def test_initiative_list_issues_a_constant_number_of_queries(client, world, make, count_queries):
    bas_id = world.bas.id

    def add(n, start):
        for i in range(start, start + n):
            user = make.user(name=f"Maker {i}")
            opt_in(user)
            create_initiative(user, title=f"Initiatief {i}", neighbourhood="Beijum", theme="governance",
                                       summary="Een initiatief om te tellen.")
            follow(db.session.get(User, bas_id), db.session.scalar(select(Initiative.id).where(
                Initiative.title == f"Initiatief {i}")))

    add(3, 0)
    login(client, world.anna)

    def measure():
        db.session.remove()
        with count_queries() as counter:
            assert client.get("/netwerk/initiatieven").status_code == 200
        return counter.count

    small = measure()
    add(20, 3)
    assert measure() == small


def test_action_plan_module_theme_fills_the_form(client, world):
    module = make_module(slug="governance", title="Governance", theme="Governance")
    plan = make_plan(world.anna, module=module)
    login(client, world.anna)
    html = client.get(f"/netwerk/initiatieven/nieuw?plan={plan.id}").get_data(as_text=True)
    assert '<option selected value="governance">' in html or 'value="governance" selected' in html
    opt_in(world.anna, neighbourhood=None)
    assert client.get(f"/netwerk/initiatieven/nieuw?plan={plan.id}").status_code == 200
