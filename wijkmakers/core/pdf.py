"""One PDF writer (WeasyPrint) with one URL fetcher, for certificates, the report and presence lists.

Rendering never reaches the network: the fetcher decodes data: URIs and serves files below static/
(fonts, the logo) and refuses everything else (http, https, ftp, other files), with a warning in the log.
Fonts and stylesheets are parsed once per thread and reused: loading @font-face files is the expensive
part of a cold render.
"""
import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger("wijkmakers.pdf")

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
BASE_URL = STATIC_DIR.as_uri() + "/"


class FetchRefused(ValueError):
    """A resource outside static/ (or over the network) was asked for while rendering."""


class StaticOnlyFetcher(URLFetcher):
    """Serve files below ``root`` and data: URIs; refuse every other URL."""

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
        log.warning("PDF rendering refused to fetch %s", url[:200])
        raise FetchRefused(f"refused to fetch {url[:200]}")


class _Local(threading.local):
    def __init__(self):
        self.fetcher = StaticOnlyFetcher()
        self.font_config = FontConfiguration()
        self.stylesheets: dict[Path, CSS] = {}


_local = _Local()


def _stylesheet(path: Path) -> CSS:
    sheet = _local.stylesheets.get(path)
    if sheet is None:
        sheet = _local.stylesheets[path] = CSS(string=path.read_text(encoding="utf-8"), base_url=BASE_URL,
                                               url_fetcher=_local.fetcher, font_config=_local.font_config)
    return sheet


def write_pdf(html: str, stylesheet: Path, **options) -> bytes:
    """HTML and one stylesheet file to PDF bytes; ``options`` go to WeasyPrint (e.g. pdf_variant). Needs no
    app, so worker processes can run it."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_local.fetcher)
    return document.write_pdf(stylesheets=[_stylesheet(stylesheet)], font_config=_local.font_config, **options)


def render_document(html: str, stylesheet: Path):
    """The laid-out WeasyPrint document (pages and boxes) that ``write_pdf`` would print: for checking where
    text lands on the pages."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_local.fetcher)
    return document.render(stylesheets=[_stylesheet(stylesheet)], font_config=_local.font_config)
