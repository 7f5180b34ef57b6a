"""The pages of the activities feature: agenda, detail, sign-up, planning by organisers, denials."""
import re
from datetime import timedelta

from sqlalchemy import select

from wijkmakers.activities import newcomers, signups
from wijkmakers.activities.models import (REG_CONFIRMED, REG_WAITLISTED, STATUS_CANCELLED, Activity, Registration)
from wijkmakers.auth.models import User
from wijkmakers.core.audit import AuditEvent
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.notifications.models import OutboxMessage

from ..conftest import login, logout
from .conftest import add_guide


def _guide(make, activity, **fields):
    return add_guide(make, activity, **fields)


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
    signups.register(activity, make.user())
    user = login_as("deelnemer")
    assert "wachtlijst" in client.get(f"/agenda/{activity.id}").get_data(as_text=True)
    response = client.post(f"/agenda/{activity.id}/aanmelden", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "plaats 1" in body and "Afmelden" in body
    reg = signups.active_registration(activity.id, user.id)
    assert reg.status == REG_WAITLISTED
    # second sign-up refused with a message, not an error
    body = client.post(f"/agenda/{activity.id}/aanmelden", follow_redirects=True).get_data(as_text=True)
    assert "al aangemeld" in body
    assert "Wachtlijst" in client.get("/mijn-aanmeldingen").get_data(as_text=True)
    client.post(f"/agenda/{activity.id}/afmelden", follow_redirects=True)
    assert signups.active_registration(activity.id, user.id) is None


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
        signups.register(later, make.user())
    signups.register(soon, make.user())
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


def test_the_planning_list_warns_about_walks_without_a_proper_duo_and_links_each_row(client, make, login_as):
    alone = make.activity(title="Wandeling met een begeleider")
    add_guide(make, alone, kind="bewoner")
    residents = make.activity(title="Wandeling met twee bewoners")
    add_guide(make, residents, kind="bewoner")
    add_guide(make, residents, kind="bewoner")
    duo = make.activity(title="Wandeling met een duo")
    add_guide(make, duo, kind="bewoner")
    add_guide(make, duo, kind="professional")
    login_as("organisator")
    body = client.get("/activiteiten").get_data(as_text=True)
    rows = {a.title: body.split(f">{a.title}</a>")[1].split("</tr>")[0] for a in (alone, residents, duo)}
    assert "nog geen duo van twee begeleiders" in rows[alone.title]
    assert "Beide begeleiders zijn bewoners" in rows[residents.title]
    assert "tag-warn" not in rows[duo.title].replace("Onder minimum", "")
    for path in (f"/activiteiten/{duo.id}/aanmeldingen", f"/agenda/{duo.id}/aanwezigheid",
                 f"/activiteiten/{duo.id}/bewerken", f"/activiteiten/{duo.id}/annuleren"):
        assert f'href="{path}"' in rows[duo.title]
        assert client.get(path).status_code == 200


def test_create_edit_and_cancel_activity(client, make, login_as):
    organiser = login_as("organisator")
    g1, g2 = make.user(roles=("begeleider",)), make.user(roles=("begeleider",))
    date = (utcnow() + timedelta(days=20)).date().isoformat()
    data = {"kind": "wijkwandeling", "title": "Wandeling Vinkhuizen", "neighbourhood": "Vinkhuizen",
            "meeting_point": "Bibliotheek", "date": date, "start_time": "13:30", "end_time": "15:30",
            "capacity": "16", "guide1": str(g1.id), "guide2": str(g2.id)}
    bad = client.post("/activiteiten/nieuw", data=dict(data, end_time="12:00", title=""))
    assert bad.status_code == 422 and "eindtijd moet na de begintijd" in bad.get_data(as_text=True)
    response = client.post("/activiteiten/nieuw", data=data)
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity).where(Activity.title == "Wandeling Vinkhuizen"))
    assert {g.user_id for g in activity.guides} == {g1.id, g2.id} and activity.min_participants == 8
    assert client.get(f"/activiteiten/{activity.id}/bewerken").status_code == 200
    client.post(f"/activiteiten/{activity.id}/bewerken", data=dict(data, start_time="14:00", end_time="16:00"))
    db.session.refresh(activity)
    assert activity.ics_sequence == 1
    participant = make.user()
    signups.register(activity, participant)
    nxt = make.activity(title="Volgende wandeling", starts_at=activity.starts_at + timedelta(days=30))
    empty = client.post(f"/activiteiten/{activity.id}/annuleren", data={"reason": ""})
    assert "Vul de reden in" in empty.get_data(as_text=True)
    client.post(f"/activiteiten/{activity.id}/annuleren", data={"reason": "Storm verwacht"})
    db.session.refresh(activity)
    assert activity.status == STATUS_CANCELLED and activity.ics_sequence == 2
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("Gaat niet door%"),
                                                          OutboxMessage.recipient == participant.email)).one()
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
    assert bad.status_code == 422 and "Onbekende wijk" in bad.get_data(as_text=True)


def test_organiser_adds_person_without_email_and_removes(client, make, login_as):
    login_as("organisator")
    activity = make.activity(capacity=1)
    known = make.user()
    client.post(f"/activiteiten/{activity.id}/aanmeldingen", data={"email": known.email})
    client.post(f"/activiteiten/{activity.id}/aanmeldingen", data={"name": "Jan Bel", "phone": "050-1234567"})
    regs = signups.registrations_for(activity)
    assert [r.status for r in regs] == [REG_CONFIRMED, REG_WAITLISTED]
    jan = regs[1].user
    assert jan.email is None and jan.phone == "050-1234567"
    bad = client.post(f"/activiteiten/{activity.id}/aanmeldingen", data={"name": "Alleen naam"})
    assert "naam met telefoonnummer" in bad.get_data(as_text=True)
    client.post(f"/activiteiten/{activity.id}/aanmeldingen/{regs[0].id}/verwijderen")
    regs = signups.registrations_for(activity)
    assert [(r.user_id, r.status) for r in regs] == [(jan.id, REG_CONFIRMED)]
    assert client.post(f"/activiteiten/{activity.id}/aanmeldingen/999999/verwijderen").status_code == 404


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
        signups.register(activity, make.user())
    login_as("organisator")
    client.get("/agenda")
    with count_queries() as agenda_before:
        client.get("/agenda")
    with count_queries() as regs_before:
        client.get(f"/activiteiten/{activity.id}/aanmeldingen")
    for _ in range(4):
        make.activity()
        signups.register(activity, make.user())
    with count_queries() as agenda_after:
        client.get("/agenda")
    with count_queries() as regs_after:
        client.get(f"/activiteiten/{activity.id}/aanmeldingen")
    assert agenda_after.count == agenda_before.count
    assert regs_after.count == regs_before.count


# ---------------------------------------------------------------- more pages and denials

def test_detail_offers_newcomers_a_sign_up_without_account(client, make):
    activity = make.activity()
    body = client.get(f"/agenda/{activity.id}").get_data(as_text=True)
    assert f"/agenda/{activity.id}/aanmelden-zonder-account" in body
    closed = make.activity(signup_deadline=utcnow() - timedelta(hours=1))
    body = client.get(f"/agenda/{closed.id}").get_data(as_text=True)
    assert "niet meer mogelijk" in body and "aanmelden-zonder-account" not in body


def test_detail_for_guides_and_organisers(client, make):
    activity = make.activity()
    guide = _guide(make, activity)
    login(client, guide)
    body = client.get(f"/agenda/{activity.id}").get_data(as_text=True)
    assert "Je begeleidt deze activiteit" in body and f"/agenda/{activity.id}/aanwezigheid" in body
    login(client, make.user(roles=("organisator",)))
    body = client.get(f"/agenda/{activity.id}").get_data(as_text=True)
    assert f"/activiteiten/{activity.id}/aanmeldingen" in body


def test_cancelling_after_the_deadline_shows_a_message(client, make, login_as):
    activity = make.activity()
    user = login_as("deelnemer")
    signups.register(activity, user)
    activity.signup_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    body = client.post(f"/agenda/{activity.id}/afmelden", follow_redirects=True).get_data(as_text=True)
    assert "afmeldtermijn is verstreken" in body
    assert signups.active_registration(activity.id, user.id).status == REG_CONFIRMED
    assert client.post("/agenda/999999/afmelden").status_code == 404


def test_scheduling_is_for_organisers_only(client, make):
    activity = make.activity()
    registration = signups.register(activity, make.user())
    posts = [("/activiteiten/nieuw", {"title": "X"}), (f"/activiteiten/{activity.id}/bewerken", {"title": "X"}),
             (f"/activiteiten/{activity.id}/annuleren", {"reason": "X"}), (f"/activiteiten/{activity.id}/doorgaan", {}),
             ("/activiteiten/reeks", {"themes": "X"}), (f"/activiteiten/{activity.id}/aanmeldingen", {"name": "X"}),
             (f"/activiteiten/{activity.id}/aanmeldingen/{registration.id}/verwijderen", {})]
    for role in ("deelnemer", "begeleider", "partnercontact", "coordinator", "beheerder"):
        login(client, make.user(roles=(role,)))
        assert client.get("/activiteiten").status_code == 403
        for url, data in posts:
            assert client.post(url, data=data).status_code == 403, (role, url)
    logout(client)
    for url, _data in posts:
        response = client.post(url)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).status != STATUS_CANCELLED
    assert signups.active_registration(activity.id, registration.user_id) is not None
    assert db.session.scalar(select(db.func.count()).select_from(Activity)) == 1


def test_manage_asks_for_a_decision_and_shows_course_sessions_read_only(client, make, login_as):
    soon = make.activity(title="Wandeling bijna", starts_at=utcnow() + timedelta(days=2))
    session = make.activity(kind="leergangbijeenkomst", title="Sessie Governance")
    login_as("organisator")
    body = client.get("/activiteiten").get_data(as_text=True)
    assert "Beslis: doorgaan of annuleren?" in body and "Sessie Governance" in body
    assert f"/activiteiten/{session.id}/bewerken" not in body
    assert client.get(f"/activiteiten/{session.id}/bewerken").status_code == 404
    assert client.post(f"/activiteiten/{session.id}/annuleren", data={"reason": "x"}).status_code == 404
    response = client.post(f"/activiteiten/{soon.id}/doorgaan", follow_redirects=True)
    assert "gaat door" in response.get_data(as_text=True)
    body = client.get("/activiteiten").get_data(as_text=True)
    assert "Beslis: doorgaan" not in body and "Gaat door" in body
    assert client.post("/activiteiten/999999/doorgaan").status_code == 404


def test_create_warns_about_the_duo_and_validates(client, make, login_as):
    login_as("organisator")
    g1 = make.user(roles=("begeleider",), kind="bewoner")
    g2 = make.user(roles=("begeleider",), kind="bewoner")
    not_a_guide = make.user()
    date = (utcnow() + timedelta(days=20)).date().isoformat()
    data = {"kind": "wijkwandeling", "title": "Wandeling Beijum", "meeting_point": "Winkelcentrum",
            "date": date, "start_time": "13:30", "end_time": "15:30", "capacity": "16",
            "guide1": str(g1.id), "guide2": str(g2.id), "deadline_hours": "24"}
    missing_point = client.post("/activiteiten/nieuw", data=dict(data, meeting_point=""))
    assert "Vul de verzamelplek" in missing_point.get_data(as_text=True)
    same = client.post("/activiteiten/nieuw", data=dict(data, guide2=str(g1.id)))
    assert "twee verschillende begeleiders" in same.get_data(as_text=True)
    for bad in ({"capacity": "0"}, {"capacity": "veel"}, {"date": "31-02"}, {"deadline_hours": "-1"},
                {"guide1": str(not_a_guide.id)}, {"kind": "leergangbijeenkomst"}):
        response = client.post("/activiteiten/nieuw", data=dict(data, **bad))
        assert response.status_code == 422, bad
    assert db.session.scalar(select(db.func.count()).select_from(Activity)) == 0
    body = client.post("/activiteiten/nieuw", data=data, follow_redirects=True).get_data(as_text=True)
    assert "normaal is het één bewoner en één professional" in body
    activity = db.session.scalar(select(Activity))
    assert activity.starts_at - activity.signup_deadline == timedelta(hours=24)
    assert client.get(f"/activiteiten/{activity.id}/bewerken").status_code == 200
    assert 'value="24"' in client.get(f"/activiteiten/{activity.id}/bewerken").get_data(as_text=True)


def test_capacity_below_seats_taken_is_refused_on_the_form(client, make, login_as):
    login_as("organisator")
    activity = make.activity(capacity=2, meeting_point="Plein")
    for _ in range(2):
        signups.register(activity, make.user())
    local = activity.starts_at + timedelta(hours=1)  # Europe/Amsterdam wall clock, in winter or summer
    data = {"kind": "wijkwandeling", "title": activity.title, "meeting_point": "Plein",
            "date": local.date().isoformat(), "start_time": "13:30", "end_time": "15:30", "capacity": "1"}
    response = client.post(f"/activiteiten/{activity.id}/bewerken", data=data)
    assert response.status_code == 422
    # the service names the field (DomainError(field="capacity")): the message sits under that field
    error = re.search(r'<p class="error" id="capacity-fout">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert error is not None and "capaciteit kan niet lager" in error.group(1)
    assert 'id="guide1-fout"' not in response.get_data(as_text=True)
    assert db.session.get(Activity, activity.id).capacity == 2


def test_a_service_error_without_a_field_is_shown_above_the_form(client, make, login_as):
    login_as("organisator")
    activity = make.activity()
    person = make.user()
    signups.register(activity, person)
    response = client.post(f"/activiteiten/{activity.id}/aanmeldingen", data={"email": person.email})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "al aangemeld voor deze activiteit" in body
    summary = body[body.index('class="error-summary"'):]
    assert "al aangemeld" in summary[:summary.index("</div>")] and 'id="email-fout"' not in body


def test_a_guide_chosen_twice_over_lands_under_the_guide_field(client, make, login_as):
    login_as("organisator")
    activity = make.activity(meeting_point="Plein")
    guide = make.user(roles=("begeleider",))
    signups.register(activity, guide)  # signed up as a participant first
    local = activity.starts_at + timedelta(hours=1)
    data = {"kind": "wijkwandeling", "title": activity.title, "meeting_point": "Plein",
            "date": local.date().isoformat(), "start_time": "13:30", "end_time": "15:30", "capacity": "16",
            "guide1": str(guide.id)}
    response = client.post(f"/activiteiten/{activity.id}/bewerken", data=data)
    error = re.search(r'<p class="error" id="guide1-fout">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert response.status_code == 422 and error is not None and "aangemeld als deelnemer" in error.group(1)


def test_cancelled_activity_cannot_be_edited_or_cancelled_again(client, make, login_as):
    login_as("organisator")
    activity = make.activity(status=STATUS_CANCELLED)
    body = client.get(f"/activiteiten/{activity.id}/annuleren").get_data(as_text=True)
    assert "al geannuleerd" in body
    body = client.post(f"/activiteiten/{activity.id}/annuleren", data={"reason": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "al geannuleerd" in body


def test_mine_shows_upcoming_past_and_my_code(client, make, login_as, past_activity):
    user = login_as("deelnemer")
    upcoming = make.activity(title="Komt nog")
    signups.register(upcoming, user)
    signups.register(past_activity, user, by=make.user(roles=("organisator",)))
    body = client.get("/mijn-aanmeldingen").get_data(as_text=True)
    assert "Komt nog" in body and past_activity.title in body
    assert f"/agenda/{past_activity.id}/evaluatie" in body
    db.session.refresh(user)
    code = user.checkin_code
    assert code and len(code) == 8 and f"{code[:4]}-{code[4:]}" in body
    assert 'src="data:image/svg+xml' in body
    client.get("/mijn-aanmeldingen")
    db.session.refresh(user)
    assert user.checkin_code == code  # made once, then kept
    body = client.post(f"/agenda/{upcoming.id}/afmelden", data={"terug": "mijn"}, follow_redirects=True)
    assert "Je bent afgemeld" in body.get_data(as_text=True)


def test_mine_constant_queries(client, make, login_as, count_queries):
    user = login_as("deelnemer")

    def add(n):
        for _ in range(n):
            signups.register(make.activity(), user)  # a seat
            full = make.activity(capacity=1)
            signups.register(full, make.user())
            signups.register(full, user)  # the waiting list

    def measure():
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get("/mijn-aanmeldingen").status_code == 200
        return counter.count

    add(1)
    client.get("/mijn-aanmeldingen")
    before = measure()
    add(4)
    assert measure() == before


def test_registrations_page_shows_history_and_pending_newcomers(client, make, login_as):
    organiser = login_as("organisator")
    activity = make.activity(capacity=1)
    first, second = make.user(name="Eerste Persoon"), make.user(name="Tweede Persoon")
    signups.register(activity, first)
    signups.register(activity, second)
    signups.cancel_registration(signups.active_registration(activity.id, first.id), by=organiser)
    newcomers.start_newcomer_signup(activity, "Nieuwe Nina", "nina@example.org", "bewoner", "Buurtclub")
    body = client.get(f"/activiteiten/{activity.id}/aanmeldingen").get_data(as_text=True)
    assert "Doorgeschoven van de wachtlijst" in body and "Afgemeld" in body and organiser.name in body
    assert "Nieuwe Nina" in body and "Buurtclub" in body
    assert client.get("/activiteiten/999999/aanmeldingen").status_code == 404


def test_calendar_link_page_creates_renews_and_stops(client, make, login_as):
    user = login_as("deelnemer")
    assert "nog geen agenda-koppeling" in client.get("/mijn-aanmeldingen/agenda-koppeling").get_data(as_text=True)
    client.post("/mijn-aanmeldingen/agenda-koppeling", data={"actie": "maken"})
    db.session.refresh(user)
    first = user.calendar_token
    assert first and len(first) >= 40
    body = client.get("/mijn-aanmeldingen/agenda-koppeling").get_data(as_text=True)
    assert f"/agenda/persoonlijk/{first}.ics" in body
    assert client.get(f"/agenda/persoonlijk/{first}.ics").status_code == 200
    client.post("/mijn-aanmeldingen/agenda-koppeling", data={"actie": "vernieuwen"})
    db.session.refresh(user)
    assert user.calendar_token != first
    assert client.get(f"/agenda/persoonlijk/{first}.ics").status_code == 404
    client.post("/mijn-aanmeldingen/agenda-koppeling", data={"actie": "stoppen"})
    db.session.refresh(user)
    assert user.calendar_token is None
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action.like("calendar_feed.%"))) == 3
    logout(client)
    response = client.get("/mijn-aanmeldingen/agenda-koppeling")
    assert response.status_code == 302 and db.session.get(User, user.id).calendar_token is None


def test_manage_shows_past_activities_and_filters_by_kind(client, make, login_as, past_activity):
    make.activity(kind="lezing", title="Lezing straks")
    login_as("organisator")
    body = client.get("/activiteiten").get_data(as_text=True)
    assert "Lezing straks" in body and past_activity.title not in body
    body = client.get("/activiteiten?periode=afgelopen").get_data(as_text=True)
    assert past_activity.title in body and "Lezing straks" not in body
    assert f"/activiteiten/{past_activity.id}/evaluaties" in body
    body = client.get("/activiteiten?soort=lezing&periode=x&pagina=zz").get_data(as_text=True)
    assert "Lezing straks" in body
    assert "Er zijn geen komende activiteiten van deze soort" in client.get(
        "/activiteiten?soort=masterclass").get_data(as_text=True)
    body = client.post(f"/activiteiten/{past_activity.id}/annuleren", data={"reason": "Te laat"},
                       follow_redirects=True).get_data(as_text=True)
    assert "al voorbij" in body


def test_no_sign_ups_for_course_sessions_here(client, make, login_as):
    login_as("organisator")
    session = make.activity(kind="leergangbijeenkomst")
    page = client.get(f"/activiteiten/{session.id}/aanmeldingen")
    assert page.status_code == 200 and "Iemand aanmelden" not in page.get_data(as_text=True)
    assert client.post(f"/activiteiten/{session.id}/aanmeldingen", data={"email": "a@example.org"}).status_code == 404
    assert client.post(f"/agenda/{session.id}/aanmelden").status_code == 404
