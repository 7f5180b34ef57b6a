from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        "Reden van intrekken", filters=[strip],
        description="De deelnemer krijgt deze reden per e-mail. De openbare controlepagina toont alleen dat "
                    "het document is ingetrokken, niet waarom.",
        validators=[DataRequired("Vul een reden in."),
                    Length(min=5, max=300, message="Geef een reden van 5 tot 300 tekens.")])


class CodeForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField("Verificatiecode", filters=[strip],
                       description="De code staat onderaan het certificaat, bijvoorbeeld ABCDE-FGHJK-LMNPQ-RSTUV.",
                       validators=[DataRequired("Vul de code van het certificaat in."),
                                   Length(max=60, message="Deze code is te lang.")])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Zoek op naam of code", filters=[strip], validators=[Length(max=100)])
