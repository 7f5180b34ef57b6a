"""Commands of the activities feature: reminders before an activity and feedback invitations after it.

Both are safe to run often (for example every hour from cron): each person gets each mail once. The
mails go into the outbox; `flask outbox send` delivers them.
"""
from datetime import timedelta

import click
from flask.cli import AppGroup

from . import feedback, reminders

reminders_cli = AppGroup("reminders", help="Herinneringen voor activiteiten.")
feedback_cli = AppGroup("feedback", help="Evaluaties van activiteiten.")


@reminders_cli.command("send")
@click.option("--hours", type=click.IntRange(1, 24 * 14), default=48, show_default=True,
              help="Herinner aan activiteiten die binnen zoveel uur beginnen.")
def send_reminders_command(hours):
    """Zet een herinnering in de outbox voor iedereen met een bevestigde plek bij een activiteit die
    binnenkort begint (standaard: binnen twee dagen), met de activiteit als agenda-bijlage (.ics).

    Iedereen krijgt per aanmelding hoogstens één herinnering, ook als je dit vaker draait.
    """
    sent = reminders.send_reminders(ahead=timedelta(hours=hours))
    click.echo(f"{sent} herinnering{'en' if sent != 1 else ''} in de outbox gezet.")


@feedback_cli.command("invite")
@click.option("--days", type=click.IntRange(1, 365), default=14, show_default=True,
              help="Nodig uit voor activiteiten die in de afgelopen zoveel dagen zijn afgelopen.")
def invite_feedback_command(days):
    """Vraag iedereen die aanwezig was bij een afgelopen activiteit om een cijfer en een opmerking.

    Iedereen krijgt per activiteit hoogstens één uitnodiging, ook als je dit vaker draait.
    """
    sent = feedback.invite_feedback(within=timedelta(days=days))
    click.echo(f"{sent} uitnodiging{'en' if sent != 1 else ''} in de outbox gezet.")


COMMANDS = (reminders_cli, feedback_cli)
