"""One check for documents people upload (a doe-opdracht's file, later a module's worksheets): the type is
read from the content, not from the name, so a program renamed .pdf is refused; the size is bounded."""
import io
import zipfile
from dataclasses import dataclass

from .errors import DomainError

KINDS = {  # extension: (content type, label)
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)"),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument-tekst (.odt)"),
    "png": ("image/png", "PNG-afbeelding"),
    "jpg": ("image/jpeg", "JPEG-foto"),
}
MAX_NAME = 120


@dataclass(frozen=True)
class Document:
    filename: str
    content_type: str
    content: bytes


def _kind_of(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and archive.read("mimetype") == KINDS["odt"][0].encode():
                    return "odt"
        except (zipfile.BadZipFile, KeyError, RuntimeError):
            return None
    return None


def checked_document(filename: str | None, content: bytes, allowed: tuple[str, ...], max_bytes: int,
                     field: str = "file") -> Document:
    """The upload as a Document, or a DomainError in Dutch on ``field``: empty, too large, or not really one of
    the ``allowed`` kinds (judged by its content; the name only has to agree)."""
    labels = ", ".join(KINDS[k][1] for k in allowed)
    if not content:
        raise DomainError("Het bestand is leeg.", field)
    if len(content) > max_bytes:
        raise DomainError(f"Het bestand is {len(content) / 1_048_576:.1f} MB; het mag hoogstens "
                          f"{max_bytes // 1_048_576} MB zijn.", field)
    kind = _kind_of(content)
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    extension = "jpg" if extension == "jpeg" else extension
    if kind not in allowed or extension != kind:
        raise DomainError(f"Dit bestand is geen {labels}, of de naam past niet bij de inhoud.", field)
    name = " ".join((filename or "").replace("/", " ").replace("\\", " ").split())[-MAX_NAME:]
    return Document(filename=name or f"bestand.{kind}", content_type=KINDS[kind][0], content=content)
