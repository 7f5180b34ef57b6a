"""Certificate PDFs, rendered by WeasyPrint from an HTML template.

- Fonts ship with the repository (static/fonts, Open Sans): the PDF is the same on every machine.
- Rendering never reaches the network: a restricted URL fetcher serves only files under static/ and
  data: URIs, and refuses everything else.
- The output is PDF/A-2b (archival), with title, author and language (nl) in its metadata.
- The font configuration and stylesheet are built once per thread and reused ("warm" renders): loading
  the @font-face files is the expensive part of a cold render.
"""
import base64
import io
import logging
import mimetypes
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger("wijkmakers.certificates.pdf")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = PROJECT_ROOT / "static"
STYLESHEET = Path(__file__).with_name("pdf.css")
# PDF/A-2b: archival PDF (ISO 19005-2, level B), fonts embedded, sRGB output intent. Level B is the
# level WeasyPrint can guarantee for any content; transparency (allowed from PDF/A-2 on) stays usable.
PDF_VARIANT = "pdf/a-2b"
TEMPLATE = "certificates/pdf.html"


class FetchRefused(ValueError):
    """A resource outside static/ (or over the network) was asked for while rendering."""


class StaticOnlyFetcher(URLFetcher):
    """Serve files below ``root`` and data: URIs; refuse every other URL (http, https, ftp, other files)."""

    def __init__(self, root: Path = STATIC_DIR):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=1)
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded locally by urllib's DataHandler
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
        log.warning("certificate rendering refused to fetch %s", url[:200])
        raise FetchRefused(f"refused to fetch {url[:200]}")


class _Renderer(threading.local):
    """Per-thread font configuration and parsed stylesheet, built on first use."""

    def __init__(self):
        self.fetcher = StaticOnlyFetcher()
        self.font_config = FontConfiguration()
        self.base_url = STATIC_DIR.as_uri() + "/"
        self.stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=self.base_url,
                              url_fetcher=self.fetcher, font_config=self.font_config)

    def write(self, html: str) -> bytes:
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config,
                                  pdf_variant=PDF_VARIANT)


_local = _Renderer()


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


def render_pdf(context: dict) -> bytes:
    """One certificate as PDF bytes; ``context`` comes from services.document_contexts()."""
    started = time.perf_counter()
    pdf = _local.write(render_html(context))
    log.debug("certificate %s rendered in %.0f ms", context.get("code"), (time.perf_counter() - started) * 1000)
    return pdf


def html_to_pdf(html: str) -> bytes:
    """HTML (from render_html) to PDF bytes; needs no app, so worker processes can run it."""
    return _local.write(html)


def render_pdfs(contexts: list[dict], workers: int = 1) -> list[bytes]:
    """Many certificates. With ``workers`` > 1 the PDFs are written by that many fresh processes
    ("spawn": nothing of this process - database connections, threads - is inherited), which uses every
    core of the machine for a large cohort. Meant for commands, not for web requests."""
    htmls = [render_html(context) for context in contexts]
    if workers <= 1 or len(htmls) < 2 * workers:
        return [_local.write(html) for html in htmls]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(html_to_pdf, htmls, chunksize=max(1, len(htmls) // (workers * 4))))


def write_zip(files: list[tuple[str, bytes]]) -> bytes:
    """PDFs are compressed already: store them (fast) instead of deflating them again."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()
