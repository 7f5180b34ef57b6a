"""Uploaded staff lists expire: `flask partners purge-imports` deletes those older than the setting."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.partners import retention
from wijkmakers.partners.models import IMPORT_COMMITTED, StaffImport


@pytest.fixture
def app_config():
    return {"STAFF_IMPORT_RETENTION_DAYS": 7}


def _upload(make, token, age_days, status="voorbeeld"):
    org = make.organisation()
    batch = StaffImport(token=token, organisation_id=org.id, filename="lijst.csv", status=status,
                        rows=[{"line": 2, "email": "a@example.org", "name": "A"}],
                        created_at=utcnow() - timedelta(days=age_days))
    db.session.add(batch)
    db.session.commit()
    return batch


def _tokens():
    return sorted(db.session.scalars(select(StaffImport.token)))


def test_purge_deletes_lists_older_than_the_setting_committed_or_not(app, make):
    _upload(make, "fresh", 1)
    _upload(make, "edge", 6)
    _upload(make, "old", 8)
    _upload(make, "old-committed", 30, status=IMPORT_COMMITTED)
    assert retention.purge_imports() == 2
    db.session.expire_all()
    assert _tokens() == ["edge", "fresh"]


def test_command_uses_the_setting_or_the_days_given(app, make):
    _upload(make, "fresh", 1)
    _upload(make, "old", 8)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["partners", "purge-imports"])
    assert result.exit_code == 0 and "1 personeelslijst verwijderd" in result.output
    db.session.expire_all()
    assert _tokens() == ["fresh"]
    result = runner.invoke(args=["partners", "purge-imports", "--days", "0"])
    assert result.exit_code == 0 and "1 personeelslijst verwijderd" in result.output
    db.session.expire_all()
    assert _tokens() == []


def test_the_setting_defaults_to_seven_days():
    from wijkmakers.config import load_config

    assert load_config("/tmp/wijkmakers-test-instance")["STAFF_IMPORT_RETENTION_DAYS"] == 7  # noqa: S108
