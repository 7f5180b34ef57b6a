"""Coordinators with tokens, and a few activities for the public agenda."""
from datetime import date, timedelta

import pytest

from wijkmakers.activities.models import (
    KIND_MASTERCLASS,
    KIND_PARTNER_MEETING,
    KIND_SESSION,
    KIND_WALK,
    STATUS_CANCELLED,
)
from wijkmakers.api import services
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import Cohort, Programme


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def coordinator(make):
    return make.user(roles=("coordinator",), name="Marleen Kuiper")


@pytest.fixture
def token(coordinator):
    return services.create_token(coordinator, "Dashboard gemeente", 365)


@pytest.fixture
def agenda(make):
    soon = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    programme = Programme(slug="leergang-wijkontwikkeling", name="Leergang Wijkontwikkeling")
    cohort = Cohort(programme=programme, name="2026-2027", starts_on=date.today(),
                    ends_on=date.today() + timedelta(days=300))
    db.session.add_all([programme, cohort])
    db.session.commit()
    guide = make.user(roles=("begeleider",), name="Henk Bos", email="henk@example.org")
    walk = make.activity(kind=KIND_WALK, title="Wijkwandeling Selwerd", starts_at=soon, neighbourhood="Selwerd",
                         meeting_point="Buurthuis Selwerd", theme="Groen")
    walk.seats_taken = 16
    return {
        "walk": walk,
        "guide": guide,
        "masterclass": make.activity(kind=KIND_MASTERCLASS, title="Masterclass gebiedsontwikkeling",
                                     starts_at=soon + timedelta(days=1), speakers="Karin Postma"),
        "past": make.activity(kind=KIND_WALK, title="Wandeling van vorige maand", starts_at=soon - timedelta(days=40)),
        "cancelled": make.activity(kind=KIND_WALK, title="Afgelaste wandeling", starts_at=soon,
                                   status=STATUS_CANCELLED),
        "session": make.activity(kind=KIND_SESSION, title="Leergangbijeenkomst", starts_at=soon, cohort_id=cohort.id),
        "meeting": make.activity(kind=KIND_PARTNER_MEETING, title="Partnerbijeenkomst", starts_at=soon),
    }
