"""The Alembic migrations build, from nothing, exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from wijkmakers import create_app
from wijkmakers.extensions import db

from ..conftest import _test_config, fresh_database_url


def test_migrations_build_the_models_schema(tmp_path_factory):
    app = create_app(_test_config(fresh_database_url(tmp_path_factory, "migrations")))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ; regenerate with `flask db migrate`: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert "user" not in db.inspect(connection).get_table_names()
        db.engine.dispose()


def test_schema_has_every_domain_table(app):
    tables = set(db.metadata.tables)
    for name in ("user", "user_role", "organisation", "programme", "cohort", "enrolment", "module",
                 "module_progress", "activity", "activity_guide", "registration", "attendance",
                 "certificate", "outbox_message", "auth_token"):
        assert name in tables
