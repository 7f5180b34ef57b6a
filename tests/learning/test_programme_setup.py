"""Organisers set up programmes in the browser: create with a kind, choose and order modules, phases of a
traineeship, the completion rule with its effect on running groups, archiving; and the denials."""
from sqlalchemy import func, select

from wijkmakers.core.audit import AuditEvent
from wijkmakers.extensions import db
from wijkmakers.learning.models import Cohort, Phase, Programme, ProgrammeModule

from ..conftest import login
from .helpers import attend, enrol_directly, make_session, study


def _programme(name):
    return db.session.scalar(select(Programme).where(Programme.name == name))


def _order(programme):
    return [link.module_id for link in db.session.scalars(
        select(ProgrammeModule).where(ProgrammeModule.programme_id == programme.id).order_by(ProgrammeModule.position))]


def test_organiser_creates_a_programme_and_orders_its_modules(client, course):
    login(client, course.organiser)
    assert "Nieuwe leergang" in client.get("/leergangen").text
    response = client.post("/leergangen/leergang/nieuw", data={
        "name": "  Leergang Wijkontwikkeling 2027-2028 ", "kind": "leergang", "description": "Tien modules.",
        "audience": "Bewoners en professionals", "duration_months": "10"})
    programme = _programme("Leergang Wijkontwikkeling 2027-2028")
    assert response.status_code == 302 and response.location.endswith(f"/leergangen/leergang/{programme.id}/modules")
    assert (programme.kind, programme.slug, programme.audience) == (
        "leergang", "leergang-wijkontwikkeling-2027-2028", "Bewoners en professionals")

    first, second, third = course.modules
    page = client.get(f"/leergangen/leergang/{programme.id}/modules")
    assert page.status_code == 200 and first.title in page.text
    # Typed numbers 5 and 2 become positions 1 and 2; the third module is not chosen.
    response = client.post(f"/leergangen/leergang/{programme.id}/modules", data={
        f"m{first.id}": "y", f"m{first.id}_plaats": "5", f"m{third.id}": "y", f"m{third.id}_plaats": "2",
        f"m{second.id}_plaats": "1"})
    assert response.status_code == 302
    assert _order(programme) == [third.id, first.id]
    assert [p for p, in db.session.execute(select(ProgrammeModule.position).where(
        ProgrammeModule.programme_id == programme.id).order_by(ProgrammeModule.position))] == [1, 2]
    overview = client.get(f"/leergangen/leergang/{programme.id}").text
    assert overview.index(third.title) < overview.index(first.title)
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == programme.id)))
    assert {"programme_created", "programme_modules_changed"} <= actions

    # The new programme can get a group at once.
    assert f'value="{programme.id}"' in client.get("/leergangen/nieuw").text


def test_bad_programme_input_gets_dutch_messages_and_changes_nothing(client, course):
    login(client, course.organiser)
    before = db.session.scalar(select(func.count(Programme.id)))
    for data, message in (
        ({"name": "", "kind": "leergang", "duration_months": "10"}, "Geef de leergang een naam"),
        ({"name": "X", "kind": "", "duration_months": "10"}, "Kies de soort"),
        ({"name": "X", "kind": "koning", "duration_months": "10"}, "ngeldige keuze"),
        ({"name": "X", "kind": "leergang", "duration_months": "0"}, "1 tot 60 maanden"),
        ({"name": "X", "kind": "leergang", "duration_months": "tien"}, "Ongeldig getal"),
        ({"name": "leergang TEST", "kind": "leergang", "duration_months": "10"}, "al een leergang met deze naam"),
    ):
        response = client.post("/leergangen/leergang/nieuw", data=data)
        assert response.status_code == 422 and message in response.text, (data, message)
    assert db.session.scalar(select(func.count(Programme.id))) == before

    first, second, _ = course.modules
    url = f"/leergangen/leergang/{course.programme.id}/modules"
    before_order = _order(course.programme)
    for data, message in (
        ({}, "Kies minstens één module"),
        ({f"m{first.id}": "y", f"m{first.id}_plaats": "1", f"m{second.id}": "y", f"m{second.id}_plaats": "1"},
         "Volgnummer 1 is meer dan eens gekozen"),
        ({f"m{first.id}": "y", f"m{first.id}_plaats": ""}, "volgnummer van 1 of hoger"),
        ({f"m{first.id}": "y", f"m{first.id}_plaats": "-3"}, "1 tot 999"),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 422 and message in response.text, (data, message)
    assert _order(course.programme) == before_order


def test_kind_is_fixed_once_a_programme_has_groups(client, course):
    login(client, course.organiser)
    response = client.post(f"/leergangen/leergang/{course.programme.id}/bewerken", data={
        "name": "Leergang Test", "kind": "bestuurdersleergang", "duration_months": "10"})
    assert response.status_code == 422 and "De soort kan niet meer veranderen" in response.text
    db.session.expire_all()
    assert course.programme.kind == "leergang"
    response = client.post(f"/leergangen/leergang/{course.programme.id}/bewerken", data={
        "name": "Leergang Test (nieuw)", "kind": "leergang", "description": "Anders.", "duration_months": "12"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (course.programme.name, course.programme.duration_months) == ("Leergang Test (nieuw)", 12)


def test_traineeship_phases_and_modules_per_phase(client, course):
    login(client, course.organiser)
    client.post("/leergangen/leergang/nieuw", data={"name": "Traineeship 2027", "kind": "traineeship",
                                                    "duration_months": "24"})
    programme = _programme("Traineeship 2027")
    base = f"/leergangen/leergang/{programme.id}"
    assert "Dit traineeship heeft nog geen fasen" in client.get(base).text
    assert client.post(f"{base}/fasen", data={"title": ""}).status_code == 422
    for title in ("Oriëntatie", "Eigen project"):
        assert client.post(f"{base}/fasen", data={"title": title, "has_placement": "y"}).status_code == 302
    one, two = db.session.scalars(select(Phase).where(Phase.programme_id == programme.id).order_by(Phase.number))
    assert (one.number, two.number, two.has_placement) == (1, 2, True)

    first, second, _ = course.modules
    missing_phase = client.post(f"{base}/modules", data={f"m{first.id}": "y", f"m{first.id}_plaats": "1"})
    assert missing_phase.status_code == 422 and "Kies voor elke module" in missing_phase.text
    assert client.post(f"{base}/modules", data={
        f"m{first.id}": "y", f"m{first.id}_plaats": "1", f"m{first.id}_fase": str(one.id),
        f"m{second.id}": "y", f"m{second.id}_plaats": "2", f"m{second.id}_fase": str(two.id)}).status_code == 302
    assert [link.phase_id for link in programme.modules] == [one.id, two.id]

    # Only the last phase can go; its modules lose their phase.
    client.post(f"{base}/fasen/{one.id}/verwijderen")
    assert db.session.get(Phase, one.id) is not None
    client.post(f"{base}/fasen/{two.id}/verwijderen")
    db.session.expire_all()
    assert db.session.get(Phase, two.id) is None
    # A leergang has no phases.
    assert client.post(f"/leergangen/leergang/{course.programme.id}/fasen",
                       data={"title": "Fase"}).status_code == 422


def test_rule_change_says_what_it_changes_for_running_groups(client, course, make):
    login(client, course.organiser)
    sessions = [make_session(course.cohort, module) for module in course.modules]
    keen, half = make.user(name="Keen"), make.user(name="Half")
    for person in (keen, half):
        enrol_directly(course.cohort, person)
        study(person, *course.modules)
    for session in sessions:
        attend(session, keen)
    attend(sessions[0], half)
    attend(sessions[1], half)  # 2 of 3 sessions: 67%
    url = f"/leergangen/leergang/{course.programme.id}"
    first = client.post(url, data={"require_all_modules": "y", "min_attendance_pct": "60"})
    assert first.status_code == 200 and "Wat de nieuwe regel verandert" in first.text
    assert "nu voldoen er 1 aan de regel, met de nieuwe regel 2" in first.text
    assert "minstens 2 van de 3 bijeenkomsten (nu 3)" in first.text
    db.session.expire_all()
    assert course.programme.min_attendance_pct == 80  # not saved yet
    confirmed = client.post(url, data={"require_all_modules": "y", "min_attendance_pct": "60", "confirm": "ja"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert course.programme.min_attendance_pct == 60


def test_archived_programme_takes_no_new_groups_but_keeps_its_own(client, course):
    login(client, course.organiser)
    base = f"/leergangen/leergang/{course.programme.id}"
    assert client.post(f"{base}/archiveren").status_code == 302
    db.session.expire_all()
    assert course.programme.archived_at is not None
    listing = client.get("/leergangen").text
    assert "Gearchiveerd" in listing and course.cohort.name in listing
    assert f'value="{course.programme.id}"' not in client.get("/leergangen/nieuw").text
    response = client.post("/leergangen/nieuw", data={"programme_id": str(course.programme.id), "name": "Nieuw",
                                                      "starts_on": "2027-01-10", "ends_on": "2027-06-10",
                                                      "capacity": "10"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Cohort.id)).where(Cohort.name == "Nieuw")) == 0
    assert client.post(f"{base}/archiveren", data={"terugzetten": "1"}).status_code == 302
    db.session.expire_all()
    assert course.programme.archived_at is None


def test_empty_academy_tells_the_organiser_where_to_start(client, make):
    organiser = make.user(roles=("organisator",))
    login(client, organiser)
    page = client.get("/leergangen").text
    assert "Nog geen leergangen" in page and "/leergangen/leergang/nieuw" in page


def test_only_organisers_set_up_programmes(client, course, make):
    base = f"/leergangen/leergang/{course.programme.id}"
    for role in ("deelnemer", "begeleider", "partnercontact", "beheerder", "coordinator"):
        login(client, make.user(roles=(role,)))
        assert client.get("/leergangen/leergang/nieuw").status_code == 403
        assert client.post("/leergangen/leergang/nieuw", data={"name": "X", "kind": "leergang",
                                                               "duration_months": "10"}).status_code == 403
        for path in ("/bewerken", "/modules", "/fasen", "/archiveren"):
            assert client.post(base + path, data={}).status_code == 403, (role, path)
    assert _programme("X") is None and course.programme.archived_at is None
    login(client, course.organiser)
    assert client.get("/leergangen/leergang/999999/modules").status_code == 404
    assert client.post("/leergangen/leergang/999999/archiveren").status_code == 404
