"""Verification codes: making them, reading what someone typed or scanned, finding the certificate, and the
public verification address printed on every document.

A code is 20 symbols of a 32-letter alphabet without look-alikes (100 bits from ``secrets``), grouped by
five; the public page shows only whether a code is valid or revoked, never why.
"""
import re
import secrets

from sqlalchemy import select

from ..extensions import db
from ..notifications.compose import absolute_url
from .models import Certificate

# 32 symbols without look-alikes (no 0/O, 1/I): 5 bits each, 20 symbols = 100 bits from ``secrets``.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
CODE_GROUP = 5


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalise_code(value: str | None) -> str | None:
    """What someone typed or scanned, as stored: upper case, grouped by five. None if it cannot be a code."""
    compact = re.sub(r"[\s\-._]", "", (value or "").upper())
    if not compact or len(compact) > 40 or not compact.isalnum() or not compact.isascii():
        return None
    if len(compact) == CODE_LENGTH:
        return "-".join(compact[i:i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))
    return compact


def find_by_code(value: str | None) -> Certificate | None:
    code = normalise_code(value)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def verification_url(certificate: Certificate) -> str:
    return absolute_url("certificates.verify", code=certificate.code)
