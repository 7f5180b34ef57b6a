"""One queue of work waiting for a reply: organisers see every active participant's, mentors their own
trainees', oldest first; answered work leaves the queue; others are refused."""
import re
from datetime import timedelta

from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.learning.models import ENROLMENT_WITHDRAWN, ModuleProgress

from ..conftest import login
from .helpers import enrol_directly, make_cohort


def _hand_in(person, module, days_ago, **work):
    row = ModuleProgress(user_id=person.id, module_id=module.id, reflection=work.get("reflection", ""),
                         action_plan=work.get("action_plan", "Mijn plan"))
    db.session.add(row)
    db.session.commit()
    db.session.execute(ModuleProgress.__table__.update().where(ModuleProgress.id == row.id)
                       .values(updated_at=utcnow() - timedelta(days=days_ago)))
    db.session.commit()
    return row


ROW = re.compile(r'<th scope="row"><a href="/leren/deelnemer/(\d+)#module-(\d+)">([^<]+)<span')


def _rows(client):
    page = client.get("/leren/wachtrij")
    assert page.status_code == 200
    return ROW.findall(page.text)


def _queue(client):
    return [name for _, _, name in _rows(client)]


def test_organisers_see_all_work_without_a_reply_oldest_first(client, course, make):
    other_cohort = make_cohort(course.programme, name="2027-2028")
    anna, bert, cees, dirk = (make.user(name=n) for n in ("Anna", "Bert", "Cees", "Dirk"))
    enrol_directly(course.cohort, anna)
    enrol_directly(other_cohort, bert)
    enrol_directly(course.cohort, cees)
    enrol_directly(course.cohort, dirk, status=ENROLMENT_WITHDRAWN)
    _hand_in(anna, course.modules[0], days_ago=2)
    _hand_in(bert, course.modules[1], days_ago=9)
    answered = _hand_in(cees, course.modules[0], days_ago=20)
    answered.response = "Mooi plan."
    _hand_in(cees, course.modules[1], days_ago=1, action_plan="", reflection="")  # nothing handed in
    _hand_in(dirk, course.modules[0], days_ago=30)  # stopped: not waiting
    db.session.commit()
    login(client, course.organiser)
    assert _queue(client) == ["Bert", "Anna"]

    enrolment_id, module_id, _ = _rows(client)[0]
    client.post(f"/leren/deelnemer/{enrolment_id}/module/{module_id}/reactie",
                data={f"m{module_id}-response": "Goed bezig, Bert."})
    assert _queue(client) == ["Anna"]


def test_mentors_see_only_their_trainees_and_others_are_refused(client, course, make):
    mentor = make.user(name="Mentor Mia")
    anna, bert = make.user(name="Anna"), make.user(name="Bert")
    enrol_directly(course.cohort, anna, mentor_id=mentor.id)
    enrol_directly(course.cohort, bert)
    _hand_in(anna, course.modules[0], days_ago=3)
    _hand_in(bert, course.modules[0], days_ago=4)
    login(client, mentor)
    assert _queue(client) == ["Anna"]
    for role in ("deelnemer", "coordinator", "partnercontact", "begeleider"):
        login(client, make.user(roles=(role,)))
        assert client.get("/leren/wachtrij").status_code == 403, role
