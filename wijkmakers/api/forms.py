from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..core.forms import RequiredSelectField
from .services import VALIDITY_DAYS


class TokenForm(FlaskForm):
    name = StringField("Naam van de sleutel", filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       description="Waarvoor gebruik je hem? Bijvoorbeeld: dashboard gemeente.",
                       validators=[DataRequired("Geef de sleutel een naam."),
                                   Length(max=80, message="Gebruik hoogstens 80 tekens.")])
    validity = RequiredSelectField("Geldig", choices=[("90", "90 dagen"), ("365", "1 jaar")], default="365",
                                   validators=[DataRequired("Kies hoe lang de sleutel geldig is.")])

    def validity_days(self) -> int:
        return VALIDITY_DAYS[self.validity.data]


class RevokeForm(FlaskForm):
    """Only the CSRF token: revoking is a POST."""
