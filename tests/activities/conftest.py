"""Helpers for the activities tests: guides, the outbox, and switching the logged-in user."""
from datetime import timedelta

import pytest

from wijkmakers.activities.models import ActivityGuide
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db


def add_guide(make, activity, **fields):
    fields.setdefault("roles", ("begeleider",))
    guide = make.user(**fields)
    db.session.add(ActivityGuide(activity_id=activity.id, user_id=guide.id))
    db.session.commit()
    db.session.refresh(activity)
    return guide


@pytest.fixture
def past_activity(make):
    """A walk that took place yesterday."""
    starts = (utcnow() - timedelta(days=1)).replace(microsecond=0)
    return make.activity(starts_at=starts, ends_at=starts + timedelta(hours=2),
                         signup_deadline=starts - timedelta(hours=12))


def phone_person(make, **fields):
    """A resident known by phone only: no e-mail address at all."""
    person = make.user(email="", password=False, phone="050-1234567", kind="bewoner", **fields)
    person.email = None
    db.session.commit()
    return person
