"""Forms of the activities feature; every message says in Dutch what to fix."""
from flask_wtf import FlaskForm
from wtforms import (DateField, EmailField, HiddenField, IntegerField, RadioField, StringField, TextAreaField,
                     TimeField)
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..auth.models import KIND_LABELS, NEIGHBOURHOODS
from ..core.forms import RequiredSelectField, SelectField
from .models import ACTIVITY_KINDS, KIND_SESSION
from .participants import RECIPIENT_CHOICES, RECIPIENTS_CONFIRMED

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
    kind = RequiredSelectField("Soort activiteit", choices=KIND_CHOICES, placeholder="Kies een soort …",
                               validators=[InputRequired("Kies een soort activiteit.")])
    title = StringField("Titel", filters=[strip],
                        validators=[DataRequired("Vul een titel in."), Length(max=160, message="Maximaal 160 tekens.")])
    theme = StringField("Thema", filters=[strip], validators=[Optional(), Length(max=120)])
    description = TextAreaField("Omschrijving", filters=[strip], validators=[Optional(), Length(max=5000)])
    neighbourhood = SelectField("Wijk", choices=HOOD_CHOICES, validators=[Optional()])
    meeting_point = StringField("Verzamelplek", filters=[strip], validators=[Length(max=200)],
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
    deadline_hours = IntegerField("Aanmelden en afmelden kan tot (uren vóór de start)", default=12,
                                  validators=[Optional(),
                                              NumberRange(min=0, max=24 * 60,
                                                          message="Kies tussen 0 en 1440 uur.")],
                                  description="0 = tot de start. Daarna kunnen deelnemers zich niet meer zelf "
                                              "aan- of afmelden; jij kunt het dan nog wel. Leeg = 12 uur.")
    speakers = StringField("Sprekers", filters=[strip], validators=[Optional(), Length(max=300)],
                           description="Voor een masterclass, lezing of workshop.")
    practical_notes = TextAreaField("Praktische informatie", filters=[strip], validators=[Optional(), Length(max=3000)],
                                    description="Bijvoorbeeld de lengte van de wandeling en de toegankelijkheid.")
    guide1 = SelectField("Begeleider 1", coerce=_optional_int, validators=[Optional()],
                         description="Een wandeling heeft een duo: normaal één bewoner en één professional. "
                                     "Begeleiders nemen geen plaats van deelnemers in.")
    guide2 = SelectField("Begeleider 2", coerce=_optional_int, validators=[Optional()])

    def set_guides(self, guides):
        choices = [("", "Geen")] + [(str(g.id), f"{g.name} ({KIND_LABELS.get(g.kind, g.kind).lower()})")
                                    for g in guides]
        self.guide1.choices = choices
        self.guide2.choices = choices

    def validate_meeting_point(self, field):
        if self.kind.data == "wijkwandeling" and not field.data:
            raise ValidationError("Vul de verzamelplek van de wandeling in.")

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
    guide1 = SelectField("Begeleider 1 (voor elke wandeling)", coerce=_optional_int, validators=[Optional()],
                         description="Niet verplicht: je kunt het duo ook per wandeling kiezen.")
    guide2 = SelectField("Begeleider 2 (voor elke wandeling)", coerce=_optional_int, validators=[Optional()])

    def set_guides(self, guides):
        choices = [("", "Nog niet gekozen")] + [
            (str(g.id), f"{g.name} ({KIND_LABELS.get(g.kind, g.kind).lower()})") for g in guides]
        self.guide1.choices = choices
        self.guide2.choices = choices

    def validate_guide2(self, field):
        if field.data and field.data == self.guide1.data:
            raise ValidationError("Kies twee verschillende begeleiders.")

    def validate_first_date(self, field):
        from ..core.timeutil import local_today
        if field.data and field.data < local_today():
            raise ValidationError("Kies een eerste datum vanaf vandaag.")

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
    kind = RadioField("Deelnemer is", choices=list(KIND_LABELS.items()), default="bewoner",
                      validators=[Optional()], validate_choice=False,
                      description="Alleen van belang voor iemand die nog geen account heeft.")

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


class NewcomerForm(DutchForm):
    name = StringField("Naam", filters=[strip],
                       validators=[DataRequired("Vul je naam in."), Length(max=120, message="Maximaal 120 tekens.")])
    email = EmailField("E-mailadres", filters=[strip],
                       validators=[DataRequired("Vul je e-mailadres in."),
                                   Email("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."),
                                   Length(max=254)],
                       description="Je krijgt een e-mail om je aanmelding te bevestigen.")
    kind = RadioField("Ik ben", choices=[("bewoner", "Bewoner"),
                                         ("professional", "Professional (ik kom voor mijn werk)")],
                      validators=[InputRequired("Kies of je bewoner of professional bent.")])
    organisation = StringField("Organisatie (niet verplicht)", filters=[strip],
                               validators=[Optional(), Length(max=160, message="Maximaal 160 tekens.")],
                               description="Voor wie voor zijn of haar werk komt.")
    # A field people do not see: bots fill it in, people leave it empty.
    website = HiddenField()


class CodeForm(DutchForm):
    code = StringField("Code van de deelnemer", filters=[strip],
                       validators=[DataRequired("Vul de code in, zoals ABCD-EFGH."), Length(max=20)],
                       description="De code staat onder de QR-code op de pagina Mijn aanmeldingen.",
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


MARK_CHOICES = [(str(n), str(n)) for n in range(1, 11)]


class FeedbackForm(DutchForm):
    mark = RadioField("Welk cijfer geef je deze activiteit?", choices=MARK_CHOICES,
                      validators=[InputRequired("Kies een cijfer van 1 tot en met 10.")],
                      description="1 is heel slecht, 10 is uitstekend.")
    comment = TextAreaField("Opmerking (niet verplicht)", filters=[strip],
                            validators=[Optional(), Length(max=2000, message="Maximaal 2000 tekens.")],
                            description="Wat was goed, wat kan beter?")


class MailParticipantsForm(DutchForm):
    """One message to the participants of an activity; the service checks the same again."""
    recipients = RadioField("Aan", choices=list(RECIPIENT_CHOICES.items()), default=RECIPIENTS_CONFIRMED,
                            validators=[InputRequired("Kies wie het bericht krijgt.")],
                            validate_choice=False)  # an unknown choice gets the service's Dutch message
    subject = StringField("Onderwerp", filters=[strip],
                          validators=[DataRequired("Vul het onderwerp in."),
                                      Length(max=150, message="Het onderwerp mag hoogstens 150 tekens hebben.")])
    text = TextAreaField("Bericht", filters=[strip],
                         validators=[DataRequired("Vul het bericht in."),
                                     Length(max=5000, message="Het bericht mag hoogstens 5000 tekens hebben.")],
                         description="Elke deelnemer krijgt een eigen e-mail met dit bericht en de gegevens van "
                                     "de activiteit. Antwoorden komen bij jou terecht.")
