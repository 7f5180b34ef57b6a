from sqlalchemy import select
from werkzeug.security import check_password_hash

from wijkmakers.auth.models import User
from wijkmakers.extensions import db


def test_user_create_reads_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "--email", "Nieuw@Example.org", "--name", "Nieuwe Coördinator",
                                 "--role", "coördinator", "--password-stdin"], input="een-sterk-wachtwoord\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nieuw@example.org"))
    assert user.role_keys == {"coordinator"}
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, "een-sterk-wachtwoord")


def test_user_create_prompts_for_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "--email", "p@example.org", "--name", "P", "--role", "beheerder"],
                           input="een-sterk-wachtwoord\neen-sterk-wachtwoord\n")
    assert result.exit_code == 0, result.output


def test_user_create_refuses_bad_role_weak_password_and_duplicates(app, make):
    runner = app.test_cli_runner()
    bad_role = runner.invoke(args=["user", "create", "--email", "x@example.org", "--name", "X", "--role", "koning",
                                   "--password-stdin"], input="een-sterk-wachtwoord\n")
    assert bad_role.exit_code != 0 and "onbekende rol" in bad_role.output
    weak = runner.invoke(args=["user", "create", "--email", "x@example.org", "--name", "X", "--role", "deelnemer",
                               "--password-stdin"], input="kort\n")
    assert weak.exit_code != 0 and "minstens 10" in weak.output
    make.user(email="bestaat@example.org")
    dup = runner.invoke(args=["user", "create", "--email", "bestaat@example.org", "--name", "X", "--role",
                              "deelnemer", "--password-stdin"], input="een-sterk-wachtwoord\n")
    assert dup.exit_code != 0 and "bestaat al" in dup.output
