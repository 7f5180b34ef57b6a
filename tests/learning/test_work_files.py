"""A file with the doe-opdracht: checked by its content and size, kept with the typed text, replaced or
removed, downloadable by the participant and by who may review the work, and by nobody else."""
import io
import zipfile

from sqlalchemy import func, select

from wijkmakers.extensions import db
from wijkmakers.learning.models import ModuleProgress, WorkFile

from ..conftest import login
from .helpers import enrol_directly

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _post(client, enrolment, module, name, content, **extra):
    data = {"reflection": "Mijn reflectie.", "action_plan": "Mijn plan.", **extra}
    if name is not None:
        data["bestand"] = (io.BytesIO(content), name)
    return client.post(f"/leren/{enrolment.id}/module/{module.slug}/werk", data=data,
                       content_type="multipart/form-data")


def _files():
    return db.session.scalar(select(func.count(WorkFile.id)))


def test_participant_hands_in_a_file_and_replaces_or_removes_it(client, course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    module = course.modules[0]
    login(client, person)
    assert _post(client, enrolment, module, "Verslag wijkavond.pdf", PDF).status_code == 302
    page = client.get(f"/leren/{enrolment.id}/module/{module.slug}").text
    assert "Verslag wijkavond.pdf" in page and 'enctype="multipart/form-data"' in page
    download = client.get(f"/leren/{enrolment.id}/module/{module.slug}/bestand")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")

    assert _post(client, enrolment, module, "plan.docx", _docx()).status_code == 302  # replaces
    [file] = db.session.scalars(select(WorkFile))
    assert (file.filename, file.content_type.endswith("document")) == ("plan.docx", True)
    assert _post(client, enrolment, module, None, b"", bestand_weg="y").status_code == 302
    assert _files() == 0
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == person.id))
    assert progress.action_plan == "Mijn plan."


def test_bad_files_are_refused_in_dutch_and_the_typed_text_stays(client, course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    module = course.modules[0]
    login(client, person)
    program = b"MZ\x90\x00" + b"\x00" * 200
    for name, content, message in (
        ("virus.pdf", program, "geen PDF"),  # a program renamed .pdf
        ("verslag.pdf", PNG_SIGNATURE + b"\x00" * 20, "naam past niet bij de inhoud"),
        ("leeg.pdf", b"", "leeg"),
        ("groot.pdf", PDF + b"0" * (4 * 1024 * 1024), "hoogstens 4 MB"),
        ("kapot.docx", b"PK\x03\x04 not really a zip", "geen PDF"),
    ):
        response = _post(client, enrolment, module, name, content)
        assert response.status_code == 422 and message in response.text, (name, message)
        assert "Mijn plan." in response.text  # nothing typed is lost
    assert _files() == 0
    assert db.session.scalar(select(func.count(ModuleProgress.id))) == 0  # nothing half-saved
    # Over the request limit the whole upload is refused with a Dutch page, before anything is read.
    huge = _post(client, enrolment, module, "film.pdf", PDF + b"0" * (6 * 1024 * 1024))
    assert huge.status_code == 413 and "te groot" in huge.text


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_file_only_work_waits_for_a_reply_and_reviewers_may_download_it(client, course, make):
    mentor, other = make.user(name="Mentor Mia"), make.user(name="Buitenstaander")
    person = make.user(name="Anna")
    enrolment = enrol_directly(course.cohort, person, mentor_id=mentor.id)
    module = course.modules[0]
    login(client, person)
    client.post(f"/leren/{enrolment.id}/module/{module.slug}/werk",
                data={"reflection": "", "action_plan": "", "bestand": (io.BytesIO(PNG_SIGNATURE + b"x" * 10),
                                                                        "foto.png")},
                content_type="multipart/form-data")
    url = f"/leren/deelnemer/{enrolment.id}/module/{module.id}/bestand"
    login(client, mentor)
    assert "Anna" in client.get("/leren/wachtrij").text
    assert "foto.png" in client.get(f"/leren/deelnemer/{enrolment.id}").text
    assert client.get(url).status_code == 200
    login(client, course.organiser)
    assert client.get(url).status_code == 200
    for outsider in (other, make.user(roles=("partnercontact",))):
        login(client, outsider)
        assert client.get(url).status_code == 404
        assert client.get(f"/leren/{enrolment.id}/module/{module.slug}/bestand").status_code == 404
