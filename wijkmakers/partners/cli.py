"""Commands of the partner feature."""
import click
from flask.cli import AppGroup

from . import retention

partners_cli = AppGroup("partners", help="Partnerorganisaties: onderhoud van geüploade personeelslijsten.")


@partners_cli.command("purge-imports")
@click.option("--days", type=click.IntRange(0, 3650), default=None,
              help="Bewaartermijn in dagen (standaard STAFF_IMPORT_RETENTION_DAYS, 7).")
def purge_imports_command(days):
    """Verwijder geüploade personeelslijsten die ouder zijn dan de bewaartermijn.

    Veilig om vaak te draaien; plan het dagelijks (cron of systemd-timer, zie README).
    """
    removed = retention.purge_imports(days=days)
    click.echo(f"{removed} personeelslijst{'en' if removed != 1 else ''} verwijderd.")


COMMANDS = (partners_cli,)
