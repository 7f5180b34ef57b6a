"""partner_invitation: a partner contact invites a person to join the organisation; the link is made only
when the person accepts (only the SHA-256 of the token is stored).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partner_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("target_code", sa.String(length=20), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user.id"],
                                name=op.f("fk_partner_invitation_invited_by_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_partner_invitation_organisation_id_organisation"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_partner_invitation_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_invitation")),
        sa.UniqueConstraint("organisation_id", "email", name=op.f("uq_partner_invitation_organisation_id_email")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_partner_invitation_token_hash")),
    )
    with op.batch_alter_table("partner_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_invitation_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_invitation_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_invitation_invited_by_id"), ["invited_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_invitation_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_invitation_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("partner_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_invitation_user_id"))
        batch_op.drop_index(batch_op.f("ix_partner_invitation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_partner_invitation_invited_by_id"))
        batch_op.drop_index(batch_op.f("ix_partner_invitation_expires_at"))
        batch_op.drop_index(batch_op.f("ix_partner_invitation_email"))
    op.drop_table("partner_invitation")
