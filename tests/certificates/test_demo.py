"""The demo's certificates (wijkmakers/demo/certificates.py) on top of the demo academy."""

from sqlalchemy import func, select

from wijkmakers.activities.models import ONE_DAY_KINDS, Activity, Attendance
from wijkmakers.certificates import verification
from wijkmakers.certificates.models import CERT_PARTICIPATION, CERT_PROGRAMME, Certificate
from wijkmakers.demo.data import load_demo
from wijkmakers.extensions import db
from wijkmakers.learning.models import ENROLMENT_COMPLETED, Enrolment

from ..conftest import TEST_NOW

NOW = TEST_NOW


def test_demo_certificates(app, client):
    load_demo(app.config["CONTENT_DIR"], now=NOW)
    # one certificate per completed enrolment, plus the one revoked and replaced
    programme_before = db.session.scalar(select(func.count()).select_from(Enrolment)
                                         .where(Enrolment.status == ENROLMENT_COMPLETED))
    # load_demo includes the certificates' demo rows (load_demo_certificates)
    added = db.session.scalar(select(func.count()).select_from(Certificate)
                              .where(Certificate.kind == CERT_PARTICIPATION))
    assert added > 50
    proofs = db.session.scalars(select(Certificate).where(Certificate.kind == CERT_PARTICIPATION)).all()
    # Every proof belongs to someone who was present at a one-day activity.
    present = set(db.session.execute(
        select(Attendance.user_id, Attendance.activity_id).join(Activity)
        .where(Attendance.present.is_(True), Activity.kind.in_(ONE_DAY_KINDS))).all())
    assert all((p.user_id, p.activity_id) in present for p in proofs)
    assert all(verification.normalise_code(c) == c for c in db.session.scalars(select(Certificate.code)))
    revoked = db.session.scalar(select(Certificate).where(Certificate.revoked_at.is_not(None)))
    replacement = db.session.scalar(select(Certificate).where(Certificate.enrolment_id == revoked.enrolment_id,
                                                              Certificate.active.is_(True)))
    assert replacement is not None and replacement.code != revoked.code
    assert db.session.scalar(select(func.count()).select_from(Certificate)
                             .where(Certificate.kind == CERT_PROGRAMME)) == programme_before + 1
    assert "Ingetrokken" in client.get(f"/certificaat/{revoked.code}").get_data(as_text=True)
    assert "Geldig" in client.get(f"/certificaat/{replacement.code}").get_data(as_text=True)
