"""The filter form of the statistics pages (GET, no CSRF: it changes nothing)."""
from flask_wtf import FlaskForm

from ..auth.models import NEIGHBOURHOODS
from ..core.forms import SelectField
from .filters import COUNTS, MEASURES, ORG_TYPE_CHOICES, PARTNER_CHOICES, PERSON_KINDS, Filters


class FiltersForm(FlaskForm):
    class Meta:
        csrf = False

    meting = SelectField("Meting", choices=list(MEASURES.items()),
                         description="Aanwezig volgens de presentielijst, of bevestigd aangemeld.")
    telling = SelectField("Telling", choices=list(COUNTS.items()),
                          description="Iedereen één keer per jaar, of elke deelname apart.")
    wijk = SelectField("Woonwijk deelnemer", choices=[("", "Alle wijken"), *[(n, n) for n in NEIGHBOURHOODS]])
    organisatietype = SelectField("Type organisatie", choices=[("", "Alle typen"), *ORG_TYPE_CHOICES.items()])
    soort = SelectField("Bewoner of professional", choices=[("", "Allebei"), *PERSON_KINDS.items()])
    partner = SelectField("Partner", choices=[("", "Alle"), *PARTNER_CHOICES.items()])
    jaar = SelectField("Jaar", choices=[])


def filters_form(filters: Filters, years: list[int], year_label: str, all_years: str | None = None) -> FiltersForm:
    """The form showing ``filters``; ``all_years`` adds an empty choice with that label."""
    form = FiltersForm(formdata=None, data=filters.as_args())
    form.jaar.label.text = year_label
    choices = [(str(y), str(y)) for y in reversed(years)]
    form.jaar.choices = ([("", all_years)] if all_years else []) + choices
    if not all_years and not filters.year:
        form.jaar.data = str(years[-1])
    return form
