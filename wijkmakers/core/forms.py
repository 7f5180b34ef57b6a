"""Form fields shared by the feature packages, and one process-wide change to Flask-WTF's CSRF field."""
import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import HiddenInput, Select

# Every form's built-in messages in Dutch (WTForms ships the catalogue); config sets WTF_I18N_ENABLED off
# so Flask-WTF hands translation to WTForms itself.
FlaskForm.Meta.locales = ("nl_NL", "nl")


class QuickSelect(Select):
    """WTForms' <select>, writing each option directly. WTForms formats every option's attributes through
    Markup.format, which made a long list of choices (neighbourhoods, organisation types, years) the most
    expensive part of a form page. The HTML is the same: attributes in sorted order, escaped."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704 - parts escaped


class SelectField(wtforms.SelectField):
    widget = QuickSelect()


class PlaceholderSelect(QuickSelect):
    """A <select> whose first option is an empty placeholder ("Kies …"), before any option or group: a
    required select must not start with a real choice (HTML), or the browser would pick it silently."""

    def __call__(self, field, **kwargs):
        html = str(super().__call__(field, **kwargs))
        head, _, rest = html.partition(">")  # attribute values are escaped: the first '>' ends <select ...>
        placeholder = f'<option value="">{escape(field.placeholder)}</option>'
        return Markup(f"{head}>{placeholder}{rest}")  # noqa: S704 - head and rest come escaped from WTForms


class RequiredSelectField(SelectField):
    """A select the person must choose in: an empty "Kies …" first option, and a required validator (its
    message is what an empty choice gets; InputRequired with ``message`` is added when none is given)."""

    widget = PlaceholderSelect()

    def __init__(self, label=None, validators=None, placeholder: str = "Kies …",
                 message: str = "Maak een keuze.", **kwargs):
        validators = list(validators or [])
        if not any(isinstance(v, (DataRequired, InputRequired)) for v in validators):
            validators.insert(0, InputRequired(message))
        super().__init__(label, validators, **kwargs)
        self.placeholder = placeholder

    def pre_validate(self, form):
        if not self.raw_data or self.raw_data[0] in ("", None):
            return  # the required validator names what to choose
        super().pre_validate(form)


class HiddenInputWithoutId(HiddenInput):
    """A hidden input without an id: nothing refers to the CSRF field by id, and a page with one small form
    per row would otherwise repeat id="csrf_token" on every row (invalid HTML)."""

    def __call__(self, field, **kwargs):
        kwargs["id"] = False  # html_params leaves out an attribute whose value is False
        return super().__call__(field, **kwargs)


# Flask-WTF's CSRF field is WTForms' CSRFTokenField; every form of the process renders it through this.
CSRFTokenField.widget = HiddenInputWithoutId()
