"""Demo certificates beyond the programme certificates that demo/data.py issues: proofs of participation
that some attendees of one-day activities asked for, and one revoked and replaced certificate, so the
verification page has every state to show."""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from ..activities.models import ONE_DAY_KINDS, STATUS_CANCELLED, Activity, Attendance
from ..auth.models import User
from ..certificates.models import CERT_PARTICIPATION, CERT_PROGRAMME, Certificate
from ..core.timeutil import nl_date
from ..extensions import db

SHARE_ASKING = 0.15
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _code(rng: random.Random) -> str:
    # Seeded, so the demo is reproducible; real codes come from the secrets module (certificates.services).
    return "-".join("".join(rng.choice(ALPHABET) for _ in range(5)) for _ in range(4))


def load_demo_certificates(now: datetime) -> int:
    """Add the demo's proofs of participation and one revocation; returns the number of rows added."""
    rng = random.Random(2024)
    taken = set(db.session.scalars(select(Certificate.code)))
    has_proof = select(Certificate.id).where(Certificate.activity_id == Attendance.activity_id,
                                             Certificate.user_id == Attendance.user_id).exists()
    rows = db.session.execute(
        select(Attendance.user_id, User.name, Activity.id, Activity.title, Activity.starts_at, Activity.ends_at)
        .join(Activity, Activity.id == Attendance.activity_id).join(User, User.id == Attendance.user_id)
        .where(Attendance.present.is_(True), Activity.kind.in_(ONE_DAY_KINDS), Activity.status != STATUS_CANCELLED,
               Activity.ends_at < now, ~has_proof)
        .order_by(Attendance.id)).all()
    added = []
    for user_id, name, activity_id, title, starts_at, ends_at in rows:
        if rng.random() >= SHARE_ASKING:
            continue
        issued_at = ends_at + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
        if issued_at >= now:
            continue  # not asked for yet
        code = _code(rng)
        while code in taken:
            code = _code(rng)
        taken.add(code)
        added.append({"user_id": user_id, "kind": CERT_PARTICIPATION, "activity_id": activity_id, "title": title,
                      "holder_name": name, "period": nl_date(starts_at), "code": code, "active": True,
                      "issued_at": issued_at})
    if added:
        db.session.execute(Certificate.__table__.insert(), added)

    # One programme certificate issued with a misspelt name, revoked and replaced.
    original = db.session.scalar(select(Certificate).where(Certificate.kind == CERT_PROGRAMME,
                                                           Certificate.revoked_at.is_(None))
                                 .order_by(Certificate.issued_at, Certificate.id).limit(1))
    replaced = 0
    if original is not None:
        fixed_at = original.issued_at + timedelta(days=9)
        name = original.holder_name
        original.holder_name = name[:-2] + name[-1] + name[-2]  # the typo: last two letters swapped
        original.revoked_at = fixed_at
        original.revoked_reason = "Naam verkeerd gespeld; vervangen door een nieuw certificaat."
        original.active = None
        db.session.flush()
        code = _code(rng)
        while code in taken:
            code = _code(rng)
        db.session.add(Certificate(user_id=original.user_id, kind=CERT_PROGRAMME, enrolment_id=original.enrolment_id,
                                   title=original.title, holder_name=db.session.get(User, original.user_id).name,
                                   period=original.period, code=code, issued_at=fixed_at))
        replaced = 1
    db.session.commit()
    return len(added) + replaced
