"""iCalendar: the .ics of an activity, the attachments of the mails and the personal feed all parse back
with the icalendar library and carry a VTIMEZONE for Europe/Amsterdam."""
from datetime import datetime, timedelta, timezone

import icalendar
from sqlalchemy import select

from wijkmakers.activities import calendar_feed, planning, reminders, signups
from wijkmakers.activities.models import STATUS_CANCELLED, ActivityGuide
from wijkmakers.core.timeutil import local_to_utc, to_local, utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage

from ..conftest import outbox


def _parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def _check_timezone(cal: icalendar.Calendar) -> None:
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/Amsterdam"
    # Our own rules, not the library's knowledge of the name: read them back under another TZID. Summer
    # time runs from the last Sunday of March to the last Sunday of October, in any year.
    renamed = icalendar.Timezone.from_ical(tz.to_ical().replace(b"TZID:Europe/Amsterdam", b"TZID:Wijkmakers-Test"))
    zone = renamed.to_tz()
    for year in (2027, 2031, 2045):
        assert zone.utcoffset(datetime(year, 7, 1, 12, 0)) == timedelta(hours=2)
        assert zone.utcoffset(datetime(year, 1, 15, 12, 0)) == timedelta(hours=1)
    assert zone.utcoffset(datetime(2031, 3, 29, 12, 0)) == timedelta(hours=1)  # Saturday before the switch
    assert zone.utcoffset(datetime(2031, 3, 30, 12, 0)) == timedelta(hours=2)  # last Sunday of March
    assert zone.utcoffset(datetime(2031, 10, 26, 12, 0)) == timedelta(hours=1)  # last Sunday of October


def test_ics_parses_back_with_amsterdam_timezone(client, make):
    summer = local_to_utc(datetime(utcnow().year + 1, 7, 3, 19, 30))
    activity = make.activity(title="Wandeling Beijum", meeting_point="Winkelcentrum Beijum", starts_at=summer,
                             neighbourhood="Beijum", practical_notes="4 km, rolstoeltoegankelijk")
    response = client.get(f"/agenda/{activity.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    cal = _parse(response.data)
    _check_timezone(cal)
    assert "METHOD" not in cal
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"activity-{activity.id}@wijkmakers"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event["DTSTART"].dt == to_local(activity.starts_at)
    assert (event["DTSTART"].dt.hour, event["DTSTART"].dt.minute) == (19, 30)
    assert event["DTSTART"].dt.astimezone(timezone.utc).replace(tzinfo=None) == summer
    assert event["DTEND"].dt == to_local(activity.ends_at)
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert "Beijum" in str(event["LOCATION"]) and "rolstoeltoegankelijk" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/agenda/{activity.id}")
    activity.status, activity.ics_sequence = STATUS_CANCELLED, 2
    db.session.commit()
    event = _parse(client.get(f"/agenda/{activity.id}.ics").data).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert client.get("/agenda/999999.ics").status_code == 404
    session = make.activity(kind="leergangbijeenkomst")
    assert client.get(f"/agenda/{session.id}.ics").status_code == 404


def test_every_mail_attachment_is_a_valid_calendar(make):
    organiser = make.user(roles=("organisator",))
    activity = make.activity(capacity=1)
    first, second = make.user(), make.user()
    signups.register(activity, first)
    signups.register(activity, second)
    signups.cancel_registration(signups.active_registration(activity.id, first.id), by=first)
    activity.starts_at = utcnow() + timedelta(days=1)
    db.session.commit()
    reminders.send_reminders()
    planning.cancel_activity(activity, "Te weinig aanmeldingen", organiser)
    messages = db.session.scalars(select(OutboxMessage)).all()
    subjects = {m.subject.split(":")[0] for m in messages}
    assert subjects == {"Aangemeld", "Wachtlijst", "Er is een plek vrij", "Herinnering", "Gaat niet door"}
    for message in messages:
        [attachment] = message.attachments
        cal = _parse(attachment.content)
        _check_timezone(cal)
        method = attachment.content_type.split("method=")[1]
        assert str(cal["METHOD"]) == method
        [event] = cal.walk("VEVENT")
        assert str(event["UID"]) == f"activity-{activity.id}@wijkmakers" and "mailto:" in str(event["ORGANIZER"])
    [cancel] = [m for m in messages if m.subject.startswith("Gaat niet door")]
    event = _parse(cancel.attachments[0].content).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_personal_feed(client, make):
    person = make.user()
    full = make.activity(capacity=1, title="Volle lezing", kind="lezing")
    signups.register(full, make.user())
    seat = make.activity(title="Mijn wandeling")
    cancelled = make.activity(title="Afgelaste wandeling")
    guided = make.activity(title="Wandeling die ik begeleid")
    old = make.activity(title="Lang geleden", starts_at=utcnow() - timedelta(days=200))
    left = make.activity(title="Afgemeld")
    organiser = make.user(roles=("organisator",))
    for activity in (full, seat, cancelled, left):
        signups.register(activity, person)
    signups.register(old, person, by=organiser)
    signups.cancel_registration(signups.active_registration(left.id, person.id), by=person)
    planning.cancel_activity(cancelled, "Regen", organiser)
    db.session.add(ActivityGuide(activity_id=guided.id, user_id=person.id))
    db.session.commit()
    token = calendar_feed.new_calendar_token(person)
    response = client.get(f"/agenda/persoonlijk/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "private" in response.headers["Cache-Control"]
    cal = _parse(response.data)
    _check_timezone(cal)
    assert "METHOD" not in cal and "Wijkmakers" in str(cal["X-WR-CALNAME"])
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"activity-{a.id}@wijkmakers" for a in (full, seat, cancelled, guided)}
    assert str(events[f"activity-{full.id}@wijkmakers"]["STATUS"]) == "TENTATIVE"
    assert str(events[f"activity-{seat.id}@wijkmakers"]["STATUS"]) == "CONFIRMED"
    assert str(events[f"activity-{cancelled.id}@wijkmakers"]["STATUS"]) == "CANCELLED"
    assert "begeleidt" in str(events[f"activity-{guided.id}@wijkmakers"]["DESCRIPTION"])
    # revocable, unguessable, and nothing for a deactivated account
    assert client.get("/agenda/persoonlijk/raden.ics").status_code == 404
    assert client.get(f"/agenda/persoonlijk/{'x' * 80}.ics").status_code == 404
    person.active = False
    db.session.commit()
    assert client.get(f"/agenda/persoonlijk/{token}.ics").status_code == 404
    person.active = True
    calendar_feed.revoke_calendar_token(person)
    assert client.get(f"/agenda/persoonlijk/{token}.ics").status_code == 404


def test_feed_query_count_does_not_grow(client, make, count_queries):
    person = make.user()
    token = calendar_feed.new_calendar_token(person)

    def measure():
        db.session.expire_all()
        with count_queries() as counter:
            client.get(f"/agenda/persoonlijk/{token}.ics")
        return counter.count

    signups.register(make.activity(), person)
    before = measure()
    for _ in range(5):
        signups.register(make.activity(), person)
    assert measure() == before


def test_mail_texts_name_the_place_and_time(make):
    activity = make.activity(title="Wandeling Lewenborg", meeting_point="Het Dorpsplein", neighbourhood="Lewenborg")
    person = make.user(name="Sanne")
    signups.register(activity, person)
    [message] = outbox(person.email)
    assert message.body.startswith("Beste Sanne,")
    assert "Het Dorpsplein (Lewenborg)" in message.body and f"/agenda/{activity.id}" in message.body
    assert "{{" not in message.body and "{%" not in message.body
