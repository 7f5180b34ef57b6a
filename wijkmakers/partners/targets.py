"""What a partner contact can enrol colleagues into: open cohorts (learning) and upcoming activities.

Enrolling goes through the learning and activities services (partners sits above both layers), so their
rules (seats, duplicates, deadlines, confirmation mails) apply unchanged. A target has a short code that
also works in an uploaded file: ``L12`` is cohort 12, ``A34`` is activity 34.
"""
import re
from dataclasses import dataclass

from sqlalchemy import or_, select

from ..activities import signups as activities
from ..activities.models import REG_CONFIRMED, STATUS_PLANNED, Activity, Registration
from ..core.errors import DomainError
from ..core.timeutil import nl_datetime, utcnow
from ..core.transaction import transactional
from ..extensions import db
from ..learning import enrolment as learning
from ..learning.models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REQUESTED, Cohort, Enrolment

KIND_COHORT = "cohort"
KIND_ACTIVITY = "activity"
# A withdrawn or rejected enrolment does not count: the learning service re-activates it.
ENROLLED_STATUSES = (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REQUESTED)
_CODE = re.compile(r"^\s*([LA])\s*-?\s*(\d{1,9})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    kind: str
    obj: Cohort | Activity

    @property
    def code(self) -> str:
        return ("L" if self.kind == KIND_COHORT else "A") + str(self.obj.id)

    @property
    def label(self) -> str:
        if self.kind == KIND_COHORT:
            return self.obj.label
        return f"{self.obj.title} ({nl_datetime(self.obj.starts_at, 'd MMMM y HH:mm')})"

    @property
    def kind_label(self) -> str:
        return "Leergang" if self.kind == KIND_COHORT else self.obj.kind_label

    def seats_left(self) -> int:
        if self.kind == KIND_COHORT:
            return learning.seats_left(self.obj)
        return activities.seats_left(self.obj)


def parse_code(value: str | None) -> tuple[str, int] | None:
    match = _CODE.match(value or "")
    if not match:
        return None
    return (KIND_COHORT if match.group(1).upper() == "L" else KIND_ACTIVITY), int(match.group(2))


def open_activities(limit: int = 200) -> list[Activity]:
    now = utcnow()
    return list(db.session.scalars(
        select(Activity).where(Activity.starts_at > now, Activity.status == STATUS_PLANNED,
                               Activity.cohort_id.is_(None),
                               or_(Activity.signup_deadline.is_(None), Activity.signup_deadline > now))
        .order_by(Activity.starts_at, Activity.id).limit(limit)))


def open_targets() -> list[Target]:
    """Every cohort and activity a partner contact may enrol staff into, cohorts first."""
    cohorts = [Target(KIND_COHORT, c) for c in learning.open_cohorts()]
    return cohorts + [Target(KIND_ACTIVITY, a) for a in open_activities()]


class TargetIndex:
    """Look up an open target by code or by its exact name (case-insensitive, only when unambiguous)."""

    def __init__(self, targets: list[Target]):
        self.targets = targets
        self.by_code = {t.code: t for t in targets}
        names: dict[str, list[Target]] = {}
        for t in targets:
            keys = {t.label.casefold()}
            keys.add((t.obj.label if t.kind == KIND_COHORT else t.obj.title).casefold())
            for key in keys:
                names.setdefault(" ".join(key.split()), []).append(t)
        self.by_name = {k: v[0] for k, v in names.items() if len(v) == 1}
        self._seats: dict[str, int] = {}

    def find(self, value: str | None) -> Target | None:
        parsed = parse_code(value)
        if parsed:
            return self.by_code.get(("L" if parsed[0] == KIND_COHORT else "A") + str(parsed[1]))
        return self.by_name.get(" ".join((value or "").casefold().split()))

    def seats_left(self, target: Target) -> int:
        if target.code not in self._seats:
            self._seats[target.code] = target.seats_left()
        return self._seats[target.code]

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """Grouped choices for a select field."""
        groups: dict[str, list[tuple[str, str]]] = {"Leergangen": [], "Activiteiten": []}
        for t in self.targets:
            group = "Leergangen" if t.kind == KIND_COHORT else "Activiteiten"
            groups[group].append((t.code, f"{t.label} [{t.code}]"))
        return {k: v for k, v in groups.items() if v}


def already_enrolled(pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (user_id, target code) pairs already exist: two queries whatever the number of pairs."""
    cohort_pairs = {(u, int(c[1:])) for u, c in pairs if c.startswith("L")}
    activity_pairs = {(u, int(c[1:])) for u, c in pairs if c.startswith("A")}
    found = set()
    if cohort_pairs:
        users = {u for u, _ in cohort_pairs}
        cohorts = {c for _, c in cohort_pairs}
        for user_id, cohort_id in db.session.execute(
                select(Enrolment.user_id, Enrolment.cohort_id)
                .where(Enrolment.user_id.in_(users), Enrolment.cohort_id.in_(cohorts),
                       Enrolment.status.in_(ENROLLED_STATUSES))):
            if (user_id, cohort_id) in cohort_pairs:
                found.add((user_id, f"L{cohort_id}"))
    if activity_pairs:
        users = {u for u, _ in activity_pairs}
        activities = {a for _, a in activity_pairs}
        for user_id, activity_id in db.session.execute(
                select(Registration.user_id, Registration.activity_id)
                .where(Registration.user_id.in_(users), Registration.activity_id.in_(activities),
                       Registration.active.is_(True))):
            if (user_id, activity_id) in activity_pairs:
                found.add((user_id, f"A{activity_id}"))
    return found


@transactional
def enrol(target: Target, user, by, organisation_id: int | None, notify: bool = True) -> Enrolment | Registration:
    """Enrol ``user``, joining the caller's transaction; DomainError with a Dutch reason.

    The participation records the organisation the person belongs to now, so a later move does not
    rewrite this history. A registration that would land on a waiting list counts as "no seat".
    """
    try:
        if target.kind == KIND_COHORT:
            record = learning.enrol(target.obj, user, by=by, notify=notify)
        else:
            record = activities.register(target.obj, user, by=by, notify=notify)
    except (learning.EnrolmentError, activities.SignupError) as exc:
        raise DomainError(str(exc)) from exc
    if target.kind == KIND_ACTIVITY and getattr(record, "status", None) != REG_CONFIRMED:
        raise DomainError(f"Er is geen plaats meer bij {target.label}: {user.name} zou op de wachtlijst komen.")
    if record.organisation_id is None and organisation_id is not None:
        record.organisation_id = organisation_id
    return record
