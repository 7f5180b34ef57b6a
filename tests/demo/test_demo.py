"""The demo academy reproduces the facts of the municipality's reports."""
from datetime import datetime

import pytest
from sqlalchemy import distinct, func, select

from wijkmakers.activities.models import KIND_WALK, Activity, ActivityGuide, Attendance
from wijkmakers.auth.models import User
from wijkmakers.demo.data import load_demo, reset_database
from wijkmakers.extensions import db
from wijkmakers.learning.models import (ENROLMENT_COMPLETED, PROGRAMME_BESTUURDERS, PROGRAMME_LEERGANG,
                                        Cohort, Enrolment, Programme)
from wijkmakers.organisations.models import Organisation

from ..conftest import TEST_NOW

NOW = TEST_NOW


def _fingerprint():
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(Attendance)),
        tuple(db.session.scalars(select(User.name).order_by(User.id).limit(50))),
        tuple(db.session.scalars(select(Activity.title).order_by(Activity.id).limit(50))),
    )


@pytest.fixture
def demo(app):
    load_demo(app.config["CONTENT_DIR"], now=NOW)


def _enrolled_in(slug, status=None):
    stmt = (select(func.count(distinct(Enrolment.user_id))).join(Cohort).join(Programme)
            .where(Programme.slug == slug))
    if status:
        stmt = stmt.where(Enrolment.status == status)
    return db.session.scalar(stmt)


def test_demo_facts(demo):
    assert _enrolled_in(PROGRAMME_LEERGANG, ENROLMENT_COMPLETED) == 35
    assert _enrolled_in(PROGRAMME_BESTUURDERS) == 40
    partners = db.session.scalar(select(func.count()).select_from(Organisation)
                                 .where(Organisation.partner_since.is_not(None)))
    assert partners > 20
    joined = set(db.session.scalars(select(func.min(Organisation.partner_since))))
    assert all(d.year == 2021 for d in joined)

    present_per_walk = db.session.execute(
        select(Activity.id, func.count(Attendance.id))
        .join(Attendance, (Attendance.activity_id == Activity.id) & Attendance.present.is_(True))
        .where(Activity.kind == KIND_WALK, Activity.starts_at < NOW,
               Activity.starts_at >= datetime(2022, 1, 1))
        .group_by(Activity.id)).all()
    assert len(present_per_walk) >= 36  # monthly, 2022 through 2024 and beyond
    assert all(8 <= n <= 16 for _, n in present_per_walk), present_per_walk
    walkers = db.session.scalar(
        select(func.count(distinct(Attendance.user_id))).join(Activity)
        .where(Activity.kind == KIND_WALK, Attendance.present.is_(True),
               Activity.starts_at < datetime(2025, 1, 1)))
    assert walkers > 200
    guides = db.session.execute(
        select(ActivityGuide.activity_id, func.count()).group_by(ActivityGuide.activity_id)).all()
    assert guides and all(n == 2 for _, n in guides)
    demo_logins = db.session.scalars(select(User.email).where(User.password_hash.is_not(None))).all()
    assert {"deelnemer@wijkmakers.example", "organisator@wijkmakers.example", "begeleider@wijkmakers.example",
            "partner@wijkmakers.example", "coordinator@wijkmakers.example",
            "beheerder@wijkmakers.example"} <= set(demo_logins)


def test_demo_is_deterministic(app):
    load_demo(app.config["CONTENT_DIR"], now=NOW)
    first = _fingerprint()
    reset_database()
    load_demo(app.config["CONTENT_DIR"], now=NOW)
    assert _fingerprint() == first


def test_demo_cli_refuses_non_empty_database_without_reset(app, make):
    make.user()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "--reset" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_demo_cli_refuses_a_date_before_the_reports_years_are_over(app, time_machine):
    time_machine.move_to(datetime(2025, 3, 1, 12, 0), tick=False)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "vanaf 1 juli 2025" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
