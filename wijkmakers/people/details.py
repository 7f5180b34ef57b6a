"""A person's own account details (name, kind, neighbourhood, job title, phone), as they keep them."""
from ..auth.models import KIND_LABELS, NEIGHBOURHOODS, User
from ..core.errors import DomainError
from ..core.text import clean_text
from ..core.transaction import transactional

MAX_NAME = 120
MAX_JOB_TITLE = 120


@transactional
def update_own_details(user: User, *, name: str, kind: str, neighbourhood: str | None, job_title: str | None,
                       phone: str | None) -> User:
    user.name = clean_text(name, "je naam", MAX_NAME, field="name", required=True, single_line=True)
    if kind not in KIND_LABELS:
        raise DomainError("Kies bewoner of professional.", "kind")
    if neighbourhood and neighbourhood not in NEIGHBOURHOODS:
        raise DomainError("Kies een wijk uit de lijst, of laat de wijk leeg.", "neighbourhood")
    user.kind = kind
    user.neighbourhood = neighbourhood or None
    user.job_title = clean_text(job_title, "je functie", MAX_JOB_TITLE, field="job_title", single_line=True) or None
    user.phone = (phone or "").strip() or None
    return user
