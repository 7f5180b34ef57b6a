"""Certificate pages through the test client: participants, organisers, the public verification page."""
import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from wijkmakers.certificates import documents, issuing, revocation
from wijkmakers.certificates.models import BATCH_DONE, Certificate, CertificateBatch
from wijkmakers.extensions import db
from wijkmakers.learning.models import ENROLMENT_ACTIVE

from .conftest import switch_to


def _issue(data, **kwargs):
    certificate, _ = issuing.issue_programme_certificate(data.enrolment(**kwargs).id)
    return certificate


# -- public verification ---------------------------------------------------------------------------
def test_verify_valid_shows_only_name_what_and_date(client, data, make):
    user = make.user(name="Anouk Hoekstra", email="anouk@example.org", phone="0612345678")
    enrolment = data.enrolment(user=user)
    certificate, _ = issuing.issue_programme_certificate(enrolment.id)
    response = client.get(f"/certificaat/{certificate.code.lower()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Geldig certificaat" in html and "echt en geldig" in html
    assert "Anouk Hoekstra" in html and "Leergang Wijkontwikkeling" in html and "2023-2024" in html
    for private in ("anouk@example.org", "0612345678", "Bewonersparticipatie", "Afgerond op"):
        assert private not in html
    assert '<meta name="robots" content="noindex">' in html
    # Without dashes, any case: the same certificate.
    assert client.get(f"/certificaat/{certificate.code.replace('-', '').lower()}").status_code == 200


def test_verify_revoked_says_so_without_the_reason(client, data, make):
    certificate = _issue(data)
    revocation.revoke(certificate.id, "Geheime interne reden", make.user(roles=("organisator",)))
    response = client.get(f"/certificaat/{certificate.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ingetrokken certificaat" in html and "niet meer geldig" in html
    assert "Geheime interne reden" not in html and "echt en geldig" not in html


def _erase(person, make):
    from wijkmakers.people import privacy

    privacy.request_erasure(person)
    privacy.erase_person(person, make.user(roles=("coordinator",)))


def test_verify_erased_holder_is_genuine_without_the_name(client, data, make):
    user = make.user(name="Anouk Hoekstra")
    certificate = _issue(data, user=user)
    _erase(user, make)
    response = client.get(f"/certificaat/{certificate.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Geldig certificaat" in html and "echt en geldig" in html
    assert "naam van de houder is op diens eigen verzoek" in html and "Anouk" not in html
    assert "ingetrokken" not in html.lower()
    assert db.session.get(Certificate, certificate.id).is_valid


def test_verify_revoked_then_erased_keeps_the_revocation_wording(client, data, make):
    user = make.user(name="Anouk Hoekstra")
    certificate = _issue(data, user=user)
    revocation.revoke(certificate.id, "Niet alle modules gevolgd", make.user(roles=("organisator",)))
    _erase(user, make)
    html = client.get(f"/certificaat/{certificate.code}").get_data(as_text=True)
    assert "Ingetrokken certificaat" in html and "niet meer geldig" in html
    assert "echt en geldig" not in html and "Anouk" not in html


@pytest.mark.parametrize("code", ["ABCDE-FGHJK-LMNPQ-RSTUV", "x", "%3Cscript%3E", "a" * 200])
def test_verify_unknown_code_is_a_dutch_404(client, code):
    response = client.get(f"/certificaat/{code}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Onbekende code" in html and "<script>" not in html


def test_verify_form_redirects_to_the_code_page(client, data):
    certificate = _issue(data)
    response = client.get("/certificaat", query_string={"code": certificate.code.lower().replace("-", " ")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/certificaat/{certificate.code}")
    assert client.get("/certificaat").status_code == 200
    page = client.get("/certificaat", query_string={"code": "!!!"})
    assert page.status_code == 200 and "geen geldige code" in page.get_data(as_text=True)


def test_verify_is_rate_limited_with_dutch_429(client, app):
    app.config["CERTIFICATE_VERIFY_LIMIT"] = "3 per minute"
    statuses = [client.get("/certificaat/ABCDE-FGHJK-LMNPQ-RSTU2",
                           environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    blocked = client.get("/certificaat/x", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert blocked.status_code == 429 and "Te veel pogingen" in blocked.get_data(as_text=True)
    other = client.get("/certificaat/x", environ_base={"REMOTE_ADDR": "203.0.113.10"})
    assert other.status_code == 404


# -- participants ----------------------------------------------------------------------------------
def test_participant_sees_and_downloads_own_certificates(client, data, make):
    user = make.user(name="Bram Visser")
    certificate, _ = issuing.issue_programme_certificate(data.enrolment(user=user).id)
    switch_to(client, user)
    html = client.get("/certificaten").get_data(as_text=True)
    assert certificate.code in html and "Mijn certificaten" in html
    response = client.get(f"/certificaten/{certificate.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert "attachment" in response.headers["Content-Disposition"]
    assert "bram-visser" in response.headers["Content-Disposition"]


def test_someone_elses_or_revoked_or_missing_certificate_gives_404(client, data, make):
    owner, other = make.user(), make.user()
    certificate, _ = issuing.issue_programme_certificate(data.enrolment(user=owner).id)
    switch_to(client, other)
    assert client.get(f"/certificaten/{certificate.id}/pdf").status_code == 404
    assert client.get("/certificaten/999999/pdf").status_code == 404
    revocation.revoke(certificate.id, "Ten onrechte uitgereikt", make.user(roles=("organisator",)))
    switch_to(client, owner)
    assert client.get(f"/certificaten/{certificate.id}/pdf").status_code == 404
    html = client.get("/certificaten").get_data(as_text=True)
    assert "Ingetrokken" in html and "Ten onrechte uitgereikt" in html


def test_anonymous_is_sent_to_login(client, data):
    certificate = _issue(data)
    for path in ("/certificaten", f"/certificaten/{certificate.id}/pdf", "/certificaten/beheer"):
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert client.post("/certificaten/bewijs/1").status_code == 302


def test_participant_requests_a_proof_of_participation(client, data, make):
    user = make.user()
    walk = data.attended(user, title="Wijkwandeling Paddepoel")
    switch_to(client, user)
    assert "Wijkwandeling Paddepoel" in client.get("/certificaten").get_data(as_text=True)
    response = client.post(f"/certificaten/bewijs/{walk.id}")
    assert response.status_code == 302
    proof = db.session.scalar(select(Certificate).where(Certificate.user_id == user.id))
    assert proof.activity_id == walk.id
    assert client.post(f"/certificaten/bewijs/{walk.id}").status_code == 302  # idempotent
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_proof_refused_when_absent_and_404_for_unknown_activity(client, data, make):
    user = make.user()
    missed = data.attended(user, present=False)
    switch_to(client, user)
    response = client.post(f"/certificaten/bewijs/{missed.id}", follow_redirects=True)
    assert response.status_code == 200 and "niet als aanwezig" in response.get_data(as_text=True)
    assert client.post("/certificaten/bewijs/999999").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


# -- organisers ------------------------------------------------------------------------------------
def test_organiser_issues_by_hand_and_revokes(client, data, make):
    organiser = make.user(roles=("organisator",))
    enrolment = data.enrolment(status=ENROLMENT_ACTIVE)
    switch_to(client, organiser)
    page = client.get(f"/certificaten/beheer/groep/{enrolment.cohort_id}")
    assert page.status_code == 200 and enrolment.user.name in page.get_data(as_text=True)
    response = client.post(f"/certificaten/beheer/inschrijving/{enrolment.id}/uitreiken")
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))
    assert certificate.issued_by_id == organiser.id

    empty = client.post(f"/certificaten/beheer/{certificate.id}/intrekken", data={"reason": ""})
    assert empty.status_code == 422 and "Vul een reden in" in empty.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).is_valid
    done = client.post(f"/certificaten/beheer/{certificate.id}/intrekken", data={"reason": "Dubbel uitgereikt"})
    assert done.status_code == 302
    db.session.expire_all()
    revoked = db.session.get(Certificate, certificate.id)
    assert not revoked.is_valid and revoked.revoked_reason == "Dubbel uitgereikt"
    again = client.post(f"/certificaten/beheer/{certificate.id}/intrekken", data={"reason": "Nog een keer"},
                        follow_redirects=True)
    assert again.status_code == 200 and "al ingetrokken" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).revoked_reason == "Dubbel uitgereikt"


def test_organiser_pages_render(client, data, make):
    certificate = _issue(data)
    person = make.user(name="Walker Wiersma")
    walk = data.attended(person)
    switch_to(client, make.user(roles=("organisator",)))
    manage = client.get("/certificaten/beheer").get_data(as_text=True)
    assert certificate.holder_name in manage and walk.title in manage
    found = client.get("/certificaten/beheer", query_string={"q": certificate.code[:5].lower()})
    assert certificate.holder_name in found.get_data(as_text=True)
    assert client.get("/certificaten/beheer", query_string={"pagina": "abc", "q": "x" * 500}).status_code == 200
    assert client.get(f"/certificaten/beheer/{certificate.id}").status_code == 200
    activity_page = client.get(f"/certificaten/beheer/activiteit/{walk.id}").get_data(as_text=True)
    assert "Walker Wiersma" in activity_page
    assert client.post(f"/certificaten/beheer/activiteit/{walk.id}/{person.id}/uitreiken").status_code == 302
    proof = db.session.scalar(select(Certificate).where(Certificate.activity_id == walk.id))
    assert proof.user_id == person.id
    # The organiser may download anyone's certificate.
    assert client.get(f"/certificaten/{certificate.id}/pdf").status_code == 200
    for missing in ("/certificaten/beheer/999999", "/certificaten/beheer/groep/999999",
                    "/certificaten/beheer/activiteit/999999", "/certificaten/beheer/bundel/999999"):
        assert client.get(missing).status_code == 404, missing


def test_manage_page_uses_a_fixed_number_of_queries(client, data, make, count_queries):
    switch_to(client, make.user(roles=("organisator",)))
    issuing.issue_programme_certificate(data.enrolment().id)
    data.attended(make.user())
    client.get("/certificaten/beheer")

    def measure():
        with count_queries() as counter:
            assert client.get("/certificaten/beheer").status_code == 200
        return counter.count

    small = measure()
    for _ in range(6):
        cohort = data.cohort(name="2024-2025")
        for _ in range(3):
            issuing.issue_programme_certificate(data.enrolment(cohort).id)
        data.attended(make.user())
    assert measure() == small


def test_non_organisers_cannot_issue_or_revoke(client, data, make):
    certificate = _issue(data)
    enrolment = data.enrolment(status=ENROLMENT_ACTIVE)
    person = make.user()
    walk = data.attended(person)
    for role in ("deelnemer", "begeleider", "partnercontact", "coordinator", "beheerder"):
        switch_to(client, make.user(roles=(role,)))
        assert client.post(f"/certificaten/beheer/inschrijving/{enrolment.id}/uitreiken").status_code == 403
        assert client.post(f"/certificaten/beheer/{certificate.id}/intrekken",
                           data={"reason": "Zomaar ingetrokken"}).status_code == 403
        assert client.post(f"/certificaten/beheer/groep/{enrolment.cohort_id}/zip").status_code == 403
        assert client.post(f"/certificaten/beheer/activiteit/{walk.id}/{person.id}/uitreiken").status_code == 403
        assert client.get("/certificaten/beheer").status_code == 403
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).is_valid
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_cohort_zip_small_cohort_in_one_response(client, data, make):
    cohort = data.cohort()
    certificates = [issuing.issue_programme_certificate(data.enrolment(cohort).id)[0] for _ in range(3)]
    data.enrolment(cohort, status=ENROLMENT_ACTIVE)
    switch_to(client, make.user(roles=("organisator",)))
    response = client.post(f"/certificaten/beheer/groep/{cohort.id}/zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == 3 and all(name.endswith(".pdf") for name in names)
    assert {c.code for c in certificates} == {name[-27:-4] for name in names}
    assert all(archive.read(name).startswith(b"%PDF-") for name in names)


def test_cohort_zip_without_certificates_explains(client, data, make):
    cohort = data.cohort()
    switch_to(client, make.user(roles=("organisator",)))
    response = client.post(f"/certificaten/beheer/groep/{cohort.id}/zip", follow_redirects=True)
    assert response.status_code == 200 and "nog geen geldige certificaten" in response.get_data(as_text=True)
    assert client.post("/certificaten/beheer/groep/999999/zip").status_code == 404


def test_large_cohort_zip_goes_through_a_batch_with_progress(client, data, make, monkeypatch):
    monkeypatch.setattr(documents, "ZIP_DIRECT_LIMIT", 2)
    monkeypatch.setattr(documents, "BATCH_SECONDS_PER_STEP", 0.0)  # one PDF per visit
    cohort = data.cohort()
    for _ in range(3):
        issuing.issue_programme_certificate(data.enrolment(cohort).id)
    switch_to(client, make.user(roles=("organisator",)))
    response = client.post(f"/certificaten/beheer/groep/{cohort.id}/zip")
    assert response.status_code == 302 and "/bundel/" in response.headers["Location"]
    progress_url = response.headers["Location"]
    batch_id = int(progress_url.rstrip("/").rsplit("/", 1)[1])
    # Not finished yet: the ZIP is not offered.
    assert client.get(f"{progress_url}/zip").status_code == 302
    seen = []
    for _ in range(6):
        html = client.get(progress_url).get_data(as_text=True)
        seen.append(('http-equiv="refresh"' in html, "<progress" in html))
        db.session.expire_all()
        if db.session.get(CertificateBatch, batch_id).status == BATCH_DONE:
            break
    assert seen[0] == (True, True) and seen[-1] == (False, True)
    assert "Download de zip" in html and "<script" not in html
    download = client.get(f"{progress_url}/zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(download.data)).namelist()) == 3


def test_a_rule_of_the_service_lands_under_its_field_with_422(client, data, make):
    """The service (not the form) refuses a reason of a few letters: the message is shown under the
    reason field and the page answers 422; nothing is revoked."""
    certificate = _issue(data)
    switch_to(client, make.user(roles=("organisator",)))
    response = client.post(f"/certificaten/beheer/{certificate.id}/intrekken", data={"reason": "a    b"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="reason-fout">.*minstens vijf tekens', html, re.S)
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).is_valid

