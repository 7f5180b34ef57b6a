"""The project's select field writes the same HTML as WTForms' own."""
import wtforms
from flask_wtf import FlaskForm

from wijkmakers.core.forms import SelectField

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
