"""Issue 15's conventions in the learning feature: a broken rule lands under its form field with a 422, a
nested service call commits or rolls back with its caller, and completions are announced only by the
call that owns the transaction, after it committed."""
import pytest
from sqlalchemy import select, text

from wijkmakers.core.errors import DomainError, NotFound
from wijkmakers.core.transaction import transactional
from wijkmakers.extensions import db
from wijkmakers.learning import cohorts as planning
from wijkmakers.learning import completion, overview
from wijkmakers.learning.models import ENROLMENT_ACTIVE, ENROLMENT_COMPLETED, Enrolment
from wijkmakers.learning.signals import enrolment_completed

from ..conftest import login
from .helpers import attend, enrol_directly, make_cohort, make_programme, make_session, study


def _error_of(html: str, field_id: str) -> str:
    """The text of the error paragraph under one field (macros/forms.html), or ''."""
    marker = f'id="{field_id}-fout">'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</p>", 1)[0]


def _ready_to_complete(course, make):
    """A participant who meets the rule as soon as a missed session is cancelled (2 of 3 held, 80% needed)."""
    person = make.user()
    enrolment = enrol_directly(course.cohort, person)
    sessions = [make_session(course.cohort, course.modules[0], days_from_now=-10 - i) for i in range(3)]
    attend(sessions[0], person)
    attend(sessions[1], person)
    study(person, *course.modules)
    return enrolment, sessions[2]


def test_capacity_below_the_seats_taken_is_shown_under_capacity(client, course, make):
    for _ in range(2):
        enrol_directly(course.cohort, make.user())
    login(client, course.organiser)
    response = client.post(f"/leergangen/groep/{course.cohort.id}/bewerken", data={
        "name": course.cohort.name, "starts_on": course.cohort.starts_on.isoformat(),
        "ends_on": course.cohort.ends_on.isoformat(), "capacity": "1", "open_for_requests": "y"})
    assert response.status_code == 422
    assert "al 2 deelnemers" in _error_of(response.get_data(as_text=True), "capacity")
    assert _error_of(response.get_data(as_text=True), "name") == ""


def test_a_session_outside_the_cohort_is_shown_under_the_day(client, course):
    login(client, course.organiser)
    day = course.cohort.ends_on.replace(year=course.cohort.ends_on.year + 1)
    response = client.post(f"/leergangen/groep/{course.cohort.id}/bijeenkomst/nieuw", data={
        "day": day.isoformat(), "start": "19:00", "end": "21:00", "location": "Buurthuis Selwerd"})
    assert response.status_code == 422
    assert "binnen de looptijd" in _error_of(response.get_data(as_text=True), "day")


def test_an_unknown_mentor_is_shown_under_the_mentor_field(client, course, make):
    programme = make_programme(course.modules, slug="fasen", name="Met fasen", phases=1)
    cohort = make_cohort(programme, name="fasen")
    enrolment = enrol_directly(cohort, make.user())
    login(client, course.organiser)
    response = client.post(f"/leergangen/groep/{cohort.id}/inschrijving/{enrolment.id}/stage/"
                           f"{programme.phases[0].id}", data={"mentor_email": "niemand@example.org"})
    assert response.status_code == 422
    assert "geen account" in _error_of(response.get_data(as_text=True), "mentor_email")


def test_the_one_not_found_is_cores(course, make):
    with pytest.raises(NotFound):
        overview.own_enrolment(enrol_directly(course.cohort, make.user()).id, make.user())


def test_a_nested_completion_rolls_back_with_its_caller_and_is_never_announced(course, make, completions):
    enrolment, missed = _ready_to_complete(course, make)

    @transactional
    def cancel_then_fail():
        assert planning.cancel_session(missed, reason="Zaal onder water", by=course.organiser) == [enrolment.id]
        raise DomainError("Iets verderop ging mis.")

    with pytest.raises(DomainError):
        cancel_then_fail()
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == ENROLMENT_ACTIVE
    assert completions == []


def test_a_nested_completion_is_announced_by_its_caller_after_commit(course, make, completions):
    enrolment, missed = _ready_to_complete(course, make)

    @transactional
    def cancel_inside():
        return planning.cancel_session(missed, reason="Zaal onder water", by=course.organiser)

    done = cancel_inside()
    assert done == [enrolment.id] and completions == []  # the inner call did not own the transaction
    completion.announce(done)
    assert completions == [enrolment.id]


def test_the_outermost_call_announces_once_and_only_after_commit(course, make, completions):
    enrolment, missed = _ready_to_complete(course, make)
    seen = []

    def check_committed(sender, enrolment_id=None, **extra):
        with db.engine.connect() as conn:  # another connection sees committed rows only
            seen.append(conn.execute(text("SELECT status FROM enrolment WHERE id = :id"), {"id": enrolment_id}
                                     ).scalar())

    enrolment_completed.connect(check_committed)
    try:
        # cancel_session -> evaluate_cohort -> _complete: three @transactional levels, one announcement
        assert planning.cancel_session(missed, reason="Zaal onder water", by=course.organiser) == [enrolment.id]
    finally:
        enrolment_completed.disconnect(check_committed)
    assert completions == [enrolment.id] and seen == [ENROLMENT_COMPLETED]
    assert db.session.scalar(select(Enrolment.status).where(Enrolment.id == enrolment.id)) == ENROLMENT_COMPLETED
