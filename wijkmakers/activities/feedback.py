"""Feedback: after an activity those who were present give a mark (1-10) and a comment.

Only people marked present may answer, once per activity (a second answer replaces the first). An
invitation goes out once per person (Attendance.feedback_invited_at, claimed with a guarded UPDATE).
Organisers see the results per activity and per kind, without names; all figures are SQL aggregates.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..core.errors import DomainError
from ..core.text import clean_text
from ..core.timeutil import utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..notifications import compose
from .models import KIND_SESSION, STATUS_PLANNED, Activity, Attendance, Feedback
from .signups import is_public_activity

INVITE_WITHIN = timedelta(days=14)
INVITE_BATCH = 200
MAX_COMMENT = 2000


@dataclass
class FeedbackState:
    allowed: bool
    reason: str | None
    existing: Feedback | None


def feedback_state(activity: Activity, user: User, now: datetime | None = None) -> FeedbackState:
    """May this person give feedback on this activity now, and what did they give before?"""
    now = now or utcnow()
    present = db.session.scalar(select(Attendance.id).where(
        Attendance.activity_id == activity.id, Attendance.user_id == user.id, Attendance.present.is_(True)))
    existing = db.session.scalar(select(Feedback).where(Feedback.activity_id == activity.id,
                                                        Feedback.user_id == user.id))
    if present is None:
        return FeedbackState(False, "Alleen wie aanwezig was, kan deze activiteit beoordelen.", None)
    if activity.is_cancelled or not is_public_activity(activity):
        return FeedbackState(False, "Deze activiteit kan niet worden beoordeeld.", None)
    if activity.starts_at > now:
        return FeedbackState(False, "De activiteit is nog niet geweest; beoordelen kan daarna.", existing)
    return FeedbackState(True, None, existing)


def save_feedback(activity: Activity, user: User, mark: int, comment: str | None) -> Feedback:
    """Give (or replace) this person's mark and comment; one transaction."""
    try:
        return _save_feedback(activity, user, mark, comment)
    except IntegrityError:
        # Sent twice at the same moment: the other insert won; run again (a transaction of its own), which
        # now finds that answer and updates it.
        return _save_feedback(activity, user, mark, comment)


@transactional
def _save_feedback(activity: Activity, user: User, mark: int, comment: str | None) -> Feedback:
    state = feedback_state(activity, user)
    if not state.allowed:
        raise DomainError(state.reason)
    if not isinstance(mark, int) or not 1 <= mark <= 10:
        raise DomainError("Geef een cijfer van 1 tot en met 10.", field="mark")
    comment = clean_text(comment, "je opmerking", MAX_COMMENT, field="comment")
    feedback = state.existing
    if feedback is None:
        feedback = Feedback(activity_id=activity.id, user_id=user.id, mark=mark, comment=comment)
        db.session.add(feedback)
        db.session.flush()
        return feedback
    feedback.mark = mark
    feedback.comment = comment
    feedback.updated_at = utcnow()
    return feedback


def invite_feedback(now: datetime | None = None, within: timedelta = INVITE_WITHIN) -> int:
    """Invite everyone present at an activity that ended in the last ``within`` to give feedback.

    Idempotent: each attendance is claimed with a guarded UPDATE, so nobody is invited twice. Course
    sessions are left to the learning feature. Returns the number of mails queued.

    Not @transactional on purpose: a command loop that commits every INVITE_BATCH mails, so a big run
    keeps its transactions (and SQLite's write lock) short; each claim and its mail are committed together.
    """
    now = now or utcnow()
    rows = db.session.execute(
        select(Attendance.id, Attendance.user_id, Attendance.activity_id)
        .join(Activity, Activity.id == Attendance.activity_id).join(User, User.id == Attendance.user_id)
        .outerjoin(Feedback, (Feedback.activity_id == Attendance.activity_id)
                   & (Feedback.user_id == Attendance.user_id))
        .where(Attendance.present.is_(True), Attendance.feedback_invited_at.is_(None), Feedback.id.is_(None),
               Activity.status == STATUS_PLANNED, Activity.cohort_id.is_(None), Activity.kind != KIND_SESSION,
               Activity.ends_at <= now, Activity.ends_at > now - within, User.email.is_not(None),
               User.anonymised_at.is_(None))
        .order_by(Attendance.activity_id, Attendance.id)).all()
    sent = 0
    for attendance_id, user_id, activity_id in rows:
        claimed = db.session.execute(
            update(Attendance).where(Attendance.id == attendance_id, Attendance.feedback_invited_at.is_(None))
            .values(feedback_invited_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        user, activity = db.session.get(User, user_id), db.session.get(Activity, activity_id)
        if not compose.send(user, f"Hoe was het? {activity.title}", "activities/mail_feedback.txt",
                            activity=activity,
                            link=compose.absolute_url("activities.feedback", activity_id=activity.id),
                            forgot=compose.absolute_url("auth.forgot_password"),
                            has_password=bool(user.password_hash)):
            continue
        sent += 1
        if sent % INVITE_BATCH == 0:
            db.session.commit()
    db.session.commit()
    return sent


# --------------------------------------------------------------------------------------------------
# Results for organisers
# --------------------------------------------------------------------------------------------------

def results_by_kind() -> list[tuple[str, int, int, float]]:
    """(kind, activities with answers, answers, average mark) in one GROUP BY."""
    rows = db.session.execute(
        select(Activity.kind, func.count(func.distinct(Feedback.activity_id)), func.count(Feedback.id),
               func.avg(Feedback.mark))
        .join(Activity, Activity.id == Feedback.activity_id)
        .group_by(Activity.kind).order_by(Activity.kind)).all()
    return [(kind, n_activities, n, float(avg)) for kind, n_activities, n, avg in rows]


def results_by_activity_query(kind: str | None = None):
    """Activities with answers, newest first: (Activity, answers, average), for pagination."""
    stmt = (select(Activity, func.count(Feedback.id).label("answers"), func.avg(Feedback.mark).label("average"))
            .join(Feedback, Feedback.activity_id == Activity.id)
            .group_by(Activity.id).order_by(Activity.starts_at.desc(), Activity.id.desc()))
    if kind:
        stmt = stmt.where(Activity.kind == kind)
    return stmt


@dataclass
class ActivityResults:
    answers: int
    average: float | None
    present: int
    distribution: list[tuple[int, int]]  # (mark, count) for 1..10
    comments: list[tuple[int, str]]  # (mark, comment), newest first, no names


def results_for(activity: Activity) -> ActivityResults:
    counts = dict(db.session.execute(select(Feedback.mark, func.count()).where(Feedback.activity_id == activity.id)
                                     .group_by(Feedback.mark)).all())
    answers = sum(counts.values())
    average = (sum(mark * n for mark, n in counts.items()) / answers) if answers else None
    present = db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.activity_id == activity.id, Attendance.present.is_(True))) or 0
    comments = db.session.execute(select(Feedback.mark, Feedback.comment).where(
        Feedback.activity_id == activity.id, Feedback.comment != "").order_by(Feedback.created_at.desc())).all()
    return ActivityResults(answers, average, present, [(m, counts.get(m, 0)) for m in range(1, 11)],
                           [(m, c) for m, c in comments])
