"""Migration 0004: certificates the old erasure revoked become valid again; real revocations stay."""
import sqlalchemy as sa
from flask_migrate import upgrade

from wijkmakers import create_app
from wijkmakers.extensions import db

from ..conftest import _test_config, fresh_database_url

OLD_REASON = "Gewist op verzoek van de deelnemer"


def test_certificates_revoked_by_erasure_are_restored(tmp_path_factory):
    app = create_app(_test_config(fresh_database_url(tmp_path_factory, "migration0004")))
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO \"user\" (id, email, name, kind, active, created_at, anonymised_at) VALUES "
                "(1, NULL, 'Verwijderde persoon', 'bewoner', :f, '2024-01-01', '2025-01-01'),"
                "(2, 'org@example.org', 'Olga Organisator', 'professional', :t, '2024-01-01', NULL),"
                "(3, 'kees@example.org', 'Kees', 'bewoner', :t, '2024-01-01', NULL)"), {"t": True, "f": False})
            insert = sa.text(
                "INSERT INTO certificate (id, user_id, kind, title, holder_name, code, issued_at, active, revoked_at,"
                " revoked_reason, revoked_by_id) VALUES (:id, :user, 'bewijs_van_deelname', 'Wandeling',"
                " 'Verwijderde persoon', :code, '2024-05-01', NULL, '2025-01-01', :reason, :by)")
            conn.execute(insert, {"id": 1, "user": 1, "code": "C1", "reason": OLD_REASON, "by": None})
            conn.execute(insert, {"id": 2, "user": 1, "code": "C2", "reason": "Fraude bij de aanwezigheid",
                                  "by": 2})
            conn.execute(insert, {"id": 3, "user": 3, "code": "C3", "reason": OLD_REASON, "by": None})
        upgrade(revision="0004")
        with db.engine.connect() as conn:
            rows = {r.id: r for r in conn.execute(sa.text(
                "SELECT id, active, revoked_at, revoked_reason FROM certificate"))}
        db.engine.dispose()
    assert rows[1].revoked_at is None and rows[1].revoked_reason is None and rows[1].active
    assert rows[2].revoked_at is not None and rows[2].revoked_reason == "Fraude bij de aanwezigheid"
    assert rows[3].revoked_at is not None  # not an erased person: not the old erasure's doing
