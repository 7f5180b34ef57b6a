"""Demo rows for the activities feature, built on the academy of demo.data (copy 0 only):

- the first walk in the next three days is under its minimum (5 sign-ups), so the organiser's overview
  asks "doorgaan of annuleren?"; begeleider@ guides it, so the guide can take attendance on a phone;
- the next walk after that is full, with a waiting list, so a visitor who signs up lands on the list;
- past one-day activities have feedback from part of those present (marks and some comments), and their
  invitations count as sent.

Deterministic for a given ``now`` (a seeded generator, rows picked in id order).
"""
import random
from datetime import datetime, time, timedelta

from sqlalchemy import delete, func, select, update

from ..activities.models import (KIND_SESSION, KIND_WALK, REG_CONFIRMED, REG_WAITLISTED, STATUS_PLANNED,
                                 Activity, ActivityGuide, Attendance, Feedback, Registration, RegistrationEvent)
from ..auth.models import KIND_PROFESSIONAL, User, UserRole
from ..core.timeutil import local_to_utc, to_local
from ..extensions import db

DOMAIN = "wijkmakers.example"
COMMENTS = [
    "Mooi om de wijk eens door de ogen van een bewoner te zien.",
    "Goede gesprekken onderweg; ik heb twee nieuwe contacten in de wijk.",
    "Iets te lang voor mij, maar wel heel interessant.",
    "Graag een volgende keer meer tijd om na te praten.",
    "De combinatie van een bewoner en een professional als gids werkt heel goed.",
    "Praktisch en direct toepasbaar in mijn werk.",
    "Fijne sfeer, en ik leerde veel over wat er al gebeurt in de buurt.",
    "De sprekers waren goed, de zaal was wat krap.",
]


def _walkers(exclude: set[int], limit: int) -> list[User]:
    """Demo participants (not the demo logins, not guides), in id order."""
    guides = select(UserRole.user_id).where(UserRole.role != "deelnemer")
    return list(db.session.scalars(
        select(User).where(User.email.like(f"%.0.%@{DOMAIN}"), User.id.not_in(guides), User.id.not_in(exclude or {0}),
                           User.active.is_(True)).order_by(User.id).limit(limit)))


def _register(activity: Activity, person: User, at: datetime, waiting_position: int | None = None) -> None:
    db.session.add(Registration(activity_id=activity.id, user_id=person.id, active=True,
                                status=REG_WAITLISTED if waiting_position else REG_CONFIRMED,
                                waitlist_position=waiting_position, organisation_id=person.organisation_id,
                                created_at=at, updated_at=at))
    db.session.add(RegistrationEvent(activity_id=activity.id, user_id=person.id, at=at,
                                     event="wachtlijst" if waiting_position else "geregistreerd"))


def _under_minimum_walk(now: datetime) -> Activity:
    walk = db.session.scalar(select(Activity).where(
        Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED, Activity.starts_at > now,
        Activity.starts_at <= now + timedelta(days=3), Activity.title.not_like("% (groep %")).order_by(Activity.starts_at))
    begeleider = db.session.scalar(select(User).where(User.email == f"begeleider@{DOMAIN}"))
    if walk is None:
        day = to_local(now + timedelta(days=2)).date()
        start = local_to_utc(datetime.combine(day, time(14, 0)))
        walk = Activity(kind=KIND_WALK, title="Wijkwandeling Selwerd: buren helpen buren", theme="Buren helpen buren",
                        neighbourhood="Selwerd", meeting_point="Buurthuis Selwerd, Eikenlaan", starts_at=start,
                        ends_at=start + timedelta(hours=2), signup_deadline=start - timedelta(hours=12),
                        capacity=16, min_participants=8, status=STATUS_PLANNED, seats_taken=0,
                        description="Een wandeling door Selwerd over burenhulp, met een bewoner en een professional als gids.",
                        practical_notes="Ongeveer 3 kilometer, rolstoeltoegankelijk.")
        db.session.add(walk)
        db.session.flush()
        professional = db.session.scalar(
            select(User).join(UserRole).where(UserRole.role == "begeleider", User.kind == KIND_PROFESSIONAL)
            .order_by(User.id))
        walk.guides = [ActivityGuide(user_id=u.id) for u in (begeleider, professional) if u is not None]
    else:
        keep = db.session.scalars(select(Registration.id).where(
            Registration.activity_id == walk.id, Registration.active.is_(True), Registration.status == REG_CONFIRMED)
            .order_by(Registration.id).limit(5)).all()
        db.session.execute(delete(Registration).where(Registration.activity_id == walk.id,
                                                      Registration.id.not_in(keep or [0])))
        kept_users = select(Registration.user_id).where(Registration.activity_id == walk.id)
        db.session.execute(delete(RegistrationEvent).where(RegistrationEvent.activity_id == walk.id,
                                                           RegistrationEvent.user_id.not_in(kept_users)))
        walk.seats_taken = len(keep)
        if begeleider is not None and not any(g.user_id == begeleider.id for g in walk.guides) and walk.guides:
            walk.guides[0].user_id = begeleider.id
    db.session.flush()
    if walk.seats_taken == 0:
        for person in _walkers(set(), 5):
            _register(walk, person, now - timedelta(days=6))
            walk.seats_taken += 1
    return walk


def _full_walk(now: datetime, after: Activity) -> Activity | None:
    walk = db.session.scalar(select(Activity).where(
        Activity.kind == KIND_WALK, Activity.status == STATUS_PLANNED, Activity.starts_at > after.starts_at,
        Activity.title.not_like("% (groep %)")).order_by(Activity.starts_at))
    if walk is None:
        return None
    have = set(db.session.scalars(select(Registration.user_id).where(Registration.activity_id == walk.id,
                                                                     Registration.active.is_(True))))
    guide_ids = {g.user_id for g in walk.guides}
    free = walk.capacity - walk.seats_taken
    newcomers = _walkers(have | guide_ids, free + 3)
    for person in newcomers[:free]:
        _register(walk, person, now - timedelta(days=3))
        walk.seats_taken += 1
    last = db.session.scalar(select(func.max(Registration.waitlist_position)).where(
        Registration.activity_id == walk.id)) or 0
    for i, person in enumerate(newcomers[free:], start=1):
        _register(walk, person, now - timedelta(days=2), waiting_position=last + i)
    return walk


def _feedback(now: datetime) -> int:
    rng = random.Random(2021)
    rows = db.session.execute(
        select(Attendance.activity_id, Attendance.user_id, Activity.kind, Activity.ends_at)
        .join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.present.is_(True), Activity.status == STATUS_PLANNED, Activity.cohort_id.is_(None),
               Activity.kind != KIND_SESSION, Activity.ends_at < now, Activity.ends_at >= datetime(2024, 1, 1),
               Activity.title.not_like("% (groep %)"))
        .order_by(Attendance.activity_id, Attendance.user_id)).all()
    added = 0
    for activity_id, user_id, kind, ends_at in rows:
        if rng.random() > 0.45:
            continue
        base = 8 if kind == KIND_WALK else 7
        mark = max(4, min(10, base + rng.choice([-2, -1, 0, 0, 1, 1, 2])))
        comment = rng.choice(COMMENTS) if rng.random() < 0.35 else ""
        db.session.add(Feedback(activity_id=activity_id, user_id=user_id, mark=mark, comment=comment,
                                created_at=ends_at + timedelta(days=rng.randint(1, 5))))
        added += 1
    # Invitations for everything that is over count as sent, so `flask feedback invite` starts fresh.
    ended = select(Activity.id).where(Activity.ends_at < now)
    db.session.execute(update(Attendance).where(Attendance.present.is_(True), Attendance.activity_id.in_(ended))
                       .values(feedback_invited_at=now).execution_options(synchronize_session=False))
    return added


def load_demo_activities(now: datetime) -> None:
    walk = _under_minimum_walk(now)
    _full_walk(now, walk)
    _feedback(now)
    db.session.flush()

