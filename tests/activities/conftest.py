"""Helpers for the activities tests: guides, the outbox, and switching the logged-in user."""
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from wijkmakers.activities.models import ActivityGuide
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage

from .. import conftest as shared


def login(client, user):
    """Log in as ``user``; Flask-Login caches the user in ``g`` of the test's app context, so drop it."""
    shared.login(client, user)
    g.pop("_login_user", None)
    return client


def logout(client):
    with client.session_transaction() as session:
        session.clear()
    g.pop("_login_user", None)


def add_guide(make, activity, **fields):
    fields.setdefault("roles", ("begeleider",))
    guide = make.user(**fields)
    db.session.add(ActivityGuide(activity_id=activity.id, user_id=guide.id))
    db.session.commit()
    db.session.refresh(activity)
    return guide


def outbox(recipient=None, subject_prefix=None):
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient is not None:
        stmt = stmt.where(OutboxMessage.recipient == recipient)
    if subject_prefix is not None:
        stmt = stmt.where(OutboxMessage.subject.like(f"{subject_prefix}%"))
    return list(db.session.scalars(stmt))


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
