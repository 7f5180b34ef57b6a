from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..auth.models import KIND_LABELS, NEIGHBOURHOODS
from ..core.forms import SelectField


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ProfileForm(FlaskForm):
    name = StringField("Naam", filters=[strip], validators=[DataRequired("Vul je naam in."),
                                                            Length(max=120, message="Gebruik hooguit 120 tekens.")])
    kind = RadioField("Ik ben", choices=list(KIND_LABELS.items()),
                      validators=[DataRequired("Kies bewoner of professional.")])
    neighbourhood = SelectField("Wijk", choices=[("", "Geen of een andere wijk")] + [(n, n) for n in NEIGHBOURHOODS],
                                validators=[Optional()])
    job_title = StringField("Functie", filters=[strip], validators=[Optional(), Length(max=120)],
                            description="Alleen als je als professional meedoet.")
    phone = StringField("Telefoonnummer", filters=[strip],
                        validators=[Optional(), Regexp(
                            r"^[0-9 +()-]{6,20}$",
                            message="Vul een telefoonnummer in met alleen cijfers, spaties, + of -.")],
                        description="Alleen gebruikt om je te bellen als een activiteit niet doorgaat.")


class ErasureForm(FlaskForm):
    confirm = BooleanField("Ik begrijp dat mijn account en mijn teksten worden gewist en dat dit niet terug te "
                           "draaien is.",
                           validators=[DataRequired("Vink aan dat je dit begrijpt.")])


class ConfirmForm(FlaskForm):
    """A bare POST form for buttons (CSRF only)."""
