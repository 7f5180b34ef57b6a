"""The project's select field writes the same HTML as WTForms' own; a required select starts with an empty
choice; the CSRF field has no id (pages with one form per row)."""
import wtforms
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired

from wijkmakers.core.forms import RequiredSelectField, SelectField

CHOICES = [("", "Alle wijken"), ("oost", "Oost & <Noord>"), ('a"b', "Aanhalingsteken"), (3, "Drie"),
           (True, "Ja"), ("leeg", "")]


def _forms(selected):
    class Quick(FlaskForm):
        keuze = SelectField("Keuze", choices=CHOICES)

    class Plain(FlaskForm):
        keuze = wtforms.SelectField("Keuze", choices=CHOICES)

    return Quick(meta={"csrf": False}, data={"keuze": selected}), Plain(meta={"csrf": False}, data={"keuze": selected})


def test_quick_select_renders_every_option_as_wtforms_does(app):
    with app.test_request_context("/"):
        for selected in ("", "oost", 'a"b', 3, True, "leeg", "onbekend"):
            quick, plain = _forms(selected)
            assert str(quick.keuze()) == str(plain.keuze())
            assert str(quick.keuze(**{"aria-describedby": "hulp"})) == str(plain.keuze(**{"aria-describedby": "hulp"}))
        quick, _ = _forms("oost")
        assert '<option selected value="oost">Oost &amp; &lt;Noord&gt;</option>' in str(quick.keuze())


def test_options_with_their_own_attributes_fall_back_to_wtforms(app):
    with app.test_request_context("/"):
        class Quick(FlaskForm):
            keuze = SelectField("Keuze", choices=[("a", "A", {"disabled": True}), ("b", "B")])

        assert '<option disabled value="a">A</option>' in str(Quick(meta={"csrf": False}).keuze())


class _Required(FlaskForm):
    kind = RequiredSelectField("Soort", choices=[("wandeling", "Wandeling"), ("lezing", "Lezing")],
                               validators=[InputRequired("Kies een soort.")], placeholder="Kies een soort …")
    group = RequiredSelectField("Groep", coerce=int, choices={"Leergangen": [(1, "Een"), (2, "Twee")]},
                                validate_choice=False)


def test_a_required_select_starts_with_an_empty_choice(app):
    with app.test_request_context("/"):
        form = _Required(meta={"csrf": False})
        html = str(form.kind())
        assert html.startswith('<select id="kind" name="kind" required><option value="">Kies een soort …</option>'
                               '<option value="wandeling">')
        grouped = str(form.group())
        assert grouped.index('<option value="">Kies …</option>') < grouped.index("<optgroup")
        chosen = _Required(meta={"csrf": False}, data={"kind": "lezing"})
        assert '<option selected value="lezing">' in str(chosen.kind())


def test_an_empty_required_choice_gets_the_fields_message(app):
    with app.test_request_context("/", method="POST"):
        form = _Required(MultiDict({"kind": "", "group": ""}), meta={"csrf": False})
        assert not form.validate()
        assert form.kind.errors == ["Kies een soort."] and form.group.errors == ["Maak een keuze."]
        form = _Required(MultiDict({"kind": "lezing", "group": "2"}), meta={"csrf": False})
        assert form.validate() and (form.kind.data, form.group.data) == ("lezing", 2)
        assert not _Required(MultiDict({"kind": "taart", "group": "2"}), meta={"csrf": False}).validate()


def test_the_csrf_field_has_no_id(app):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context("/"):
        html = str(_Required().csrf_token)
        assert html.startswith('<input name="csrf_token" type="hidden" value="') and "id=" not in html
