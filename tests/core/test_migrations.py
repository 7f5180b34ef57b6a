"""The Alembic migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from wijkmakers.extensions import db


def test_migrations_match_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"


def test_schema_has_every_domain_table(app):
    tables = set(db.metadata.tables)
    for name in ("user", "user_role", "organisation", "programme", "cohort", "enrolment", "module",
                 "module_progress", "activity", "activity_guide", "registration", "attendance",
                 "certificate", "outbox_message", "auth_token"):
        assert name in tables
