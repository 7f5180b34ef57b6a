"""Forms of the network. Rules live in services; these check presence and length with Dutch messages."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..auth.forms import MultiCheckboxField
from ..auth.models import KIND_LABELS, NEIGHBOURHOODS
from ..core.forms import SelectField
from ..organisations.models import ORGANISATION_TYPES
from .initiatives import MAX_SUMMARY, MAX_TITLE, MAX_UPDATE
from .messages import MAX_MESSAGE, MAX_REASON, MAX_REPLY, MIN_MESSAGE
from .models import INITIATIVE_STATUSES
from .profiles import MAX_INTRODUCTION, MAX_NAME, MAX_WORKING_ON


def strip(value):
    return value.strip() if isinstance(value, str) else value


NEIGHBOURHOOD_CHOICES = [("", "Geen wijk tonen")] + [(n, n) for n in NEIGHBOURHOODS]
STATUS_CHOICES = list(INITIATIVE_STATUSES.items())


class ProfileForm(FlaskForm):
    display_name = StringField(
        "Naam in het netwerk", filters=[strip],
        description="Zo zien anderen je. Alleen je voornaam mag ook.",
        validators=[DataRequired("Vul de naam in die anderen zien."),
                    Length(max=MAX_NAME, message=f"Gebruik hoogstens {MAX_NAME} tekens.")])
    show_organisation = BooleanField("Toon mijn organisatie")
    show_kind = BooleanField("Toon of ik bewoner of professional ben")
    show_participation = BooleanField("Toon mijn leergang(en) en de jaren waarin ik meedeed",
                                      description="Dan kunnen anderen je vinden op groep of jaar.")
    neighbourhood = SelectField("Wijk", choices=NEIGHBOURHOOD_CHOICES, validate_choice=False,
                                description="De wijk waar je woont of werkt, als je die wilt laten zien.")
    themes = MultiCheckboxField("Thema's waar ik iets van weet", validate_choice=False)
    tags = StringField("Eigen onderwerpen", filters=[strip],
                       description="Gescheiden door komma's, bijvoorbeeld: moestuin, jongerenwerk, subsidie. "
                                   "Hoogstens tien.",
                       validators=[Length(max=500, message="Gebruik hoogstens 500 tekens.")])
    working_on = StringField("Waar ik nu aan werk", filters=[strip],
                             validators=[Length(max=MAX_WORKING_ON,
                                                message=f"Gebruik hoogstens {MAX_WORKING_ON} tekens.")])
    introduction = TextAreaField("Korte introductie", filters=[strip],
                                 description=f"Hoogstens {MAX_INTRODUCTION} tekens. Zet hier geen "
                                             "e-mailadres of telefoonnummer in.",
                                 validators=[Length(max=MAX_INTRODUCTION,
                                                    message=f"Gebruik hoogstens {MAX_INTRODUCTION} tekens.")])
    accepts_contact = BooleanField("Anderen mogen mij een contactverzoek sturen")


class DirectoryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Zoek op naam, onderwerp of organisatie", filters=[strip])
    thema = SelectField("Thema", validate_choice=False)
    wijk = SelectField("Wijk", choices=[("", "Alle wijken")] + [(n, n) for n in NEIGHBOURHOODS],
                       validate_choice=False)
    organisatie = SelectField("Soort organisatie",
                              choices=[("", "Alle soorten")] + list(ORGANISATION_TYPES.items()),
                              validate_choice=False)
    soort = SelectField("Bewoner of professional", choices=[("", "Iedereen")] + list(KIND_LABELS.items()),
                        validate_choice=False)
    cohort = SelectField("Leergang-groep", validate_choice=False)
    jaar = StringField("Jaar", description="Bijvoorbeeld 2023: mensen die in dat jaar meededen.",
                       filters=[strip])


class MessageForm(FlaskForm):
    message = TextAreaField(
        "Je bericht", filters=[strip],
        description=f"Stel jezelf kort voor en vertel waarom je contact zoekt ({MIN_MESSAGE} tot "
                    f"{MAX_MESSAGE} tekens). Je e-mailadres wordt niet meegestuurd.",
        validators=[DataRequired("Schrijf een kort bericht."),
                    Length(min=MIN_MESSAGE, max=MAX_MESSAGE,
                           message=f"Schrijf tussen {MIN_MESSAGE} en {MAX_MESSAGE} tekens.")])


class AnswerForm(FlaskForm):
    reply = TextAreaField(
        "Je antwoord", filters=[strip],
        description="Met je antwoord krijgt de afzender ook je e-mailadres, zodat jullie verder kunnen mailen.",
        validators=[DataRequired("Schrijf een antwoord."),
                    Length(max=MAX_REPLY, message=f"Gebruik hoogstens {MAX_REPLY} tekens.")])


class ReportForm(FlaskForm):
    reason = TextAreaField("Wat is er niet in orde?", filters=[strip],
                           description="De organisatie van Wijkmakers leest je melding en neemt zo nodig contact op.",
                           validators=[DataRequired("Beschrijf kort wat er niet in orde is."),
                                       Length(min=5, max=MAX_REASON,
                                              message=f"Schrijf tussen 5 en {MAX_REASON} tekens.")])
    also_block = BooleanField("Blokkeer deze afzender ook", default=True)


class ResolveForm(FlaskForm):
    note = TextAreaField("Notitie (voor de organisatie)", filters=[strip],
                         validators=[Length(max=MAX_REASON,
                                            message=f"Gebruik hoogstens {MAX_REASON} tekens.")])
    hide_profile = BooleanField("Verberg het netwerkprofiel van de gemelde persoon")


class InitiativeForm(FlaskForm):
    title = StringField("Titel", filters=[strip],
                        validators=[DataRequired("Geef je initiatief een titel."),
                                    Length(min=3, max=MAX_TITLE,
                                           message=f"Gebruik 3 tot {MAX_TITLE} tekens.")])
    neighbourhood = SelectField("Wijk", choices=[("", "Geen bepaalde wijk")] + [(n, n) for n in NEIGHBOURHOODS],
                                validate_choice=False)
    theme = SelectField("Thema", validate_choice=False)
    status = SelectField("Stand van zaken", choices=STATUS_CHOICES, default="idee", validate_choice=False)
    summary = TextAreaField("Wat ga je doen, en met wie?", filters=[strip],
                            description="Een korte beschrijving voor anderen in het netwerk. Zet hier geen "
                                        "e-mailadres of telefoonnummer in.",
                            validators=[DataRequired("Beschrijf je initiatief kort."),
                                        Length(min=10, max=MAX_SUMMARY,
                                               message=f"Schrijf 10 tot {MAX_SUMMARY} tekens.")])


class UpdateForm(FlaskForm):
    body = TextAreaField("Nieuwe update", filters=[strip],
                         description="Volgers krijgen je update per e-mail.",
                         validators=[DataRequired("Schrijf een korte update."),
                                     Length(min=3, max=MAX_UPDATE,
                                            message=f"Schrijf 3 tot {MAX_UPDATE} tekens.")])
    status = SelectField("Stand van zaken", choices=[("", "Niet veranderd")] + STATUS_CHOICES,
                         validate_choice=False)


class FollowupForm(FlaskForm):
    outcome = TextAreaField("Wat is er van je plan gekomen?", filters=[strip],
                            description="Ook 'het is er nog niet van gekomen' is een goed antwoord.",
                            validators=[DataRequired("Vertel kort wat er van je plan is gekomen."),
                                        Length(min=3, max=MAX_UPDATE,
                                               message=f"Schrijf 3 tot {MAX_UPDATE} tekens.")])
    status = SelectField("Stand van zaken van je initiatief", choices=[("", "Niet veranderd")] + STATUS_CHOICES,
                         validate_choice=False)
