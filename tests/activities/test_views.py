from datetime import timedelta

import icalendar
from sqlalchemy import select

from tests.conftest import login
from wijkmakers.activities import services
from wijkmakers.activities.models import (REG_CONFIRMED, REG_WAITLISTED, STATUS_CANCELLED, Activity, ActivityGuide,
                                          Attendance, Registration, RegistrationEvent)
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.timeutil import to_local, utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage


def _guide(make, activity, **fields):
    guide = make.user(roles=("begeleider",), **fields)
    db.session.add(ActivityGuide(activity_id=activity.id, user_id=guide.id))
    db.session.commit()
    return guide


# ---------------------------------------------------------------- ics

def test_ics_parses_back_with_amsterdam_timezone(client, make):
    activity = make.activity(title="Wandeling Beijum", meeting_point="Winkelcentrum Beijum")
    response = client.get(f"/agenda/{activity.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    tz = [c for c in cal.walk("VTIMEZONE")]
    assert tz and str(tz[0]["TZID"]) == "Europe/Amsterdam"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == f"activity-{activity.id}@wijkmakers"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event["DTSTART"].dt == to_local(activity.starts_at)
    assert event["DTEND"].dt == to_local(activity.ends_at)
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    activity.status, activity.ics_sequence = STATUS_CANCELLED, 2
    db.session.commit()
    event = icalendar.Calendar.from_ical(client.get(f"/agenda/{activity.id}.ics").data).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert client.get("/agenda/999999.ics").status_code == 404


# ---------------------------------------------------------------- agenda and detail

def test_agenda_filters_and_excludes_past_cancelled(client, make):
    walk = make.activity(title="Wandeling Selwerd", neighbourhood="Selwerd")
    lecture = make.activity(kind="lezing", title="Lezing armoede")
    make.activity(title="Voorbij", starts_at=utcnow() - timedelta(days=3))
    make.activity(title="Afgelast", status=STATUS_CANCELLED)
    body = client.get("/agenda").get_data(as_text=True)
    assert walk.title in body and lecture.title in body
    assert "Voorbij" not in body and "Afgelast" not in body
    body = client.get("/agenda?soort=lezing").get_data(as_text=True)
    assert lecture.title in body and walk.title not in body
    body = client.get("/agenda?wijk=Selwerd").get_data(as_text=True)
    assert walk.title in body and lecture.title not in body
    response = client.get("/agenda?maand=kapot&soort=%3Cx%3E&pagina=abc")
    assert response.status_code == 200 and "begrijpen we niet" in response.get_data(as_text=True)
    month = walk.starts_at.strftime("%Y-%m")
    assert walk.title in client.get(f"/agenda?maand={month}").get_data(as_text=True)


def test_detail_anonymous_sees_login_link(client, make):
    activity = make.activity(title="Wandeling Paddepoel")
    guide = _guide(make, activity, name="Gerda Gids")
    body = client.get(f"/agenda/{activity.id}").get_data(as_text=True)
    assert "Log in om je aan te melden" in body and "/inloggen?next=" in body
    assert guide.name in body
    assert client.get("/agenda/424242").status_code == 404


def test_signup_and_cancel_through_pages(client, make, login_as):
    activity = make.activity(capacity=1)
    services.register(activity, make.user())
    user = login_as("deelnemer")
    assert "wachtlijst" in client.get(f"/agenda/{activity.id}").get_data(as_text=True)
    response = client.post(f"/agenda/{activity.id}/aanmelden", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "plaats 1" in body and "Afmelden" in body
    reg = services.active_registration(activity.id, user.id)
    assert reg.status == REG_WAITLISTED
    # second sign-up refused with a message, not an error
    body = client.post(f"/agenda/{activity.id}/aanmelden", follow_redirects=True).get_data(as_text=True)
    assert "al aangemeld" in body
    assert "Wachtlijst" in client.get("/mijn-aanmeldingen").get_data(as_text=True)
    client.post(f"/agenda/{activity.id}/afmelden", follow_redirects=True)
    assert services.active_registration(activity.id, user.id) is None


def test_signup_needs_login(client, make):
    activity = make.activity()
    response = client.post(f"/agenda/{activity.id}/aanmelden")
    assert response.status_code in (302, 401)
    assert db.session.scalars(select(Registration)).all() == []


# ---------------------------------------------------------------- organisers

def test_manage_requires_organiser(client, login_as):
    login_as("begeleider")
    assert client.get("/activiteiten").status_code == 403
    assert client.get("/activiteiten/1/aanmeldingen").status_code == 403


def test_manage_counts_and_minimum_flag(client, make, login_as, count_queries):
    soon = make.activity(title="Wandeling morgen", starts_at=utcnow() + timedelta(days=1))
    later = make.activity(title="Wandeling later", capacity=1)
    for _ in range(2):
        services.register(later, make.user())
    services.register(soon, make.user())
    login_as("organisator")
    client.get("/activiteiten")
    with count_queries() as counter:
        body = client.get("/activiteiten").get_data(as_text=True)
    first = counter.count
    assert "Onder minimum (8)" in body
    for _ in range(5):
        make.activity()
    with count_queries() as counter:
        client.get("/activiteiten")
    assert counter.count == first


def test_create_edit_and_cancel_activity(client, make, login_as):
    organiser = login_as("organisator")
    g1, g2 = make.user(roles=("begeleider",)), make.user(roles=("begeleider",))
    date = (utcnow() + timedelta(days=20)).date().isoformat()
    data = {"kind": "wijkwandeling", "title": "Wandeling Vinkhuizen", "neighbourhood": "Vinkhuizen",
            "meeting_point": "Bibliotheek", "date": date, "start_time": "13:30", "end_time": "15:30",
            "capacity": "16", "guide1": str(g1.id), "guide2": str(g2.id)}
    bad = client.post("/activiteiten/nieuw", data=dict(data, end_time="12:00", title=""))
    assert bad.status_code == 200 and "eindtijd moet na de begintijd" in bad.get_data(as_text=True)
    response = client.post("/activiteiten/nieuw", data=data)
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity).where(Activity.title == "Wandeling Vinkhuizen"))
    assert {g.user_id for g in activity.guides} == {g1.id, g2.id} and activity.min_participants == 8
    assert client.get(f"/activiteiten/{activity.id}/bewerken").status_code == 200
    client.post(f"/activiteiten/{activity.id}/bewerken", data=dict(data, start_time="14:00", end_time="16:00"))
    db.session.refresh(activity)
    assert activity.ics_sequence == 1
    participant = make.user()
    services.register(activity, participant)
    nxt = make.activity(title="Volgende wandeling", starts_at=activity.starts_at + timedelta(days=30))
    empty = client.post(f"/activiteiten/{activity.id}/annuleren", data={"reason": ""})
    assert "Vul de reden in" in empty.get_data(as_text=True)
    client.post(f"/activiteiten/{activity.id}/annuleren", data={"reason": "Storm verwacht"})
    db.session.refresh(activity)
    assert activity.status == STATUS_CANCELLED and activity.ics_sequence == 2
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Geannuleerd%"))).one()
    assert mail.recipient == participant.email and nxt.title in mail.body
    assert mail.attachments[0].content_type == "text/calendar; method=CANCEL"
    assert b"METHOD:CANCEL" in mail.attachments[0].content
    assert organiser.id == db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "activity.cancelled"))


def test_series_creates_one_walk_per_month(client, make, login_as):
    login_as("organisator")
    first = (utcnow() + timedelta(days=10)).date()
    response = client.post("/activiteiten/reeks", data={
        "themes": "Armoede\nEenzaamheid", "first_date": first.isoformat(), "months": "3",
        "start_time": "13:30", "end_time": "15:30", "neighbourhoods": "Selwerd\nBeijum", "capacity": "16"})
    assert response.status_code == 302
    walks = db.session.scalars(select(Activity).order_by(Activity.starts_at)).all()
    assert len(walks) == 3 and [w.theme for w in walks] == ["Armoede", "Eenzaamheid", "Armoede"]
    assert [w.neighbourhood for w in walks] == ["Selwerd", "Beijum", "Selwerd"]
    assert len({w.starts_at.month for w in walks}) == 3 and walks[0].series_id is not None
    bad = client.post("/activiteiten/reeks", data={"themes": "", "first_date": "x", "months": "99",
                                                  "start_time": "", "end_time": "", "neighbourhoods": "Mars"})
    assert bad.status_code == 200 and "Onbekende wijk" in bad.get_data(as_text=True)


def test_organiser_adds_person_without_email_and_removes(client, make, login_as):
    login_as("organisator")
    activity = make.activity(capacity=1)
    known = make.user()
    client.post(f"/activiteiten/{activity.id}/aanmeldingen", data={"email": known.email})
    client.post(f"/activiteiten/{activity.id}/aanmeldingen", data={"name": "Jan Bel", "phone": "050-1234567"})
    regs = services.registrations_for(activity)
    assert [r.status for r in regs] == [REG_CONFIRMED, REG_WAITLISTED]
    jan = regs[1].user
    assert jan.email is None and jan.phone == "050-1234567"
    bad = client.post(f"/activiteiten/{activity.id}/aanmeldingen", data={"name": "Alleen naam"})
    assert "naam met telefoonnummer" in bad.get_data(as_text=True)
    client.post(f"/activiteiten/{activity.id}/aanmeldingen/{regs[0].id}/verwijderen")
    regs = services.registrations_for(activity)
    assert [(r.user_id, r.status) for r in regs] == [(jan.id, REG_CONFIRMED)]
    assert client.post(f"/activiteiten/{activity.id}/aanmeldingen/999999/verwijderen").status_code == 404


# ---------------------------------------------------------------- attendance

def test_attendance_access(client, make, login_as):
    activity = make.activity()
    other = make.activity()
    other_guide = _guide(make, other)
    login(client, other_guide)
    assert client.get(f"/agenda/{activity.id}/aanwezigheid").status_code in (403, 404)
    login(client, make.user())
    assert client.get(f"/agenda/{activity.id}/aanwezigheid").status_code == 403
    login_as("organisator")
    assert client.get(f"/agenda/{activity.id}/aanwezigheid").status_code == 200
    assert client.get("/agenda/999999/aanwezigheid").status_code == 404


def test_guide_marks_attendance_and_walk_in(client, make):
    org = make.organisation()
    activity = make.activity()
    guide = _guide(make, activity)
    person = make.user(organisation_id=org.id, kind="bewoner")
    services.register(activity, person)
    login(client, guide)
    body = client.get(f"/agenda/{activity.id}/aanwezigheid").get_data(as_text=True)
    assert person.name in body and "big-touch" in body
    assert client.post(f"/agenda/{activity.id}/aanwezigheid/{person.id}/aanwezig").status_code == 302
    mark = db.session.scalar(select(Attendance).where(Attendance.user_id == person.id))
    assert mark.present and mark.organisation_id == org.id and mark.participant_kind == "bewoner"
    assert mark.recorded_by_id == guide.id and mark.checked_in_at is not None
    client.post(f"/agenda/{activity.id}/aanwezigheid/{person.id}/afwezig")
    db.session.refresh(mark)
    assert not mark.present
    # someone not registered cannot be marked
    stranger = make.user()
    assert client.post(f"/agenda/{activity.id}/aanwezigheid/{stranger.id}/aanwezig").status_code == 404
    response = client.post(f"/agenda/{activity.id}/aanwezigheid",
                           data={"name": "Inloper Ina", "email": "", "kind": "bewoner"}, follow_redirects=True)
    assert "Inloper Ina" in response.get_data(as_text=True)
    walk_in = db.session.scalar(select(Attendance).where(Attendance.walk_in.is_(True)))
    assert walk_in.present and walk_in.user.email is None
    assert db.session.scalar(select(db.func.count()).select_from(Attendance).where(
        Attendance.activity_id == activity.id, Attendance.present.is_(True))) == 1
    events = [e.event for e in db.session.scalars(select(RegistrationEvent).order_by(RegistrationEvent.id))]
    assert events[-3:] == ["aanwezig", "afwezig", "aanwezig"]
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action.like("attendance.%"))) == 3
    bad = client.post(f"/agenda/{activity.id}/aanwezigheid", data={"name": "", "kind": "x"})
    assert bad.status_code == 200 and "Vul een naam in" in bad.get_data(as_text=True)


def test_bad_mark_and_course_session_are_404(client, make, login_as):
    login_as("organisator")
    activity = make.activity()
    assert client.post(f"/agenda/{activity.id}/aanwezigheid/1/misschien").status_code == 404
    session = make.activity(kind="leergangbijeenkomst", title="Sessie 1")
    assert client.get(f"/agenda/{session.id}").status_code == 404
    assert "Sessie 1" not in client.get("/agenda").get_data(as_text=True)


def test_agenda_and_registrations_pages_constant_queries(client, make, login_as, count_queries):
    activity = make.activity()
    for _ in range(2):
        make.activity()
        services.register(activity, make.user())
    login_as("organisator")
    client.get("/agenda")
    with count_queries() as agenda_before:
        client.get("/agenda")
    with count_queries() as regs_before:
        client.get(f"/activiteiten/{activity.id}/aanmeldingen")
    for _ in range(4):
        make.activity()
        services.register(activity, make.user())
    with count_queries() as agenda_after:
        client.get("/agenda")
    with count_queries() as regs_after:
        client.get(f"/activiteiten/{activity.id}/aanmeldingen")
    assert agenda_after.count == agenda_before.count
    assert regs_after.count == regs_before.count
