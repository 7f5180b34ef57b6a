"""Bulk enrolment: upload, preview with every row's problem, then all rows or none."""
import io

import pytest
from sqlalchemy import func, select

from wijkmakers.activities.models import Registration
from wijkmakers.auth.models import AuthToken, User
from wijkmakers.extensions import db
from wijkmakers.learning.models import Enrolment
from wijkmakers.notifications.models import OutboxMessage
from wijkmakers.core.errors import DomainError
from wijkmakers.partners import staff_import, targets
from wijkmakers.partners.models import PartnerInvitation, StaffImport

from ..conftest import login
from .conftest import make_cohort
from .helpers import colleagues, csv_bytes, xlsx_bytes, zip_bomb_xlsx


def upload(client, data, filename="collegas.csv", target=""):
    return client.post("/mijn-organisatie/import",
                       data={"file": (io.BytesIO(data), filename), "target": target},
                       content_type="multipart/form-data")


def preview_of(client, response):
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    return location, client.get(location)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def staff_of(world, make, rows, **fields):
    """Accounts of organisation A for the rows' addresses: colleagues are enrolled at once, everyone else
    gets an invitation (tests/partners/test_invitations.py)."""
    return [make.user(email=row[0].lower(), name=row[1], organisation_id=world.org_a.id, **fields) for row in rows]


def test_upload_page_documents_format_and_codes(client, world):
    login(client, world.contact_a)
    html = client.get("/mijn-organisatie/import").get_data(as_text=True)
    assert world.cohort_code in html and world.activity_code in html
    assert "aanmelden voor" in html and "voorbeeld.xlsx" in html and "voorbeeld.csv" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_files_can_be_uploaded_as_they_are(client, world, fmt):
    login(client, world.contact_a)
    template = client.get(f"/mijn-organisatie/import/voorbeeld.{fmt}")
    assert template.status_code == 200 and "attachment" in template.headers["Content-Disposition"]
    if fmt == "csv":
        assert template.data.startswith(b"\xef\xbb\xbfe-mail;naam;functie;aanmelden voor")
    location, page = preview_of(client, upload(client, template.data, f"voorbeeld.{fmt}", world.cohort_code))
    assert "Alle 2 rijen zijn in orde" in page.get_data(as_text=True)


def test_ten_colleagues_two_bad_rows_then_fixed(client, world):
    """The acceptance scenario: see both problems, nothing saved; fix the file, all ten enrolled."""
    login(client, world.contact_a)
    rows = colleagues(10, target=world.cohort_code)
    bad = list(rows)
    bad[3] = ("collega4@noorderhuis", "Collega 4", "wijkwerker", world.cohort_code)   # bad e-mail
    bad[7] = ("collega8@noorderhuis.nl", "Collega 8", "wijkwerker", "L999999")         # unknown cohort
    location, page = preview_of(client, upload(client, csv_bytes(bad, encoding="cp1252")))
    html = page.get_data(as_text=True)
    assert "2 van 10 rijen hebben een probleem" in html
    assert "Rij 5" in html and "Ongeldig e-mailadres" in html
    assert "Rij 9" in html and "Onbekende leergang of activiteit" in html
    assert "Alle 10 verwerken" not in html
    # Posting anyway saves nothing.
    refused = client.post(location)
    assert refused.status_code == 422 and "Er is niets opgeslagen" in refused.get_data(as_text=True)
    assert count(Enrolment) == 0 and count(User) == 2 and count(PartnerInvitation) == 0

    location, page = preview_of(client, upload(client, xlsx_bytes(rows), "collegas.xlsx"))
    assert "Alle 10 rijen zijn in orde" in page.get_data(as_text=True)
    done = client.post(location)
    assert done.status_code == 302 and done.headers["Location"].endswith("/mijn-organisatie")
    # New addresses: ten invitations, no accounts and no enrolments until they accept.
    assert count(PartnerInvitation, PartnerInvitation.organisation_id == world.org_a.id) == 10
    assert count(Enrolment) == 0 and count(User) == 2
    assert count(OutboxMessage, OutboxMessage.subject.like("Uitnodiging om je aan te sluiten%")) == 10
    # The same upload cannot be committed twice.
    again = client.post(location)
    assert again.status_code == 302 and count(PartnerInvitation) == 10


def problems_for(world, rows, default_target=None):
    batch = StaffImport(token="t" + str(len(rows)) + str(id(rows)), organisation_id=world.org_a.id,
                        created_by_id=world.contact_a.id, filename="x.csv", default_target=default_target,
                        rows=[{"line": i + 2, "email": e, "name": n, "job_title": f, "target": t}
                              for i, (e, n, f, t) in enumerate(rows)])
    db.session.add(batch)
    db.session.commit()
    check = staff_import.check_import(batch)
    return batch, {r.line: r.problems for r in check.rows}


def test_every_kind_of_row_problem(world, make):
    """Rows outside the organisation (another organisation, inactive, unknown, without a name) are all
    invitations without a problem: the preview tells nothing about those addresses."""
    outsider = make.user(email="iemand@welzijn.nl", organisation_id=world.org_b.id)
    gone = make.user(email="oud@noorderhuis.nl", organisation_id=world.org_a.id, active=False)
    enrolled = make.user(email="al@noorderhuis.nl", organisation_id=world.org_a.id)
    db.session.add(Enrolment(user=enrolled, cohort=world.cohort, organisation_id=world.org_a.id))
    db.session.commit()
    code = world.cohort_code
    rows = [
        ("goed@noorderhuis.nl", "Goed", "", code),            # 2 fine
        ("geen-apenstaartje.nl", "X", "", code),              # 3 bad e-mail
        ("", "Zonder adres", "", code),                       # 4 missing e-mail
        ("GOED@noorderhuis.nl", "Goed", "", code),            # 5 second invitation for row 2's address
        ("al@noorderhuis.nl", "Al", "", code),                # 6 already enrolled
        ("iemand@welzijn.nl", "Iemand", "", code),            # 7 other organisation
        ("nieuw@noorderhuis.nl", "", "", code),               # 8 new person without a name: fine
        ("ander@noorderhuis.nl", "Ander", "", "A424242"),     # 9 unknown activity
        ("leeg@noorderhuis.nl", "Leeg", "", ""),              # 10 no target at all
        ("oud@noorderhuis.nl", "Oud", "", code),              # 11 inactive account
        ("lang@noorderhuis.nl", "N" * 121, "", code),         # 12 name too long
        ("al@noorderhuis.nl", "Al", "", code),                # 13 duplicate of a colleague's row 6
    ]
    batch, problems = problems_for(world, rows)
    assert problems[2] == []
    assert "Ongeldig e-mailadres" in problems[3][0]
    assert problems[4] == ["E-mailadres ontbreekt."]
    assert "Staat al in rij 2" in problems[5][0]
    assert "Al aangemeld" in problems[6][0]
    assert problems[7] == [] and problems[8] == [] and problems[11] == []
    assert "Onbekende leergang of activiteit" in problems[9][0]
    assert "Geen leergang of activiteit" in problems[10][0]
    assert "Naam is te lang" in problems[12][0]
    assert any("Dubbel in het bestand" in p and "rij 6" in p for p in problems[13])
    check = staff_import.check_import(batch)
    kinds = {r.line: r.is_invitation for r in check.rows}
    assert kinds[2] and kinds[7] and kinds[8] and kinds[11] and not kinds[6]
    assert outsider.id and gone.id


def test_no_seats_left_is_reported_per_row(world, make):
    small = make_cohort(name="klein", capacity=2)
    rows = colleagues(3, target=f"L{small.id}")
    staff_of(world, make, rows)
    _, problems = problems_for(world, rows)
    assert problems[2] == [] and problems[3] == []
    assert "Geen plaats meer" in problems[4][0] and "nog 2 plaatsen" in problems[4][0]
    full = make.activity(capacity=1, seats_taken=1)
    _, problems = problems_for(world, colleagues(1, target=f"A{full.id}"))
    assert "Geen plaats meer" in problems[2][0]
    # An invitation takes no seat until it is accepted.
    _, problems = problems_for(world, colleagues(1, start=50, target=f"A{full.id}"))
    assert problems[2] == []
    _, problems = problems_for(world, colleagues(1, target=f"A{full.id}"))
    assert "Geen plaats meer" in problems[2][0]


def test_target_by_name_and_form_default(world):
    rows = [("a@noorderhuis.nl", "A", "", world.cohort.label.upper()),
            ("b@noorderhuis.nl", "B", "", ""),
            ("c@noorderhuis.nl", "C", "", "a " + str(world.activity.id))]
    _, problems = problems_for(world, rows, default_target=world.activity_code)
    assert problems == {2: [], 3: [], 4: []}


def test_activity_rows_register_with_the_organisation(client, world, make):
    staff_of(world, make, colleagues(3))
    login(client, world.contact_a)
    location, _ = preview_of(client, upload(client, csv_bytes(colleagues(3), sep=","), target=world.activity_code))
    assert client.post(location).status_code == 302
    regs = db.session.scalars(select(Registration).where(Registration.activity_id == world.activity.id)).all()
    assert len(regs) == 3 and {r.organisation_id for r in regs} == {world.org_a.id}
    assert {r.registered_by_id for r in regs} == {world.contact_a.id}


def test_all_or_nothing_when_commit_fails_halfway(client, world, make, monkeypatch):
    staff_of(world, make, colleagues(5), password=False)  # never activated: each gets a password link
    login(client, world.contact_a)
    location, _ = preview_of(client, upload(client, csv_bytes(colleagues(5, target=world.cohort_code))))
    real_enrol = targets.enrol
    calls = []

    def flaky(target, user, by, organisation_id, notify=True):
        calls.append(user.email)
        if len(calls) == 4:
            raise DomainError("De leergang is intussen gesloten.")
        return real_enrol(target, user, by=by, organisation_id=organisation_id, notify=notify)

    monkeypatch.setattr(targets, "enrol", flaky)
    response = client.post(location)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Er is niets opgeslagen" in html and "Rij 5" in html and "intussen gesloten" in html
    assert count(Enrolment) == 0 and count(User) == 7 and count(OutboxMessage) == 0 and count(AuthToken) == 0
    # After the problem is gone the same preview can still be committed.
    monkeypatch.setattr(targets, "enrol", real_enrol)
    assert client.post(location).status_code == 302 and count(Enrolment) == 5


def test_seats_taken_between_preview_and_commit(client, world, make):
    small = make_cohort(name="bijna-vol", capacity=3)
    staff_of(world, make, colleagues(3))
    login(client, world.contact_a)
    location, page = preview_of(client, upload(client, csv_bytes(colleagues(3, target=f"L{small.id}"))))
    assert "Alle 3 rijen zijn in orde" in page.get_data(as_text=True)
    late = make.user(organisation_id=world.org_b.id)
    db.session.add(Enrolment(user=late, cohort=small, organisation_id=world.org_b.id))
    db.session.commit()
    response = client.post(location)
    assert response.status_code == 422 and "Geen plaats meer" in response.get_data(as_text=True)
    assert count(Enrolment, Enrolment.cohort_id == small.id) == 1


def test_existing_colleague_is_enrolled_without_invitation(client, world, make):
    known = make.user(email="bekend@noorderhuis.nl", name="Bekende Collega", organisation_id=world.org_a.id)
    login(client, world.contact_a)
    location, page = preview_of(client, upload(client, csv_bytes([("Bekend@Noorderhuis.nl", "", "", "")]),
                                               target=world.cohort_code))
    assert "collega: wordt aangemeld" in page.get_data(as_text=True)
    assert client.post(location).status_code == 302
    assert count(Enrolment, Enrolment.user_id == known.id) == 1
    assert count(OutboxMessage, OutboxMessage.subject == "Je bent uitgenodigd voor Wijkmakers") == 0


@pytest.mark.parametrize("data, filename, message", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "foto.png", "Kies een .csv- of .xlsx-bestand"),
    (b"\x00\x01junk\x00" * 100, "lijst.csv", "geen tekstbestand"),
    (zip_bomb_xlsx(), "bom.xlsx", "uitgepakt"),
])
def test_malicious_uploads_give_a_clear_message(client, world, data, filename, message):
    login(client, world.contact_a)
    response = upload(client, data, filename, world.cohort_code)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(StaffImport) == 0


def test_upload_without_file_or_with_bad_target(client, world):
    login(client, world.contact_a)
    response = client.post("/mijn-organisatie/import", data={"target": ""}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Kies een bestand" in response.get_data(as_text=True)
    response = upload(client, csv_bytes(colleagues(1)), target="L999999")
    assert response.status_code == 422
    assert "Kies een leergang of activiteit uit de lijst" in response.get_data(as_text=True)


def test_formula_in_a_name_stays_text_in_the_export(client, world, make):
    evil = [("evil@noorderhuis.nl", "=HYPERLINK(\"http://x\",\"klik\")", "+31 6", world.cohort_code),
            ("evil2@noorderhuis.nl", "@SUM(1+1)*cmd", "-2", world.cohort_code)]
    staff_of(world, make, evil)  # names from the accounts, job titles from the file
    login(client, world.contact_a)
    location, _ = preview_of(client, upload(client, csv_bytes(evil)))
    assert client.post(location).status_code == 302
    export = client.get("/mijn-organisatie/export.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in export and ";'+31 6;" in export
    assert "'@SUM(1+1)*cmd" in export and ";'-2;" in export


def test_preview_of_old_upload_expires(client, world):
    login(client, world.contact_a)
    location, _ = preview_of(client, upload(client, csv_bytes(colleagues(1, target=world.cohort_code))))
    batch = db.session.scalar(select(StaffImport))
    batch.created_at = batch.created_at - staff_import.IMPORT_KEEP
    db.session.commit()
    assert client.get(location).status_code == 404
    assert client.post(location).status_code == 404


def test_an_enrolment_joins_and_rolls_back_with_its_callers_transaction(app, world):
    """targets.enrol is @transactional: inside a caller's transaction it commits nothing itself, and when
    the caller fails afterwards the enrolment (and its seat) is rolled back with it."""
    from wijkmakers.core.transaction import transactional

    target = targets.TargetIndex(targets.open_targets()).find(world.cohort_code)
    person = db.session.get(User, world.contact_a.id)

    @transactional
    def enrol_then_fail():
        targets.enrol(target, person, by=person, organisation_id=world.org_a.id)
        assert count(Enrolment) == 1
        raise DomainError("Toch niet.")

    with pytest.raises(DomainError):
        enrol_then_fail()
    assert count(Enrolment) == 0 and count(OutboxMessage) == 0
    enrolment = targets.enrol(target, person, by=person, organisation_id=world.org_a.id)
    db.session.rollback()  # the outermost call committed already: nothing left to undo
    assert count(Enrolment) == 1 and enrolment.organisation_id == world.org_a.id
