"""Form fields shared by the feature packages."""
import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms.widgets import Select

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
