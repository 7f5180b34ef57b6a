"""Two partner organisations with a contact each, an open cohort and an upcoming activity."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from wijkmakers.auth.models import User
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import Cohort, Programme
from wijkmakers.organisations.models import Organisation


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    contact_a: User
    contact_b: User
    cohort: Cohort
    activity: object

    @property
    def cohort_code(self) -> str:
        return f"L{self.cohort.id}"

    @property
    def activity_code(self) -> str:
        return f"A{self.activity.id}"


def make_cohort(name="2026-2027", capacity=20, programme=None) -> Cohort:
    programme = programme or db.session.query(Programme).filter_by(slug="leergang-wijkontwikkeling").first()
    if programme is None:
        programme = Programme(slug="leergang-wijkontwikkeling", name="Leergang Wijkontwikkeling")
        db.session.add(programme)
    today = date.today()
    cohort = Cohort(programme=programme, name=name, starts_on=today + timedelta(days=30),
                    ends_on=today + timedelta(days=300), capacity=capacity, open_for_requests=True)
    db.session.add(cohort)
    db.session.commit()
    return cohort


@pytest.fixture
def world(make) -> World:
    org_a = make.organisation(name="Woonstichting Noorderhuis", type="woningcorporatie")
    org_b = make.organisation(name="Welzijn in de Wijk", type="welzijn")
    contact_a = make.user(roles=("partnercontact",), name="Joost Wiersma", email="partner@example.org",
                          organisation_id=org_a.id)
    contact_b = make.user(roles=("partnercontact",), name="Ingrid Veenstra", email="partner2@example.org",
                          organisation_id=org_b.id)
    cohort = make_cohort()
    activity = make.activity(kind="masterclass", title="Masterclass gebiedsontwikkeling", capacity=30,
                             starts_at=(utcnow() + timedelta(days=20)).replace(microsecond=0))
    return World(org_a, org_b, contact_a, contact_b, cohort, activity)
