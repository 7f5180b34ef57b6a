"""First start without the demo: `flask setup` on an empty database, the demo refused in production, and
the administrator opening staff accounts in the browser."""
import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from wijkmakers import create_app
from wijkmakers.auth.models import TOKEN_INVITE, AuthToken, User
from wijkmakers.core.audit import AuditEvent
from wijkmakers.extensions import db
from wijkmakers.learning.models import Module

from ..conftest import _test_config, fresh_database_url, outbox


def _empty_app(tmp_path_factory, **extra):
    return create_app(_test_config(fresh_database_url(tmp_path_factory, "setup"), **extra))


def test_setup_builds_an_empty_portal_and_its_first_administrator(tmp_path_factory):
    app = _empty_app(tmp_path_factory)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["setup", "--email", " Beheer@Gemeente.nl ", "--name", "Anne  Beheer",
                                 "--password-stdin"], input="een-sterk-wachtwoord\n")
    assert result.exit_code == 0, result.output
    assert "Het portaal is ingericht" in result.output and "/beheer/gebruikers/nieuw" in result.output
    with app.app_context():
        admin = db.session.scalar(select(User))
        assert (admin.email, admin.name, admin.role_keys) == ("beheer@gemeente.nl", "Anne Beheer", {"beheerder"})
        assert check_password_hash(admin.password_hash, "een-sterk-wachtwoord")
        assert db.session.scalar(select(func.count()).select_from(Module)) == 10  # content synced
        assert db.session.scalar(select(AuditEvent.action)) == "portal_set_up"

        # A second run changes nothing and says why, before asking for anything.
        again = runner.invoke(args=["setup"], input="")
        assert again.exit_code != 0 and "al ingericht" in again.output
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        db.engine.dispose()


def test_setup_refuses_bad_input_and_keeps_the_database_empty(tmp_path_factory):
    app = _empty_app(tmp_path_factory)
    runner = app.test_cli_runner()
    for args, stdin, message in (
        (["--email", "geen-adres", "--name", "A"], "een-sterk-wachtwoord\n", "geen geldig e-mailadres"),
        (["--email", "a@b.nl", "--name", "   "], "een-sterk-wachtwoord\n", "Vul een naam in"),
        (["--email", "a@b.nl", "--name", "A"], "kort\n", "minstens 10"),
    ):
        result = runner.invoke(args=["setup", *args, "--password-stdin"], input=stdin)
        assert result.exit_code != 0 and message in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        db.engine.dispose()


def test_demo_is_refused_in_production(app):
    app.config["ENV_NAME"] = "production"
    runner = app.test_cli_runner()
    for command in (["demo", "load"], ["demo", "load", "--reset"], ["demo", "load-if-empty"]):
        result = runner.invoke(args=command)
        assert result.exit_code != 0 and "niet geladen in productie" in result.output, result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_administrator_opens_a_staff_account_with_an_invitation(client, login_as):
    admin = login_as("beheerder")
    page = client.get("/beheer/gebruikers")
    assert "Begin met de accounts van je team" in page.text and "/beheer/gebruikers/nieuw" in page.text
    response = client.post("/beheer/gebruikers/nieuw", data={"name": "Olga Organisator",
                                                              "email": "Olga@Wijkmakers.nl",
                                                              "roles": ["organisator"]})
    assert response.status_code == 302 and response.location.endswith("/beheer/gebruikers")
    olga = db.session.scalar(select(User).where(User.email == "olga@wijkmakers.nl"))
    assert olga.role_keys == {"organisator"} and olga.password_hash is None
    assert db.session.scalar(select(AuthToken.purpose).where(AuthToken.user_id == olga.id)) == TOKEN_INVITE
    [mail] = outbox("olga@wijkmakers.nl")
    assert "/uitnodiging/" in mail.body and admin.name in mail.body
    assert "Begin met de accounts" not in client.get("/beheer/gebruikers").text


def test_new_account_form_rejects_bad_input_and_keeps_what_was_typed(client, login_as, make):
    login_as("beheerder")
    make.user(email="bestaat@example.org")
    cases = (
        ({"name": "", "email": "x@example.org", "roles": ["organisator"]}, "Vul een naam in"),
        ({"name": "X", "email": "geen-adres", "roles": ["organisator"]}, "geldig e-mailadres"),
        ({"name": "X", "email": "x@example.org"}, "Kies minstens één rol"),
        ({"name": "X", "email": "x@example.org", "roles": ["koning"]}, "ongeldige keuze"),
        ({"name": "Dubbel", "email": "bestaat@example.org", "roles": ["organisator"]}, "bestaat al"),
    )
    for data, message in cases:
        response = client.post("/beheer/gebruikers/nieuw", data=data)
        assert response.status_code == 422, data
        errors = re.findall(r'class="error"[^<]*<span[^<]*</span>([^<]*)', response.text)
        assert message in " ".join(errors), (data, errors)
    assert 'value="Dubbel"' in response.text  # typed work is shown again
    assert outbox() == []


def test_only_administrators_open_accounts(client, login_as):
    for role in ("deelnemer", "organisator", "coordinator", "partnercontact"):
        login_as(role)
        assert client.get("/beheer/gebruikers/nieuw").status_code == 403
        assert client.post("/beheer/gebruikers/nieuw", data={"name": "X", "email": "x@example.org",
                                                             "roles": ["beheerder"]}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "x@example.org")) == 0
