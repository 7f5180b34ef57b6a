"""Reactions to events of lower features (arrows point down): a completed enrolment gets its certificate;
an erased person's certificates lose the name (not their validity) and the rendered copies go. Connected by
the app factory on import."""
import logging

from ..auth.signals import person_erased
from ..core.errors import DomainError
from ..learning.signals import enrolment_completed
from . import issuing, revocation

log = logging.getLogger("wijkmakers.certificates")


@enrolment_completed.connect
def issue_on_completion(sender, enrolment_id: int | None = None, **extra) -> None:
    """Sent after the completion is committed; issuing is a transaction of its own (@transactional, the
    outermost call here) and idempotent.

    A failure here must not undo or break the completion the learning feature already committed: the
    issue's own transaction is rolled back, the failure is logged, and an organiser can issue the
    certificate by hand from the cohort page.
    """
    if enrolment_id is None:
        return
    try:
        certificate, created = issuing.issue_programme_certificate(int(enrolment_id))
    except DomainError as exc:
        log.info("no certificate for enrolment %s: %s", enrolment_id, exc.message)
    except Exception:
        log.exception("issuing the certificate of enrolment %s failed", enrolment_id)
    else:
        if created:
            log.info("certificate %s issued for enrolment %s", certificate.id, enrolment_id)


@person_erased.connect
def forget_rendered_copies(sender, user_id: int | None = None, **extra) -> None:
    """Erasure (privacy request), inside the caller's transaction: the holder's name leaves the
    certificates and rendered PDFs that carry it go. Erasure is not revocation: the certificates stay
    valid, and the public verification page says the name was removed at the holder's request."""
    if user_id is not None:
        revocation.forget_holder(int(user_id))
