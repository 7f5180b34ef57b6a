"""Worksheets on a module: organisers add (checked by content and size) and remove them; participants of a
programme with the module download them; nobody else."""
import io

from sqlalchemy import func, select

from wijkmakers.extensions import db
from wijkmakers.learning.models import Worksheet

from ..conftest import login
from .helpers import enrol_directly
from .test_work_files import PDF, _docx


def _add(client, module, name, content, title=""):
    return client.post(f"/leergangen/modules/{module.id}/werkbladen", content_type="multipart/form-data",
                       data={"title": title, "bestand": (io.BytesIO(content), name)})


def _count():
    return db.session.scalar(select(func.count(Worksheet.id)))


def test_organiser_adds_worksheets_and_participants_download_them(client, course, make):
    module = course.modules[0]
    login(client, course.organiser)
    assert _add(client, module, "buurtanalyse.pdf", PDF, title="Werkblad buurtanalyse").status_code == 302
    assert _add(client, module, "reader.docx", _docx()).status_code == 302
    editor = client.get(f"/leergangen/modules/{module.id}/bewerken").text
    assert "Werkblad buurtanalyse" in editor and "reader.docx" in editor
    sheet = db.session.scalar(select(Worksheet).where(Worksheet.filename == "buurtanalyse.pdf"))
    assert client.get(f"/leergangen/modules/{module.id}/werkbladen/{sheet.id}").data == PDF

    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    login(client, person)
    page = client.get(f"/leren/{enrolment.id}/module/{module.slug}").text
    assert "Werkblad buurtanalyse" in page and "(PDF, 1 kB)" in page
    download = client.get(f"/leren/{enrolment.id}/module/{module.slug}/werkblad/{sheet.id}")
    assert download.status_code == 200 and download.data == PDF
    # A worksheet of another module is not reachable through this module.
    other = course.modules[1]
    assert client.get(f"/leren/{enrolment.id}/module/{other.slug}/werkblad/{sheet.id}").status_code == 404

    login(client, course.organiser)
    assert client.post(f"/leergangen/modules/{module.id}/werkbladen/{sheet.id}/verwijderen").status_code == 302
    assert _count() == 1


def test_bad_worksheets_are_refused_in_dutch(client, course):
    module = course.modules[0]
    login(client, course.organiser)
    for name, content, message in (
        ("programma.pdf", b"MZ" + b"\x00" * 100, "geen PDF"),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, "geen PDF"),  # a photo is not a worksheet
        ("groot.pdf", PDF + b"0" * (4 * 1024 * 1024), "hoogstens 4 MB"),
    ):
        response = _add(client, module, name, content)
        assert response.status_code == 422 and message in response.text, name
    response = client.post(f"/leergangen/modules/{module.id}/werkbladen", data={"title": "Zonder bestand"})
    assert response.status_code == 422 and "Kies een bestand" in response.text
    assert _count() == 0


def test_only_organisers_manage_worksheets_and_outsiders_cannot_download(client, course, make):
    module = course.modules[0]
    login(client, course.organiser)
    _add(client, module, "blad.pdf", PDF)
    sheet = db.session.scalar(select(Worksheet))
    for role in ("deelnemer", "coordinator", "partnercontact", "beheerder"):
        login(client, make.user(roles=(role,)))
        assert _add(client, module, "x.pdf", PDF).status_code == 403
        assert client.post(f"/leergangen/modules/{module.id}/werkbladen/{sheet.id}/verwijderen").status_code == 403
        assert client.get(f"/leergangen/modules/{module.id}/werkbladen/{sheet.id}").status_code == 403
    stranger = make.user()
    other_enrolment = enrol_directly(course.cohort, make.user())
    login(client, stranger)  # not enrolled: someone else's enrolment is not theirs
    assert client.get(f"/leren/{other_enrolment.id}/module/{module.slug}/werkblad/{sheet.id}").status_code == 404
    assert _count() == 1
