"""The sign-up rules, straight through the services: seats, waiting list, promotion, deadlines, planning."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from wijkmakers.activities import overview, planning, reminders, signups
from wijkmakers.activities.models import (REG_CANCELLED, REG_CONFIRMED, REG_WAITLISTED, STATUS_CANCELLED,
                                          Activity, Registration, RegistrationEvent)
from wijkmakers.activities.signups import SignupError
from wijkmakers.core.errors import DomainError
from wijkmakers.core.transaction import transactional
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.timeutil import local_today, to_local, utcnow
from wijkmakers.extensions import db

from ..conftest import outbox
from .conftest import add_guide, phone_person


def _events(activity):
    return [e.event for e in db.session.scalars(select(RegistrationEvent).where(
        RegistrationEvent.activity_id == activity.id).order_by(RegistrationEvent.id))]


# ---------------------------------------------------------------- seats and the waiting list

def test_capacity_then_waitlist_in_order(make):
    org = make.organisation()
    activity = make.activity(capacity=2)
    people = [make.user(organisation_id=org.id) for _ in range(4)]
    regs = [signups.register(activity, p) for p in people]
    assert [r.status for r in regs] == [REG_CONFIRMED, REG_CONFIRMED, REG_WAITLISTED, REG_WAITLISTED]
    assert [r.waitlist_position for r in regs[2:]] == [1, 2]
    assert regs[0].organisation_id == org.id
    assert signups.seats_left(activity) == 0
    assert _events(activity) == ["geregistreerd", "geregistreerd", "wachtlijst", "wachtlijst"]
    mails = outbox()
    assert len(mails) == 4
    assert [m.subject.split(":")[0] for m in mails] == ["Aangemeld", "Aangemeld", "Wachtlijst", "Wachtlijst"]
    assert "plaats 2" in mails[3].body
    assert mails[0].attachments[0].content_type == "text/calendar; method=REQUEST"
    assert b"UID:activity-%d@wijkmakers" % activity.id in mails[0].attachments[0].content


def test_registration_keeps_the_organisation_of_that_moment(make):
    before, after = make.organisation(), make.organisation()
    person = make.user(organisation_id=before.id)
    registration = signups.register(make.activity(), person)
    person.organisation_id = after.id
    db.session.commit()
    db.session.refresh(registration)
    assert registration.organisation_id == before.id


def test_cancel_promotes_first_waitlisted(make):
    activity = make.activity(capacity=1)
    a, b, c = make.user(), make.user(), make.user()
    ra = signups.register(activity, a)
    rb = signups.register(activity, b)
    rc = signups.register(activity, c)
    assert signups.waitlist_rank(rc) == 2
    promoted = signups.cancel_registration(ra, by=a)
    assert promoted.id == rb.id and promoted.status == REG_CONFIRMED
    assert ra.status == REG_CANCELLED and ra.active is None
    assert signups.seats_left(activity) == 0
    db.session.refresh(rc)
    assert rc.waitlist_position == 2 and signups.waitlist_rank(rc) == 1
    assert _events(activity)[-2:] == ["geannuleerd", "doorgeschoven"]
    promotion = outbox(b.email, "Er is een plek vrij")
    assert len(promotion) == 1 and promotion[0].attachments[0].filename.endswith(".ics")
    # Cancelling a waitlisted registration frees nothing and promotes nobody.
    assert signups.cancel_registration(rc) is None
    with pytest.raises(SignupError, match="al geannuleerd"):
        signups.cancel_registration(rc)
    # The person who cancelled may sign up again: one ACTIVE registration per person, history kept.
    again = signups.register(activity, a)
    assert again.status == REG_WAITLISTED and signups.waitlist_rank(again) == 1
    assert db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.activity_id == activity.id, Registration.user_id == a.id)) == 2


def test_cancel_with_free_seat_frees_it(make):
    activity = make.activity(capacity=3)
    reg = signups.register(activity, make.user())
    assert signups.seats_left(activity) == 2
    assert signups.cancel_registration(reg) is None
    assert signups.seats_left(activity) == 3


def test_duplicate_refused_and_the_database_enforces_one_active_registration(make):
    activity = make.activity()
    person = make.user()
    signups.register(activity, person)
    with pytest.raises(SignupError, match="al aangemeld"):
        signups.register(activity, person)
    assert signups.seats_left(activity) == 15
    db.session.add(Registration(activity_id=activity.id, user_id=person.id, status=REG_WAITLISTED, active=True))
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError from either database driver
        db.session.commit()
    db.session.rollback()


def test_more_seats_go_to_the_waiting_list_at_once(make):
    organiser = make.user(roles=("organisator",))
    activity = make.activity(capacity=1, meeting_point="Plein")
    people = [make.user() for _ in range(3)]
    for p in people:
        signups.register(activity, p)
    data = {"capacity": 3, "starts_at": activity.starts_at, "ends_at": activity.ends_at,
            "meeting_point": "Plein", "location": None}
    planning.save_activity(activity, data, [], organiser)
    statuses = [signups.active_registration(activity.id, p.id).status for p in people]
    assert statuses == [REG_CONFIRMED] * 3 and signups.seats_left(activity) == 0
    assert len(outbox(subject_prefix="Er is een plek vrij")) == 2
    with pytest.raises(DomainError, match="capaciteit kan niet"):
        planning.save_activity(activity, dict(data, capacity=2), [], organiser)
    assert db.session.get(Activity, activity.id).capacity == 3


def test_change_of_time_is_mailed_with_a_higher_sequence(make):
    organiser = make.user(roles=("organisator",))
    activity = make.activity(meeting_point="Plein")
    person = make.user()
    signups.register(activity, person)
    data = {"capacity": 16, "starts_at": activity.starts_at + timedelta(hours=1),
            "ends_at": activity.ends_at + timedelta(hours=1), "meeting_point": "Plein", "location": None}
    planning.save_activity(activity, data, [], organiser)
    changed = outbox(person.email, "Gewijzigd")
    assert len(changed) == 1 and b"SEQUENCE:1" in changed[0].attachments[0].content


# ---------------------------------------------------------------- deadlines and refusals

def test_deadline_refused_but_organiser_may_bypass(make):
    activity = make.activity(signup_deadline=utcnow() - timedelta(hours=1))
    with pytest.raises(SignupError, match="aanmeldtermijn"):
        signups.register(activity, make.user())
    with pytest.raises(SignupError):
        signups.register(activity, make.user(), by=make.user(roles=("begeleider",)))
    organiser = make.user(roles=("organisator",))
    reg = signups.register(activity, make.user(), by=organiser)
    assert reg.status == REG_CONFIRMED and reg.registered_by_id == organiser.id


def test_cancel_until_the_deadline_waitlist_until_the_start(make):
    activity = make.activity(capacity=1)
    seated, waiting = make.user(), make.user()
    seat = signups.register(activity, seated)
    place = signups.register(activity, waiting)
    activity.signup_deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(SignupError, match="afmeldtermijn"):
        signups.cancel_registration(seat, by=seated)
    assert signups.cancel_registration(place, by=waiting) is None  # leaving the waiting list is fine
    organiser = make.user(roles=("organisator",))
    signups.cancel_registration(seat, by=organiser)
    assert signups.seats_left(activity) == 1


def test_no_cancelling_after_the_start(make, past_activity):
    person = make.user()
    organiser = make.user(roles=("organisator",))
    registration = signups.register(past_activity, person, by=organiser)
    with pytest.raises(SignupError, match="al begonnen"):
        signups.cancel_registration(registration, by=person)


def test_cancelled_activity_refused(make):
    activity = make.activity(status=STATUS_CANCELLED)
    with pytest.raises(SignupError, match="gaat niet door"):
        signups.register(activity, make.user(), by=make.user(roles=("organisator",)))


def test_guide_and_inactive_person_cannot_sign_up(make):
    activity = make.activity()
    guide = add_guide(make, activity)
    with pytest.raises(SignupError, match="begeleidt"):
        signups.register(activity, guide)
    with pytest.raises(SignupError, match="niet actief"):
        signups.register(activity, make.user(active=False))
    assert signups.seats_left(activity) == 16


def test_no_mail_without_address_or_when_not_notifying(make):
    activity = make.activity()
    signups.register(activity, phone_person(make))
    signups.register(activity, make.user(), notify=False)
    assert outbox() == []


def test_a_sign_up_inside_a_callers_transaction_is_rolled_back_with_it(make):
    activity = make.activity(capacity=3)
    person = make.user()

    @transactional
    def enrol_then_fail():
        registration = signups.register(activity, person)
        assert registration.id is not None and signups.seats_left(activity) == 2  # joined, not committed
        raise DomainError("Iets anders ging mis.")

    with pytest.raises(DomainError, match="anders ging mis"):
        enrol_then_fail()
    db.session.expire_all()
    assert signups.active_registration(activity.id, person.id) is None
    assert signups.seats_left(activity) == 3 and outbox() == []


# ---------------------------------------------------------------- planning

def test_walk_under_minimum_is_flagged_until_decided(make):
    organiser = make.user(roles=("organisator",))
    soon = make.activity(title="Bijna", starts_at=utcnow() + timedelta(days=2))
    make.activity(title="Later", starts_at=utcnow() + timedelta(days=10))
    make.activity(kind="lezing", title="Lezing", starts_at=utcnow() + timedelta(days=1))
    for _ in range(7):
        signups.register(soon, make.user())
    assert [a.title for a, n in overview.walks_needing_decision()] == ["Bijna"]
    planning.decide_go(soon, organiser)
    assert overview.walks_needing_decision() == []
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.actor_id == organiser.id)) == \
        "activity.go_decision"


def test_enough_sign_ups_is_not_flagged(make):
    walk = make.activity(starts_at=utcnow() + timedelta(days=2))
    for _ in range(8):
        signups.register(walk, make.user())
    assert overview.walks_needing_decision() == []


def test_duo_warnings(make):
    walk = make.activity()
    assert "geen duo" in planning.duo_warnings(walk)[0]
    add_guide(make, walk, kind="bewoner")
    add_guide(make, walk, kind="bewoner")
    assert "bewoners" in planning.duo_warnings(walk)[0]
    other = make.activity()
    add_guide(make, other, kind="bewoner")
    add_guide(make, other, kind="professional")
    assert planning.duo_warnings(other) == []
    assert planning.duo_warnings(make.activity(kind="lezing")) == []


def test_guides_must_have_the_role_and_not_be_participants(make):
    organiser = make.user(roles=("organisator",))
    activity = make.activity(meeting_point="Plein")
    participant = make.user(roles=("begeleider",))
    signups.register(activity, participant)
    data = {"capacity": 16, "starts_at": activity.starts_at, "ends_at": activity.ends_at,
            "meeting_point": "Plein", "location": None}
    with pytest.raises(DomainError, match="rol begeleider"):
        planning.save_activity(activity, data, [make.user().id], organiser)
    with pytest.raises(DomainError, match="aangemeld als deelnemer"):
        planning.save_activity(activity, data, [participant.id], organiser)
    assert db.session.get(Activity, activity.id).guides == []


def test_cancel_activity_mails_everyone_and_points_to_the_next_walk(make):
    organiser = make.user(roles=("organisator",))
    walk = make.activity(capacity=1, title="Wandeling A")
    guide = add_guide(make, walk)
    seated, waiting, phone_only = make.user(), make.user(), phone_person(make)
    signups.register(walk, seated)
    signups.register(walk, waiting)
    nxt = make.activity(title="Wandeling B", starts_at=walk.starts_at + timedelta(days=30))
    with pytest.raises(DomainError, match="reden"):
        planning.cancel_activity(walk, "  ", organiser)
    signups.register(walk, phone_only, by=organiser)
    assert planning.cancel_activity(walk, "Storm", organiser) == 3
    for person in (seated, waiting, guide):
        [message] = outbox(person.email, "Gaat niet door")
        assert b"METHOD:CANCEL" in message.attachments[0].content
        assert b"STATUS:CANCELLED" in message.attachments[0].content
        assert "Storm" in message.body and nxt.title in message.body
    with pytest.raises(DomainError, match="al geannuleerd"):
        planning.cancel_activity(walk, "Nog eens", organiser)
    with pytest.raises(SignupError, match="gaat niet door"):
        signups.register(walk, make.user(), by=organiser)


def test_series_makes_monthly_walks_with_the_same_duo(make):
    organiser = make.user(roles=("organisator",))
    resident = make.user(roles=("begeleider",), kind="bewoner")
    professional = make.user(roles=("begeleider",), kind="professional")
    first = date(local_today().year + 1, 11, 30)
    walks = planning.create_series(["Groen", "Water"], first, 4, time(14, 0), time(16, 0), ["Beijum"], "Plein",
                                   16, organiser, guide_ids=[resident.id, professional.id])
    assert [to_local(w.starts_at).date() for w in walks] == [
        date(first.year, 11, 28), date(first.year, 12, 28), date(first.year + 1, 1, 28), date(first.year + 1, 2, 28)]
    assert all(to_local(w.starts_at).hour == 14 for w in walks)
    assert [w.theme for w in walks] == ["Groen", "Water", "Groen", "Water"]
    assert {len(w.guides) for w in walks} == {2} and planning.duo_warnings(walks[0]) == []
    assert len({w.series_id for w in walks}) == 1 and walks[0].min_participants == 8
    with pytest.raises(DomainError):
        planning.create_series([], first, 2, time(14, 0), time(16, 0), [], None, 16, organiser)


def test_add_person_by_phone_and_by_email(make):
    organiser = make.user(roles=("organisator",))
    activity = make.activity()
    known = make.user()
    assert signups.add_person(activity, "", known.email.upper(), None, organiser).user_id == known.id
    by_phone = signups.add_person(activity, "Jan Bel", None, "050-1234567", organiser, kind="bewoner")
    assert by_phone.user.email is None and by_phone.user.phone == "050-1234567"
    assert by_phone.registered_by_id == organiser.id
    for name, email, phone in (("Alleen naam", None, None), ("", "onbekend@example.org", None)):
        with pytest.raises(SignupError):
            signups.add_person(activity, name, email, phone, organiser)


# ---------------------------------------------------------------- reminders

def test_reminders_two_days_before_and_never_twice(make):
    soon = make.activity(title="Morgen", starts_at=utcnow() + timedelta(days=1))
    later = make.activity(title="Volgende week", starts_at=utcnow() + timedelta(days=7))
    cancelled = make.activity(title="Afgelast", starts_at=utcnow() + timedelta(days=1))
    seated, waiting, no_mail, other = make.user(), make.user(), phone_person(make), make.user()
    soon.capacity = 2
    db.session.commit()
    for person in (seated, no_mail, waiting):
        signups.register(soon, person, notify=False)
    signups.register(later, other, notify=False)
    signups.register(cancelled, other, notify=False)
    cancelled.status = STATUS_CANCELLED
    db.session.commit()
    assert reminders.send_reminders() == 1
    [reminder] = outbox(subject_prefix="Herinnering")
    assert reminder.recipient == seated.email and "Morgen" in reminder.body
    assert reminder.attachments[0].filename == f"activiteit-{soon.id}.ics"
    assert reminders.send_reminders() == 0
    assert reminders.send_reminders(now=utcnow() + timedelta(days=6)) == 1  # later's turn
    assert reminders.send_reminders(now=utcnow() + timedelta(days=6)) == 0


def test_the_planning_pages_split_upcoming_and_past_filter_by_kind_and_page(make):
    now = utcnow().replace(microsecond=0)
    walks = [make.activity(title=f"Wandeling {i}", starts_at=now + timedelta(days=i + 1)) for i in range(3)]
    lecture = make.activity(kind="lezing", title="Lezing", starts_at=now + timedelta(days=2))
    held = make.activity(title="Gehouden", starts_at=now - timedelta(days=5))
    make.activity(title="Loopt nu", starts_at=now - timedelta(hours=1))
    upcoming = overview.manage_page(now=now, per_page=2, page=1)
    assert upcoming.total == 5 and [r["activity"].title for r in upcoming.items] == ["Loopt nu", "Wandeling 0"]
    second = overview.manage_page(now=now, per_page=2, page=2)
    assert [r["activity"].id for r in second.items] == [walks[1].id, lecture.id]  # same start: by id
    assert [r["activity"].title for r in overview.manage_page(now=now, kind="lezing").items] == ["Lezing"]
    past = overview.manage_page(past=True, now=now)
    assert [r["activity"].id for r in past.items] == [held.id]  # what is running now is not past
    assert overview.manage_page(past=True, kind="lezing", now=now).total == 0
    assert overview.manage_page(kind="onbekend", now=now).total == 5  # an unknown kind filters nothing
