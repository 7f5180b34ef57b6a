"""Data only: erasure is no longer revocation. The old erasure revoked every valid certificate of the erased
person, with revoked_reason "Gewist op verzoek van de deelnemer" and no revoking organiser; those
certificates become valid again (their holder_name is already the erased name). A certificate is left
revoked when another valid one now exists for the same enrolment or the same activity and person (the
unique constraints allow one). The downgrade does not revoke them again: nothing marks them any more, and
a genuine certificate should not read as withdrawn.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OLD_ERASURE_REASON = "Gewist op verzoek van de deelnemer"


def upgrade():
    op.execute(sa.text("""
        UPDATE certificate SET revoked_at = NULL, revoked_reason = NULL, active = :true
        WHERE revoked_reason = :reason AND revoked_by_id IS NULL
          AND user_id IN (SELECT id FROM "user" WHERE anonymised_at IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM certificate other WHERE other.id <> certificate.id
                          AND other.active = :true AND other.enrolment_id = certificate.enrolment_id)
          AND NOT EXISTS (SELECT 1 FROM certificate other WHERE other.id <> certificate.id
                          AND other.active = :true AND other.activity_id = certificate.activity_id
                          AND other.user_id = certificate.user_id)
    """).bindparams(reason=OLD_ERASURE_REASON, true=True))


def downgrade():
    pass
