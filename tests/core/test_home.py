"""Each role's home page is Dutch, shows that role's panel, and costs a fixed number of queries."""
import pytest

from wijkmakers.activities.models import Attendance
from wijkmakers.extensions import db
from wijkmakers.learning.models import Cohort, Enrolment, Programme

from ..conftest import login

ROLE_MARKERS = {
    "deelnemer": "Mijn leergangen",
    "begeleider": "Wandelingen die ik begeleid",
    "organisator": "Komende activiteiten",
    "partnercontact": "Medewerkers bij Wijkmakers",
    "coordinator": "Kerncijfers",
    "beheerder": "Gebruikers en rollen beheren",
}


def _grow(make, organisation, n):
    """Add n people, each enrolled, registered and present somewhere."""
    programme = db.session.query(Programme).first()
    if programme is None:
        programme = Programme(slug="p", name="Leergang")
        db.session.add(programme)
    from datetime import date
    cohort = Cohort(programme=programme, name=f"c{n}", starts_on=date(2026, 1, 1), ends_on=date(2027, 1, 1))
    db.session.add(cohort)
    for _ in range(n):
        person = make.user(organisation_id=organisation.id, commit=False)
        activity = make.activity()
        db.session.add(Enrolment(user=person, cohort=cohort))
        db.session.add(Attendance(activity=activity, user=person, present=True))
    db.session.commit()


@pytest.mark.parametrize("role", sorted(ROLE_MARKERS))
def test_home_page_per_role(client, make, role):
    org = make.organisation()
    user = make.user(roles=(role,), organisation_id=org.id)
    login(client, user)
    html = client.get("/").get_data(as_text=True)
    assert ROLE_MARKERS[role] in html
    for other, marker in ROLE_MARKERS.items():
        if other != role:
            assert marker not in html


def test_home_pages_do_not_issue_more_queries_as_data_grows(client, make, count_queries):
    org = make.organisation()
    users = {role: make.user(roles=(role,), organisation_id=org.id) for role in ROLE_MARKERS}
    _grow(make, org, 2)

    def measure():
        counts = {}
        for role, user in users.items():
            login(client, user)
            with count_queries() as counter:
                assert client.get("/").status_code == 200
            counts[role] = counter.count
        return counts

    before = measure()
    _grow(make, org, 25)
    assert measure() == before


def test_anonymous_home_is_the_landing_page(client):
    html = client.get("/").get_data(as_text=True)
    assert "Inloggen" in html and "Mijn overzicht" not in html


def test_participant_home_lists_public_activities_not_course_sessions(client, make):
    from wijkmakers.activities.models import Registration
    person = make.user()
    walk = make.activity(title="Wandeling door Selwerd")
    programme = Programme(slug="q", name="Leergang Q")
    from datetime import date
    cohort = Cohort(programme=programme, name="2026", starts_on=date(2026, 1, 1), ends_on=date(2027, 1, 1))
    db.session.add_all([programme, cohort])
    db.session.flush()
    session = make.activity(kind="leergangbijeenkomst", title="Sessie Q", cohort_id=cohort.id)
    for activity in (walk, session):
        db.session.add(Registration(activity_id=activity.id, user_id=person.id, status="bevestigd"))
    db.session.commit()
    login(client, person)
    html = client.get("/").get_data(as_text=True)
    assert "Wandeling door Selwerd" in html and "Sessie Q" not in html
