"""Completion: all modules studied and present at the programme's percentage of the cohort's sessions;
cancelled sessions and sessions still to come never count against anyone; withdrawn people never complete."""
import pytest
from sqlalchemy import select, text

from wijkmakers.extensions import db
from wijkmakers.learning import cohorts as planning
from wijkmakers.learning import completion
from wijkmakers.learning.models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, ENROLMENT_WITHDRAWN, Enrolment
from wijkmakers.learning.study import set_studied

from .helpers import attend, enrol_directly, make_cohort, make_session, study


def _sessions(course, n, days_from_now=-10, cohort=None):
    cohort = cohort or course.cohort
    return [make_session(cohort, course.modules[i % len(course.modules)], days_from_now=days_from_now - i)
            for i in range(n)]


def _status(enrolment):
    db.session.expire_all()
    return db.session.get(Enrolment, enrolment.id).status


def test_exactly_at_the_threshold_completes_and_announces_after_commit(course, make, completions, database_url):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    sessions = _sessions(course, 10)
    for session in sessions[:8]:  # 8 of 10 = 80%, the programme's threshold
        attend(session, person)
    attend(sessions[8], person, present=False)
    study(person, *course.modules)
    seen_in_database = []

    def check_committed(sender, enrolment_id=None, **extra):
        # a separate connection only sees committed data
        with db.engine.connect() as conn:
            seen_in_database.append(conn.execute(text("SELECT status FROM enrolment WHERE id = :id"),
                                                 {"id": enrolment_id}).scalar())

    from wijkmakers.learning.signals import enrolment_completed
    enrolment_completed.connect(check_committed)
    try:
        done = completion.evaluate_cohort(course.cohort)
    finally:
        enrolment_completed.disconnect(check_committed)
    assert done == [enrolment.id] and completions == [enrolment.id]
    assert seen_in_database == [ENROLMENT_COMPLETED]
    completed = db.session.get(Enrolment, enrolment.id)
    assert completed.status == ENROLMENT_COMPLETED and completed.completed_at is not None
    assert completion.evaluate_cohort(course.cohort) == [] and completions == [enrolment.id]  # once only


def test_just_under_the_threshold_does_not_complete(course, make, completions):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    sessions = _sessions(course, 10)
    for session in sessions[:7]:  # 70%
        attend(session, person)
    study(person, *course.modules)
    assert completion.evaluate_cohort(course.cohort) == []
    assert _status(enrolment) == ENROLMENT_ACTIVE and completions == []


def test_threshold_rounds_up_not_down(course, make):
    course.programme.min_attendance_pct = 75
    db.session.commit()
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    sessions = _sessions(course, 3)
    attend(sessions[0], person)
    attend(sessions[1], person)  # 2 of 3 = 66.7% < 75%
    study(person, *course.modules)
    assert completion.evaluate_cohort(course.cohort) == []
    attend(sessions[2], person)
    assert completion.evaluate_cohort(course.cohort) == [enrolment.id]


def test_a_module_not_studied_blocks_completion_unless_not_required(course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    for session in _sessions(course, 2):
        attend(session, person)
    study(person, *course.modules[:2])
    assert completion.evaluate_cohort(course.cohort) == []
    course.programme.require_all_modules = False
    db.session.commit()
    assert completion.evaluate_cohort(course.cohort) == [enrolment.id]


def test_cancelled_sessions_count_for_nobody(course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    held = _sessions(course, 4)
    for session in held:
        attend(session, person)
    make_session(course.cohort, course.modules[0], days_from_now=-3, cancelled=True)
    make_session(course.cohort, course.modules[1], days_from_now=+3, cancelled=True)
    study(person, *course.modules)
    facts = completion.cohort_facts(course.cohort)
    assert len(facts.counted) == 4 and len(facts.held) == 4
    row = facts.rows[0]
    assert facts.attendance_pct(row) == 100 and row.flags == []
    assert completion.evaluate_cohort(course.cohort) == [enrolment.id]


def test_cancelling_a_missed_session_can_complete_someone(course, make, completions):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    sessions = _sessions(course, 5)
    for session in sessions[:3]:
        attend(session, person)  # 3 of 5 = 60%
    study(person, *course.modules)
    assert completion.evaluate_cohort(course.cohort) == []
    planning.cancel_session(sessions[3], reason="Zaal niet beschikbaar", by=course.organiser)
    assert _status(enrolment) == ENROLMENT_ACTIVE  # 3 of 4 = 75%
    assert planning.cancel_session(sessions[4], reason="Spreker ziek geworden", by=course.organiser) == [enrolment.id]
    assert completions == [enrolment.id]


def test_sessions_to_come_are_no_absence_but_completion_waits_for_enough_presence(course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    past = _sessions(course, 2)
    _sessions(course, 3, days_from_now=20)
    for session in past:
        attend(session, person)
    study(person, *course.modules)
    facts = completion.cohort_facts(course.cohort)
    row = facts.rows[0]
    assert len(facts.held) == 2 and len(facts.counted) == 5 and facts.required_present == 4
    assert facts.attendance_pct(row) == 100 and row.flags == []  # future sessions are not held against anyone
    assert completion.evaluate_cohort(course.cohort) == []  # 2 of 5 scheduled: not yet
    assert _status(enrolment) == ENROLMENT_ACTIVE


def test_withdrawn_participants_are_never_completed(course, make, completions):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person, status=ENROLMENT_WITHDRAWN)
    for session in _sessions(course, 2):
        attend(session, person)
    study(person, *course.modules)
    assert completion.evaluate_cohort(course.cohort) == [] and completion.evaluate_user(person.id) == []
    assert _status(enrolment) == ENROLMENT_WITHDRAWN and completions == []
    facts = completion.cohort_facts(course.cohort)
    assert facts.rows[0].flags == []  # not flagged as at risk either


def test_no_sessions_means_no_completion_unless_attendance_is_not_required(course, make):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    study(person, *course.modules)
    assert completion.evaluate_cohort(course.cohort) == []
    course.programme.min_attendance_pct = 0
    db.session.commit()
    assert completion.evaluate_cohort(course.cohort) == [enrolment.id]


def test_marking_the_last_module_studied_completes(course, make, completions):
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    for session in _sessions(course, 2):
        attend(session, person)
    study(person, *course.modules[:2])
    assert set_studied(enrolment, course.modules[2]) == [enrolment.id]
    assert completions == [enrolment.id] and _status(enrolment) == ENROLMENT_COMPLETED


def test_progress_is_per_person_and_counts_in_every_programme_with_that_module(course, make, tmp_path):
    from .helpers import make_programme
    second = make_programme(course.modules[:1], slug="kort", name="Korte leergang", pct=0)
    short = make_cohort(second, name="kort")
    person = make.user()
    long_one = enrol_directly(course.cohort, person)
    short_one = enrol_directly(short, person)
    set_studied(long_one, course.modules[0])
    assert _status(short_one) == ENROLMENT_COMPLETED and _status(long_one) == ENROLMENT_ACTIVE


def test_a_failing_subscriber_does_not_undo_the_completion(course, make):
    from wijkmakers.learning.signals import enrolment_completed
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    course.programme.min_attendance_pct = 0
    db.session.commit()
    study(person, *course.modules)

    def broken(sender, **extra):
        raise RuntimeError("kapot")

    enrolment_completed.connect(broken)
    try:
        assert completion.evaluate_cohort(course.cohort) == [enrolment.id]
    finally:
        enrolment_completed.disconnect(broken)
    assert _status(enrolment) == ENROLMENT_COMPLETED


@pytest.mark.parametrize("present,behind,expected", [
    (2, 0, {"aanwezigheid"}),            # 2 of 3 held: 67% < 80%, but 4 of 5 still possible
    (3, 2, {"achter"}),                   # two modules with a held session not studied
    (0, 0, {"aanwezigheid", "onhaalbaar"}),  # 0 of 3 held and only 2 to come: 80% of 5 = 4 unreachable
])
def test_at_risk_flags(course, make, present, behind, expected):
    person = make.user()
    enrol_directly(course.cohort, person)
    held = _sessions(course, 3)
    _sessions(course, 2, days_from_now=30)
    for session in held[:present]:
        attend(session, person)
    study(person, *course.modules[: 3 - behind])
    row = completion.cohort_facts(course.cohort).rows[0]
    assert set(row.flags) == expected


def test_meets_rule_edges(course):
    programme = course.programme  # 80%, all modules
    assert completion.meets_rule(programme, 3, 3, 8, 10)
    assert not completion.meets_rule(programme, 3, 3, 7, 10)
    assert not completion.meets_rule(programme, 3, 2, 10, 10)
    assert not completion.meets_rule(programme, 3, 3, 0, 0)


def test_completed_enrolments_are_committed_for_other_sessions(course, make):
    person = make.user()
    enrol_directly(course.cohort, person)
    course.programme.min_attendance_pct = 0
    db.session.commit()
    study(person, *course.modules)
    completion.evaluate_cohort(course.cohort)
    db.session.rollback()
    assert db.session.scalar(select(Enrolment.status)) == ENROLMENT_COMPLETED
