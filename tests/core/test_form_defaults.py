"""Privacy by default: no tick box in the app starts ticked, except the few listed here with their reason.

The test walks every module of the package, finds every form class (Flask-WTF and plain WTForms) and every
BooleanField on it, and checks its default. A form that pre-ticks through an object it is filled from (like
the network opt-in form with a new profile) is covered by its feature's own test
(tests/network/test_profiles.py::test_opt_in_form_starts_unticked).
"""
import importlib
import pkgutil

import wtforms
from wtforms.fields.core import UnboundField

import wijkmakers

# (module, class that defines the field, field) -> why it may start ticked. Adding one is a reviewed decision;
# none of them may share, publish or consent to anything about a person.
TICKED_ON_PURPOSE = {
    ("wijkmakers.learning.forms", "CohortFields", "open_for_requests"):
        "an organiser's setting of a new cohort (participants may ask to join, the organisation approves); "
        "it concerns no personal data",
    ("wijkmakers.learning.forms", "CohortForm", "plan_sessions"):
        "an organiser's convenience when creating a cohort (one session per module); no personal data",
    ("wijkmakers.network.forms", "ReportForm", "also_block"):
        "protects the person who reports an unwanted message: blocking its sender shares nothing and is the "
        "safe choice; they can untick it",
}


def _all_modules():
    for info in pkgutil.walk_packages(wijkmakers.__path__, prefix="wijkmakers."):
        importlib.import_module(info.name)


def _form_classes():
    seen, todo = set(), [wtforms.Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [c for c in seen if c.__module__.startswith("wijkmakers.")]


def _ticked_defaults():
    found = {}
    for cls in _form_classes():
        for name in dir(cls):
            field = getattr(cls, name, None)
            if not isinstance(field, UnboundField) or not issubclass(field.field_class, wtforms.BooleanField):
                continue
            owner = next(k for k in cls.__mro__ if name in vars(k))
            default = field.kwargs.get("default")
            if callable(default):
                default = default()
            if default:
                found[(owner.__module__, owner.__name__, name)] = default
    return found


def test_every_tick_box_starts_unticked_unless_justified(app):
    _all_modules()
    forms = _form_classes()
    assert len(forms) > 20, "the walk found too few forms"
    booleans = [(c, n) for c in forms for n in dir(c)
                if isinstance(getattr(c, n, None), UnboundField)
                and issubclass(getattr(c, n).field_class, wtforms.BooleanField)]
    assert len(booleans) >= 8, "the walk found too few tick boxes"
    ticked = _ticked_defaults()
    unexpected = set(ticked) - set(TICKED_ON_PURPOSE)
    assert not unexpected, f"tick boxes that start ticked without a reason in TICKED_ON_PURPOSE: {unexpected}"
    stale = set(TICKED_ON_PURPOSE) - set(ticked)
    assert not stale, f"TICKED_ON_PURPOSE lists fields that no longer start ticked: {stale}"
    assert all(len(reason) > 20 for reason in TICKED_ON_PURPOSE.values())


def test_an_instantiated_form_keeps_the_boxes_unticked(app):
    """The default is also what an empty form shows (no hidden default in __init__)."""
    _all_modules()
    with app.test_request_context("/"):
        for cls in _form_classes():
            try:
                form = cls(meta={"csrf": False}, formdata=None)
            except TypeError:  # a form that needs arguments of its own
                continue
            for field in form:
                if isinstance(field, wtforms.BooleanField) and field.data:
                    owner = next(k for k in cls.__mro__ if field.short_name in vars(k))
                    assert (owner.__module__, owner.__name__, field.short_name) in TICKED_ON_PURPOSE, (cls, field.name)
