"""The certificates commands."""
import io
import zipfile

from pypdf import PdfReader

from wijkmakers.certificates import documents, issuing, pdf, revocation
from wijkmakers.learning.models import ENROLMENT_ACTIVE


def test_zip_command_writes_every_valid_certificate(app, data, make, tmp_path):
    cohort = data.cohort()
    certificates = [issuing.issue_programme_certificate(data.enrolment(cohort).id)[0] for _ in range(3)]
    revocation.revoke(certificates[0].id, "Ten onrechte", make.user(roles=("organisator",)))
    out = tmp_path / "groep.zip"
    result = app.test_cli_runner().invoke(args=["certificates", "zip", "--cohort", str(cohort.id), "--out", str(out),
                                                "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "2 certificaten" in result.output
    names = zipfile.ZipFile(out).namelist()
    assert sorted(name[-27:-4] for name in names) == sorted(c.code for c in certificates[1:])


def test_zip_command_explains_unknown_or_empty_cohort(app, data, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "zip", "--cohort", "999999", "--out", str(tmp_path / "x.zip")])
    assert result.exit_code != 0 and "Er is geen groep" in result.output
    cohort = data.cohort()
    result = runner.invoke(args=["certificates", "zip", "--cohort", str(cohort.id), "--out", str(tmp_path / "x.zip")])
    assert result.exit_code != 0 and "nog geen geldige certificaten" in result.output


def test_issue_missing_command(app, data):
    cohort = data.cohort()
    data.enrolment(cohort)
    data.enrolment(cohort)
    data.enrolment(cohort, status=ENROLMENT_ACTIVE)
    runner = app.test_cli_runner()
    assert "2 certificaten" in runner.invoke(args=["certificates", "issue-missing", "--cohort", str(cohort.id)]).output
    assert "0 certificaten" in runner.invoke(args=["certificates", "issue-missing", "--cohort", str(cohort.id)]).output


def test_worker_processes_write_the_same_pdfs(app, data):
    cohort = data.cohort()
    certificates = [issuing.issue_programme_certificate(data.enrolment(cohort).id)[0] for _ in range(4)]
    contexts = documents.document_contexts(certificates)
    contents = pdf.render_pdfs(contexts, workers=2)
    assert len(contents) == 4 and all(content.startswith(b"%PDF-") for content in contents)
    for certificate, content in zip(certificates, contents, strict=True):
        text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert certificate.code in text.replace("\n", "") and certificate.holder_name in text
