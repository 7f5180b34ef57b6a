"""Reminders: everyone with a seat gets one mail (with the .ics) shortly before the activity starts."""
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..auth.models import User
from ..core.timeutil import nl_datetime, utcnow
from ..extensions import db
from . import mail
from .models import REG_CONFIRMED, STATUS_PLANNED, Activity, Registration

REMINDER_AHEAD = timedelta(days=2)
BATCH = 200


def send_reminders(now: datetime | None = None, ahead: timedelta = REMINDER_AHEAD) -> int:
    """Queue a reminder for every confirmed sign-up of an activity starting within ``ahead``.

    Idempotent: each registration is claimed with a guarded UPDATE (reminded_at IS NULL), so running
    twice, or two runs at once, never reminds anyone twice. Returns the number of mails queued.

    Not @transactional on purpose: a command loop that commits every BATCH mails, so a big run keeps its
    transactions (and SQLite's write lock) short; each claim and its mail are committed together.
    """
    now = now or utcnow()
    candidates = db.session.execute(
        select(Registration.id).join(Activity, Activity.id == Registration.activity_id)
        .join(User, User.id == Registration.user_id)
        .where(Registration.active.is_(True), Registration.status == REG_CONFIRMED,
               Registration.reminded_at.is_(None), Activity.status == STATUS_PLANNED,
               Activity.starts_at > now, Activity.starts_at <= now + ahead, User.email.is_not(None))
        .order_by(Activity.starts_at, Registration.id)).scalars().all()
    sent = 0
    for registration_id in candidates:
        claimed = db.session.execute(
            update(Registration).where(Registration.id == registration_id, Registration.reminded_at.is_(None),
                                       Registration.active.is_(True), Registration.status == REG_CONFIRMED)
            .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        registration = db.session.get(Registration, registration_id)
        activity = registration.activity
        if mail.send_activity_mail(registration.user, activity, "mail_reminder.txt",
                                   f"Herinnering: {activity.title}, {nl_datetime(activity.starts_at, 'EEEE d MMMM')}"):
            sent += 1
        if sent % BATCH == 0:
            db.session.commit()
    db.session.commit()
    return sent
