"""Commands: the certificates of a cohort as a ZIP, and issuing the missing ones."""
import os
import time

import click
from flask.cli import AppGroup

from ..core.errors import DomainError
from ..extensions import db
from ..learning.models import Cohort
from . import documents, issuing, pdf

certificates_cli = AppGroup("certificates", help="Certificaten maken en uitreiken.")


@certificates_cli.command("zip")
@click.option("--cohort", "cohort_id", type=int, required=True, help="Id van de groep (cohort).")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Bestandsnaam van de zip, bijvoorbeeld certificaten.zip.")
@click.option("--workers", type=click.IntRange(1, 32), default=min(4, os.cpu_count() or 1), show_default=True,
              help="Aantal processen dat tegelijk pdf's maakt.")
def zip_command(cohort_id, out, workers):
    """Schrijf alle geldige certificaten van een groep als pdf's in één zip-bestand."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise click.ClickException(f"Er is geen groep met id {cohort_id}.")
    certificates = documents.cohort_certificates(cohort_id)
    if not certificates:
        raise click.ClickException(f"{cohort.label} heeft nog geen geldige certificaten.")
    started = time.perf_counter()
    files = documents.render_many(certificates, workers=workers)
    with open(out, "wb") as handle:
        handle.write(pdf.write_zip(files))
    click.echo(f"{len(files)} certificaten van {cohort.label} geschreven naar {out} "
               f"in {time.perf_counter() - started:.1f} s.")


@certificates_cli.command("issue-missing")
@click.option("--cohort", "cohort_id", type=int, required=True, help="Id van de groep (cohort).")
def issue_missing_command(cohort_id):
    """Reik certificaten uit aan iedereen in de groep die afrondde en er nog geen heeft."""
    try:
        created = issuing.issue_for_completed(cohort_id, issued_by=None)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{created} certificaten uitgereikt.")


COMMANDS = (certificates_cli,)
