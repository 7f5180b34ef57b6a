"""The data export is complete (proven from the schema) and readable (Dutch dates and labels)."""
import json
from datetime import datetime

from wijkmakers.core.personal_data import sections
from wijkmakers.extensions import db
from wijkmakers.learning.models import Enrolment
from wijkmakers.network.initiatives import create_initiative, follow
from wijkmakers.network.messages import send_contact_request
from wijkmakers.partners.models import StaffImport

from ..conftest import login
from ..network.conftest import make_cohort, make_plan, opt_in

# Tables that link to a person but are not in the export, with the reason.
NOT_EXPORTED = {
    "auth_token": "only hashes of single-use links (reset, invitation, confirmation); nothing readable",
    "activity": "activities a staff member planned: the offer, not data about them",
    "activity_series": "series a staff member planned: the offer, not data about them",
    "certificate_batch": "a staff member's ZIP job for a cohort; holds nothing about them",
    "module_version": "module texts a staff member saved: the curriculum, not data about them",
    "worksheet": "documents a staff member added to a module: the curriculum, not data about them",
}


def _tables_with_a_person() -> set[str]:
    return {table.name for table in db.metadata.sorted_tables
            if any(fk.column.table.name == "user" for column in table.columns for fk in column.foreign_keys)}


def test_every_table_with_a_person_is_exported_or_listed_with_a_reason(app):
    exported = {table for section in sections() for table in section.tables}
    tables = _tables_with_a_person()
    missing = sorted(tables - exported - set(NOT_EXPORTED))
    assert not missing, (f"tables that link to a person but are not in the export: {missing}; register a "
                         "section in the feature's personal_data.py or list the table in NOT_EXPORTED with a reason")
    assert not set(NOT_EXPORTED) & exported
    assert set(NOT_EXPORTED) <= tables, "NOT_EXPORTED lists a table that no longer links to a person"
    assert all(reason.strip() for reason in NOT_EXPORTED.values())


def _member(make):
    person = make.user(name="Ilse Export", email="ilse@example.org", kind="professional")
    other = make.user(name="Bas Bakker", email="bas@example.org")
    opt_in(person, introduction="Ik werk aan warmte in Selwerd.")
    opt_in(other)
    plan = make_plan(person, text="Warmteavond in het buurthuis")
    mine = create_initiative(person, title="Warmtecafé Selwerd", neighbourhood="Selwerd", theme="energietransitie",
                             summary="Elke maand een avond.", progress_id=plan.id)
    theirs = create_initiative(other, title="Bewonerspanel", neighbourhood=None, theme=None, summary="Een panel.")
    follow(person, theirs.id)
    send_contact_request(person, other.id, "Hallo Bas, zullen we eens bellen over warmte?")
    cohort = make_cohort()
    # 1 August 2021, 22:00 UTC is 2 August 2021, 00:00 in Groningen
    db.session.add(Enrolment(user_id=person.id, cohort_id=cohort.id, status="afgerond",
                             created_at=datetime(2021, 8, 1, 22, 0), completed_at=datetime(2022, 6, 30, 10, 0)))
    db.session.add(StaffImport(token="t1", organisation_id=make.organisation().id, filename="lijst.csv",
                               rows=[{"line": 2, "email": "ilse@example.org", "name": "Ilse Export"}]))
    db.session.commit()
    return person, mine


def test_json_download_holds_every_feature(client, make):
    person, _ = _member(make)
    login(client, person)
    response = client.get("/mijn-gegevens/download.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert set(data) == {section.key for section in sections()}
    assert data["account"]["soort"] == "Professional"
    assert data["netwerkprofiel"]["introductie"] == "Ik werk aan warmte in Selwerd."
    assert data["berichten"][0]["bericht"].startswith("Hallo Bas") and data["berichten"][0]["richting"] == "Verstuurd"
    assert [i["titel"] for i in data["initiatieven"]] == ["Warmtecafé Selwerd"]
    assert [f["initiatief"] for f in data["volgt"]] == ["Bewonerspanel"]
    assert data["inschrijvingen"][0]["status"] == "Afgerond"
    assert data["inschrijvingen"][0]["sinds"] == "2021-08-02T00:00+02:00"  # Europe/Amsterdam, not UTC
    assert data["personeelslijsten"][0]["bestand"] == "lijst.csv"
    assert data["modules"][0]["doe_opdracht"] == "Warmteavond in het buurthuis"


def test_readable_page_uses_dutch_dates_and_labels(client, make):
    person, _ = _member(make)
    login(client, person)
    page = client.get("/mijn-gegevens/overzicht").get_data(as_text=True)
    assert "2 augustus 2021 om 00:00" in page and "2021-08-01T22:00" not in page
    assert "Afgerond" in page and ">afgerond<" not in page
    assert "Professional" in page and ">professional<" not in page
    for heading in ("Netwerkprofiel", "Berichten in het netwerk", "Je initiatieven", "Initiatieven die je volgt",
                    "Leergangen", "Personeelslijsten van partnerorganisaties"):
        assert heading in page
    assert "Warmtecafé Selwerd" in page and "Bewonerspanel" in page and "Deelnemer als" in page
