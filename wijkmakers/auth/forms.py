from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.permissions import ROLE_LABELS


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField("E-mailadres", filters=[strip], validators=[DataRequired("Vul je e-mailadres in."),
                                                  Email("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")])
    password = PasswordField("Wachtwoord", validators=[DataRequired("Vul je wachtwoord in.")])
    remember = BooleanField("Ingelogd blijven op dit apparaat")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("E-mailadres", filters=[strip], validators=[DataRequired("Vul je e-mailadres in."),
                                                  Email("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")])


class SetPasswordForm(FlaskForm):
    password = PasswordField("Nieuw wachtwoord", description="Minstens 10 tekens.",
                             validators=[DataRequired("Kies een wachtwoord."),
                                         Length(min=10, message="Kies een wachtwoord van minstens 10 tekens.")])
    confirm = PasswordField("Herhaal het wachtwoord",
                            validators=[DataRequired("Herhaal het wachtwoord."),
                                        EqualTo("password", "De twee wachtwoorden zijn niet gelijk.")])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RolesForm(FlaskForm):
    roles = MultiCheckboxField("Rollen", choices=list(ROLE_LABELS.items()))


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Zoek op naam of e-mailadres")


class NewAccountForm(FlaskForm):
    name = StringField("Naam", filters=[strip], validators=[DataRequired("Vul een naam in."), Length(max=200)])
    email = EmailField("E-mailadres", filters=[strip], validators=[
        DataRequired("Vul een e-mailadres in."), Email("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")])
    roles = MultiCheckboxField("Rollen", choices=list(ROLE_LABELS.items()),
                               validators=[DataRequired("Kies minstens één rol.")])
