"""The one PDF writer's URL fetcher: static files and data: URIs, nothing else."""
import pytest

from wijkmakers.core import pdf


@pytest.mark.parametrize("url", ["http://example.org/x.png", "https://example.org/font.ttf", "ftp://example.org/a",
                                 "file:///etc/passwd", f"{pdf.STATIC_DIR.as_uri()}/../wijkmakers/config.py"])
def test_fetcher_refuses_everything_outside_static(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_static_files_and_data_uris():
    fetcher = pdf.StaticOnlyFetcher()
    logo = fetcher.fetch((pdf.STATIC_DIR / "img" / "certificate-logo.svg").as_uri())
    assert logo.content_type == "image/svg+xml" and b"<svg" in logo.read()
    assert fetcher.fetch("data:text/plain;base64,aGFsbG8=").read() == b"hallo"


def test_a_document_naming_a_remote_image_still_renders_without_it(tmp_path):
    sheet = tmp_path / "x.css"
    sheet.write_text("body { font-family: sans-serif; }")
    document = pdf.write_pdf('<p>Hallo</p><img src="http://example.org/x.png">', sheet)
    assert document.startswith(b"%PDF-")
