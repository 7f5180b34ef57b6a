from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import URL, AnyOf, DataRequired, EqualTo, Length, Optional

from ..core.forms import RequiredSelectField, SelectField
from ..organisations.models import ORGANISATION_TYPES


def strip(value):
    return value.strip() if isinstance(value, str) else value


class OrganisationForm(FlaskForm):
    name = StringField("Naam", filters=[strip], validators=[DataRequired("Vul de naam van de organisatie in."),
                                                            Length(max=160, message="Hoogstens 160 tekens.")])
    type = RequiredSelectField("Soort organisatie", choices=list(ORGANISATION_TYPES.items()),
                               validate_choice=False,
                               validators=[DataRequired("Kies een soort organisatie."),
                                           AnyOf(list(ORGANISATION_TYPES),
                                                 message="Kies een soort organisatie uit de lijst.")])
    partner_since = DateField("Partner sinds", validators=[Optional()],
                              description="Laat leeg als de organisatie (nog) geen partner is.")
    partner_until = DateField("Partner tot en met", validators=[Optional()],
                              description="Laat leeg zolang het partnerschap doorloopt.")
    website = StringField("Website", filters=[strip],
                          validators=[Optional(), Length(max=200, message="Hoogstens 200 tekens."),
                                      URL(require_tld=True, message="Vul een volledig webadres in, zoals "
                                                                    "https://www.voorbeeld.nl.")])
    notes = TextAreaField("Notities", filters=[strip],
                          validators=[Optional(), Length(max=2000, message="Hoogstens 2000 tekens.")])

    def validate(self, extra_validators=None):
        # Browsers without a date picker send a typed date as text: say how to write one.
        ok = super().validate(extra_validators)
        for f in (self.partner_since, self.partner_until):
            if f.raw_data and f.raw_data[0] and f.data is None:
                f.errors = ["Vul een geldige datum in: kies hem in de kalender of typ jjjj-mm-dd, zoals 2024-09-01."]
        return ok


class ContactForm(FlaskForm):
    email = EmailField("E-mailadres", filters=[strip], validators=[DataRequired("Vul een e-mailadres in.")])
    name = StringField("Naam", filters=[strip],
                       validators=[Optional(), Length(max=120, message="Hoogstens 120 tekens.")],
                       description="Alleen nodig als deze persoon nog geen account heeft; die krijgt dan een "
                                   "uitnodiging.")


class OrganisationFilterForm(FlaskForm):
    class Meta:
        csrf = False

    naam = StringField("Naam bevat", validators=[Optional(), Length(max=100)])
    jaar = SelectField("Partner in jaar", choices=[], validate_choice=False)
    soort = SelectField("Soort", choices=[("", "Alle soorten")] + list(ORGANISATION_TYPES.items()),
                        validate_choice=False)


class PersonSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Zoek een persoon op naam of e-mailadres")


class MoveForm(FlaskForm):
    organisation = SelectField("Nieuwe organisatie", choices=[], validate_choice=False)


class EnrolForm(FlaskForm):
    email = EmailField("E-mailadres van je collega", filters=[strip],
                       validators=[DataRequired("Vul het e-mailadres van je collega in.")])
    job_title = StringField("Functie", filters=[strip],
                            validators=[Optional(), Length(max=120, message="Hoogstens 120 tekens.")])
    # The choice is checked by the service against the currently open targets (with a Dutch message).
    target = RequiredSelectField("Aanmelden voor", choices=[], validate_choice=False,
                                 validators=[DataRequired("Kies een leergang of activiteit.")])


class ImportForm(FlaskForm):
    file = FileField("Bestand (.xlsx of .csv)",
                     description="Hoogstens 1000 medewerkers en 2 MB. Kolommen: e-mail, naam, functie en eventueel "
                                 "'aanmelden voor'.")
    target = SelectField("Aanmelden voor", choices=[], validate_choice=False,
                         description="Geldt voor elke rij waarin de kolom 'aanmelden voor' leeg is.")


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Zoek een medewerker")


class AcceptInvitationForm(FlaskForm):
    """Only the CSRF token: accepting as the logged-in account, declining, withdrawing."""


class NewAccountForm(FlaskForm):
    name = StringField("Je naam", filters=[strip], validators=[DataRequired("Vul je naam in."),
                                                                Length(max=120, message="Hoogstens 120 tekens.")])
    password = PasswordField("Kies een wachtwoord", description="Minstens 10 tekens.",
                             validators=[DataRequired("Kies een wachtwoord."),
                                         Length(min=10, message="Kies een wachtwoord van minstens 10 tekens.")])
    confirm = PasswordField("Herhaal het wachtwoord",
                            validators=[DataRequired("Herhaal het wachtwoord."),
                                        EqualTo("password", "De twee wachtwoorden zijn niet gelijk.")])
