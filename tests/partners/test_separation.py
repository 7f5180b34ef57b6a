"""A partner contact of organisation A never sees or changes anything of organisation B: not through a
page, a direct URL with B's ids, a search, an export, an upload, or an API."""
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from wijkmakers.activities.models import Registration
from wijkmakers.extensions import db
from wijkmakers.learning.models import Enrolment
from wijkmakers.notifications.models import OutboxMessage
from wijkmakers.partners.models import IMPORT_PREVIEW, StaffImport

from ..conftest import login
from .helpers import csv_bytes
from .test_import import preview_of, upload

SECRET_NAME = "Bea Geheimhouder"
SECRET_EMAIL = "bea.geheim@welzijn-b.nl"
SECRET_JOB = "vertrouwenspersoon-b"


@pytest.fixture
def two_orgs(client, world, make):
    """A person of B, enrolled and registered via B, and an upload B is still previewing."""
    bea = make.user(name=SECRET_NAME, email=SECRET_EMAIL, job_title=SECRET_JOB, organisation_id=world.org_b.id)
    db.session.add(Enrolment(user=bea, cohort=world.cohort, organisation_id=world.org_b.id))
    db.session.add(Registration(activity=world.activity, user=bea, status="bevestigd", organisation_id=world.org_b.id))
    ann = make.user(name="Ann van A", email="ann@noorderhuis.nl", organisation_id=world.org_a.id)
    db.session.add(Enrolment(user=ann, cohort=world.cohort, organisation_id=world.org_a.id))
    db.session.commit()
    login(client, world.contact_b)
    location, _ = preview_of(client, upload(client, csv_bytes([("nieuw.b@welzijn-b.nl", "Nieuwe B", "", "")]),
                                            target=world.cohort_code))
    batch = db.session.scalar(select(StaffImport).where(StaffImport.organisation_id == world.org_b.id))
    login(client, world.contact_a)
    return {"bea": bea, "ann": ann, "b_batch": batch, "b_preview": location}


def assert_no_secret(response, typed=()):
    """Nothing of B in the response, apart from what the user typed themselves (echoed in a form)."""
    body = response.data
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    text = body.decode("utf-8", errors="replace")
    for secret in (SECRET_NAME, SECRET_EMAIL, SECRET_JOB, "Welzijn in de Wijk", "nieuw.b@welzijn-b.nl"):
        if secret in typed:
            continue
        assert secret not in text, f"{secret!r} leaked"


def test_dashboard_shows_only_own_organisation(client, world, two_orgs):
    response = client.get("/mijn-organisatie")
    assert "Ann van A" in response.get_data(as_text=True)
    assert_no_secret(response)


def test_direct_urls_with_other_ids_give_404(client, world, two_orgs):
    for user_id in (two_orgs["bea"].id, world.contact_b.id, 999999):
        assert client.get(f"/mijn-organisatie/medewerkers/{user_id}").status_code == 404
    assert client.get(f"/mijn-organisatie/medewerkers/{two_orgs['ann'].id}").status_code == 200
    assert client.get(two_orgs["b_preview"]).status_code == 404
    assert client.post(two_orgs["b_preview"]).status_code == 404
    db.session.expire_all()
    assert db.session.get(StaffImport, two_orgs["b_batch"].id).status == IMPORT_PREVIEW
    assert db.session.scalar(select(func.count()).select_from(Enrolment)
                             .where(Enrolment.organisation_id == world.org_b.id)) == 1


def test_coordinator_pages_are_closed_to_partner_contacts(client, world, two_orgs):
    for path in (f"/partners/{world.org_b.id}", f"/partners/{world.org_b.id}/overzicht",
                 "/partners/personen?q=bea", f"/partners/personen/{two_orgs['bea'].id}/organisatie"):
        assert client.get(path).status_code == 403
    assert client.post(f"/partners/personen/{two_orgs['bea'].id}/organisatie",
                       data={"organisation": str(world.org_a.id)}).status_code == 403


@pytest.mark.parametrize("q", ["Bea", "geheim", SECRET_EMAIL, "welzijn-b", "%", "_", "'", "Wijk"])
def test_search_never_finds_other_organisations_people(client, world, two_orgs, q):
    response = client.get("/mijn-organisatie", query_string={"q": q})
    assert response.status_code == 200
    assert_no_secret(response, typed=(q,))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("q", ["", "bea"])
def test_exports_contain_only_own_organisation(client, world, two_orgs, fmt, q):
    response = client.get(f"/mijn-organisatie/export.{fmt}", query_string={"q": q} if q else None)
    assert response.status_code == 200
    assert_no_secret(response)
    if fmt == "xlsx" and not q:
        names = [row[0].value for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(min_row=2)]
        assert "Ann van A" in names


def test_enrolling_someone_of_b_reveals_nothing_and_changes_nothing(client, world, two_orgs):
    """Someone of B gets the answer any address outside A gets: an invitation (without a mail to them)."""
    response = client.post("/mijn-organisatie/aanmelden", data={"email": SECRET_EMAIL, "target": world.activity_code})
    assert response.status_code == 302 and response.headers["Location"].endswith("/mijn-organisatie/uitnodigingen")
    assert_no_secret(client.get(response.headers["Location"]), typed=(SECRET_EMAIL,))
    location, page = preview_of(client, upload(client, csv_bytes([(SECRET_EMAIL, "Iemand", "", "")]),
                                               target=world.activity_code))
    assert "krijgt een uitnodiging" in page.get_data(as_text=True)
    assert_no_secret(page, typed=(SECRET_EMAIL,))
    assert_no_secret(client.post(location), typed=(SECRET_EMAIL,))
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.recipient == SECRET_EMAIL)) == 0
    db.session.expire_all()
    assert db.session.get(type(two_orgs["bea"]), two_orgs["bea"].id).organisation_id == world.org_b.id
    assert db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.user_id == two_orgs["bea"].id)) == 1


def test_every_partner_and_api_endpoint_with_b_ids(app, client, world, two_orgs):
    """Sweep: every GET route of this feature and of the API, filled with B's ids, as A's contact."""
    values = {"organisation_id": world.org_b.id, "user_id": two_orgs["bea"].id,
              "token": two_orgs["b_batch"].token}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("partners.", "api.")) or "GET" not in rule.methods:
            continue
        fmts = ("csv", "xlsx", "json") if "fmt" in rule.arguments else (None,)
        for fmt in fmts:
            args = {k: v for k, v in values.items() if k in rule.arguments}
            if fmt:
                args["fmt"] = fmt
            if set(rule.arguments) - set(args):
                continue
            with app.test_request_context():
                from flask import url_for
                url = url_for(rule.endpoint, **args)
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            assert_no_secret(response)
            checked += 1
    assert checked >= 10
