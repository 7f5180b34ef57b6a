import click
from flask.cli import AppGroup

from . import services

backup_cli = AppGroup("backup", help="Back-ups maken en terugzetten.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
def create_command(path):
    """Maak een back-up van de database in PATH (mag terwijl het portaal draait)."""
    try:
        target = services.create_backup(path)
    except (services.BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Back-up gemaakt: {target}")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
def restore_command(path, yes):
    """Zet de back-up in PATH terug. Stop eerst de app-servers: alle huidige gegevens worden vervangen."""
    if not yes:
        click.confirm("Alle huidige gegevens worden vervangen door de back-up. Doorgaan?", abort=True)
    try:
        services.restore_backup(path)
    except (services.BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Back-up teruggezet.")


COMMANDS = (backup_cli,)
