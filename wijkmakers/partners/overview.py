"""The organisation's overview (the partner contact's page, also shown to coordinators): its staff with
what each follows, attendance, completion and certificates, a person's participation history, and the
overview as a table for exports.

Rules in one place:
- A participation (enrolment, registration, attendance) keeps the organisation the person belonged to
  at the time; the overview shows what happened *with that organisation*, so people who moved on keep
  their history there and bring none of it from elsewhere.
- A fixed number of queries, whatever the number of people; every one limited to this organisation.

The overview is the partner contact's main page; its statements are prepared (core/statements.py), since
building them cost more than running them.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, bindparam, case, exists, func, or_, select, union
from sqlalchemy.orm import aliased, contains_eager, lazyload

from ..activities.models import REG_LABELS, STATUS_CANCELLED, Activity, Attendance, Registration
from ..auth.models import User
from ..certificates.models import Certificate
from ..core.search import LIKE_ESCAPE, like_pattern
from ..core.statements import prepared
from ..core.timeutil import nl_date, utcnow
from ..extensions import db
from ..learning.models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_LABELS, Cohort, Enrolment
from ..organisations.models import Organisation


@dataclass
class EnrolmentLine:
    enrolment: Enrolment
    present: int
    sessions_held: int

    @property
    def status_label(self) -> str:
        return ENROLMENT_LABELS.get(self.enrolment.status, self.enrolment.status)


@dataclass
class StaffRow:
    user: User
    current: bool
    enrolments: list[EnrolmentLine] = field(default_factory=list)
    upcoming: list[Registration] = field(default_factory=list)
    present: int = 0
    absent: int = 0
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(1 for e in self.enrolments if e.enrolment.status == ENROLMENT_COMPLETED)


@dataclass
class Overview:
    organisation: Organisation
    people: list[StaffRow]
    q: str = ""

    @property
    def current_staff(self) -> int:
        return sum(1 for p in self.people if p.current)

    @property
    def active_enrolments(self) -> int:
        return sum(1 for p in self.people for e in p.enrolments if e.enrolment.status == ENROLMENT_ACTIVE)

    @property
    def completed(self) -> int:
        return sum(p.completed for p in self.people)

    @property
    def upcoming(self) -> int:
        return sum(len(p.upcoming) for p in self.people)

    @property
    def participations(self) -> int:
        return sum(p.present for p in self.people)

    @property
    def certificates(self) -> int:
        return sum(len(p.certificates) for p in self.people)


def _people_scope(organisation_id):
    """People of the organisation now, and people with participations recorded under it."""
    history = union(
        select(Enrolment.user_id).where(Enrolment.organisation_id == organisation_id),
        select(Registration.user_id).where(Registration.organisation_id == organisation_id),
        select(Attendance.user_id).where(Attendance.organisation_id == organisation_id),
    ).subquery()
    return and_(User.anonymised_at.is_(None),
                or_(User.organisation_id == organisation_id, User.id.in_(select(history.c.user_id))))


@dataclass(frozen=True)
class _OverviewStatements:
    people: object
    enrolments: object
    attendance: object
    sessions_held: object
    upcoming: object
    certificates: object


@prepared
def _overview_statements(search: bool, one_person: bool) -> _OverviewStatements:
    """The overview's statements, one set per variant, with bind parameters (org, ids, now, like, user_id)."""
    org, ids = bindparam("org"), bindparam("ids", expanding=True)
    people = (select(User).options(lazyload(User.roles), lazyload(User.organisation))
              .where(_people_scope(org)).order_by(User.name, User.id))
    if search:
        like = bindparam("like")
        people = people.where(or_(func.lower(User.name).like(like, escape=LIKE_ESCAPE),
                                  and_(User.organisation_id == org, User.email.like(like, escape=LIKE_ESCAPE))))
    if one_person:
        people = people.where(User.id == bindparam("user_id"))
    own_enrolments = select(Enrolment.id).where(Enrolment.organisation_id == org)
    attended_here = exists().where(Attendance.activity_id == Certificate.activity_id,
                                   Attendance.user_id == Certificate.user_id, Attendance.organisation_id == org)
    return _OverviewStatements(
        people=people,
        enrolments=(select(Enrolment).join(Enrolment.cohort).options(contains_eager(Enrolment.cohort))
                    .where(Enrolment.organisation_id == org, Enrolment.user_id.in_(ids))
                    .order_by(Cohort.starts_on.desc(), Enrolment.id)),
        # attendance with this organisation, per person and per cohort (None: one-day activities)
        attendance=(select(Attendance.user_id, Activity.cohort_id,
                           func.sum(case((Attendance.present.is_(True), 1), else_=0)),
                           func.sum(case((Attendance.present.is_(True), 0), else_=1)))
                    .join(Activity, Activity.id == Attendance.activity_id)
                    .where(Attendance.organisation_id == org, Attendance.user_id.in_(ids))
                    .group_by(Attendance.user_id, Activity.cohort_id)),
        sessions_held=(select(Activity.cohort_id, func.count(Activity.id))
                       .where(Activity.cohort_id.in_(bindparam("cohort_ids", expanding=True)),
                              Activity.starts_at < bindparam("now"), Activity.status != STATUS_CANCELLED)
                       .group_by(Activity.cohort_id)),
        upcoming=(select(Registration).join(Registration.activity)
                  .options(contains_eager(Registration.activity).lazyload(Activity.guides))
                  .where(Registration.organisation_id == org, Registration.user_id.in_(ids),
                         Registration.active.is_(True), Activity.starts_at >= bindparam("now"),
                         Activity.cohort_id.is_(None))
                  .order_by(Activity.starts_at)),
        certificates=(select(Certificate).options(lazyload("*"))
                      .where(Certificate.user_id.in_(ids), Certificate.revoked_at.is_(None),
                             or_(Certificate.enrolment_id.in_(own_enrolments),
                                 and_(Certificate.activity_id.is_not(None), attended_here)))
                      .order_by(Certificate.issued_at)),
    )


def organisation_overview(organisation: Organisation, q: str | None = None, user_id: int | None = None) -> Overview:
    """Staff of one organisation with what each follows, attendance, completion and certificates.

    Six queries whatever the number of people; every one is limited to this organisation's records.
    """
    org_id = organisation.id
    q = (q or "").strip()[:100]
    statements = _overview_statements(bool(q), user_id is not None)
    params = {"org": org_id} | ({"like": like_pattern(q)} if q else {}) | (
        {"user_id": user_id} if user_id is not None else {})
    people = {u.id: StaffRow(u, u.organisation_id == org_id) for u in db.session.scalars(statements.people, params)}
    if not people:
        return Overview(organisation, [], q)
    ids = {"org": org_id, "ids": list(people)}
    now = utcnow()

    enrolments = list(db.session.scalars(statements.enrolments, ids))
    attendance = db.session.execute(statements.attendance, ids).all()
    cohort_ids = list({e.cohort_id for e in enrolments})
    held = dict(db.session.execute(statements.sessions_held, {"cohort_ids": cohort_ids, "now": now}).all()
                ) if cohort_ids else {}
    present_by_cohort = {}
    for user_id_, cohort_id, present, absent in attendance:
        row = people[user_id_]
        row.present += int(present or 0)
        row.absent += int(absent or 0)
        if cohort_id is not None:
            present_by_cohort[(user_id_, cohort_id)] = int(present or 0)
    for enrolment in enrolments:
        people[enrolment.user_id].enrolments.append(
            EnrolmentLine(enrolment, present_by_cohort.get((enrolment.user_id, enrolment.cohort_id), 0),
                          held.get(enrolment.cohort_id, 0)))
    for registration in db.session.scalars(statements.upcoming, ids | {"now": now}):
        people[registration.user_id].upcoming.append(registration)
    for certificate in db.session.scalars(statements.certificates, ids):
        people[certificate.user_id].certificates.append(certificate)
    return Overview(organisation, list(people.values()), q)


@dataclass
class HistoryItem:
    kind: str
    title: str
    when: datetime | date | None
    status: str
    organisation: str | None
    organisation_id: int | None = None


def participation_history(user_id: int) -> list[HistoryItem]:
    """Everything a person took part in, with the organisation they came from at the time: 3 queries."""
    org = aliased(Organisation)
    items = []
    for enrolment, org_name in db.session.execute(
            select(Enrolment, org.name).outerjoin(org, org.id == Enrolment.organisation_id)
            .where(Enrolment.user_id == user_id)):
        items.append(HistoryItem("Leergang", enrolment.cohort.label, enrolment.created_at,
                                 ENROLMENT_LABELS.get(enrolment.status, enrolment.status), org_name,
                                 enrolment.organisation_id))
    # Attendance is the record of what happened; a registration without one is shown by its status.
    attended = {}
    for activity, present, org_id, org_name in db.session.execute(
            select(Activity, Attendance.present, Attendance.organisation_id, org.name)
            .join(Activity, Activity.id == Attendance.activity_id)
            .outerjoin(org, org.id == Attendance.organisation_id).where(Attendance.user_id == user_id)):
        attended[activity.id] = True
        items.append(HistoryItem(activity.kind_label, activity.title, activity.starts_at,
                                 "Aanwezig" if present else "Afwezig", org_name, org_id))
    for registration, activity, org_name in db.session.execute(
            select(Registration, Activity, org.name).join(Activity, Activity.id == Registration.activity_id)
            .outerjoin(org, org.id == Registration.organisation_id)
            .where(Registration.user_id == user_id, Registration.active.is_(True))):
        if activity.id in attended:
            continue
        items.append(HistoryItem(activity.kind_label, activity.title, activity.starts_at,
                                 REG_LABELS.get(registration.status, registration.status), org_name,
                                 registration.organisation_id))

    def sort_key(item):
        when = item.when
        if isinstance(when, date) and not isinstance(when, datetime):
            when = datetime.combine(when, datetime.min.time())
        return when or datetime.min

    return sorted(items, key=sort_key, reverse=True)


def staff_member(organisation: Organisation, user_id: int) -> tuple[StaffRow, list[HistoryItem]] | None:
    """One person's participations with this organisation; None if the person has none and is not staff."""
    overview = organisation_overview(organisation, user_id=user_id)
    if not overview.people:
        return None
    history = [h for h in participation_history(user_id) if h.organisation_id == organisation.id]
    return overview.people[0], history


EXPORT_HEADER = ("Naam", "E-mailadres", "Functie", "Nu bij de organisatie", "Leergangen", "Aangemeld voor",
                 "Keren aanwezig", "Keren afwezig", "Leergangen afgerond", "Certificaten")
EXPORT_WIDTHS = (28, 32, 22, 12, 60, 50, 10, 10, 12, 40)


def overview_table(overview: Overview) -> list[tuple]:
    rows = []
    for person in overview.people:
        courses = "; ".join(f"{e.enrolment.cohort.label} ({e.status_label}, {e.present} van {e.sessions_held} "
                            f"bijeenkomsten)" for e in person.enrolments)
        upcoming = "; ".join(f"{r.activity.title} ({nl_date(r.activity.starts_at, 'dd-MM-y')})"
                             for r in person.upcoming)
        certificates = "; ".join(f"{c.title} ({c.code})" for c in person.certificates)
        rows.append((person.user.name, person.user.email if person.current else "",
                     person.user.job_title if person.current else "", "ja" if person.current else "nee",
                     courses, upcoming, person.present, person.absent, person.completed, certificates))
    return rows
