"""Demo rows for the activities feature, built on the academy of demo.data (copy 0 only): past one-day
activities have feedback from part of those present (marks and some comments, written in the days after
the activity and before the load moment), and their invitations count as sent.

The walks the README promises (the guide's walk of the coming days, under its minimum, and a full walk
with a waiting list) are part of the academy itself: demo.data builds them around the load moment.

Deterministic for a given ``now`` (a seeded generator, rows picked in id order).
"""
import random
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..activities.models import KIND_SESSION, KIND_WALK, STATUS_PLANNED, Activity, Attendance, Feedback
from ..extensions import db
from .texts import FEEDBACK_COMMENTS


def _feedback(now: datetime) -> int:
    rng = random.Random(2021)
    rows = db.session.execute(
        select(Attendance.activity_id, Attendance.user_id, Activity.kind, Activity.ends_at)
        .join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.present.is_(True), Activity.status == STATUS_PLANNED, Activity.cohort_id.is_(None),
               Activity.kind != KIND_SESSION, Activity.ends_at < now, Activity.ends_at >= datetime(2024, 1, 1),
               Activity.title.not_like("% (groep %)"))
        .order_by(Attendance.activity_id, Attendance.user_id)).all()
    comments = {kind: rng.sample(pool, len(pool)) for kind, pool in FEEDBACK_COMMENTS.items()}
    added = 0
    for activity_id, user_id, kind, ends_at in rows:
        if rng.random() > 0.45:
            continue
        written = ends_at + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 6))
        if written >= now:
            continue  # not written yet
        base = 8 if kind == KIND_WALK else 7
        mark = max(4, min(10, base + rng.choice([-2, -1, 0, 0, 1, 1, 2])))
        comment = ""
        if rng.random() < 0.35:
            pool = comments[kind]
            comment = pool[added % len(pool)]
        db.session.add(Feedback(activity_id=activity_id, user_id=user_id, mark=mark, comment=comment,
                                created_at=written))
        added += 1
    # Invitations for everything that is over count as sent, so `flask feedback invite` starts fresh.
    ended = select(Activity.id).where(Activity.ends_at < now)
    db.session.execute(update(Attendance).where(Attendance.present.is_(True), Attendance.activity_id.in_(ended))
                       .values(feedback_invited_at=now).execution_options(synchronize_session=False))
    return added


def load_demo_activities(now: datetime) -> None:
    _feedback(now)
    db.session.flush()
