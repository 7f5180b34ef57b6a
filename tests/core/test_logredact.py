"""Logs carry no e-mail addresses and no tokens; a failed log-in logs its request id."""
import logging

import pytest

from wijkmakers.core.logredact import redact

RESET = "Ab3dEfGh1jKlMn0pQrStUvWxYz_-0123456789abcDE"


@pytest.mark.parametrize("raw, expected", [
    ("failed login for anna@example.org", "failed login for [e-mailadres]"),
    (f"path=/wachtwoord-herstellen/{RESET} status=200", "path=/wachtwoord-herstellen/[token] status=200"),
    ("path=/uitnodiging/abc status=200", "path=/uitnodiging/[token] status=200"),
    ("path=/organisatie-uitnodiging/xyz status=200", "path=/organisatie-uitnodiging/[token] status=200"),
    ("path=/aanmelding-bevestigen/abc123", "path=/aanmelding-bevestigen/[token]"),
    ("path=/agenda/persoonlijk/Q1w2E3r4.ics", "path=/agenda/persoonlijk/[token]"),
    ("path=/mijn-organisatie/import/tok", "path=/mijn-organisatie/import/[token]"),
    ("path=/mijn-organisatie/import/voorbeeld.csv", "path=/mijn-organisatie/import/voorbeeld.csv"),
    (f"GET /iets/{RESET}?x=1", "GET /iets/[token]?x=1"),
    ("GET /x?token=abc&y=2", "GET /x?token=[token]&y=2"),
    ("Authorization wm_AbCdEfGhIjKlMnOpQrSt", "Authorization [token]"),
    # not personal, and needed to trace a line: certificate codes, slugs, request ids
    ("path=/certificaat/ABCDE-FGHJK-LMNPQ-RSTUV", "path=/certificaat/ABCDE-FGHJK-LMNPQ-RSTUV"),
    ("path=/leergangen/leergang-wijkontwikkeling-2026", "path=/leergangen/leergang-wijkontwikkeling-2026"),
    ("request_id=0123456789abcdef0123456789abcdef", "request_id=0123456789abcdef0123456789abcdef"),
])
def test_redact(raw, expected):
    assert redact(raw) == expected


def test_every_record_is_redacted_also_arguments_and_tracebacks(app, caplog):
    log = logging.getLogger("somelibrary")
    with caplog.at_level(logging.INFO):
        log.info("sent to %s via /wachtwoord-herstellen/%s", "anna@example.org", RESET)
        try:
            raise ValueError("bad address bas@example.org")
        except ValueError:
            log.exception("failed")
    assert "anna@example.org" not in caplog.text and RESET not in caplog.text
    assert "bas@example.org" not in caplog.text and "[e-mailadres]" in caplog.text


def test_failed_login_logs_request_id_not_the_address(client, make, caplog):
    make.user(email="carla@example.org")
    with caplog.at_level(logging.INFO):
        response = client.post("/inloggen", data={"email": "carla@example.org", "password": "fout-wachtwoord"})
    assert response.status_code == 422
    assert "carla@example.org" not in caplog.text
    request_id = response.headers["X-Request-ID"]
    assert f"failed login request_id={request_id}" in caplog.text


def test_reset_link_request_is_logged_without_its_token(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get(f"/wachtwoord-herstellen/{RESET}")
    assert RESET not in caplog.text and "/wachtwoord-herstellen/[token]" in caplog.text
