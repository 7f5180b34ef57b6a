"""Forms of the learning feature; every message says in Dutch what to fix."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, StringField, TextAreaField,
                     TimeField)
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import RequiredSelectField, SelectField
from .models import PROGRAMME_KINDS


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


DATE_HINT = "Kies een geldige datum."
TIME_HINT = "Vul een tijd in als uu:mm, bijvoorbeeld 13:30."


_DUTCH = get_translations(["nl"])


class DutchForm(FlaskForm):
    """WTForms' own messages (a number or time that cannot be read) in Dutch too."""

    class Meta:
        def get_translations(self, form):
            return _DUTCH


class ActionForm(DutchForm):
    """A button that changes something: only the CSRF token."""


class CohortFields(DutchForm):
    name = StringField("Naam van de groep", filters=[strip], description="Bijvoorbeeld 2027-2028.",
                       validators=[DataRequired("Geef de groep een naam."),
                                   Length(max=60, message="Hoogstens 60 tekens.")])
    starts_on = DateField("Begindatum", validators=[DataRequired(DATE_HINT)])
    ends_on = DateField("Einddatum", validators=[DataRequired(DATE_HINT)])
    capacity = IntegerField("Aantal plaatsen", default=20,
                            validators=[InputRequired("Vul het aantal plaatsen in."),
                                        NumberRange(1, 500, "Kies een aantal tussen 1 en 500.")])
    open_for_requests = BooleanField("Deelnemers kunnen zich zelf aanmelden (de organisatie keurt goed)",
                                     default=True)

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("De einddatum ligt vóór de begindatum.")


class CohortForm(CohortFields):
    programme_id = RequiredSelectField("Leergang", coerce=_optional_int, validate_choice=False,
                                       validators=[InputRequired("Kies een leergang.")])
    plan_sessions = BooleanField("Plan meteen een bijeenkomst per module", default=True)
    first_session = DateField("Datum eerste bijeenkomst", validators=[Optional()],
                              description="Daarna volgt om de zoveel weken een bijeenkomst voor de volgende module.")
    session_time = TimeField("Begintijd", validators=[Optional()], default=None)
    duration_minutes = IntegerField("Duur in minuten", default=180,
                                    validators=[Optional(), NumberRange(15, 720, "Kies tussen 15 en 720 minuten.")])
    interval_weeks = IntegerField("Weken tussen de bijeenkomsten", default=4,
                                  validators=[Optional(), NumberRange(1, 26, "Kies tussen 1 en 26 weken.")])
    location = StringField("Plaats", filters=[strip], validators=[Optional(), Length(max=200)],
                           description="Bijvoorbeeld: Wijkcentrum De Dialoog, Paddepoel.")

    def validate_programme_id(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Kies een leergang uit de lijst.")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.plan_sessions.data:
            return ok
        needed = [(self.first_session, "Kies de datum van de eerste bijeenkomst."),
                  (self.session_time, TIME_HINT),
                  (self.duration_minutes, "Vul de duur in minuten in."),
                  (self.interval_weeks, "Vul het aantal weken tussen de bijeenkomsten in."),
                  (self.location, "Vul een plaats in.")]
        for f, message in needed:
            if not f.data and not f.errors:
                f.errors.append(message)
                ok = False
        return ok


class SessionForm(DutchForm):
    module_id = SelectField("Module", coerce=_optional_int, validate_choice=False, validators=[Optional()])
    title = StringField("Titel", filters=[strip], validators=[Optional(), Length(max=160)],
                        description="Leeg laten: de naam van de leergang en de module.")
    day = DateField("Datum", validators=[DataRequired(DATE_HINT)])
    start = TimeField("Begintijd", validators=[DataRequired(TIME_HINT)])
    end = TimeField("Eindtijd", validators=[DataRequired(TIME_HINT)])
    location = StringField("Plaats", filters=[strip], validators=[DataRequired("Vul een plaats in."),
                                                                  Length(max=200)])

    def validate_module_id(self, field):
        if field.data is not None and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Kies een module uit de lijst.")

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError("De eindtijd moet na de begintijd liggen.")


class CancelSessionForm(DutchForm):
    reason = TextAreaField("Reden van de annulering", filters=[strip],
                           description="De deelnemers krijgen deze reden in hun e-mail te zien.",
                           validators=[DataRequired("Geef een reden."),
                                       Length(min=5, max=500, message="Tussen 5 en 500 tekens.")])


class EmailForm(DutchForm):
    email = EmailField("E-mailadres", filters=[strip],
                       validators=[DataRequired("Vul een e-mailadres in."),
                                   Email("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")])


class MentorForm(DutchForm):
    email = EmailField("E-mailadres van de mentor", filters=[strip],
                       description="Leeg laten om de mentor te verwijderen.",
                       validators=[Optional(), Email("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")])


class RejectForm(DutchForm):
    reason = TextAreaField("Toelichting (optioneel)", filters=[strip],
                           description="Komt in de e-mail aan de aanvrager.",
                           validators=[Optional(), Length(max=500, message="Hoogstens 500 tekens.")])


class ProgrammeForm(DutchForm):
    name = StringField("Naam", filters=[strip], description="Bijvoorbeeld: Leergang Wijkontwikkeling 2027-2028.",
                       validators=[DataRequired("Geef de leergang een naam."),
                                   Length(max=120, message="Hoogstens 120 tekens.")])
    kind = RequiredSelectField("Soort", choices=list(PROGRAMME_KINDS.items()), placeholder="Kies de soort …",
                       description="De soort bepaalt in welke rij van de cijfers de deelnemers tellen.",
                       validators=[DataRequired("Kies de soort leergang.")])
    description = TextAreaField("Beschrijving", filters=[strip], validators=[Length(max=4000)],
                                description="Wat deelnemers leren en hoe de leergang verloopt.")
    audience = TextAreaField("Voor wie", filters=[strip], validators=[Length(max=1000)],
                             description="Bijvoorbeeld: bewoners en professionals uit de wijken van Groningen.")
    duration_months = IntegerField("Duur in maanden", default=10,
                                   validators=[InputRequired("Vul de duur in maanden in."),
                                               NumberRange(1, 60, "Kies een duur van 1 tot 60 maanden.")])


class ModuleTextForm(DutchForm):
    title = StringField("Titel", filters=[strip], validators=[DataRequired("Geef de module een titel."),
                                                              Length(max=160, message="Hoogstens 160 tekens.")])
    theme = StringField("Thema", filters=[strip], description="Bijvoorbeeld: gebiedsgericht werken.",
                        validators=[DataRequired("Vul het thema in."), Length(max=80, message="Hoogstens 80 tekens.")])
    study_hours = IntegerField("Studietijd in uren", default=4,
                               validators=[InputRequired("Vul de studietijd in uren in."),
                                           NumberRange(0, 200, "Kies een studietijd van 0 tot 200 uur.")])
    learning_goals = TextAreaField("Leerdoelen", description="Eén leerdoel per regel, bijvoorbeeld: Je kunt "
                                   "uitleggen wat gebiedsgericht werken is.",
                                   validators=[DataRequired("Schrijf minstens één leerdoel, één per regel.")])
    body = TextAreaField("Tekst van de module (Markdown)",
                         description="Kopjes met ##, zoals ## Inleiding, ## Casus: …, ## Reflectievragen en "
                                     "## Doe-opdracht. Opmaak: **vet**, *schuin*, lijstjes met - of 1.",
                         validators=[DataRequired("De tekst van de module is leeg.")])


class WorksheetForm(DutchForm):
    title = StringField("Titel", filters=[strip], description="Bijvoorbeeld: Werkblad buurtanalyse. Leeg: de "
                        "bestandsnaam.", validators=[Length(max=160, message="Hoogstens 160 tekens.")])
    bestand = FileField("Bestand", description="PDF, Word (.docx) of OpenDocument (.odt), hoogstens 4 MB.")


class PhaseForm(DutchForm):
    title = StringField("Titel van de fase", filters=[strip],
                        validators=[DataRequired("Geef de fase een titel."), Length(max=120)])
    description = TextAreaField("Beschrijving", filters=[strip], validators=[Length(max=2000)])
    has_placement = BooleanField("Trainees lopen in deze fase stage bij een partner")


def modules_form(modules, phases, formdata=None, links=()):
    """One row per module: chosen or not, its place in the order and (in a traineeship) its phase. Built per
    request because the fields follow the modules that exist."""
    current = {link.module_id: link for link in links}
    phase_choices = [("", "Kies een fase …")] + [(str(p.id), f"Fase {p.number}: {p.title}") for p in phases]

    class ModulesForm(DutchForm):
        pass

    for module in modules:
        link = current.get(module.id)
        setattr(ModulesForm, f"m{module.id}", BooleanField(module.title, default=link is not None))
        setattr(ModulesForm, f"m{module.id}_plaats", IntegerField(
            f"Volgnummer van {module.title}", default=link.position if link else None,
            validators=[Optional(), NumberRange(1, 999, "Kies een volgnummer van 1 tot 999.")]))
        if phases:
            setattr(ModulesForm, f"m{module.id}_fase", SelectField(
                f"Fase van {module.title}", choices=phase_choices,
                default=str(link.phase_id) if link and link.phase_id else ""))
    return ModulesForm(formdata=formdata) if formdata is not None else ModulesForm()


class RulesForm(DutchForm):
    require_all_modules = BooleanField("Alle modules moeten bestudeerd zijn")
    min_attendance_pct = IntegerField("Minimale aanwezigheid (%)",
                                      description="Percentage van de bijeenkomsten van de groep; geannuleerde "
                                                  "bijeenkomsten tellen niet mee. 0 = geen eis.",
                                      validators=[InputRequired("Vul een percentage in."),
                                                  NumberRange(0, 100, "Kies een percentage tussen 0 en 100.")])
    confirm = HiddenField()


class WorkForm(DutchForm):
    reflection = TextAreaField("Mijn reflectie", filters=[strip],
                               description="Wat heb je geleerd? Wat herken je uit je eigen wijk of werk?",
                               validators=[Length(max=10000, message="Hoogstens 10.000 tekens.")])
    action_plan = TextAreaField("Mijn doe-opdracht: wat ga ik doen?", filters=[strip],
                                description="Beschrijf één concrete stap die je de komende weken in de wijk zet: "
                                            "wat, met wie en wanneer.",
                                validators=[Length(max=10000, message="Hoogstens 10.000 tekens.")])
    bestand = FileField("Bestand bij je doe-opdracht (niet verplicht)",
                        description="Bijvoorbeeld een verslag of foto: PDF, Word (.docx), OpenDocument (.odt), PNG of "
                                    "JPEG, hoogstens 4 MB.")
    bestand_weg = BooleanField("Mijn eerdere bestand verwijderen")


class OutcomeForm(DutchForm):
    outcome = TextAreaField("Wat kwam ervan?", filters=[strip],
                            description="Wat heb je gedaan, wat gebeurde er en wat neem je mee?",
                            validators=[Length(max=10000, message="Hoogstens 10.000 tekens.")])


class ResponseForm(DutchForm):
    response = TextAreaField("Reactie aan de deelnemer", filters=[strip],
                             validators=[DataRequired("Schrijf een reactie."),
                                         Length(max=5000, message="Hoogstens 5.000 tekens.")])


class PlacementForm(DutchForm):
    organisation_id = SelectField("Organisatie", coerce=_optional_int, validate_choice=False, validators=[Optional()])
    mentor_email = EmailField("E-mailadres van de mentor", filters=[strip], validators=[
        Optional(), Email("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")])
    description = TextAreaField("Omschrijving van de stage", filters=[strip],
                                validators=[Length(max=2000, message="Hoogstens 2.000 tekens.")])
    completed = BooleanField("Deze stage is afgerond")

    def validate_organisation_id(self, field):
        if field.data is not None and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Kies een organisatie uit de lijst.")
