"""File names for the learning feature's downloads (the CSV itself comes from core.spreadsheet)."""
import re
import unicodedata


def filename(label: str) -> str:
    """A plain ASCII file name for a Content-Disposition header."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_label).strip("-").lower() or "overzicht"
