"""Programmes authored in the browser: their kind (which row of the municipality's figures they count in),
audience and archiving.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("programme") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), server_default="leergang", nullable=False))
        batch.add_column(sa.Column("audience", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
    # The figures counted the four programmes by slug until now; give those their kind.
    programme = sa.table("programme", sa.column("slug", sa.String), sa.column("kind", sa.String))
    for slug, kind in (("bestuurdersleergang", "bestuurdersleergang"), ("leergang-participatie", "participatie"),
                       ("traineeship", "traineeship")):
        op.execute(programme.update().where(programme.c.slug == slug).values(kind=kind))
    op.execute(sa.text("UPDATE programme SET kind = 'traineeship' WHERE id IN (SELECT programme_id FROM phase)"))


def downgrade():
    with op.batch_alter_table("programme") as batch:
        batch.drop_column("archived_at")
        batch.drop_column("audience")
        batch.drop_column("kind")
