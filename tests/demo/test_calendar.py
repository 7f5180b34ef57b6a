"""The calendar sweep: the demo academy keeps the README's promises whatever the day it is loaded.

For each date below the clock travels there (the time zone's awkward moments included), the demo is loaded
as `flask demo load` would load it then, and every demo login is checked for what the README says it finds:
through the pages the person would open, and through the services behind them.
"""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine
from markupsafe import escape
from sqlalchemy import distinct, func, select

from wijkmakers.activities import overview as activities
from wijkmakers.activities.models import (KIND_SESSION, KIND_WALK, REG_CONFIRMED, REG_WAITLISTED, Activity,
                                          Attendance, Registration)
from wijkmakers.auth.models import User
from wijkmakers.core.timeutil import local_to_utc, to_local, utcnow
from wijkmakers.demo.data import load_demo
from wijkmakers.demo.dates import is_public_holiday
from wijkmakers.extensions import db
from wijkmakers.home import services as home
from wijkmakers.learning import completion, traineeship
from wijkmakers.network.followups import due_followups
from wijkmakers.network.profiles import profile_of
from wijkmakers.learning.models import (ENROLMENT_ACTIVE, PROGRAMME_LEERGANG, PROGRAMME_TRAINEESHIP, Cohort,
                                        Enrolment, ModuleProgress, Placement, Programme)

from ..conftest import login

# Wall-clock moments in Groningen: the year boundary, both daylight-saving switches (in the skipped and in
# the repeated hour), an ordinary Saturday, Whit Sunday (a Sunday before a public holiday), a summer Monday,
# a leap day, and Christmas Eve on a Sunday with the two Christmas days after it.
SWEEP = {
    "oudejaarsavond": datetime(2026, 12, 31, 23, 30),
    "nieuwjaarsnacht": datetime(2027, 1, 1, 0, 30),
    "zomertijd": datetime(2027, 3, 28, 1, 30),
    "wintertijd": datetime(2027, 10, 31, 2, 30),
    "zaterdag": datetime(2027, 2, 13, 10, 0),
    "pinksterzondag": datetime(2027, 5, 16, 15, 0),
    "zomermaandag": datetime(2027, 7, 19, 9, 0),
    "schrikkeldag": datetime(2028, 2, 29, 12, 0),
    "kerstavond-op-zondag": datetime(2028, 12, 24, 13, 30),
}
# The columns that hold a schedule or an expiry and may lie ahead; every other timestamp says when something
# happened and must not be after the load moment.
AHEAD = {"starts_at", "ends_at", "signup_deadline", "expires_at", "claimed_until", "next_attempt_at"}


def _user(key: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{key}@wijkmakers.example"))


def _page(client, who: str, path: str) -> str:
    login(client, _user(who))
    response = client.get(path)
    assert response.status_code == 200, (who, path, response.status_code)
    return response.get_data(as_text=True)


def _running(slug: str, today) -> Cohort:
    return db.session.scalar(select(Cohort).join(Programme).where(
        Programme.slug == slug, Cohort.starts_on <= today, Cohort.ends_on >= today,
        Cohort.name.not_like("% (groep %")))


@pytest.fixture(params=list(SWEEP), ids=list(SWEEP))
def demo_on(request, app):
    """The demo loaded at one sweep moment, with the clock standing still there."""
    moment = local_to_utc(SWEEP[request.param])
    with time_machine.travel(moment.replace(tzinfo=timezone.utc), tick=False):
        now = utcnow()
        assert now == moment
        load_demo(app.config["CONTENT_DIR"])
        db.session.commit()
        yield now


def test_the_demo_keeps_its_promises(demo_on, client):
    """One demo load per date (a load takes seconds), every promise checked on it."""
    _every_demo_login_finds_what_the_readme_promises(demo_on, client)
    _nothing_shown_as_done_lies_after_the_load_moment(demo_on)
    _sessions_and_walks_fall_on_plausible_days()
    _people_write_their_own_texts_and_walkers_come_back(demo_on)


def _every_demo_login_finds_what_the_readme_promises(now, client):
    today = to_local(now).date()

    # begeleider@: a walk in the next three days with people signed up, on the home page, attendance open
    guide = _user("begeleider")
    walk = home.guide_panel(guide)["guided"][0]
    assert now < walk.starts_at <= now + timedelta(days=3), walk.starts_at
    confirmed = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.activity_id == walk.id, Registration.active.is_(True), Registration.status == REG_CONFIRMED))
    assert confirmed == 5
    assert not is_public_holiday(to_local(walk.starts_at).date())
    assert escape(walk.title) in _page(client, "begeleider", "/")
    assert "aanwezig" in _page(client, "begeleider", f"/agenda/{walk.id}/aanwezigheid")

    # organisator@: that walk is under its minimum and waits for a go/no-go decision
    assert [w.id for w, _ in activities.walks_needing_decision(now)] == [walk.id]
    planning = _page(client, "organisator", "/activiteiten")
    assert "Beslis: doorgaan of annuleren?" in planning and escape(walk.title) in planning
    assert "aanvragen voor een leergang" in _page(client, "organisator", "/")

    # a full walk with a waiting list, and a full workshop, both ahead
    full_walk = db.session.scalar(select(Activity).join(Registration).where(
        Activity.kind == KIND_WALK, Activity.starts_at > now, Activity.seats_taken == Activity.capacity,
        Registration.status == REG_WAITLISTED, Registration.active.is_(True)).limit(1))
    assert full_walk is not None
    assert "wachtlijst" in _page(client, "deelnemer", f"/agenda/{full_walk.id}").lower()
    workshop = db.session.scalar(select(Activity).where(Activity.title == "Workshop: Het keukentafelgesprek"))
    assert now < workshop.starts_at and workshop.seats_taken == workshop.capacity

    # deelnemer@: in the running leergang group, with sessions behind her and one ahead
    leergang = _running(PROGRAMME_LEERGANG, today)
    sanne = _user("deelnemer")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == sanne.id,
                                                          Enrolment.cohort_id == leergang.id))
    assert enrolment.status == ENROLMENT_ACTIVE
    sessions = db.session.scalars(select(Activity.starts_at).where(Activity.cohort_id == leergang.id)).all()
    assert any(s < now for s in sessions) and any(s > now for s in sessions)
    assert escape(leergang.name) in _page(client, "deelnemer", "/")
    flags = {flag for row in completion.cohort_facts(leergang, now=now).rows for flag in row.flags}
    assert {completion.FLAG_BEHIND, completion.FLAG_ATTENDANCE} <= flags
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress).where(
        ModuleProgress.user_id == sanne.id, ModuleProgress.response != "")) >= 1

    # trainee@: in the running traineeship, second phase; mentor@ is the track mentor, partner@ supervises
    # the current placement and sees the trainee under "Mijn trainees"
    track = _running(PROGRAMME_TRAINEESHIP, today)
    milan, mentor, partner = _user("trainee"), _user("mentor"), _user("partner")
    trainee = db.session.scalar(select(Enrolment).where(Enrolment.user_id == milan.id,
                                                        Enrolment.cohort_id == track.id))
    phase = traineeship.current_phase_number(track, 4, today)
    assert trainee.status == ENROLMENT_ACTIVE and phase == 2 and trainee.mentor_id == mentor.id
    placements = {p.phase.number: p for p in db.session.scalars(select(Placement).where(
        Placement.enrolment_id == trainee.id))}
    assert placements[phase].mentor_id == partner.id and placements[1].completed_at is not None
    assert track.name != leergang.name
    assert [row.email for row in db.session.execute(due_followups(now))] == ["trainee@wijkmakers.example"]
    assert profile_of(milan.id).opted_in and profile_of(sanne.id) is None
    assert "Milan Hoekstra" in _page(client, "mentor", "/leren/trainees")
    assert "Milan Hoekstra" in _page(client, "partner", "/leren/trainees")
    assert "Woonstichting Noorderhuis" in _page(client, "partner", "/")
    assert "Welzijn in de Wijk Groningen" in _page(client, "partner2", "/")

    # coordinator@ and beheerder@
    assert "Kerncijfers" in _page(client, "coordinator", "/")
    assert "Beheer" in _page(client, "beheerder", "/")


def _nothing_shown_as_done_lies_after_the_load_moment(now):
    late = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.DateTime) and column.name not in AHEAD:
                latest = db.session.scalar(select(func.max(column)))
                if latest is not None and latest > now:
                    late.append(f"{table.name}.{column.name} = {latest}")
    assert late == []
    # attendance only for what is over
    assert db.session.scalar(select(func.count()).select_from(Attendance).join(Activity)
                             .where(Activity.ends_at > now)) == 0


def _sessions_and_walks_fall_on_plausible_days():
    starts = db.session.execute(select(Activity.kind, Activity.starts_at)).all()
    for kind, start in starts:
        day = to_local(start).date()
        assert not is_public_holiday(day), (kind, day)
        if kind == KIND_SESSION:
            assert day.weekday() < 5 and day.month not in (7, 8), (kind, day)
            assert not (day.month == 12 and day.day >= 24), (kind, day)
        else:
            assert day.weekday() < 6 or kind == KIND_WALK, (kind, day)
        assert 9 <= to_local(start).hour <= 20, (kind, start)


def _people_write_their_own_texts_and_walkers_come_back(now):
    plans = db.session.execute(select(ModuleProgress.action_plan, ModuleProgress.reflection,
                                      ModuleProgress.module_id, Enrolment.cohort_id)
                               .join(Enrolment, Enrolment.user_id == ModuleProgress.user_id)
                               .where(ModuleProgress.action_plan != "")).all()
    assert len({p.action_plan for p in plans}) >= len(plans) / 2
    # within one group, nobody writes the same action plan or reflection on a module as someone else
    for field in ("action_plan", "reflection"):
        repeated = Counter((getattr(p, field), p.module_id, p.cohort_id) for p in plans)
        assert max(repeated.values()) == 1, field
    # some walkers come back in the same year, so unique walkers are fewer than participations
    year = to_local(now).year - 1
    walked = db.session.execute(
        select(func.count(), func.count(distinct(Attendance.user_id))).join(Activity)
        .where(Activity.kind == KIND_WALK, Attendance.present.is_(True),
               Activity.starts_at >= local_to_utc(datetime(year, 1, 1)),
               Activity.starts_at < local_to_utc(datetime(year + 1, 1, 1)))).one()
    assert walked[1] < walked[0] * 0.9, walked
