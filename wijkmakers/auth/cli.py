import sys

import click
from flask.cli import AppGroup

from ..core.permissions import ROLE_LABELS, normalise_role
from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..core.transaction import run
from . import services

user_cli = AppGroup("user", help="Accounts beheren.")


@user_cli.command("create")
@click.option("--email", required=True, help="E-mailadres (inlognaam).")
@click.option("--name", required=True, help="Volledige naam.")
@click.option("--role", "roles", multiple=True, required=True,
              help=f"Rol, meermaals te geven: {', '.join(ROLE_LABELS)}.")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
def create_user_command(email, name, roles, password_stdin):
    """Maak een account aan; vraagt om het wachtwoord."""
    keys = []
    for role in roles:
        key = normalise_role(role)
        if key is None:
            raise click.BadParameter(f"onbekende rol '{role}'; kies uit {', '.join(ROLE_LABELS)}", param_hint="--role")
        keys.append(key)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Herhaal wachtwoord")
    try:
        user = run(services.create_user, email, name, keys, password=password, email_confirmed_at=utcnow())
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Account {user.email} aangemaakt met rol(len): {', '.join(keys)}.")


COMMANDS = (user_cli,)
