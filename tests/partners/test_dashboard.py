"""The partner dashboard: figures per colleague, history that survives moves, exports, constant queries."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from wijkmakers.activities.models import Attendance, Registration
from wijkmakers.certificates.models import Certificate
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import Enrolment
from wijkmakers.partners.overview import organisation_overview

from ..conftest import login
from .conftest import make_cohort


def past_session(make, cohort, days_ago):
    return make.activity(kind="leergangbijeenkomst", cohort_id=cohort.id,
                         starts_at=(utcnow() - timedelta(days=days_ago)).replace(microsecond=0))


def grow(make, world, n, tag=""):
    """n colleagues of A, each enrolled with attendance, an upcoming registration and a certificate."""
    cohort = make_cohort(name=f"groep {tag}{n}")
    sessions = [past_session(make, cohort, d) for d in (30, 20, 10)]
    walk = make.activity(title=f"Wandeling {tag}{n}", capacity=100)
    for i in range(n):
        person = make.user(name=f"Medewerker {tag}{i}", organisation_id=world.org_a.id, commit=False)
        enrolment = Enrolment(user=person, cohort=cohort, organisation_id=world.org_a.id,
                              status="afgerond" if i % 2 else "actief")
        db.session.add(enrolment)
        for j, session in enumerate(sessions):
            db.session.add(Attendance(activity=session, user=person, present=j != 0 or i % 2 == 1,
                                      organisation_id=world.org_a.id))
        db.session.add(Registration(activity=walk, user=person, status="bevestigd", organisation_id=world.org_a.id))
        if i % 2:
            db.session.add(Certificate(user=person, kind="certificaat", enrolment=enrolment, title="Leergang",
                                       holder_name=person.name, code=f"CODE-{tag}{n}-{i}"))
    db.session.commit()
    return cohort


def test_overview_figures(client, world, make):
    cohort = grow(make, world, 4)
    login(client, world.contact_a)
    overview = organisation_overview(world.org_a)
    rows = {p.user.name: p for p in overview.people if p.user.name.startswith("Medewerker")}
    assert len(rows) == 4
    active, done = rows["Medewerker 0"], rows["Medewerker 1"]
    assert (active.present, active.absent, active.completed, len(active.certificates)) == (2, 1, 0, 0)
    assert (done.present, done.absent, done.completed, len(done.certificates)) == (3, 0, 1, 1)
    assert active.enrolments[0].sessions_held == 3 and active.enrolments[0].present == 2
    assert [r.activity.title for r in active.upcoming] == ["Wandeling 4"]
    assert overview.current_staff == 5  # four colleagues and the contact
    assert (overview.active_enrolments, overview.completed, overview.certificates, overview.upcoming) == (2, 2, 2, 4)
    html = client.get("/mijn-organisatie").get_data(as_text=True)
    assert "Medewerker 3" in html and "2 van 3 bijeenkomsten" in html and cohort.label in html
    assert "<h1>Woonstichting Noorderhuis</h1>" in html


def test_dashboard_search_stays_inside_the_organisation(client, world, make):
    grow(make, world, 2)
    make.user(name="Medewerker Elders", organisation_id=world.org_b.id)
    login(client, world.contact_a)
    html = client.get("/mijn-organisatie?q=medewerker").get_data(as_text=True)
    assert "Medewerker 0" in html and "Medewerker 1" in html and "Medewerker Elders" not in html
    assert "2 personen gevonden" in html


def test_dashboard_has_constant_queries(client, world, make, count_queries):
    def measure(path):
        login(client, world.contact_a)  # same starting point: nothing cached
        db.session.expire_all()
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200
        return counter, response

    grow(make, world, 2, tag="a")
    small, _ = measure("/mijn-organisatie")
    small_export, _ = measure("/mijn-organisatie/export.xlsx")
    grow(make, world, 12, tag="b")
    big, response = measure("/mijn-organisatie")
    big_export, _ = measure("/mijn-organisatie/export.xlsx")
    assert "Medewerker b11" in response.get_data(as_text=True)
    assert big.count == small.count, "\n\n".join(big.statements)
    assert big_export.count == small_export.count
    assert small.count <= 9


def test_history_stays_with_the_organisation_of_the_time(client, world, make):
    """A moved from A to B: A keeps seeing A's part; B sees only what happens with B."""
    mover = make.user(name="Verhuisde Collega", email="mover@example.org", organisation_id=world.org_a.id)
    old = make_cohort(name="oud")
    db.session.add(Enrolment(user=mover, cohort=old, organisation_id=world.org_a.id, status="afgerond"))
    db.session.commit()
    coordinator = make.user(roles=("coordinator",))
    login(client, coordinator)
    page = client.get(f"/partners/personen/{mover.id}/organisatie").get_data(as_text=True)
    assert old.label in page and world.org_a.name in page
    response = client.post(f"/partners/personen/{mover.id}/organisatie", data={"organisation": str(world.org_b.id)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Organisatie destijds" in page and world.org_a.name in page and "Nu bij: <strong>Welzijn in de Wijk" in page

    login(client, world.contact_b)
    assert client.post("/mijn-organisatie/aanmelden", data={"email": "mover@example.org",
                                                            "target": world.cohort_code}).status_code == 302
    db.session.expire_all()
    new = db.session.query(Enrolment).filter_by(user_id=mover.id, cohort_id=world.cohort.id).one()
    assert new.organisation_id == world.org_b.id

    page_b = client.get("/mijn-organisatie").get_data(as_text=True)
    assert "Verhuisde Collega" in page_b and world.cohort.label in page_b and old.label not in page_b
    detail_b = client.get(f"/mijn-organisatie/medewerkers/{mover.id}").get_data(as_text=True)
    assert old.label not in detail_b

    login(client, world.contact_a)
    page_a = client.get("/mijn-organisatie").get_data(as_text=True)
    assert "Verhuisde Collega" in page_a and "Niet meer bij" in page_a and old.label in page_a
    assert world.cohort.label not in page_a.split("Verhuisde Collega")[1].split("</tr>")[0]
    assert "mover@example.org" not in page_a
    detail_a = client.get(f"/mijn-organisatie/medewerkers/{mover.id}").get_data(as_text=True)
    assert old.label in detail_a and world.cohort.label not in detail_a and "mover@example.org" not in detail_a
    export_a = client.get("/mijn-organisatie/export.csv").data.decode("utf-8-sig")
    assert "Verhuisde Collega" in export_a and "mover@example.org" not in export_a


def test_moving_a_partner_contact_drops_the_role(client, world, make):
    coordinator = make.user(roles=("coordinator",))
    login(client, coordinator)
    response = client.post(f"/partners/personen/{world.contact_a.id}/organisatie", data={"organisation": ""})
    assert response.status_code == 302
    db.session.expire_all()
    contact = db.session.get(type(world.contact_a), world.contact_a.id)
    assert contact.organisation_id is None and not contact.has_role("partnercontact")
    login(client, contact)
    assert client.get("/mijn-organisatie").status_code == 403


def test_move_form_errors(client, world, make):
    login(client, make.user(roles=("coordinator",)))
    url = f"/partners/personen/{world.contact_a.id}/organisatie"
    same = client.post(url, data={"organisation": str(world.org_a.id)})
    assert "hoort al bij deze organisatie" in same.get_data(as_text=True)
    assert "bestaande organisatie" in client.post(url, data={"organisation": "99999"}).get_data(as_text=True)
    assert "uit de lijst" in client.post(url, data={"organisation": "abc"}).get_data(as_text=True)
    assert client.get("/partners/personen/99999/organisatie").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports(client, world, make, fmt):
    grow(make, world, 2)
    make.user(name="=cmd|' /C calc'!A0", job_title="@SUM(A1)", organisation_id=world.org_a.id)
    login(client, world.contact_a)
    response = client.get(f"/mijn-organisatie/export.{fmt}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    if fmt == "csv":
        assert response.data.startswith(b"\xef\xbb\xbf")
        text = response.data.decode("utf-8-sig")
        lines = text.split("\r\n")
        assert lines[0].startswith("Naam;E-mailadres;Functie")
        assert any(line.startswith("'=cmd") for line in lines) and ";'@SUM(A1);" in text
        assert "Medewerker 1" in text
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values[0][0] == "Naam"
        evil = next(r for r in values if str(r[0]).startswith("'=cmd"))
        assert evil[2] == "'@SUM(A1)"
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        done = next(r for r in values if r[0] == "Medewerker 1")
        assert done[6] == 3 and done[8] == 1


def test_export_json_and_unknown_format(client, world, make):
    grow(make, world, 1)
    login(client, world.contact_a)
    data = client.get("/mijn-organisatie/export.json").get_json()
    assert data["organisatie"] == world.org_a.name and {m["Naam"] for m in data["medewerkers"]} >= {"Medewerker 0"}
    assert client.get("/mijn-organisatie/export.pdf").status_code == 404
