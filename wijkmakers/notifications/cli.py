"""`flask outbox ...`: deliver the outbox, once (cron) or as a long-running service."""
import logging
import signal
import threading

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from ..core.errors import DomainError
from ..core.timeutil import nl_datetime
from ..extensions import db
from . import sender, services

log = logging.getLogger("wijkmakers.notifications")

outbox_cli = AppGroup("outbox", help="De verzendlijst (outbox): e-mail versturen, bekijken en opnieuw proberen.")

# Set by SIGTERM/SIGINT while looping: the current message is finished, then the loop stops.
_stop = threading.Event()


def _wait(seconds: float) -> bool:
    """Sleep between rounds; True when asked to stop."""
    return _stop.wait(seconds)


def _summary(result: sender.SendResult) -> str:
    return (f"{result.sent} verstuurd, {result.deferred} uitgesteld (nieuwe poging later), "
            f"{result.failed} opgegeven.")


def _install_signal_handlers() -> None:
    def _handle(signum, _frame):
        log.info("outbox sender stopping after signal %s", signum)
        _stop.set()

    try:
        signal.signal(signal.SIGTERM, _handle)
        signal.signal(signal.SIGINT, _handle)
    except ValueError:
        pass  # not the main thread (tests): rely on _wait being told to stop


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10000),
              help="Hoeveel berichten hoogstens per ronde worden verstuurd.")
@click.option("--once/--loop", "once", default=True, show_default=True,
              help="Eén ronde en dan stoppen (voor cron), of blijven draaien als dienst (systemd).")
@click.option("--interval", default=30, show_default=True, type=click.IntRange(1, 3600),
              help="Met --loop: seconden wachten tussen twee rondes.")
def send_command(limit, once, interval):
    """Verstuur de e-mail die klaarstaat via de SMTP-server uit de instellingen (MAIL_*).

    Veilig met meerdere verzenders tegelijk (bijvoorbeeld op twee app-servers): elk bericht gaat één
    keer weg. Lukt het niet, dan volgt later een nieuwe poging; na te veel pogingen krijgt het bericht
    de status 'mislukt' en blijft het bewaard (zie 'flask outbox status' en de Verzendlijst).
    """
    if once:
        result = sender.send_due(limit=limit)
        click.echo(_summary(result))
        return
    _stop.clear()
    _install_signal_handlers()
    click.echo(f"Verzender draait; elke {interval} seconden een ronde. Stop met Ctrl+C of SIGTERM.")
    while not _stop.is_set():
        full_batch = False
        try:
            result = sender.send_due(limit=limit)
            full_batch = result.claimed >= limit
            if result.claimed:
                click.echo(_summary(result))
        except SQLAlchemyError:
            # The database is away for a moment (restart, failover): try again next round.
            log.exception("outbox round failed")
            db.session.rollback()
        finally:
            db.session.remove()  # hold no connection or transaction while waiting
        if not full_batch and _wait(interval):
            break
    click.echo("Verzender gestopt.")


@outbox_cli.command("status")
def status_command():
    """Toon hoeveel berichten wachten, verstuurd of mislukt zijn, en de laatste fouten."""
    counts = services.outbox_counts()
    click.echo(f"wachtend: {counts.pending} (waarvan {counts.retrying} na een mislukte poging), "
               f"verstuurd: {counts.sent}, mislukt: {counts.failed}")
    if counts.oldest_pending:
        click.echo(f"oudste wachtende bericht: {nl_datetime(counts.oldest_pending)}")
    for message in services.recent_problems(limit=10):
        state = "mislukt" if message.failed_at else f"poging {message.attempts}"
        click.echo(f"  #{message.id} {message.recipient} ({state}): {message.last_error}")


@outbox_cli.command("retry")
@click.option("--id", "message_id", type=int, help="Alleen dit bericht (nummer uit 'flask outbox status').")
def retry_command(message_id):
    """Zet mislukte berichten terug in de rij; de volgende ronde verstuurt ze opnieuw."""
    try:
        if message_id is not None:
            services.retry_message(message_id, actor_id=None)
            click.echo(f"Bericht #{message_id} staat weer klaar.")
        else:
            click.echo(f"{services.retry_failed(actor_id=None)} mislukte bericht(en) staan weer klaar.")
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc


@outbox_cli.command("purge")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, None),
              help="Verwijder verstuurde berichten die ouder zijn dan dit aantal dagen.")
def purge_command(days):
    """Ruim oude verstuurde berichten op (privacy). Berichten die nog niet verstuurd zijn blijven staan."""
    click.echo(f"{services.purge_sent(days)} verstuurde bericht(en) verwijderd.")


COMMANDS = (outbox_cli,)
