"""Partial index on user.name for people not erased: the user list, its order and its count no longer scan
the table. Index enrolment.mentor_id: every learning page asks whether the person mentors anyone.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOT_ERASED = sa.text("anonymised_at IS NULL")


def upgrade():
    op.create_index("ix_user_name_not_erased", "user", ["name"], sqlite_where=NOT_ERASED,
                    postgresql_where=NOT_ERASED)
    op.create_index("ix_enrolment_mentor_id", "enrolment", ["mentor_id"])


def downgrade():
    op.drop_index("ix_enrolment_mentor_id", table_name="enrolment")
    op.drop_index("ix_user_name_not_erased", table_name="user")
