"""Coordinators manage organisations, partnership periods and partner contacts."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from wijkmakers.auth.models import AuthToken, User
from wijkmakers.core.audit import AuditEvent
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage
from wijkmakers.partners import partnerships
from wijkmakers.organisations.models import Organisation

from ..conftest import login


@pytest.fixture
def coordinator(client, make):
    user = make.user(roles=("coordinator",))
    login(client, user)
    return user


def test_partners_in_a_year_follow_from_the_dates(client, make, coordinator):
    make.organisation(name="Al Lang Partner", partner_since=date(2021, 3, 1))
    make.organisation(name="Gestopt In 2022", type="ggz", partner_since=date(2021, 1, 1),
                      partner_until=date(2022, 6, 30))
    make.organisation(name="Nieuw In 2024", type="ggz", partner_since=date(2024, 9, 1))
    make.organisation(name="Nooit Partner", partner_since=None)
    assert [r.organisation.name for r in partnerships.list_organisations(year=2023).items] == ["Al Lang Partner"]
    names_2022 = [r.organisation.name for r in partnerships.list_organisations(year=2022).items]
    assert names_2022 == ["Al Lang Partner", "Gestopt In 2022"]
    in_2024 = partnerships.list_organisations(year=2024, type_="ggz").items
    assert [r.organisation.name for r in in_2024] == ["Nieuw In 2024"]
    html = client.get("/partners?jaar=2022").get_data(as_text=True)
    assert "2 partners in 2022" in html and "Gestopt In 2022" in html and "Nooit Partner" not in html
    html = client.get("/partners?jaar=2024&soort=ggz").get_data(as_text=True)
    assert "Nieuw In 2024" in html and "Al Lang Partner" not in html and "soort ggz" in html
    everything = client.get("/partners").get_data(as_text=True)
    assert "4 organisaties" in everything and "Geen partner" in everything


def test_the_list_is_paged_and_searchable_by_name(client, make, coordinator):
    for n in range(55):
        make.organisation(name=f"Buurthuis {n:02d}")
    make.organisation(name="Stichting 100%_Wijk")
    first = client.get("/partners").get_data(as_text=True)
    assert "56 organisaties" in first and "Pagina 1 van 2" in first and "Buurthuis 00" in first
    assert "Stichting 100%_Wijk" not in first
    assert "Stichting 100%_Wijk" in client.get("/partners?pagina=2").get_data(as_text=True)
    found = client.get("/partners?naam=100%25_").get_data(as_text=True)  # % and _ are taken literally
    assert "1 organisatie." in found and "Stichting 100%_Wijk" in found and "Buurthuis" not in found
    assert "0 organisaties" in client.get("/partners?naam=" + "x" * 300).get_data(as_text=True)


@pytest.mark.parametrize("query", ["jaar=abc", "jaar=99999", "soort=<script>", "jaar=&soort=", "jaar=2023.5"])
def test_bad_filters_are_ignored(client, make, coordinator, query):
    make.organisation(name="Zichtbaar")
    response = client.get(f"/partners?{query}")
    assert response.status_code == 200 and "Zichtbaar" in response.get_data(as_text=True)


def test_list_counts_contacts_and_staff_in_constant_queries(client, make, coordinator, count_queries):
    org = make.organisation(name="Teller")
    make.user(roles=("partnercontact",), organisation_id=org.id)
    make.user(organisation_id=org.id)
    row = next(r for r in partnerships.list_organisations().items if r.organisation.name == "Teller")
    assert (row.contacts, row.staff) == (1, 2)
    with count_queries() as few:
        client.get("/partners")
    for _ in range(10):
        make.user(roles=("partnercontact",), organisation_id=make.organisation().id)
    login(client, coordinator)
    with count_queries() as many:
        client.get("/partners")
    assert many.count <= few.count + 2  # + the reloaded current user


def test_create_and_edit_organisation(client, coordinator):
    response = client.post("/partners/nieuw", data={"name": "  Stichting  Nieuw ", "type": "welzijn",
                                                    "partner_since": "2024-02-01", "partner_until": ""})
    assert response.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Stichting Nieuw"))
    assert org.partner_since == date(2024, 2, 1) and org.partner_until is None
    response = client.post(f"/partners/{org.id}", data={"name": "Stichting Nieuw", "type": "ggz",
                                                        "partner_since": "2024-02-01", "partner_until": "2025-12-31",
                                                        "website": "https://nieuw.example.nl"})
    assert response.status_code == 302
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert org.type == "ggz" and org.partner_until == date(2025, 12, 31) and org.website == "https://nieuw.example.nl"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"organisation_created", "organisation_updated"} <= actions


@pytest.mark.parametrize("data, message", [
    ({"name": "", "type": "welzijn"}, "Vul de naam van de organisatie in."),
    ({"name": "X", "type": "bestaat-niet"}, "Kies een soort organisatie uit de lijst."),
    ({"name": "X", "type": "welzijn", "partner_since": "2024-05-01", "partner_until": "2023-01-01"}, "vóór"),
    ({"name": "X", "type": "welzijn", "partner_until": "2023-01-01"}, "sinds wanneer"),
    ({"name": "X", "type": "welzijn", "partner_since": "1-5-2024x"}, "Vul een geldige datum in"),
    ({"name": "X", "type": "welzijn", "website": "javascript:alert(1)"}, "volledig webadres"),
    ({"name": "bestaande ORGANISATIE", "type": "welzijn"}, "bestaat al een organisatie"),
])
def test_organisation_form_errors(client, make, coordinator, data, message):
    make.organisation(name="Bestaande Organisatie")
    response = client.post("/partners/nieuw", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and "Not a valid" not in html
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_link_new_contact_invites_and_unlink_keeps_staff(client, make, coordinator):
    org = make.organisation(name="Koppel BV")
    response = client.post(f"/partners/{org.id}/contactpersonen",
                           data={"contact-email": "nieuw.contact@koppel.nl", "contact-name": "Nieuw Contact"})
    assert response.status_code == 302
    contact = db.session.scalar(select(User).where(User.email == "nieuw.contact@koppel.nl"))
    assert contact.organisation_id == org.id and contact.role_keys == {"partnercontact"}
    assert db.session.scalar(select(AuthToken).where(AuthToken.user_id == contact.id)).purpose == "invite"
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == contact.email))
    assert "contactpersoon van Koppel BV" in mail.body
    page = client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert "Nieuw Contact" in page and "Ontkoppelen" in page

    assert client.post(f"/partners/{org.id}/contactpersonen/{contact.id}/ontkoppelen").status_code == 302
    db.session.expire_all()
    contact = db.session.get(User, contact.id)
    assert contact.organisation_id == org.id and contact.role_keys == {"deelnemer"}
    assert client.post(f"/partners/{org.id}/contactpersonen/{contact.id}/ontkoppelen").status_code == 404


def test_link_existing_people(client, make, coordinator):
    org = make.organisation(name="Koppel BV")
    other = make.organisation(name="Elders")
    loose = make.user(email="los@example.org")
    busy = make.user(email="bezet@example.org", organisation_id=other.id)
    linked = client.post(f"/partners/{org.id}/contactpersonen", data={"contact-email": "los@example.org"})
    assert linked.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, loose.id).role_keys == {"deelnemer", "partnercontact"}
    response = client.post(f"/partners/{org.id}/contactpersonen", data={"contact-email": "bezet@example.org"})
    assert response.status_code == 422 and "hoort bij Elders" in response.get_data(as_text=True)
    response = client.post(f"/partners/{org.id}/contactpersonen", data={"contact-email": "los@example.org"})
    assert "al contactpersoon" in response.get_data(as_text=True)
    response = client.post(f"/partners/{org.id}/contactpersonen", data={"contact-email": "onbekend@example.org"})
    assert "Vul ook de naam in" in response.get_data(as_text=True)
    response = client.post(f"/partners/{org.id}/contactpersonen", data={"contact-email": "kapot@"})
    assert "geen geldig e-mailadres" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, busy.id).organisation_id == other.id


def test_unknown_ids_give_404(client, coordinator):
    for path in ("/partners/999999", "/partners/999999/overzicht", "/partners/personen/999999/organisatie"):
        assert client.get(path).status_code == 404
    assert client.post("/partners/999999/contactpersonen", data={"contact-email": "a@b.nl"}).status_code == 404
    assert client.post("/partners/999999/contactpersonen/1/ontkoppelen").status_code == 404


def test_person_search(client, make, coordinator):
    make.user(name="Zoekbare Zwaan", email="zwaan@example.org")
    html = client.get("/partners/personen?q=zwaan").get_data(as_text=True)
    assert "Zoekbare Zwaan" in html and "/organisatie" in html
    assert "gevonden" not in client.get("/partners/personen").get_data(as_text=True)
    assert client.get("/partners/personen?q=%25").status_code == 200


def test_coordinator_sees_an_organisations_overview(client, world, coordinator):
    html = client.get(f"/partners/{world.org_a.id}/overzicht").get_data(as_text=True)
    assert world.contact_a.name in html and world.contact_b.name not in html
    assert "Collega aanmelden" not in html


@pytest.mark.parametrize("role", ["deelnemer", "begeleider", "organisator", "partnercontact", "beheerder"])
def test_other_roles_cannot_manage_partners(client, make, role):
    org = make.organisation()
    login(client, make.user(roles=(role,), organisation_id=org.id))
    for path in ("/partners", "/partners/nieuw", f"/partners/{org.id}", f"/partners/{org.id}/overzicht",
                 "/partners/personen"):
        assert client.get(path).status_code == 403
    assert client.post("/partners/nieuw", data={"name": "X", "type": "welzijn"}).status_code == 403
    assert client.post(f"/partners/{org.id}", data={"name": "Gekaapt", "type": "welzijn"}).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    for path in ("/partners", "/mijn-organisatie", "/mijn-organisatie/export.csv", "/mijn-organisatie/import"):
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_a_service_rule_lands_under_its_own_field_with_422(client, make, coordinator):
    """save_organisation raises DomainError(field="partner_until"): the message is shown under that date
    field (not under the name), the page answers 422 and nothing is saved."""
    response = client.post("/partners/nieuw", data={"name": "Data Verkeerd", "type": "welzijn",
                                                    "partner_since": "2024-05-01", "partner_until": "2023-01-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="partner_until-fout">.*ligt vóór', html, re.S)
    assert 'id="name-fout"' not in html
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_contact_form_puts_a_missing_name_under_the_name_field(client, make, coordinator):
    org = make.organisation(name="Zonder Naam")
    response = client.post(f"/partners/{org.id}/contactpersonen", data={"contact-email": "nieuw@zondernaam.nl"})
    assert response.status_code == 422
    assert re.search(r'id="contact-name-fout">.*Vul ook de naam in', response.get_data(as_text=True), re.S)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "nieuw@zondernaam.nl")) == 0
