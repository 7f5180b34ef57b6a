import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from wijkmakers.activities import services
from wijkmakers.activities.models import (REG_CANCELLED, REG_CONFIRMED, REG_WAITLISTED, STATUS_CANCELLED,
                                          Activity, ActivityGuide, Registration, RegistrationEvent)
from wijkmakers.activities.services import SignupError
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage


def _events(activity):
    return [e.event for e in db.session.scalars(select(RegistrationEvent).where(
        RegistrationEvent.activity_id == activity.id).order_by(RegistrationEvent.id))]


def test_capacity_then_waitlist_in_order(make):
    org = make.organisation()
    activity = make.activity(capacity=2)
    people = [make.user(organisation_id=org.id) for _ in range(4)]
    regs = [services.register(activity, p) for p in people]
    assert [r.status for r in regs] == [REG_CONFIRMED, REG_CONFIRMED, REG_WAITLISTED, REG_WAITLISTED]
    assert [r.waitlist_position for r in regs[2:]] == [1, 2]
    assert regs[0].organisation_id == org.id
    assert services.seats_left(activity) == 0
    assert _events(activity) == ["geregistreerd", "geregistreerd", "wachtlijst", "wachtlijst"]
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert len(mails) == 4
    assert mails[0].attachments[0].content_type == "text/calendar; method=REQUEST"
    assert b"UID:activity-%d@wijkmakers" % activity.id in mails[0].attachments[0].content


def test_cancel_promotes_first_waitlisted(make):
    activity = make.activity(capacity=1)
    a, b, c = make.user(), make.user(), make.user()
    ra = services.register(activity, a)
    rb = services.register(activity, b)
    rc = services.register(activity, c)
    assert services.waitlist_rank(rc) == 2
    promoted = services.cancel_registration(ra, by=a)
    assert promoted.id == rb.id and promoted.status == REG_CONFIRMED
    assert ra.status == REG_CANCELLED and ra.active is None
    assert services.seats_left(activity) == 0
    db.session.refresh(rc)
    assert rc.waitlist_position == 3 - 1 and services.waitlist_rank(rc) == 1
    assert "doorgeschoven" in _events(activity)
    subjects = [m.subject for m in db.session.scalars(select(OutboxMessage))]
    assert any(s.startswith("Er is een plek vrij") for s in subjects)
    # Cancelling a waitlisted registration frees nothing and promotes nobody.
    assert services.cancel_registration(rc) is None
    with pytest.raises(SignupError):
        services.cancel_registration(rc)
    # The person who cancelled may sign up again.
    again = services.register(activity, a)
    assert again.status == REG_WAITLISTED and services.waitlist_rank(again) == 1


def test_cancel_with_free_seat_frees_it(make):
    activity = make.activity(capacity=3)
    reg = services.register(activity, make.user())
    assert services.seats_left(activity) == 2
    services.cancel_registration(reg)
    assert services.seats_left(activity) == 3


def test_duplicate_refused(make):
    activity = make.activity()
    person = make.user()
    services.register(activity, person)
    with pytest.raises(SignupError, match="al aangemeld"):
        services.register(activity, person)
    assert services.seats_left(activity) == 15


def test_deadline_refused_but_organiser_may_bypass(make):
    activity = make.activity(signup_deadline=utcnow() - timedelta(hours=1))
    with pytest.raises(SignupError, match="aanmeldtermijn"):
        services.register(activity, make.user())
    with pytest.raises(SignupError):
        services.register(activity, make.user(), by=make.user(roles=("begeleider",)))
    organiser = make.user(roles=("organisator",))
    reg = services.register(activity, make.user(), by=organiser)
    assert reg.status == REG_CONFIRMED and reg.registered_by_id == organiser.id


def test_cancelled_activity_refused(make):
    activity = make.activity(status=STATUS_CANCELLED)
    with pytest.raises(SignupError, match="gaat niet door"):
        services.register(activity, make.user(), by=make.user(roles=("organisator",)))


def test_guide_cannot_sign_up(make):
    guide = make.user(roles=("begeleider",))
    activity = make.activity()
    db.session.add(ActivityGuide(activity_id=activity.id, user_id=guide.id))
    db.session.commit()
    with pytest.raises(SignupError, match="begeleidt"):
        services.register(activity, guide)


def test_no_mail_without_address_or_when_not_notifying(make):
    activity = make.activity()
    services.register(activity, make.user(email=""))
    services.register(activity, make.user(), notify=False)
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_fifty_concurrent_signups(app, make):
    activity = make.activity(capacity=16)
    users = [make.user(commit=False) for _ in range(50)]
    db.session.commit()
    user_ids = [u.id for u in users]
    activity_id = activity.id
    errors = []
    barrier = threading.Barrier(50)

    def worker(uid):
        try:
            with app.app_context():
                a = db.session.get(Activity, activity_id)
                from wijkmakers.auth.models import User
                u = db.session.get(User, uid)
                db.session.commit()
                barrier.wait(timeout=10)
                services.register(a, u, notify=False)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    regs = db.session.scalars(select(Registration).where(Registration.activity_id == activity_id)).all()
    confirmed = [r for r in regs if r.status == REG_CONFIRMED]
    waiting = sorted(r.waitlist_position for r in regs if r.status == REG_WAITLISTED)
    assert len(confirmed) == 16
    assert waiting == list(range(1, 35))
    assert db.session.get(Activity, activity_id).seats_taken == 16
