"""Enrolment rules: organiser enrolment, own requests with approval, seats, withdrawal, reactivation."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from wijkmakers.core.errors import DomainError
from wijkmakers.core.timeutil import local_today
from wijkmakers.core.transaction import transactional
from wijkmakers.extensions import db
from wijkmakers.learning import enrolment as enrolments
from wijkmakers.learning.models import (ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_REJECTED,
                                        ENROLMENT_REQUESTED, ENROLMENT_WITHDRAWN, Enrolment)

from ..conftest import outbox
from .helpers import enrol_directly, make_cohort


def test_enrol_records_organisation_enroller_andoutbox(course, make):
    org = make.organisation(name="Woonstichting Noorderhuis")
    person = make.user(organisation_id=org.id, email="sanne@example.org")
    enrolment = enrolments.enrol(course.cohort, person, by=course.organiser)
    assert enrolment.status == ENROLMENT_ACTIVE and enrolment.organisation_id == org.id
    assert enrolment.enrolled_by_id == course.organiser.id
    mails = outbox("sanne@example.org")
    assert len(mails) == 1 and course.cohort.label in mails[0].subject
    assert f"/leren/{enrolment.id}" in mails[0].body and "Fatima Organisator heeft je ingeschreven" in mails[0].body
    # the organisation is history: a later move does not change it
    person.organisation_id = make.organisation().id
    db.session.commit()
    assert db.session.get(Enrolment, enrolment.id).organisation_id == org.id


def test_enrol_twice_or_with_a_pending_request_is_refused(course, make):
    person = make.user()
    enrolments.enrol(course.cohort, person)
    with pytest.raises(enrolments.EnrolmentError, match="al ingeschreven"):
        enrolments.enrol(course.cohort, person)
    asker = make.user()
    enrolments.request_enrolment(course.cohort, asker)
    with pytest.raises(enrolments.EnrolmentError, match="aanvraag goed"):
        enrolments.enrol(course.cohort, asker)
    assert isinstance(enrolments.EnrolmentError("x"), ValueError)


def test_full_cohort_counts_active_and_completed_not_withdrawn_or_requests(course, make):
    cohort = make_cohort(course.programme, name="klein", capacity=3)
    enrol_directly(cohort, make.user(), status=ENROLMENT_ACTIVE)
    enrol_directly(cohort, make.user(), status=ENROLMENT_COMPLETED)
    enrol_directly(cohort, make.user(), status=ENROLMENT_WITHDRAWN)
    enrol_directly(cohort, make.user(), status=ENROLMENT_REQUESTED)
    assert enrolments.seats_left(cohort) == 1
    enrolments.enrol(cohort, make.user())
    assert enrolments.seats_left(cohort) == 0
    with pytest.raises(enrolments.EnrolmentError, match="vol"):
        enrolments.enrol(cohort, make.user())
    with pytest.raises(enrolments.EnrolmentError, match="vol"):
        enrolments.request_enrolment(cohort, make.user())


def test_withdrawn_person_is_reactivated_not_duplicated(course, make):
    person = make.user()
    enrolment = enrolments.enrol(course.cohort, person)
    enrolments.withdraw(enrolment, course.organiser)
    assert enrolment.status == ENROLMENT_WITHDRAWN and enrolment.withdrawn_at is not None
    again = enrolments.enrol(course.cohort, person, by=course.organiser)
    assert again.id == enrolment.id and again.status == ENROLMENT_ACTIVE and again.withdrawn_at is None
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_enrolments_in_a_callers_transaction_roll_back_with_it(course, make):
    people = [make.user() for _ in range(3)]

    @transactional
    def enrol_all_then_fail():
        for person in people:
            enrolments.enrol(course.cohort, person, notify=False)
        assert enrolments.seats_left(course.cohort) == 17  # visible inside the transaction
        raise DomainError("De vierde regel van het bestand klopt niet.")

    with pytest.raises(DomainError):
        enrol_all_then_fail()
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_a_refusal_inside_the_callers_transaction_does_not_undo_its_work(course, make):
    first = make.user()

    @transactional
    def enrol_twice():
        enrolments.enrol(course.cohort, first)
        with pytest.raises(enrolments.EnrolmentError):
            enrolments.enrol(course.cohort, first)

    enrol_twice()
    db.session.rollback()  # nothing left uncommitted: the caller's transaction committed the first enrolment
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_ended_cohort_and_inactive_account_cannot_be_enrolled(course, make):
    old = make_cohort(course.programme, name="oud", starts_on=local_today() - timedelta(days=400),
                      ends_on=local_today() - timedelta(days=30))
    with pytest.raises(enrolments.EnrolmentError, match="afgelopen"):
        enrolments.enrol(old, make.user())
    with pytest.raises(enrolments.EnrolmentError, match="niet actief"):
        enrolments.enrol(course.cohort, make.user(active=False))
    assert old not in enrolments.open_cohorts() and course.cohort in enrolments.open_cohorts()


def test_request_then_approve(course, make):
    person = make.user(email="vraag@example.org")
    enrolment = enrolments.request_enrolment(course.cohort, person)
    assert enrolment.status == ENROLMENT_REQUESTED
    with pytest.raises(enrolments.EnrolmentError, match="al aangemeld"):
        enrolments.request_enrolment(course.cohort, person)
    enrolments.approve_request(enrolment, course.organiser)
    assert enrolment.status == ENROLMENT_ACTIVE and enrolment.enrolled_by_id == course.organiser.id
    assert any("goedgekeurd" in m.subject for m in outbox("vraag@example.org"))
    with pytest.raises(enrolments.EnrolmentError, match="al behandeld"):
        enrolments.approve_request(enrolment, course.organiser)
    with pytest.raises(enrolments.EnrolmentError, match="al ingeschreven"):
        enrolments.request_enrolment(course.cohort, person)


def test_request_then_reject_then_ask_again(course, make):
    person = make.user(email="nee@example.org")
    enrolment = enrolments.request_enrolment(course.cohort, person)
    enrolments.reject_request(enrolment, course.organiser, reason="De groep is bedoeld voor professionals.")
    assert enrolment.status == ENROLMENT_REJECTED
    assert "bedoeld voor professionals" in outbox("nee@example.org")[0].body
    with pytest.raises(enrolments.EnrolmentError, match="al behandeld"):
        enrolments.reject_request(enrolment, course.organiser)
    assert enrolments.request_enrolment(course.cohort, person).status == ENROLMENT_REQUESTED


def test_request_refused_when_cohort_closed_for_requests(course, make):
    closed = make_cohort(course.programme, name="dicht", open_for_requests=False)
    with pytest.raises(enrolments.EnrolmentError, match="niet \\(meer\\) mogelijk"):
        enrolments.request_enrolment(closed, make.user())
    assert closed.id not in {c.id for c, _ in enrolments.requestable_cohorts(make.user())}


def test_approve_refused_when_full(course, make):
    cohort = make_cohort(course.programme, name="vol", capacity=1)
    request = enrolments.request_enrolment(cohort, make.user())
    enrolments.enrol(cohort, make.user())
    with pytest.raises(enrolments.EnrolmentError, match="vol"):
        enrolments.approve_request(request, course.organiser)
    assert db.session.get(Enrolment, request.id).status == ENROLMENT_REQUESTED


def test_withdraw_rules(course, make):
    enrolment = enrol_directly(course.cohort, make.user(), status=ENROLMENT_COMPLETED)
    with pytest.raises(enrolments.EnrolmentError, match="al afgerond"):
        enrolments.withdraw(enrolment, course.organiser)
    stopped = enrol_directly(course.cohort, make.user(), status=ENROLMENT_WITHDRAWN)
    with pytest.raises(enrolments.EnrolmentError, match="niet actief"):
        enrolments.withdraw(stopped, course.organiser)


def test_requestable_cohorts_shows_seats_and_hides_my_own(course, make):
    person = make.user()
    other = make_cohort(course.programme, name="andere", capacity=5)
    enrol_directly(other, make.user())
    assert {c.id: left for c, left in enrolments.requestable_cohorts(person)} == {course.cohort.id: 20, other.id: 4}
    enrolments.enrol(course.cohort, person)
    assert [c.id for c, _ in enrolments.requestable_cohorts(person)] == [other.id]


def test_concurrent_enrolments_never_exceed_capacity(app, course, make):
    """Eight people at once for three seats: exactly three get in, on SQLite and PostgreSQL."""
    cohort = make_cohort(course.programme, name="druk", capacity=3)
    people = [make.user().id for _ in range(8)]
    cohort_id = cohort.id
    outcomes = []
    barrier = threading.Barrier(len(people), timeout=30)

    def worker(user_id):
        # One app, one app context (and so one session) per thread: creating apps in threads
        # trips a CPython 3.11 compiler bug.
        with app.app_context():
            from wijkmakers.auth.models import User
            from wijkmakers.learning.models import Cohort
            try:
                user = db.session.get(User, user_id)
                target = db.session.get(Cohort, cohort_id)
                barrier.wait()
                enrolments.enrol(target, user, notify=False)
                outcomes.append("ok")
            except enrolments.EnrolmentError:
                outcomes.append("vol")
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                outcomes.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["ok"] * 3 + ["vol"] * 5, outcomes
    assert db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort_id)) == 3


def test_requestable_cohorts_are_the_soonest_few(course, make):
    later = [make_cohort(course.programme, name=f"Later {n}", starts_on=local_today() + timedelta(days=30 + n),
                         ends_on=local_today() + timedelta(days=300)) for n in range(3)]
    shown = [c.id for c, _ in enrolments.requestable_cohorts(make.user(), limit=2)]
    assert shown == [course.cohort.id, later[0].id]
