"""Module texts in the browser: editing with a preview, every version kept with who and when, differences,
restoring; `content sync` reporting a conflict instead of overwriting; bad input and the denials."""
from pathlib import Path

from sqlalchemy import func, select

from wijkmakers.extensions import db
from wijkmakers.learning.content import sync_modules
from wijkmakers.learning.models import Module, ModuleVersion

from ..conftest import login
from .helpers import copy_fixtures


def _form(module, **changes):
    data = {"title": module.title, "theme": module.theme, "study_hours": str(module.study_hours),
            "learning_goals": "\n".join(module.learning_goals), "body": module.body_markdown, "actie": "opslaan"}
    return data | changes


def _versions(module):
    return list(db.session.scalars(select(ModuleVersion).where(ModuleVersion.module_id == module.id)
                                   .order_by(ModuleVersion.number)))


def test_organiser_edits_a_text_and_every_version_is_kept(client, course):
    login(client, course.organiser)
    module = course.modules[0]
    url = f"/leergangen/modules/{module.id}/bewerken"
    assert module.title in client.get("/leergangen/modules").text
    assert client.get(url).status_code == 200

    new_body = "## Inleiding\n\nZonnebloemveld **tekst** over de wijk.\n\n<script>alert(1)</script>\n"
    preview = client.post(url, data=_form(module, body=new_body, actie="voorbeeld"))
    assert preview.status_code == 200 and "<strong>tekst</strong>" in preview.text
    assert "<script>alert(1)</script>" not in preview.text.split("Voorbeeld (nog niet opgeslagen)")[1]
    db.session.expire_all()
    assert "Zonnebloemveld" not in module.body_markdown
    assert [v.origin for v in _versions(module)] == ["bestand"]  # loaded from the file; a preview saves nothing

    response = client.post(url, data=_form(module, body=new_body, learning_goals="- Eerste doel\n\n* Tweede doel"))
    assert response.status_code == 302
    db.session.expire_all()
    assert module.learning_goals == ["Eerste doel", "Tweede doel"]
    assert "<strong>tekst</strong>" in module.body_html and "<script>" not in module.body_html
    assert module.edited_at is not None
    first, second = _versions(module)
    assert (first.origin, first.saved_by_id) == ("bestand", None)  # the file's text, kept before the first edit
    assert (second.origin, second.saved_by_id) == ("browser", course.organiser.id)

    # Saving the same text again makes no version.
    client.post(url, data=_form(module))
    assert len(_versions(module)) == 2

    history = client.get(f"/leergangen/modules/{module.id}/versies").text
    assert "Versie 2" in history and course.organiser.name in history and "Uit het bestand geladen" in history
    diff = client.get(f"/leergangen/modules/{module.id}/versies/{second.id}").text
    assert "Toegevoegd: </span>+ Zonnebloemveld **tekst** over de wijk." in diff and "Verwijderd: " in diff

    restored = client.post(f"/leergangen/modules/{module.id}/versies/{first.id}/terugzetten")
    assert restored.status_code == 302
    db.session.expire_all()
    assert module.body_markdown == first.body_markdown
    assert [v.origin for v in _versions(module)] == ["bestand", "browser", "hersteld"]
    # Restoring what is already the text is refused with a sentence.
    again = client.post(f"/leergangen/modules/{module.id}/versies/{first.id}/terugzetten", follow_redirects=True)
    assert "gelijk aan de huidige tekst" in again.text and len(_versions(module)) == 3


def test_new_module_in_the_browser(client, course):
    login(client, course.organiser)
    response = client.post("/leergangen/modules/nieuw", data={
        "title": "Wijkeconomie", "theme": "economie", "study_hours": "3", "learning_goals": "Je kent de wijkeconomie.",
        "body": "## Inleiding\n\nOver ondernemen in de wijk.", "actie": "opslaan"})
    assert response.status_code == 302
    module = db.session.scalar(select(Module).where(Module.title == "Wijkeconomie"))
    assert module.slug == "wijkeconomie" and module.source_file is None
    assert [v.origin for v in _versions(module)] == ["browser"]


def test_bad_input_keeps_the_typed_text_and_saves_nothing(client, course):
    login(client, course.organiser)
    module = course.modules[0]
    url = f"/leergangen/modules/{module.id}/bewerken"
    typed = "## Mijn lange nieuwe tekst\n\nDie mag niet verloren gaan."
    for changes, message in (
        ({"title": ""}, "Geef de module een titel"),
        ({"study_hours": "500"}, "0 tot 200 uur"),
        ({"study_hours": "veel"}, "Ongeldig getal"),
        ({"learning_goals": "\n".join(f"Doel {n}" for n in range(13))}, "Hoogstens 12 leerdoelen"),
        ({"learning_goals": ""}, "minstens één leerdoel"),
        ({"body": "x" * 100_001}, "hoogstens 100000 tekens"),
    ):
        response = client.post(url, data=_form(module, **{"body": typed} | changes))
        assert response.status_code == 422 and message in response.text, (changes, message)
        if "body" not in changes:
            assert "Die mag niet verloren gaan." in response.text
    db.session.expire_all()
    assert len(_versions(module)) == 1 and module.edited_at is None
    assert client.post("/leergangen/modules/nieuw", data={"title": "", "actie": "opslaan"}).status_code == 422
    assert db.session.scalar(select(func.count(Module.id))) == len(course.modules)


def test_content_sync_reports_a_conflict_instead_of_overwriting(client, course, tmp_path, app):
    login(client, course.organiser)
    module = course.modules[0]
    client.post(f"/leergangen/modules/{module.id}/bewerken", data=_form(module, body="## Tekst uit de browser\n\nJa."))
    folder = copy_fixtures(tmp_path / "sync")
    runner = app.test_cli_runner()

    unchanged = runner.invoke(args=["content", "sync", "--dir", str(folder)])
    assert unchanged.exit_code == 0 and "Conflict" not in unchanged.output
    db.session.expire_all()
    assert "Tekst uit de browser" in module.body_markdown

    path = next(p for p in Path(folder).glob("*.md") if f"slug: {module.slug}" in p.read_text())
    path.write_text(path.read_text() + "\nEen nieuwe alinea in het bestand.\n")
    conflict = runner.invoke(args=["content", "sync", "--dir", str(folder)])
    assert conflict.exit_code == 0 and "Conflict:" in conflict.output and module.slug in conflict.output
    db.session.expire_all()
    assert "Tekst uit de browser" in module.body_markdown

    forced = runner.invoke(args=["content", "sync", "--dir", str(folder), "--use-file", module.slug])
    assert forced.exit_code == 0 and "Conflict" not in forced.output
    db.session.expire_all()
    assert "Een nieuwe alinea in het bestand." in module.body_markdown and module.edited_at is None
    assert [v.origin for v in _versions(module)][-1] == "bestand"


def test_sync_never_archives_a_module_made_in_the_browser(client, course, tmp_path):
    login(client, course.organiser)
    client.post("/leergangen/modules/nieuw", data={"title": "Eigen module", "theme": "t", "study_hours": "1",
                                                   "learning_goals": "Doel", "body": "Tekst", "actie": "opslaan"})
    report = sync_modules(copy_fixtures(tmp_path / "again"))
    module = db.session.scalar(select(Module).where(Module.title == "Eigen module"))
    assert module.archived_at is None and module.slug not in report.archived


def test_only_organisers_write_module_texts(client, course, make):
    module = course.modules[0]
    paths = ["/leergangen/modules", "/leergangen/modules/nieuw", f"/leergangen/modules/{module.id}/bewerken",
             f"/leergangen/modules/{module.id}/versies"]
    for role in ("deelnemer", "begeleider", "partnercontact", "beheerder", "coordinator"):
        login(client, make.user(roles=(role,)))
        for path in paths:
            assert client.get(path).status_code == 403, (role, path)
        edit = client.post(f"/leergangen/modules/{module.id}/bewerken", data=_form(module, title="X"))
        assert edit.status_code == 403
    db.session.expire_all()
    assert module.title != "X"
    login(client, course.organiser)
    assert client.get("/leergangen/modules/999999/bewerken").status_code == 404
    other = course.modules[1]
    client.post(f"/leergangen/modules/{other.id}/bewerken", data=_form(other, body="Anders."))
    version = _versions(other)[-1]
    assert client.get(f"/leergangen/modules/{module.id}/versies/{version.id}").status_code == 404
    assert client.post(f"/leergangen/modules/{module.id}/versies/{version.id}/terugzetten").status_code == 404


def test_a_module_synced_before_versions_existed_keeps_its_file_text_at_the_first_edit(client, course):
    module = course.modules[0]
    original = module.body_markdown
    db.session.execute(ModuleVersion.__table__.delete())
    db.session.commit()
    login(client, course.organiser)
    client.post(f"/leergangen/modules/{module.id}/bewerken", data=_form(module, body="Andere tekst."))
    first, second = _versions(module)
    assert (first.origin, first.body_markdown) == ("bestand", original)
    assert (second.origin, second.body_markdown) == ("browser", "Andere tekst.")
