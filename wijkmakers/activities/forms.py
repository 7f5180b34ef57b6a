"""Forms of the activities feature; every message says in Dutch what to fix."""
from flask_wtf import FlaskForm
from wtforms import (DateField, EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField,
                     TimeField)
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..auth.models import KIND_LABELS, NEIGHBOURHOODS
from .models import ACTIVITY_KINDS, KIND_SESSION

_DUTCH = get_translations(["nl"])


def strip(value):
    return value.strip() if isinstance(value, str) else value


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class DutchForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _DUTCH


class ActionForm(DutchForm):
    """A button that changes something: only the CSRF token."""


KIND_CHOICES = [(k, v) for k, v in ACTIVITY_KINDS.items() if k != KIND_SESSION]
HOOD_CHOICES = [("", "Geen wijk")] + [(n, n) for n in NEIGHBOURHOODS]
DATE_MSG = "Kies een geldige datum."
TIME_MSG = "Vul een tijd in als uu:mm, bijvoorbeeld 13:30."


class ActivityForm(DutchForm):
    kind = SelectField("Soort activiteit", choices=KIND_CHOICES,
                       validators=[InputRequired("Kies een soort activiteit.")])
    title = StringField("Titel", filters=[strip],
                        validators=[DataRequired("Vul een titel in."), Length(max=160, message="Maximaal 160 tekens.")])
    theme = StringField("Thema", filters=[strip], validators=[Optional(), Length(max=120)])
    description = TextAreaField("Omschrijving", filters=[strip], validators=[Optional(), Length(max=5000)])
    neighbourhood = SelectField("Wijk", choices=HOOD_CHOICES, validators=[Optional()])
    meeting_point = StringField("Verzamelplek", filters=[strip], validators=[Optional(), Length(max=200)],
                                description="Voor een wandeling: waar jullie verzamelen.")
    location = StringField("Locatie", filters=[strip], validators=[Optional(), Length(max=200)],
                           description="Voor een bijeenkomst: adres of zaal.")
    date = DateField("Datum", validators=[InputRequired(DATE_MSG)])
    start_time = TimeField("Begintijd", validators=[InputRequired(TIME_MSG)])
    end_time = TimeField("Eindtijd", validators=[InputRequired(TIME_MSG)])
    capacity = IntegerField("Aantal plaatsen", default=16,
                            validators=[InputRequired("Vul het aantal plaatsen in."),
                                        NumberRange(min=1, max=1000, message="Kies tussen 1 en 1000 plaatsen.")],
                            description="Begeleiders tellen niet mee.")
    speakers = StringField("Sprekers", filters=[strip], validators=[Optional(), Length(max=300)])
    practical_notes = TextAreaField("Praktische informatie", filters=[strip], validators=[Optional(), Length(max=3000)])
    guide1 = SelectField("Begeleider 1", coerce=_optional_int, validators=[Optional()])
    guide2 = SelectField("Begeleider 2", coerce=_optional_int, validators=[Optional()])

    def set_guides(self, guides):
        choices = [("", "Geen")] + [(str(g.id), g.name) for g in guides]
        self.guide1.choices = choices
        self.guide2.choices = choices

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("De eindtijd moet na de begintijd liggen.")

    def validate_guide2(self, field):
        if field.data and field.data == self.guide1.data:
            raise ValidationError("Kies twee verschillende begeleiders.")

    def pre_validate_guides(self):
        allowed = {c[0] for c in self.guide1.choices}
        for f in (self.guide1, self.guide2):
            if f.raw_data and f.raw_data[0] not in allowed:
                f.data = None


class CancelActivityForm(DutchForm):
    reason = TextAreaField("Reden van annuleren", filters=[strip],
                           validators=[DataRequired("Vul de reden in; deelnemers krijgen die te lezen."),
                                       Length(max=500, message="Maximaal 500 tekens.")])


class SeriesForm(DutchForm):
    themes = TextAreaField("Thema's (één per regel)", filters=[strip],
                           validators=[DataRequired("Vul minstens één thema in.")])
    first_date = DateField("Eerste datum", validators=[InputRequired(DATE_MSG)])
    months = IntegerField("Aantal maanden", default=6,
                          validators=[InputRequired("Vul het aantal maanden in."),
                                      NumberRange(min=1, max=24, message="Kies tussen 1 en 24 maanden.")])
    start_time = TimeField("Begintijd", validators=[InputRequired(TIME_MSG)])
    end_time = TimeField("Eindtijd", validators=[InputRequired(TIME_MSG)])
    neighbourhoods = TextAreaField("Wijken (één per regel, op volgorde)", filters=[strip], validators=[Optional()])
    meeting_point = StringField("Verzamelplek", filters=[strip], validators=[Optional(), Length(max=200)])
    capacity = IntegerField("Aantal plaatsen", default=16,
                            validators=[InputRequired("Vul het aantal plaatsen in."),
                                        NumberRange(min=1, max=200, message="Kies tussen 1 en 200 plaatsen.")])

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("De eindtijd moet na de begintijd liggen.")

    def validate_neighbourhoods(self, field):
        unknown = [n for n in self.hood_list() if n not in NEIGHBOURHOODS]
        if unknown:
            raise ValidationError(f"Onbekende wijk: {', '.join(unknown)}. Kies uit: {', '.join(NEIGHBOURHOODS)}.")

    def theme_list(self):
        return [t.strip() for t in (self.themes.data or "").splitlines() if t.strip()]

    def hood_list(self):
        return [t.strip() for t in (self.neighbourhoods.data or "").splitlines() if t.strip()]


class AddPersonForm(DutchForm):
    email = EmailField("E-mailadres", filters=[strip],
                       validators=[Optional(), Email("Vul een geldig e-mailadres in.")])
    name = StringField("Naam", filters=[strip], validators=[Optional(), Length(max=120)])
    phone = StringField("Telefoonnummer", filters=[strip], validators=[Optional(), Length(max=40)],
                        description="Voor iemand zonder e-mailadres: naam en telefoonnummer.")

    def validate_phone(self, field):
        if not self.email.data and not (self.name.data and field.data):
            raise ValidationError("Vul een e-mailadres in, of een naam met telefoonnummer.")


class WalkInForm(DutchForm):
    name = StringField("Naam", filters=[strip],
                       validators=[DataRequired("Vul een naam in."), Length(max=120)])
    email = EmailField("E-mailadres (niet verplicht)", filters=[strip],
                       validators=[Optional(), Email("Vul een geldig e-mailadres in.")])
    kind = RadioField("Deelnemer is", choices=list(KIND_LABELS.items()), default="bewoner",
                      validators=[InputRequired("Kies bewoner of professional.")])
