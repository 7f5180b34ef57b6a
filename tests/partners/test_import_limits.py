"""Upload limits: the app-wide request limit and the import's own size and row limits."""
import pytest
from sqlalchemy import func, select

from wijkmakers.extensions import db
from wijkmakers.partners.models import StaffImport

from ..conftest import login
from .helpers import colleagues, csv_bytes
from .test_import import upload


@pytest.fixture
def app_config():
    return {"MAX_CONTENT_LENGTH": 50_000, "PARTNER_IMPORT_MAX_BYTES": 20_000, "PARTNER_IMPORT_MAX_ROWS": 30}


def test_size_limits_have_dutch_messages(client, world):
    login(client, world.contact_a)
    huge = upload(client, b"e-mail;naam\n" + b"a@b.nl;" + b"x" * 60_000)
    assert huge.status_code == 413 and "Het bestand is te groot" in huge.get_data(as_text=True)
    big = upload(client, b"e-mail;naam\n" + b"a@b.nl;" + b"x" * 25_000)
    assert big.status_code == 422 and "te groot" in big.get_data(as_text=True)
    rows = upload(client, csv_bytes(colleagues(31, target=world.cohort_code)))
    assert rows.status_code == 422 and "meer dan 30 rijen" in rows.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StaffImport)) == 0
