"""The person-level export: every attendance record of the activities held, one row per person and
activity, under the person filters of the statistics (coordinators only, always logged)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from ..activities.models import ACTIVITY_KINDS, STATUS_CANCELLED, Activity, Attendance
from ..auth.models import User
from ..core.timeutil import to_local, utcnow
from ..extensions import db
from ..learning.models import Cohort, Programme
from ..organisations.models import ORGANISATION_TYPES, Organisation
from .filters import PARTNER_OTHER, PARTNER_YES, PERSON_KINDS, Filters
from .participation import chosen_periods, in_periods, organisation_conditions

PARTICIPATION_HEADER = [
    "Datum", "Soort activiteit", "Activiteit", "Thema", "Wijk activiteit", "Leergang", "Groep",
    "Persoon-id", "Naam", "E-mailadres", "Bewoner/professional", "Woonwijk", "Organisatie",
    "Type organisatie", "Partner in dat jaar", "Aanwezig", "Inloop (zonder aanmelding)",
]
PARTICIPATION_WIDTHS = [16, 18, 40, 24, 16, 26, 12, 10, 24, 30, 14, 16, 32, 20, 10, 10, 12]


@dataclass
class ParticipationExport:
    """Every attendance record (present or not) of activities that were not cancelled, oldest activity
    first. A row is three groups of cells that repeat a lot (the activity, the person, the organisation
    in that year) plus two flags; writers that care about speed render each group once (exports.py)."""

    records: list            # (activity_id, user_id, kind at the time or None, org_id, present, walk_in)
    activities: dict         # activity_id -> (rank, local year, activity cells)
    users: dict              # user_id -> (name, email, current kind, neighbourhood)
    organisations: dict      # org_id -> (name, type label, partner_since, partner_until)
    _organisation_cells: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.records)

    def organisation_cells(self, org_id: int | None, year: int) -> tuple:
        """(name, type, partner in that year), computed once per organisation and year."""
        key = (org_id, year)
        cells = self._organisation_cells.get(key)
        if cells is None:
            if org_id is None or org_id not in self.organisations:
                cells = ("", "", "")
            else:
                name, type_label, since, until = self.organisations[org_id]
                partner = (since is not None and since <= date(year, 12, 31)
                           and (until is None or until >= date(year, 1, 1)))
                cells = (name, type_label, "ja" if partner else "nee")
            self._organisation_cells[key] = cells
        return cells

    def person_cells(self, user_id: int, kind: str | None) -> tuple:
        """(id, name, e-mail, resident/professional at the time, neighbourhood)."""
        name, email, current_kind, hood = self.users.get(user_id, ("", "", None, ""))
        kind = kind or current_kind
        return (user_id, name or "", email or "", PERSON_KINDS.get(kind, kind or ""), hood or "")

    def rows(self):
        """The rows as flat tuples of PARTICIPATION_HEADER's columns."""
        for activity_id, user_id, kind, org_id, present, walk_in in self.records:
            _, year, activity_cells = self.activities[activity_id]
            yield (*activity_cells, *self.person_cells(user_id, kind), *self.organisation_cells(org_id, year),
                   bool(present), bool(walk_in))


def participation_export(filters: Filters, now: datetime | None = None) -> ParticipationExport:
    """The person-level export; the person filters and an optional year (filters.year) apply."""
    now = now or utcnow()
    periods = chosen_periods(filters.year, now)
    # Activities, people and organisations are looked up once instead of joined on every row.
    activities = {}
    for a_id, starts_at, kind, title, theme, hood, cohort, programme in db.session.execute(
            select(Activity.id, Activity.starts_at, Activity.kind, Activity.title, Activity.theme,
                   Activity.neighbourhood, Cohort.name, Programme.name)
            .outerjoin(Cohort, Cohort.id == Activity.cohort_id)
            .outerjoin(Programme, Programme.id == Cohort.programme_id)
            .where(Activity.status != STATUS_CANCELLED, in_periods(Activity.starts_at, periods))
            .order_by(Activity.starts_at, Activity.id)):
        local = to_local(starts_at)
        activities[a_id] = (len(activities), local.year,
                            (local.replace(tzinfo=None), ACTIVITY_KINDS.get(kind, kind), title, theme or "",
                             hood or "", programme or "", cohort or ""))
    organisations = {o_id: (name, ORGANISATION_TYPES.get(type_, type_), since, until)
                     for o_id, name, type_, since, until in db.session.execute(
                         select(Organisation.id, Organisation.name, Organisation.type,
                                Organisation.partner_since, Organisation.partner_until))}

    # The person filters of the statistics, on every attendance record (present or not). Cancelled
    # activities and other years drop out through the activity lookup. The rows are read from the
    # DB-API cursor: at 10^5 rows the result-row machinery costs more than the query (booleans may come
    # back as 0/1, hence bool() where they are written).
    stmt = (select(Attendance.activity_id, Attendance.user_id, Attendance.participant_kind,
                   Attendance.organisation_id, Attendance.present, Attendance.walk_in)
            .order_by(Attendance.activity_id, Attendance.user_id))
    if filters.neighbourhood:
        stmt = stmt.where(Attendance.user_id.in_(select(User.id).where(User.neighbourhood == filters.neighbourhood)))
    if filters.participant_kind:
        current = select(User.kind).where(User.id == Attendance.user_id).scalar_subquery()
        stmt = stmt.where(func.coalesce(Attendance.participant_kind, current) == filters.participant_kind)
    if filters.organisation_type or filters.partner:
        stmt = stmt.outerjoin(Organisation, Organisation.id == Attendance.organisation_id)
        if filters.partner in (PARTNER_YES, PARTNER_OTHER):
            stmt = stmt.join(Activity, Activity.id == Attendance.activity_id)
        stmt = stmt.where(*organisation_conditions(filters, Attendance.organisation_id, Activity.starts_at, periods))
    result = db.session.connection().execute(stmt)
    try:
        records = [r for r in result.cursor.fetchall() if r[0] in activities]
    finally:
        result.close()
    records.sort(key=lambda r: activities[r[0]][0])  # stable: within an activity by person id
    people = {r[1] for r in records}
    users = {u_id: (name, email, kind, hood) for u_id, name, email, kind, hood in db.session.execute(
        select(User.id, User.name, User.email, User.kind, User.neighbourhood)) if u_id in people}
    return ParticipationExport(records, activities, users, organisations)
