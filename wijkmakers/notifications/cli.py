import time

import click
from flask.cli import AppGroup

from . import sender

outbox_cli = AppGroup("outbox", help="De verzendlijst (outbox) afhandelen.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="Maximaal aantal berichten per ronde.")
@click.option("--loop", is_flag=True, help="Blijf draaien en verstuur elke --interval seconden.")
@click.option("--interval", default=30, show_default=True, help="Seconden tussen twee rondes met --loop.")
def send_command(limit, loop, interval):
    """Verstuur de berichten die klaarstaan via SMTP (veilig met meerdere verzenders tegelijk)."""
    while True:
        result = sender.send_due(limit=limit)
        click.echo(f"{result['sent']} verstuurd, {result['failed']} mislukt (volgende poging later).")
        if not loop:
            break
        time.sleep(interval)


@outbox_cli.command("status")
def status_command():
    """Toon hoeveel berichten verstuurd, wachtend en opgegeven zijn."""
    counts = sender.outbox_counts()
    click.echo(f"verstuurd: {counts['sent']}, wachtend: {counts['pending']}, opgegeven: {counts['failed']}")


COMMANDS = (outbox_cli,)
