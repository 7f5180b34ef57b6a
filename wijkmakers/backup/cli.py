"""`flask backup ...`: make, check and restore database backups."""
import click
from flask.cli import AppGroup

from ..core.errors import DomainError
from . import backups

backup_cli = AppGroup("backup", help="Back-ups van de database maken, controleren en terugzetten.")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} kB"


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--overwrite", is_flag=True, help="Een bestaand bestand PATH vervangen.")
def create_command(path, overwrite):
    """Maak een back-up van de database in het bestand PATH.

    Mag terwijl het portaal draait: de back-up is één samenhangende momentopname. SQLite gebruikt de
    online-back-up van SQLite, PostgreSQL pg_dump --format=custom (uit /usr/lib/postgresql/<versie>/bin,
    PG_BIN_DIR of PATH).
    """
    try:
        info = backups.create_backup(path, overwrite=overwrite)
    except (DomainError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Back-up gemaakt van {backups.describe_database()}: {info.path} ({_size(info.size)}).")


@backup_cli.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def check_command(path):
    """Controleer of PATH een bruikbare back-up van dit portaal is, zonder iets te veranderen."""
    try:
        info = backups.inspect_backup(path)
    except (DomainError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    revision = f", databaseversie {info.revision}" if info.revision else ""
    click.echo(f"In orde: {info.path} ({_size(info.size)}{revision}).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen (voor scripts).")
@click.option("--no-safety-copy", is_flag=True,
              help="Geen veiligheidskopie maken van de huidige database voordat die vervangen wordt.")
@click.option("--ignore-connections", is_flag=True,
              help="PostgreSQL: ook terugzetten als er nog andere verbindingen met de database zijn.")
def restore_command(path, yes, no_safety_copy, ignore_connections):
    """Zet de back-up in PATH terug: ALLE huidige gegevens worden vervangen.

    Stop eerst de app-servers en de verzender (flask outbox send --loop): het portaal mag niet
    draaien tijdens het terugzetten. Bij PostgreSQL weigert het terugzetten zolang er andere
    verbindingen met de database zijn. Eerst wordt gecontroleerd of PATH een back-up van dit portaal is;
    daarna wordt (tenzij --no-safety-copy) een veiligheidskopie van de huidige database gemaakt in de
    map van PATH. Voer na afloop 'flask --app wsgi db upgrade' uit als de back-up van een oudere versie
    van het portaal is, en start dan de app-servers weer.
    """
    try:
        backups.inspect_backup(path)
    except (DomainError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not yes:
        click.confirm(f"Alle gegevens in {backups.describe_database()} worden vervangen door de back-up "
                      f"{path}. Zijn de app-servers gestopt, en wil je doorgaan?", abort=True)
    try:
        kept = backups.restore_backup(path, safety_copy=not no_safety_copy,
                                       ignore_connections=ignore_connections)
    except (DomainError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if kept:
        click.echo(f"Veiligheidskopie van de database zoals die was: {kept}")
    click.echo("Back-up teruggezet. Voer zo nodig 'flask --app wsgi db upgrade' uit en start de app-servers weer.")


COMMANDS = (backup_cli,)
