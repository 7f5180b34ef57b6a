"""Feedback after an activity: only from those present, invitations once, results for organisers."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from wijkmakers.activities import attendance as presence
from wijkmakers.activities import feedback as evaluation
from wijkmakers.activities import signups
from wijkmakers.activities.models import Attendance, Feedback
from wijkmakers.core.errors import DomainError
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db

from ..conftest import login, outbox
from .conftest import add_guide, phone_person


@pytest.fixture
def walk(make, past_activity):
    """Yesterday's walk: two present, one absent."""
    guide = add_guide(make, past_activity)
    organiser = make.user(roles=("organisator",))
    people = [make.user(name=n) for n in ("Aanwezig Anna", "Aanwezig Bert", "Afwezig Carla")]
    for person in people:
        signups.register(past_activity, person, by=organiser, notify=False)
    presence.mark_attendance(past_activity, people[0], True, guide)
    presence.mark_attendance(past_activity, people[1], True, guide)
    presence.mark_attendance(past_activity, people[2], False, guide)
    return past_activity, people


def test_only_those_present_may_give_feedback(client, make, walk):
    activity, (anna, _bert, carla) = walk
    login(client, carla)
    response = client.get(f"/agenda/{activity.id}/evaluatie")
    assert response.status_code == 403 and "Alleen wie aanwezig was" in response.get_data(as_text=True)
    assert client.post(f"/agenda/{activity.id}/evaluatie", data={"mark": "2"}).status_code == 403
    login(client, make.user(roles=("organisator",)))
    assert client.post(f"/agenda/{activity.id}/evaluatie", data={"mark": "10"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0
    login(client, anna)
    page = client.get(f"/agenda/{activity.id}/evaluatie").get_data(as_text=True)
    assert "zonder je naam" in page
    bad = client.post(f"/agenda/{activity.id}/evaluatie", data={"mark": "11"})
    assert bad.status_code == 422 and "Controleer het formulier" in bad.get_data(as_text=True)
    assert client.post(f"/agenda/{activity.id}/evaluatie", data={"mark": "8", "comment": "Mooi!"}).status_code == 302
    client.post(f"/agenda/{activity.id}/evaluatie", data={"mark": "9", "comment": "Nog mooier"})  # replaces
    [answer] = db.session.scalars(select(Feedback)).all()
    assert (answer.mark, answer.comment, answer.user_id) == (9, "Nog mooier", anna.id)
    assert "Je gaf eerder een 9" in client.get(f"/agenda/{activity.id}/evaluatie").get_data(as_text=True)
    assert client.get("/agenda/999999/evaluatie").status_code == 404


def test_no_feedback_before_the_start_or_on_a_cancelled_activity(make):
    person, guide = make.user(), make.user(roles=("begeleider",))
    future = make.activity()
    signups.register(future, person)
    presence.mark_attendance(future, person, True, guide)
    with pytest.raises(DomainError, match="nog niet geweest"):
        evaluation.save_feedback(future, person, 8, "")
    future.status = "geannuleerd"
    db.session.commit()
    assert not evaluation.feedback_state(future, person).allowed


def test_invitations_go_once_to_those_present(app, make, walk):
    activity, (anna, bert, carla) = walk
    phone = phone_person(make)
    presence.walk_in(activity, phone.name, None, "bewoner", make.user(roles=("organisator",)))
    old = make.activity(starts_at=utcnow() - timedelta(days=40))
    db.session.add(Attendance(activity_id=old.id, user_id=carla.id, present=True))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["feedback", "invite"])
    assert result.exit_code == 0 and "2 uitnodigingen" in result.output
    invites = outbox(subject_prefix="Hoe was het?")
    assert {m.recipient for m in invites} == {anna.email, bert.email}
    assert f"/agenda/{activity.id}/evaluatie" in invites[0].body
    assert "1 uitnodiging" not in runner.invoke(args=["feedback", "invite"]).output
    assert "0 uitnodigingen" in runner.invoke(args=["feedback", "invite"]).output
    assert evaluation.invite_feedback() == 0
    assert "1 uitnodiging in" in runner.invoke(args=["feedback", "invite", "--days", "60"]).output  # the old one
    assert runner.invoke(args=["feedback", "invite", "--days", "0"]).exit_code != 0


def test_no_invitation_for_who_already_answered(make, walk):
    activity, (anna, _bert, _carla) = walk
    evaluation.save_feedback(activity, anna, 7, "")
    assert evaluation.invite_feedback() == 1


def test_results_per_activity_and_per_kind(client, make, walk, login_as):
    activity, (anna, bert, _carla) = walk
    evaluation.save_feedback(activity, anna, 8, "Goede gids")
    evaluation.save_feedback(activity, bert, 5, "")
    lecture = make.activity(kind="lezing", starts_at=utcnow() - timedelta(days=3))
    listener = make.user()
    signups.register(lecture, listener, by=make.user(roles=("organisator",)))
    presence.mark_attendance(lecture, listener, True, make.user(roles=("organisator",)))
    evaluation.save_feedback(lecture, listener, 9, "")
    login_as("organisator")
    overview = client.get("/activiteiten/evaluaties").get_data(as_text=True)
    assert "Wijkwandeling" in overview and "6,5" in overview and "9,0" in overview
    only_lectures = client.get("/activiteiten/evaluaties?soort=lezing").get_data(as_text=True)
    assert lecture.title in only_lectures and activity.title not in only_lectures.split("Per activiteit")[1]
    assert client.get("/activiteiten/evaluaties?soort=<x>&pagina=-3").status_code == 200
    detail = client.get(f"/activiteiten/{activity.id}/evaluaties").get_data(as_text=True)
    assert "Goede gids" in detail and "6,5" in detail
    assert anna.name not in detail and bert.name not in detail  # answers without names
    assert client.get("/activiteiten/999999/evaluaties").status_code == 404
    assert evaluation.results_by_kind() == [("lezing", 1, 1, 9.0), ("wijkwandeling", 1, 2, 6.5)]


def test_results_are_for_organisers_only(client, make, walk):
    activity, (anna, _bert, _carla) = walk
    for person in (anna, make.user(roles=("begeleider",)), make.user(roles=("coordinator",))):
        login(client, person)
        assert client.get("/activiteiten/evaluaties").status_code == 403
        assert client.get(f"/activiteiten/{activity.id}/evaluaties").status_code == 403


def test_feedback_overview_constant_queries(client, make, login_as, count_queries):
    login_as("organisator")
    guide = make.user(roles=("begeleider",))

    def add(n):
        for _ in range(n):
            activity = make.activity(starts_at=utcnow() - timedelta(days=2))
            person = make.user()
            signups.register(activity, person, by=make.user(roles=("organisator",)))
            presence.mark_attendance(activity, person, True, guide)
            evaluation.save_feedback(activity, person, 7, "")

    def measure():
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/activiteiten/evaluaties").status_code == 200
        return counter.count

    add(1)
    before = measure()
    add(5)
    assert measure() == before
