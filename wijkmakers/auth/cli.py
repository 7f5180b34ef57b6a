import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from ..core.permissions import ROLE_LABELS, normalise_role
from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..core.transaction import run
from . import services
from .invitations import administrator_exists, create_first_administrator

user_cli = AppGroup("user", help="Accounts beheren.")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Herhaal wachtwoord")


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
    password = _read_password(password_stdin)
    try:
        user = run(services.create_user, email, name, keys, password=password, email_confirmed_at=utcnow())
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Account {user.email} aangemaakt met rol(len): {', '.join(keys)}.")


@click.command("setup")
@click.option("--email", help="E-mailadres van de eerste beheerder (anders wordt erom gevraagd).")
@click.option("--name", help="Volledige naam van de eerste beheerder.")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van standaardinvoer.")
@click.pass_context
@with_appcontext
def setup_command(ctx, email, name, password_stdin):
    """Richt een nieuw portaal in: database bijwerken, lesmateriaal laden en de eerste beheerder maken."""
    upgrade()
    click.echo("Database bijgewerkt naar de nieuwste versie.")
    if administrator_exists():
        raise click.ClickException("Het portaal is al ingericht: er is al een beheerder. Maak nieuwe accounts "
                                   "aan op /beheer/gebruikers of met `flask --app wsgi user create`.")
    # The content commands belong to a higher layer (learning); reach them through the CLI, not an import.
    content = current_app.cli.get_command(ctx, "content")
    sync = content.get_command(ctx, "sync") if content is not None else None
    if sync is not None:
        ctx.invoke(sync)
    email = email or click.prompt("E-mailadres van de eerste beheerder")
    name = name or click.prompt("Naam")
    try:
        user = run(create_first_administrator, email, name, _read_password(password_stdin))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    base = current_app.config.get("BASE_URL", "")
    click.echo(f"""
Het portaal is ingericht. De eerste beheerder is {user.email}.

Volgende stappen:
  1. Log in op {base}/inloggen.
  2. Maak op {base}/beheer/gebruikers/nieuw accounts voor de organisatoren en de coördinator;
     zij krijgen een e-mail om zelf hun wachtwoord te kiezen.
  3. De organisatoren richten de leergangen in op {base}/leergangen en plannen activiteiten op
     {base}/activiteiten.
  4. Laat e-mail versturen: flask --app wsgi outbox send --loop (als aparte dienst, zie README).""")


COMMANDS = (user_cli, setup_command)
