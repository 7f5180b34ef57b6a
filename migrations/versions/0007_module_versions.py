"""Module texts edited in the browser: every saved version kept, and when the text was last edited there.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "module_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("theme", sa.String(length=80), nullable=False),
        sa.Column("study_hours", sa.Integer(), nullable=False),
        sa.Column("learning_goals", sa.JSON(), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["module.id"], name=op.f("fk_module_version_module_id_module"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["saved_by_id"], ["user.id"], name=op.f("fk_module_version_saved_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_module_version")),
        sa.UniqueConstraint("module_id", "number", name=op.f("uq_module_version_module_id_number")),
    )
    with op.batch_alter_table("module_version") as batch:
        batch.create_index(batch.f("ix_module_version_module_id"), ["module_id"], unique=False)
    with op.batch_alter_table("module") as batch:
        batch.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("module") as batch:
        batch.drop_column("edited_at")
    op.drop_table("module_version")
