"""The commands (reminders, with --help), the feature's demo rows and the erasure of a newcomer."""
from datetime import timedelta

from sqlalchemy import func, select

from wijkmakers.activities import newcomers, overview, signups
from wijkmakers.activities.models import (REG_CONFIRMED, REG_WAITLISTED, Activity, ActivityGuide, Feedback,
                                          NewcomerSignup, Registration)
from wijkmakers.auth.models import User
from wijkmakers.core.timeutil import utcnow
from wijkmakers.demo.data import load_demo
from wijkmakers.extensions import db
from wijkmakers.people.privacy import erase_person


from ..conftest import TEST_NOW
from ..conftest import outbox


def test_reminders_command_is_idempotent(app, make):
    activity = make.activity(starts_at=utcnow() + timedelta(hours=30))
    person = make.user()
    signups.register(activity, person, notify=False)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send"])
    assert first.exit_code == 0 and "1 herinnering in de outbox" in first.output
    assert "0 herinneringen" in runner.invoke(args=["reminders", "send"]).output
    assert len(outbox(person.email, "Herinnering")) == 1
    assert db.session.scalar(select(Registration.reminded_at)) is not None
    assert "--hours" in runner.invoke(args=["reminders", "send", "--help"]).output
    assert runner.invoke(args=["reminders", "send", "--hours", "0"]).exit_code != 0
    assert "invite" in runner.invoke(args=["feedback", "--help"]).output


def test_a_newcomers_pending_sign_up_is_erased_with_them(make):
    activity = make.activity()
    newcomers.start_newcomer_signup(activity, "Nina", "nina@example.org", "bewoner", "Buurtclub")
    coordinator = make.user(roles=("coordinator",))
    nina = db.session.scalar(select(User).where(User.email == "nina@example.org"))
    erase_person(nina, coordinator)
    assert db.session.scalar(select(func.count()).select_from(NewcomerSignup)) == 0


NOW = TEST_NOW


def test_demo_rows(app):
    load_demo(app.config["CONTENT_DIR"], now=NOW)
    flagged = overview.walks_needing_decision(now=NOW)
    assert len(flagged) == 1
    walk, confirmed = flagged[0]
    assert confirmed == 5
    guides = {g.user.email for g in walk.guides}
    assert "begeleider@wijkmakers.example" in guides and len(guides) == 2
    # the next walk is full, with a waiting list
    full = db.session.scalar(select(Activity).where(
        Activity.kind == "wijkwandeling", Activity.starts_at > walk.starts_at,
        Activity.title.not_like("% (groep %)")).order_by(Activity.starts_at))
    counts = dict(db.session.execute(select(Registration.status, func.count()).where(
        Registration.activity_id == full.id, Registration.active.is_(True)).group_by(Registration.status)).all())
    assert counts == {REG_CONFIRMED: 16, REG_WAITLISTED: 3} and full.seats_taken == 16
    # every walk still has its duo, and the seat counters match the registrations
    duos = db.session.scalars(select(func.count()).select_from(ActivityGuide).group_by(ActivityGuide.activity_id))
    assert set(duos) == {2}
    mismatched = db.session.execute(
        select(Activity.id).outerjoin(Registration, (Registration.activity_id == Activity.id)
                                      & Registration.active.is_(True) & (Registration.status == REG_CONFIRMED))
        .group_by(Activity.id, Activity.seats_taken).having(func.count(Registration.id) != Activity.seats_taken)).all()
    assert mismatched == []
    assert db.session.scalar(select(func.count()).select_from(Feedback)) > 100
    assert "1 uitnodiging" not in app.test_cli_runner().invoke(args=["feedback", "invite"]).output
