"""Logs carry no e-mail addresses and no tokens: every log record of the process (ours, Werkzeug's,
Gunicorn's, a library's) is redacted when it is created, message and traceback alike.

- an e-mail address becomes ``[e-mailadres]``;
- the secret part of a link with a token (reset, invitation, confirmation, calendar feed, staff import,
  organisation invitation) becomes ``[token]``, as does any other path segment that looks like a random
  token and any ``token=``/``key=`` query value. Certificate codes (23 characters, public on purpose) and
  request ids (``request_id=...``) stay, so a log line can still be traced.
"""
import logging
import re

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Paths whose last segment is a secret, whatever its length.
TOKEN_PATHS = re.compile(
    r"(/(?:wachtwoord-herstellen|uitnodiging|organisatie-uitnodiging|aanmelding-bevestigen|agenda/persoonlijk"
    r"|mijn-organisatie/import)/)(?!voorbeeld\.)[^/?#\s\"']+")
# Any other path segment of 24+ URL-safe characters with upper case, lower case and a digit (slugs are
# lower case; secrets.token_urlsafe always mixes them in practice).
RANDOM_SEGMENT = re.compile(r"(?<=/)(?=[A-Za-z0-9_\-]*[A-Z])(?=[A-Za-z0-9_\-]*[a-z])(?=[A-Za-z0-9_\-]*[0-9])"
                            r"[A-Za-z0-9_\-]{24,}")
TOKEN_PARAMS = re.compile(r"((?:token|key|sleutel)=)[^&\s\"']+", re.IGNORECASE)
API_TOKEN = re.compile(r"\bwm_[A-Za-z0-9_\-]{16,}")

REDACTED_TOKEN = "[token]"  # noqa: S105 - the placeholder, not a secret
REDACTED_EMAIL = "[e-mailadres]"


def redact(text: str) -> str:
    text = TOKEN_PATHS.sub(lambda m: m.group(1) + REDACTED_TOKEN, text)
    text = RANDOM_SEGMENT.sub(REDACTED_TOKEN, text)
    text = TOKEN_PARAMS.sub(lambda m: m.group(1) + REDACTED_TOKEN, text)
    text = API_TOKEN.sub(REDACTED_TOKEN, text)
    return EMAIL.sub(REDACTED_EMAIL, text)


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: keep the raw template, never the arguments
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


class RedactingFilter(logging.Filter):
    """For handlers set up outside the record factory's reach (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


def install() -> None:
    """Wrap the process's log record factory once, so every record is redacted at birth."""
    current = logging.getLogRecordFactory()
    if getattr(current, "wijkmakers_redacting", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        _redact_record(record)
        return record

    factory.wijkmakers_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
