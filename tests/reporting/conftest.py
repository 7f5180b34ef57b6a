"""A small, hand-made academy whose figures are known exactly (see EXPECTED in test_figures.py).

All times are naive UTC, as stored. Two rows sit on the year boundary in local time:
- workshop W2 at 2023-12-31 23:30 UTC = 1 January 2024 00:30 in Groningen: a 2024 workshop;
- lecture L1 at 2023-12-31 22:30 UTC = 31 December 2023 23:30 in Groningen: a 2023 lecture.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from wijkmakers.activities.models import (
    KIND_LECTURE,
    KIND_MASTERCLASS,
    KIND_PARTNER_MEETING,
    KIND_SESSION,
    KIND_THEME_MEETING,
    KIND_WALK,
    KIND_WORKSHOP,
    REG_CANCELLED,
    REG_CONFIRMED,
    REG_WAITLISTED,
    STATUS_CANCELLED,
    Activity,
    Attendance,
    Registration,
)
from wijkmakers.auth.models import KIND_PROFESSIONAL, KIND_RESIDENT
from wijkmakers.extensions import db
from wijkmakers.learning.models import (
    ENROLMENT_ACTIVE,
    ENROLMENT_COMPLETED,
    ENROLMENT_REQUESTED,
    ENROLMENT_WITHDRAWN,
    KIND_BESTUURDERS,
    PROGRAMME_BESTUURDERS,
    PROGRAMME_LEERGANG,
    Cohort,
    Enrolment,
    Programme,
)

NOW = datetime(2025, 6, 1, 12, 0)


@dataclass
class Academy:
    people: dict = field(default_factory=dict)
    orgs: dict = field(default_factory=dict)
    activities: dict = field(default_factory=dict)


def attend(activity, user, present=True, organisation=None, kind=None, register=True, status=REG_CONFIRMED):
    """A confirmed registration and an attendance record (organisation and kind as at that moment)."""
    org_id = organisation.id if organisation is not None else user.organisation_id
    if register:
        db.session.add(Registration(activity_id=activity.id, user_id=user.id, status=status,
                                    active=True if status != REG_CANCELLED else None, organisation_id=org_id))
    if present is not None:
        db.session.add(Attendance(activity_id=activity.id, user_id=user.id, present=present,
                                  organisation_id=org_id, participant_kind=kind or user.kind))


def build_academy(make) -> Academy:
    a = Academy()
    p1 = make.organisation(name="Welzijn Noord", type="welzijn", partner_since=date(2023, 3, 1))
    p2 = make.organisation(name="Woonstichting Zuid", type="woningcorporatie", partner_since=date(2024, 1, 1),
                           partner_until=date(2024, 6, 30))
    n1 = make.organisation(name="Bibliotheek", type="overig", partner_since=None)
    a.orgs = {"P1": p1, "P2": p2, "N1": n1}
    # A: resident of Selwerd without organisation (a professional today, a resident when they took part)
    a.people["A"] = make.user(name="Anouk", kind=KIND_RESIDENT, neighbourhood="Selwerd", commit=False)
    a.people["B"] = make.user(name="Bram", kind=KIND_PROFESSIONAL, organisation_id=p1.id, commit=False)
    a.people["C"] = make.user(name="Chantal", kind=KIND_PROFESSIONAL, organisation_id=n1.id, commit=False)
    a.people["D"] = make.user(name="Daan", kind=KIND_RESIDENT, organisation_id=p2.id, neighbourhood="Paddepoel",
                              commit=False)
    a.people["E"] = make.user(name="Esther", kind=KIND_RESIDENT, neighbourhood="Selwerd", commit=False)
    db.session.flush()
    A, B, C, D, E = (a.people[k] for k in "ABCDE")

    def activity(key, kind, starts_at, **fields):
        a.activities[key] = row = Activity(kind=kind, title=key, starts_at=starts_at, capacity=30,
                                           ends_at=starts_at + timedelta(hours=2), **fields)
        db.session.add(row)
        db.session.flush()
        return row

    w1 = activity("W1", KIND_WORKSHOP, datetime(2023, 5, 10, 10, 0))
    attend(w1, A, kind=KIND_RESIDENT)
    attend(w1, B)
    attend(w1, C, present=False)                       # registered, did not come
    attend(w1, D, present=None, status=REG_WAITLISTED)  # waiting list: never counted
    attend(w1, E, present=None, status=REG_CANCELLED)   # cancelled sign-up: never counted
    w2 = activity("W2", KIND_WORKSHOP, datetime(2023, 12, 31, 23, 30))
    attend(w2, A, kind=KIND_RESIDENT)
    l1 = activity("L1", KIND_LECTURE, datetime(2023, 12, 31, 22, 30))
    attend(l1, A, kind=KIND_RESIDENT)
    attend(l1, B)
    attend(l1, D)   # for Woonstichting Zuid, which became a partner only in 2024
    l2 = activity("L2", KIND_LECTURE, datetime(2024, 3, 1, 19, 0), status=STATUS_CANCELLED)
    attend(l2, A, kind=KIND_RESIDENT)                  # cancelled activity: never counted
    m1 = activity("M1", KIND_MASTERCLASS, datetime(2024, 4, 1, 9, 0))
    attend(m1, C)
    attend(m1, D)
    activity("PM1", KIND_PARTNER_MEETING, datetime(2024, 2, 1, 15, 0))
    attend(a.activities["PM1"], B)
    activity("PM2", KIND_PARTNER_MEETING, datetime(2024, 9, 1, 15, 0), status=STATUS_CANCELLED)
    activity("PM3", KIND_PARTNER_MEETING, datetime(2024, 10, 1, 15, 0))
    activity("PM4", KIND_PARTNER_MEETING, datetime(2025, 9, 1, 15, 0))  # after NOW: not held yet
    # 1 May 2024 00:30 in Groningen (summer time): a May theme meeting, although April in UTC
    t1 = activity("T1", KIND_THEME_MEETING, datetime(2024, 4, 30, 22, 30))
    attend(t1, B)
    wk1 = activity("WK1", KIND_WALK, datetime(2024, 3, 5, 18, 0), theme="Groen")
    attend(wk1, A, kind=KIND_RESIDENT)
    attend(wk1, B)
    attend(wk1, C)
    attend(wk1, D, present=False)
    wk2 = activity("WK2", KIND_WALK, datetime(2024, 4, 5, 17, 0), theme="Groen")
    attend(wk2, A, kind=KIND_RESIDENT)
    activity("WK3", KIND_WALK, datetime(2024, 5, 5, 17, 0), theme="Water")
    wk4 = activity("WK4", KIND_WALK, datetime(2024, 6, 1, 17, 0), theme="Water", status=STATUS_CANCELLED)
    attend(wk4, A, kind=KIND_RESIDENT)

    leergang = Programme(slug=PROGRAMME_LEERGANG, name="Leergang Wijkontwikkeling")
    bestuurders = Programme(slug=PROGRAMME_BESTUURDERS, name="Bestuurdersleergang", kind=KIND_BESTUURDERS)
    db.session.add_all([leergang, bestuurders])
    cohort = Cohort(programme=leergang, name="2023-2024", starts_on=date(2023, 9, 1), ends_on=date(2024, 6, 30))
    board = Cohort(programme=bestuurders, name="2024", starts_on=date(2024, 2, 1), ends_on=date(2024, 7, 31))
    db.session.add_all([cohort, board])
    db.session.flush()
    db.session.add_all([
        Enrolment(user_id=B.id, cohort_id=cohort.id, status=ENROLMENT_ACTIVE, organisation_id=p1.id),
        Enrolment(user_id=C.id, cohort_id=cohort.id, status=ENROLMENT_WITHDRAWN, organisation_id=n1.id,
                  withdrawn_at=datetime(2023, 11, 1)),
        Enrolment(user_id=E.id, cohort_id=cohort.id, status=ENROLMENT_REQUESTED),  # not accepted: never counted
        Enrolment(user_id=D.id, cohort_id=board.id, status=ENROLMENT_COMPLETED, organisation_id=p2.id),
    ])
    s1 = activity("S1", KIND_SESSION, datetime(2023, 10, 1, 12, 0), cohort_id=cohort.id)
    attend(s1, B)
    attend(s1, C)
    s2 = activity("S2", KIND_SESSION, datetime(2024, 2, 1, 12, 0), cohort_id=cohort.id)
    attend(s2, B)
    s3 = activity("S3", KIND_SESSION, datetime(2024, 3, 1, 12, 0), cohort_id=board.id)
    attend(s3, D)
    db.session.commit()
    # A became a professional later; the attendance records keep "bewoner"
    A.kind = KIND_PROFESSIONAL
    db.session.commit()
    return a


@pytest.fixture
def academy(make) -> Academy:
    return build_academy(make)


def add_noise(make, n_activities=5, per_activity=4, start=datetime(2024, 7, 1, 10, 0)):
    """More of everything, to show that the number of queries does not grow with the data."""
    people = [make.user(name=f"Extra {i}", kind=KIND_RESIDENT, commit=False) for i in range(per_activity)]
    db.session.commit()
    for i in range(n_activities):
        activity = Activity(kind=(KIND_WALK, KIND_WORKSHOP, KIND_LECTURE)[i % 3], title=f"Extra {i}",
                            starts_at=start + timedelta(days=i), ends_at=start + timedelta(days=i, hours=2),
                            capacity=30, theme=f"Thema {i}")
        db.session.add(activity)
        db.session.flush()
        for person in people:
            attend(activity, person)
    db.session.commit()
