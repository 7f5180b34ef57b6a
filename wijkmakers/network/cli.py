"""Commands of the network feature."""
import click
from flask.cli import AppGroup

from . import followups

network_cli = AppGroup("network", help="Het netwerk: opvolging van actieplannen.")


@network_cli.command("followups")
@click.option("--limit", type=click.IntRange(1, 100000), default=None,
              help="Stuur hoogstens zoveel herinneringen in deze ronde.")
def followups_command(limit):
    """Mail deelnemers van wie een actieplan drie maanden oud is: wat is ervan gekomen?

    Veilig om vaak te draaien (bijvoorbeeld dagelijks): iedereen krijgt per actieplan één herinnering.
    De mails komen in de outbox; `flask outbox send` verstuurt ze.
    """
    sent = followups.send_followups(limit=limit)
    click.echo(f"{sent} herinnering{'en' if sent != 1 else ''} in de outbox gezet.")


COMMANDS = (network_cli,)
