"""flask --app wsgi content sync: load the module texts from content/modules into the database."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .content import ContentError, sync_modules

content_cli = AppGroup("content", help="Lesmateriaal (modules) beheren.")


def _line(label: str, slugs: list[str]) -> str:
    return f"{label:<13} {len(slugs):>3}" + (f"  {', '.join(slugs)}" if slugs else "")


@content_cli.command("sync")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Map met de modulebestanden (standaard: content/modules van het project).")
@click.option("--use-file", "use_file", multiple=True, metavar="SLUG",
              help="Laad het bestand van deze module ook als de tekst in de browser is bewerkt (meermaals te geven).")
def sync_command(directory, use_file):
    """Laad de modules uit content/modules/*.md in de database (op slug).

    Nieuwe bestanden worden nieuwe modules, gewijzigde bestanden werken hun module bij en een module
    waarvan het bestand weg is, wordt gearchiveerd (de voortgang van deelnemers blijft bewaard).
    Is één bestand onjuist, dan verandert er niets en noemt de foutmelding het bestand en het veld.
    Nogmaals draaien zonder wijzigingen verandert niets. Een module die in de browser is bewerkt, wordt
    nooit overschreven: is het bestand ook gewijzigd, dan meldt de opdracht een conflict.
    """
    folder = directory or Path(current_app.config["CONTENT_DIR"])
    try:
        report = sync_modules(folder, use_file=tuple(use_file))
    except ContentError as exc:
        raise click.ClickException(f"Synchroniseren afgebroken, er is niets gewijzigd. {exc}") from exc
    click.echo(f"Modules gesynchroniseerd uit {folder}:")
    click.echo(_line("Nieuw:", report.created))
    click.echo(_line("Bijgewerkt:", report.updated))
    click.echo(_line("Ongewijzigd:", report.unchanged))
    click.echo(_line("Gearchiveerd:", report.archived))
    if report.conflicts:
        click.echo(_line("Conflict:", report.conflicts))
        click.echo("Deze modules zijn in de browser bewerkt én hun bestand is gewijzigd; het bestand is niet "
                   "geladen. Neem de wijziging over in de browser, of laad het bestand toch met "
                   "--use-file SLUG (de browserversie blijft in de geschiedenis van de module).")
    if not report.changed:
        click.echo("Niets veranderd.")


COMMANDS = (content_cli,)
