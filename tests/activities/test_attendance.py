"""Attendance: who may take it, marks, check-in by code, walk-ins, no-shows, the printable list, the trail."""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from wijkmakers.activities import attendance as presence
from wijkmakers.activities import signups
from wijkmakers.core.errors import DomainError
from wijkmakers.activities.models import REG_CONFIRMED, Attendance, RegistrationEvent
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db

from ..conftest import login, logout
from .conftest import add_guide


def _marks(activity):
    return {a.user_id: a for a in db.session.scalars(select(Attendance).where(Attendance.activity_id == activity.id))}


def _events(activity):
    return [(e.event, e.note) for e in db.session.scalars(
        select(RegistrationEvent).where(RegistrationEvent.activity_id == activity.id,
                                        RegistrationEvent.event.in_(("aanwezig", "afwezig")))
        .order_by(RegistrationEvent.id))]


# ---------------------------------------------------------------- who may

def test_only_organisers_and_this_activitys_guides(client, make):
    activity, other = make.activity(), make.activity()
    own_guide, other_guide = add_guide(make, activity), add_guide(make, other)
    participant = make.user()
    signups.register(activity, participant)
    urls = [("get", f"/agenda/{activity.id}/aanwezigheid"), ("get", f"/agenda/{activity.id}/presentielijst.pdf"),
            ("post", f"/agenda/{activity.id}/aanwezigheid/{participant.id}/aanwezig"),
            ("post", f"/agenda/{activity.id}/aanwezigheid/code"),
            ("post", f"/agenda/{activity.id}/aanwezigheid/niet-gekomen")]
    for person in (participant, other_guide, make.user(roles=("coordinator",)), make.user(roles=("partnercontact",))):
        login(client, person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (person.role_keys, url)
    assert client.post(f"/agenda/{activity.id}/aanwezigheid", data={"name": "X", "kind": "bewoner"}).status_code == 403
    logout(client)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert _marks(activity) == {}
    login(client, own_guide)
    assert client.get(f"/agenda/{activity.id}/aanwezigheid").status_code == 200
    assert client.get(f"/agenda/{other.id}/aanwezigheid").status_code == 403
    login(client, make.user(roles=("organisator",)))
    assert client.get(f"/agenda/{activity.id}/aanwezigheid").status_code == 200
    assert client.get(f"/agenda/{other.id}/aanwezigheid").status_code == 200
    assert client.get("/agenda/999999/aanwezigheid").status_code == 404
    session = make.activity(kind="leergangbijeenkomst")
    assert client.get(f"/agenda/{session.id}/aanwezigheid").status_code == 404


def test_page_works_on_a_phone_without_javascript(client, make):
    activity = make.activity()
    guide = add_guide(make, activity)
    signups.register(activity, make.user(name="Piet Deelnemer"))
    login(client, guide)
    body = client.get(f"/agenda/{activity.id}/aanwezigheid").get_data(as_text=True)
    assert "Piet Deelnemer" in body and 'class="big-touch attendance-buttons"' in body
    assert body.count('method="post"') >= 4  # one form per button, the code form and the walk-in form
    assert "<script>" not in body and "style=" not in body
    assert "js/activities.js" in body and "hidden>QR-code scannen" in body  # the scanner only with JavaScript


# ---------------------------------------------------------------- marks

def test_guide_marks_present_absent_and_the_trail_keeps_every_change(client, make):
    before, after = make.organisation(), make.organisation()
    activity = make.activity()
    guide = add_guide(make, activity)
    person = make.user(organisation_id=before.id, kind="bewoner")
    signups.register(activity, person)
    person.organisation_id = after.id  # moved after signing up
    db.session.commit()
    login(client, guide)
    response = client.post(f"/agenda/{activity.id}/aanwezigheid/{person.id}/aanwezig")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#persoon-{person.id}")
    mark = _marks(activity)[person.id]
    assert mark.present and mark.organisation_id == before.id and mark.participant_kind == "bewoner"
    assert mark.recorded_by_id == guide.id and mark.checked_in_at is not None and not mark.walk_in
    client.post(f"/agenda/{activity.id}/aanwezigheid/{person.id}/aanwezig")  # twice: no new history
    client.post(f"/agenda/{activity.id}/aanwezigheid/{person.id}/afwezig")
    db.session.refresh(mark)
    assert not mark.present and mark.checked_in_at is None and mark.organisation_id == before.id
    assert _events(activity) == [("aanwezig", None), ("afwezig", None)]
    trail = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("attendance.%"))
                               .order_by(AuditEvent.id)).all()
    assert [(a.action, a.actor_id, a.details["previous"]) for a in trail] == [
        ("attendance.present", guide.id, None), ("attendance.absent", guide.id, "aanwezig")]
    # someone not on the list cannot be marked
    stranger = make.user()
    assert client.post(f"/agenda/{activity.id}/aanwezigheid/{stranger.id}/aanwezig").status_code == 404
    assert client.post(f"/agenda/{activity.id}/aanwezigheid/999999/aanwezig").status_code == 404
    assert client.post(f"/agenda/{activity.id}/aanwezigheid/{person.id}/misschien").status_code == 404


def test_waitlisted_people_are_not_on_the_list_until_they_come(client, make):
    activity = make.activity(capacity=1)
    guide = add_guide(make, activity)
    signups.register(activity, make.user())
    waiting = make.user(name="Wachtende Wim")
    signups.register(activity, waiting)
    login(client, guide)
    assert "Wachtende Wim" not in client.get(f"/agenda/{activity.id}/aanwezigheid").get_data(as_text=True)
    assert client.post(f"/agenda/{activity.id}/aanwezigheid/{waiting.id}/aanwezig").status_code == 404


def test_walk_in_with_a_minimal_record(client, make):
    activity = make.activity()
    guide = add_guide(make, activity)
    login(client, guide)
    response = client.post(f"/agenda/{activity.id}/aanwezigheid",
                           data={"name": "Inloper Ina", "email": "", "kind": "bewoner"}, follow_redirects=True)
    assert "Inloper Ina" in response.get_data(as_text=True)
    [mark] = _marks(activity).values()
    assert mark.present and mark.walk_in and mark.user.email is None and mark.user.password_hash is None
    assert mark.participant_kind == "bewoner" and mark.user.kind == "bewoner"
    # a walk-in with the address of an existing account is that account
    known = make.user(email="bekend@example.org", kind="professional")
    client.post(f"/agenda/{activity.id}/aanwezigheid",
                data={"name": "Anders Gespeld", "email": "BEKEND@example.org", "kind": "bewoner"})
    assert _marks(activity)[known.id].walk_in and known.name != "Anders Gespeld"
    # walk-ins can be corrected later like anyone on the list
    assert client.post(f"/agenda/{activity.id}/aanwezigheid/{mark.user_id}/afwezig").status_code == 302
    bad = client.post(f"/agenda/{activity.id}/aanwezigheid", data={"name": "", "kind": "x"})
    assert bad.status_code == 422 and "Vul een naam in" in bad.get_data(as_text=True)
    guide_again = client.post(f"/agenda/{activity.id}/aanwezigheid",
                              data={"name": "Gids", "email": guide.email, "kind": "bewoner"})
    assert guide_again.status_code == 422
    assert f'id="name-fout"><span class="visually-hidden">Fout: </span>{guide.name} begeleidt deze activiteit' in \
        guide_again.get_data(as_text=True)


def test_check_in_with_the_personal_code(client, make):
    activity = make.activity()
    guide = add_guide(make, activity)
    seated, stranger = make.user(), make.user()
    signups.register(activity, seated)
    seated_code, stranger_code = presence.ensure_checkin_code(seated), presence.ensure_checkin_code(stranger)
    login(client, guide)
    typed = f" {seated_code[:4].lower()}-{seated_code[4:]} "  # as people type it
    response = client.post(f"/agenda/{activity.id}/aanwezigheid/code", data={"code": typed}, follow_redirects=True)
    assert f"{seated.name} is aanwezig gemeld" in response.get_data(as_text=True)
    marks = _marks(activity)
    assert marks[seated.id].present and not marks[seated.id].walk_in
    client.post(f"/agenda/{activity.id}/aanwezigheid/code", data={"code": stranger_code})
    assert _marks(activity)[stranger.id].walk_in  # came without signing up
    for bad, message in (("", "Vul de code in"), ("ABC", "8 tekens"), ("ZZZZ-ZZZZ", "kennen we niet")):
        body = client.post(f"/agenda/{activity.id}/aanwezigheid/code", data={"code": bad},
                           follow_redirects=True).get_data(as_text=True)
        assert message in body, bad
    assert _events(activity) == [("aanwezig", "code"), ("aanwezig", "inloop, code")]


def test_qr_code_holds_the_check_in_code(client, make, login_as):
    import segno

    user = login_as("deelnemer")
    code = presence.ensure_checkin_code(user)
    assert presence.qr_svg_data_uri(code) == segno.make(code, error="m", micro=False).svg_data_uri(
        scale=8, border=2, dark="#000", light="#fff")
    assert presence.normalise_code(presence.format_code(code).lower()) == code
    assert set(code) <= set(presence.CODE_ALPHABET) and not set(code) & set("01OIL")


def test_no_shows_after_the_start(client, make, past_activity):
    guide = add_guide(make, past_activity)
    organiser = make.user(roles=("organisator",))
    came, stayed_home, also_home = make.user(), make.user(), make.user()
    for person in (came, stayed_home, also_home):
        signups.register(past_activity, person, by=organiser)
    login(client, guide)
    client.post(f"/agenda/{past_activity.id}/aanwezigheid/{came.id}/aanwezig")
    body = client.post(f"/agenda/{past_activity.id}/aanwezigheid/niet-gekomen",
                       follow_redirects=True).get_data(as_text=True)
    assert "2 mensen als niet gekomen gemeld" in body
    marks = _marks(past_activity)
    assert marks[came.id].present and not marks[stayed_home.id].present and not marks[also_home.id].present
    assert ("afwezig", "niet gekomen") in _events(past_activity)
    future = make.activity()
    add_guide_to = add_guide(make, future)
    login(client, add_guide_to)
    body = client.post(f"/agenda/{future.id}/aanwezigheid/niet-gekomen", follow_redirects=True).get_data(as_text=True)
    assert "nog niet begonnen" in body


def test_cancelled_activity_takes_no_attendance(make):
    activity = make.activity(status="geannuleerd")
    guide = add_guide(make, activity)
    with pytest.raises(DomainError, match="geannuleerd"):
        presence.walk_in(activity, "Iemand", None, "bewoner", guide)
    assert _marks(activity) == {}


def test_attendance_list_constant_queries(client, make, count_queries):
    activity = make.activity(capacity=40)
    guide = add_guide(make, activity)
    org = make.organisation()

    def add(n):
        for _ in range(n):
            person = make.user(organisation_id=org.id)
            signups.register(activity, person)
            presence.mark_attendance(activity, person, True, guide)
            presence.walk_in(activity, "Inloper", None, "bewoner", guide)

    def measure():
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/agenda/{activity.id}/aanwezigheid").status_code == 200
        return counter.count

    login(client, guide)
    add(1)
    before = measure()
    add(5)
    assert measure() == before


# ---------------------------------------------------------------- printable list

def test_printable_presence_list(client, make):
    activity = make.activity(title="Wandeling Paddepoel", meeting_point="Winkelcentrum")
    guide = add_guide(make, activity, name="Gerda Gids")
    org = make.organisation(name="Bewonersraad Vinkhuizen")
    signups.register(activity, make.user(name="Piet Papier", organisation_id=org.id, kind="bewoner"))
    login(client, guide)
    response = client.get(f"/agenda/{activity.id}/presentielijst.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for expected in ("Presentielijst", "Wandeling Paddepoel", "Piet Papier", "Bewonersraad Vinkhuizen",
                     "Gerda Gids", "Paraaf"):
        assert expected in text, expected


def test_attendance_counts_for_reporting(make, past_activity):
    """What the reporting feature reads: present rows with the kind and organisation of that moment."""
    org = make.organisation()
    guide = add_guide(make, past_activity)
    people = [make.user(organisation_id=org.id, kind="professional") for _ in range(3)]
    organiser = make.user(roles=("organisator",))
    for person in people:
        signups.register(past_activity, person, by=organiser)
    presence.mark_attendance(past_activity, people[0], True, guide)
    presence.mark_attendance(past_activity, people[1], True, guide)
    presence.mark_remaining_absent(past_activity, guide)
    presence.walk_in(past_activity, "Buurvrouw", None, "bewoner", guide)
    rows = db.session.execute(select(Attendance.participant_kind, func.count()).where(
        Attendance.activity_id == past_activity.id, Attendance.present.is_(True))
        .group_by(Attendance.participant_kind)).all()
    assert dict(rows) == {"professional": 2, "bewoner": 1}
    assert signups.active_registration(past_activity.id, people[2].id).status == REG_CONFIRMED
    assert past_activity.starts_at < utcnow() - timedelta(hours=1)
