"""Certificate PDFs, rendered by WeasyPrint from an HTML template.

- Fonts ship with the repository (static/fonts, Open Sans): the PDF is the same on every machine.
- Rendering never reaches the network (core.pdf's fetcher serves only static/ and data: URIs).
- The output is PDF/A-2b (archival), with title, author and language (nl) in its metadata.
- core.pdf keeps fonts and the stylesheet per thread ("warm" renders).
"""
import base64
import io
import zipfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import segno
from flask import current_app

from ..core.pdf import write_pdf

STYLESHEET = Path(__file__).with_name("pdf.css")
# PDF/A-2b: archival PDF (ISO 19005-2, level B), fonts embedded, sRGB output intent. Level B is the
# level WeasyPrint can guarantee for any content; transparency (allowed from PDF/A-2 on) stays usable.
PDF_VARIANT = "pdf/a-2b"
TEMPLATE = "certificates/pdf.html"


def qr_data_uri(url: str) -> str:
    """The verification URL as a QR code: a PNG data: URI with one pixel per module, drawn without
    smoothing (CSS image-rendering: pixelated), so it prints razor-sharp at any size. A PNG decodes
    several times faster than the equivalent SVG of a few hundred rectangles."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=1, border=0, dark="black",
                                                 light="white")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_html(context: dict) -> str:
    # Straight from the Jinja environment: no request-bound context processors, so commands and
    # signal handlers outside a request render the same document.
    return current_app.jinja_env.get_template(TEMPLATE).render(**context)


def _write(html: str) -> bytes:
    return write_pdf(html, STYLESHEET, pdf_variant=PDF_VARIANT)


def render_pdf(context: dict) -> bytes:
    """One certificate as PDF bytes; ``context`` comes from services.document_contexts()."""
    pdf = _write(render_html(context))
    return pdf


def html_to_pdf(html: str) -> bytes:
    """HTML (from render_html) to PDF bytes; needs no app, so worker processes can run it."""
    return _write(html)


def render_pdfs(contexts: list[dict], workers: int = 1) -> list[bytes]:
    """Many certificates. With ``workers`` > 1 the PDFs are written by that many fresh processes
    ("spawn": nothing of this process - database connections, threads - is inherited), which uses every
    core of the machine for a large cohort. Meant for commands, not for web requests."""
    htmls = [render_html(context) for context in contexts]
    if workers <= 1 or len(htmls) < 2 * workers:
        return [_write(html) for html in htmls]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(html_to_pdf, htmls, chunksize=max(1, len(htmls) // (workers * 4))))


def write_zip(files: list[tuple[str, bytes]]) -> bytes:
    """PDFs are compressed already: store them (fast) instead of deflating them again."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()
