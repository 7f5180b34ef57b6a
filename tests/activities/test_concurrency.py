"""No overbooking under load: many people sign up (and cancel) at the same moment.

Runs on whichever database the suite uses: SQLite by default, PostgreSQL with TEST_DATABASE_URL
(`bash .ci/with-postgres ...`). Never skipped. Each thread has its own app context, so its own session
and connection, as concurrent web requests have.
"""
import threading

from sqlalchemy import select

from wijkmakers.activities import signups
from wijkmakers.activities.models import REG_CONFIRMED, REG_WAITLISTED, Activity, Registration
from wijkmakers.auth.models import User
from wijkmakers.extensions import db

THREADS = 60


def _run_together(app, jobs):
    """Start every job at once (a barrier), each in its own app context; return the errors."""
    errors = []
    barrier = threading.Barrier(len(jobs))

    def worker(job):
        try:
            with app.app_context():
                try:
                    barrier.wait(timeout=30)
                    job()
                finally:
                    db.session.remove()
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a sign-up hung"
    return errors


def _sign_up(activity_id, user_id):
    def job():
        activity = db.session.get(Activity, activity_id)
        user = db.session.get(User, user_id)
        db.session.commit()  # end the read: the sign-up is a transaction of its own
        signups.register(activity, user, notify=False)
    return job


def _cancel(registration_id):
    def job():
        registration = db.session.get(Registration, registration_id)
        db.session.commit()
        signups.cancel_registration(registration, notify=False)
    return job


def _state(activity_id):
    db.session.expire_all()
    regs = db.session.scalars(select(Registration).where(Registration.activity_id == activity_id,
                                                         Registration.active.is_(True))).all()
    confirmed = {r.user_id for r in regs if r.status == REG_CONFIRMED}
    waiting = sorted((r.waitlist_position, r.user_id) for r in regs if r.status == REG_WAITLISTED)
    return confirmed, waiting, db.session.get(Activity, activity_id).seats_taken


def test_sixty_simultaneous_sign_ups_for_sixteen_seats(app, make):
    activity = make.activity(capacity=16)
    users = [make.user(commit=False) for _ in range(THREADS)]
    db.session.commit()
    errors = _run_together(app, [_sign_up(activity.id, u.id) for u in users])
    assert errors == []
    confirmed, waiting, seats_taken = _state(activity.id)
    assert len(confirmed) == 16 and seats_taken == 16
    assert [position for position, _ in waiting] == list(range(1, THREADS - 16 + 1))  # 1..N, no gaps
    assert len(confirmed) + len(waiting) == THREADS


def test_simultaneous_cancellations_promote_the_waiting_list_in_order(app, make):
    activity = make.activity(capacity=16)
    seated = [make.user(commit=False) for _ in range(16)]
    queued = [make.user(commit=False) for _ in range(10)]
    newcomers = [make.user(commit=False) for _ in range(30)]
    db.session.commit()
    seats = [signups.register(activity, u, notify=False) for u in seated]
    for u in queued:
        signups.register(activity, u, notify=False)
    leaving = seats[:8]
    jobs = [_cancel(r.id) for r in leaving] + [_sign_up(activity.id, u.id) for u in newcomers]
    errors = _run_together(app, jobs)
    assert errors == []
    confirmed, waiting, seats_taken = _state(activity.id)
    assert seats_taken == 16 and len(confirmed) == 16
    # the freed seats went to the first eight who were waiting, never to someone who came later
    assert confirmed == {u.id for u in seated[8:]} | {u.id for u in queued[:8]}
    positions = [p for p, _ in waiting]
    assert len(positions) == len(set(positions)) == 2 + 30
    assert {uid for _, uid in waiting} == {u.id for u in queued[8:]} | {u.id for u in newcomers}
