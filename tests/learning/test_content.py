"""Content sync: modules by slug, idempotent, archived when removed, all or nothing on a bad file."""
import re

import pytest
from sqlalchemy import func, select

from wijkmakers.extensions import db
from wijkmakers.learning.content import ContentError, sync_modules
from wijkmakers.learning.models import Module, ModuleProgress

from .helpers import copy_fixtures, study

GOOD = """---
slug: {slug}
title: {title}
order: 4
theme: energietransitie
study_hours: 2
learning_goals:
  - Je kent de warmtevisie van je buurt.
---

Tekst over energie.
"""


def _modules():
    return {m.slug: m for m in db.session.scalars(select(Module))}


def test_sync_creates_then_is_idempotent(app, tmp_path):
    folder = copy_fixtures(tmp_path / "m")
    report = sync_modules(folder)
    assert sorted(report.created) == ["goed-gesprek", "samen-beslissen", "wijk-verkennen"]
    module = _modules()["wijk-verkennen"]
    assert module.title == "De wijk verkennen" and module.position == 1 and module.study_hours == 3
    assert module.learning_goals[0].startswith("Je brengt")
    assert "<strong>de wijk</strong>" in module.body_html and module.source_file == "01-wijk-verkennen.md"
    again = sync_modules(folder)
    assert again.created == again.updated == again.archived == []
    assert sorted(again.unchanged) == ["goed-gesprek", "samen-beslissen", "wijk-verkennen"]
    assert not again.changed


def test_changed_file_updates_its_module_and_keeps_the_id(app, tmp_path):
    folder = copy_fixtures(tmp_path / "m")
    sync_modules(folder)
    before = _modules()["samen-beslissen"].id
    path = folder / "02-samen-beslissen.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Samen beslissen", "title: Samen besluiten"),
                    encoding="utf-8")
    report = sync_modules(folder)
    assert report.updated == ["samen-beslissen"]
    module = _modules()["samen-beslissen"]
    assert module.id == before and module.title == "Samen besluiten"


def test_renamed_file_with_the_same_slug_keeps_module_and_progress(app, make, tmp_path):
    folder = copy_fixtures(tmp_path / "m")
    sync_modules(folder)
    module = _modules()["goed-gesprek"]
    user = make.user()
    study(user, module)
    (folder / "03-goed-gesprek.md").rename(folder / "07-het-goede-gesprek.md")
    report = sync_modules(folder)
    assert report.updated == ["goed-gesprek"] and report.created == [] and report.archived == []
    module = _modules()["goed-gesprek"]
    assert module.source_file == "07-het-goede-gesprek.md" and module.archived_at is None
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) == 1


def test_changed_slug_is_a_new_module_and_the_old_one_is_archived(app, tmp_path):
    folder = copy_fixtures(tmp_path / "m")
    sync_modules(folder)
    path = folder / "03-goed-gesprek.md"
    path.write_text(path.read_text(encoding="utf-8").replace("slug: goed-gesprek", "slug: gesprekstechniek"),
                    encoding="utf-8")
    report = sync_modules(folder)
    assert report.created == ["gesprekstechniek"] and report.archived == ["goed-gesprek"]


def test_removed_file_archives_and_keeps_progress_and_returns_when_restored(app, make, tmp_path):
    folder = copy_fixtures(tmp_path / "m")
    sync_modules(folder)
    module = _modules()["wijk-verkennen"]
    user = make.user()
    study(user, module)
    saved = (folder / "01-wijk-verkennen.md").read_bytes()
    (folder / "01-wijk-verkennen.md").unlink()
    report = sync_modules(folder)
    assert report.archived == ["wijk-verkennen"]
    assert _modules()["wijk-verkennen"].archived_at is not None
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress)
                             .where(ModuleProgress.module_id == module.id)) == 1
    assert sync_modules(folder).archived == []  # archiving once, not again
    (folder / "01-wijk-verkennen.md").write_bytes(saved)
    report = sync_modules(folder)
    assert report.updated == ["wijk-verkennen"] and _modules()["wijk-verkennen"].archived_at is None


@pytest.mark.parametrize("front,needle", [
    ("slug: x-y\ntitle: X\norder: 1\ntheme: t\nstudy_hours: 2\n", "veld 'learning_goals' ontbreekt"),
    ("slug: x-y\ntitle: X\norder: een\ntheme: t\nstudy_hours: 2\nlearning_goals: [a]\n",
     "veld 'order' moet een geheel getal"),
    ("slug: x-y\ntitle: X\norder: 1\ntheme: t\nstudy_hours: true\nlearning_goals: [a]\n", "veld 'study_hours'"),
    ("slug: X Y\ntitle: X\norder: 1\ntheme: t\nstudy_hours: 2\nlearning_goals: [a]\n", "veld 'slug'"),
    ("slug: x-y\ntitle: ''\norder: 1\ntheme: t\nstudy_hours: 2\nlearning_goals: [a]\n", "veld 'title' is leeg"),
    ("slug: x-y\ntitle: X\norder: 1\ntheme: t\nstudy_hours: 2\nlearning_goals: []\n", "veld 'learning_goals'"),
    ("slug: x-y\ntitle: X\norder: 1\ntheme: t\nstudy_hours: 2\nlearning_goals: [1, 2]\n", "veld 'learning_goals'"),
    ("slug: x-y\ntitle: [unclosed\n", "geen geldige YAML"),
])
def test_malformed_file_stops_the_sync_and_names_file_and_field(app, tmp_path, front, needle):
    folder = copy_fixtures(tmp_path / "m")
    (folder / "05-kapot.md").write_text(f"---\n{front}---\n\nTekst.\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        sync_modules(folder)
    assert "05-kapot.md" in str(info.value) and needle in str(info.value)
    assert _modules() == {}  # nothing half-loaded: the good files were not written either


def test_a_bad_file_leaves_earlier_content_untouched(app, tmp_path):
    folder = copy_fixtures(tmp_path / "m")
    sync_modules(folder)
    path = folder / "02-samen-beslissen.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Samen beslissen", "title: Nieuw"),
                    encoding="utf-8")
    (folder / "09-leeg.md").write_text(GOOD.format(slug="leeg", title="Leeg").replace("Tekst over energie.", ""),
                                      encoding="utf-8")
    with pytest.raises(ContentError, match="09-leeg.md: de tekst van de module"):
        sync_modules(folder)
    db.session.expire_all()
    assert _modules()["samen-beslissen"].title == "Samen beslissen" and "leeg" not in _modules()


def test_duplicate_slug_and_bad_encoding_are_refused(app, tmp_path):
    folder = copy_fixtures(tmp_path / "m")
    (folder / "04-dubbel.md").write_text(GOOD.format(slug="wijk-verkennen", title="Dubbel"), encoding="utf-8")
    with pytest.raises(ContentError, match="04-dubbel.md: veld 'slug' \\(wijk-verkennen\\) komt ook voor in "
                                           "01-wijk-verkennen.md"):
        sync_modules(folder)
    (folder / "04-dubbel.md").write_bytes("---\nslug: a\n---\ncaf\xe9".encode("latin-1"))
    with pytest.raises(ContentError, match="04-dubbel.md: het bestand is geen geldige UTF-8"):
        sync_modules(folder)


def test_byte_order_mark_is_accepted(app, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "01-energie.md").write_bytes("\ufeff".encode() + GOOD.format(slug="energie", title="Energie").encode())
    assert sync_modules(folder).created == ["energie"]


def test_empty_folder_never_archives_everything(app, tmp_path):
    sync_modules(copy_fixtures(tmp_path / "m"))
    empty = tmp_path / "leeg"
    empty.mkdir()
    with pytest.raises(ContentError, match="geen modulebestanden"):
        sync_modules(empty)
    with pytest.raises(ContentError, match="bestaat niet"):
        sync_modules(tmp_path / "bestaat-niet")
    assert all(m.archived_at is None for m in _modules().values())


def test_module_text_is_rendered_and_sanitised(app, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    body = GOOD.format(slug="veilig", title="Veilig").replace(
        "Tekst over energie.", "<script>alert(1)</script>\n\n[klik](javascript:alert(1)) en [site](https://example.org)")
    (folder / "01-veilig.md").write_text(body, encoding="utf-8")
    sync_modules(folder)
    html = _modules()["veilig"].body_html
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">site</a>' in html


def test_cli_reports_in_dutch_and_fails_on_a_bad_file(app, tmp_path):
    folder = copy_fixtures(tmp_path / "m")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "sync", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Nieuw:" in result.output and "wijk-verkennen" in result.output and "Gearchiveerd:" in result.output
    again = runner.invoke(args=["content", "sync", "--dir", str(folder)])
    assert again.exit_code == 0 and re.search(r"Ongewijzigd:\s+3", again.output)
    assert "Niets veranderd." in again.output
    (folder / "01-wijk-verkennen.md").unlink()
    removed = runner.invoke(args=["content", "sync", "--dir", str(folder)])
    assert re.search(r"Gearchiveerd:\s+1  wijk-verkennen", removed.output)
    (folder / "08-fout.md").write_text("---\nslug: fout\n---\nTekst\n", encoding="utf-8")
    failed = runner.invoke(args=["content", "sync", "--dir", str(folder)])
    assert failed.exit_code == 1
    assert "er is niets gewijzigd" in failed.output and "08-fout.md: veld 'title' ontbreekt" in failed.output
    help_text = runner.invoke(args=["content", "sync", "--help"])
    assert help_text.exit_code == 0 and "gearchiveerd" in help_text.output


def test_project_content_folder_syncs(app):
    """The real module texts (being written alongside) must pass the same checks."""
    report = sync_modules(app.config["CONTENT_DIR"])
    assert not report.updated and not report.archived
