"""Fixtures for the certificate tests: a programme with modules, a cohort, enrolments, attendance."""
from datetime import date, timedelta

import pytest
from flask import g

from wijkmakers.activities.models import Attendance
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import ENROLMENT_COMPLETED, Cohort, Enrolment, Module, Programme, ProgrammeModule

from ..conftest import login


def switch_to(client, user):
    """Log ``user`` in on ``client``. The test app keeps one app context (and so one ``g``) for the whole
    test, and Flask-Login caches the current user in ``g``: drop it so the next request loads ``user``."""
    g.pop("_login_user", None)
    if user is None:
        with client.session_transaction() as session:
            session.clear()
        return client
    return login(client, user)


class CertificateData:
    def __init__(self, make):
        self.make = make
        self.seq = 0

    def programme(self, name="Leergang Wijkontwikkeling", modules=(("Gebiedsgericht werken", 6),
                                                                   ("Bewonersparticipatie", 8))):
        self.seq += 1
        programme = Programme(slug=f"programma-{self.seq}", name=name)
        db.session.add(programme)
        for position, (title, hours) in enumerate(modules, start=1):
            module = Module(slug=f"module-{self.seq}-{position}", title=title, theme=title.lower(),
                            position=position, study_hours=hours)
            db.session.add(ProgrammeModule(programme=programme, module=module, position=position))
        db.session.commit()
        return programme

    def cohort(self, programme=None, name="2023-2024", starts_on=date(2023, 9, 1), ends_on=date(2024, 6, 30)):
        cohort = Cohort(programme=programme or self.programme(), name=name, starts_on=starts_on, ends_on=ends_on)
        db.session.add(cohort)
        db.session.commit()
        return cohort

    def enrolment(self, cohort=None, user=None, status=ENROLMENT_COMPLETED):
        enrolment = Enrolment(cohort=cohort or self.cohort(), user=user or self.make.user(), status=status,
                              completed_at=utcnow() if status == ENROLMENT_COMPLETED else None)
        db.session.add(enrolment)
        db.session.commit()
        return enrolment

    def attended(self, user, present=True, **activity_fields):
        activity_fields.setdefault("starts_at", (utcnow() - timedelta(days=3)).replace(microsecond=0))
        activity = self.make.activity(**activity_fields)
        db.session.add(Attendance(activity=activity, user=user, present=present))
        db.session.commit()
        return activity


@pytest.fixture
def data(make):
    return CertificateData(make)
