"""lock_row: it serialises writers without changing the row it locks."""
from datetime import datetime

from wijkmakers.activities.models import REG_CONFIRMED, Registration
from wijkmakers.core.locking import lock_row
from wijkmakers.extensions import db


def test_lock_row_leaves_the_locked_row_and_its_update_stamp_alone(app, make):
    activity = make.activity()
    registration = Registration(activity=activity, user=make.user(), status=REG_CONFIRMED)
    db.session.add(registration)
    db.session.commit()
    stamp = datetime(2020, 1, 2, 3, 4, 5)
    db.session.execute(db.update(Registration).where(Registration.id == registration.id).values(updated_at=stamp))
    db.session.commit()

    lock_row(Registration, registration.id)
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(Registration, registration.id).updated_at == stamp
