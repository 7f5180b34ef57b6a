"""The certificate PDF: its text read back, the QR code's link, metadata, PDF/A, no network."""
import io
from datetime import datetime

from pypdf import PdfReader

from wijkmakers.activities.models import KIND_LECTURE
from wijkmakers.certificates import documents, issuing, pdf, revocation, verification
from wijkmakers.core.timeutil import local_to_utc


def _read(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def _text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _link_uris(reader: PdfReader) -> set[str]:
    uris = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    return uris


def test_programme_certificate_pdf_reads_back(app, data, make):
    user = make.user(name="Zoë Yılmaz-de Boer")
    organiser = make.user(name="Fatima El Amrani", roles=("organisator",))
    enrolment = data.enrolment(user=user)
    certificate, _ = issuing.issue_programme_certificate(enrolment.id, issued_by=organiser)
    reader = _read(documents.render_certificate(certificate))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = _text(reader)
    for expected in ("Certificaat", "Zoë Yılmaz-de Boer", "Leergang Wijkontwikkeling", "2023-2024",
                     certificate.code, "Gebiedsgericht werken", "Bewonersparticipatie", "14 uur",
                     "1 september 2023", "30 juni 2024", "Fatima El Amrani"):
        assert expected in text, expected
    url = f"http://localhost/certificaat/{certificate.code}"
    assert url in text.replace(" ", "")  # printed (it may wrap) ...
    # ... and the QR code and the printed address both link to the verification page.
    assert _link_uris(reader) == {url}


def test_qr_code_encodes_the_verification_url(app, data):
    certificate, _ = issuing.issue_programme_certificate(data.enrolment().id)
    context = documents.document_contexts([certificate])[0]
    url = f"{app.config['BASE_URL']}/certificaat/{certificate.code}"
    assert context["verify_url"] == url == verification.verification_url(certificate)
    assert context["qr"] == pdf.qr_data_uri(url)
    assert context["qr"].startswith("data:image/png;base64,")
    html = pdf.render_html(context)
    assert f'src="{context["qr"]}"' in html and f'href="{url}"' in html


def test_auto_issued_certificate_names_the_academy_as_signatory(app, data):
    certificate, _ = issuing.issue_programme_certificate(data.enrolment().id)
    context = documents.document_contexts([certificate])[0]
    assert context["organiser"] == documents.DEFAULT_SIGNATORY
    app.config["CERTIFICATE_SIGNATORY"] = "Marleen Kuiper, coördinator"
    assert documents.document_contexts([certificate])[0]["organiser"] == "Marleen Kuiper, coördinator"


def test_proof_of_participation_pdf_shows_the_activity(app, data, make):
    user = make.user(name="Henk Bos")
    lecture = data.attended(user, kind=KIND_LECTURE, title="Lezing: Bewonersbetrokkenheid en zelfregie",
                            starts_at=local_to_utc(datetime(2024, 3, 12, 19, 30)), location="Forum Groningen")
    certificate, _ = issuing.issue_participation_proof(user.id, lecture.id)
    text = _text(_read(documents.render_certificate(certificate)))
    for expected in ("Bewijs van deelname", "Henk Bos", "Lezing: Bewonersbetrokkenheid en zelfregie",
                     "dinsdag 12 maart 2024", "19:30", "Forum Groningen", certificate.code):
        assert expected in text, expected
    assert "Behandelde modules" not in text


def test_metadata_language_and_pdfa(app, data):
    certificate, _ = issuing.issue_programme_certificate(data.enrolment().id)
    content = documents.render_certificate(certificate)
    reader = _read(content)
    info = reader.metadata
    assert info.title.startswith("Certificaat Leergang Wijkontwikkeling")
    assert info.author.startswith("Wijkmakers")
    assert str(reader.trailer["/Root"]["/Lang"]) == "nl"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="2"' in xmp and b'pdfaid:conformance="B"' in xmp
    assert pdf.PDF_VARIANT == "pdf/a-2b"
    assert "/OutputIntents" in reader.trailer["/Root"]
    # Every font is embedded (a PDF/A requirement, and the reason the PDF looks the same everywhere).
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor and "Open-Sans" in str(descriptor["/FontName"])


def test_revoked_certificate_pdf_says_so(app, data, make):
    certificate, _ = issuing.issue_programme_certificate(data.enrolment().id)
    revocation.revoke(certificate.id, "Ten onrechte uitgereikt", make.user(roles=("organisator",)))
    text = _text(_read(documents.render_certificate(certificate)))
    assert "ingetrokken" in text and "niet meer geldig" in text


# -- no network (the fetcher itself: tests/core/test_pdf.py) --------------------------------------
def test_rendering_never_opens_a_network_connection(app, data, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF renderer tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    certificate, _ = issuing.issue_programme_certificate(data.enrolment().id)
    context = documents.document_contexts([certificate])[0]
    context["holder_name"] = 'Mallory <img src="http://example.org/track.png">'
    html = pdf.render_html(context)
    assert "&lt;img" in html  # escaped by the template
    document = pdf._write(html.replace("</body>", '<img src="http://example.org/x.png"></body>'))
    assert document.startswith(b"%PDF-")


def test_zip_stores_one_file_per_certificate():
    import zipfile

    content = pdf.write_zip([("a.pdf", b"%PDF-1"), ("b.pdf", b"%PDF-2")])
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == ["a.pdf", "b.pdf"] and archive.read("b.pdf") == b"%PDF-2"
