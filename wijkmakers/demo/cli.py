import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import data

demo_cli = AppGroup("demo", help="Demogegevens laden.")


def _refuse_in_production() -> None:
    # The demo opens accounts, an administrator among them, with the password the README publishes.
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException(
            "De demo wordt niet geladen in productie (WIJKMAKERS_ENV=production): zij maakt accounts met een "
            "openbaar wachtwoord. Richt het portaal in met `flask --app wsgi setup`.")


@demo_cli.command("load")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 500),
              help="Vermenigvuldig de hoeveelheid gegevens (voor benchmarks).")
@click.option("--reset", is_flag=True, help="Wis eerst alle bestaande gegevens.")
def load_command(scale, reset):
    """Vul de database met de demo-academie."""
    _refuse_in_production()
    if not data.database_is_empty():
        if not reset:
            raise click.ClickException(
                "De database bevat al gegevens. Gebruik --reset om alles te wissen en de demo opnieuw te laden.")
        data.reset_database()
    try:
        summary = data.load_demo(current_app.config["CONTENT_DIR"], scale=scale)
    except data.DemoDateError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Demo geladen (schaal {scale}): {summary.organisations} organisaties, {summary.users} personen, "
               f"{summary.activities} activiteiten, {summary.attendance} aanwezigheidsregels.")
    click.echo(f"Demo-logins (wachtwoord voor allemaal: {data.DEMO_PASSWORD}):")
    for login in summary.logins:
        click.echo(f"  {login.email:38} {login.role:15} {login.description}")


@demo_cli.command("load-if-empty", hidden=True)
def load_if_empty_command():
    """Laad de demo alleen als de database leeg is (gebruikt door make run)."""
    _refuse_in_production()
    if data.database_is_empty():
        load_command.callback(scale=1, reset=False)
    else:
        click.echo("De database bevat al gegevens; demo niet opnieuw geladen.")
    db.session.remove()


COMMANDS = (demo_cli,)
