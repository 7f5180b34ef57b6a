"""The register of personal data: every feature tells, in its own ``personal_data.py`` (imported by the app
factory, like subscribers.py), what it holds about a person. people.export builds the JSON download and the
readable page from it, and tests/people/test_export.py proves from the schema that every table with a link
to a person is covered by a section here (or listed there as not exported, with a reason).

A section's collector takes the person (a ``User``) and returns a list of rows (dicts) or one dict. Values
are plain: str, int, bool, None, list of str, date, or naive-UTC datetime; people.export turns dates into
Europe/Amsterdam. Codes are translated into Dutch labels by the collector, never left as stored.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    key: str                      # the key in the JSON download
    title: str                    # the Dutch heading on the readable page
    collect: Callable[[Any], list[dict] | dict]
    tables: tuple[str, ...]       # the tables it reads (tests/people/test_export.py checks coverage)
    labels: dict[str, str] = field(default_factory=dict)  # JSON key -> Dutch column label
    order: int = 100

    def label(self, key: str) -> str:
        return self.labels.get(key) or key.replace("_", " ").capitalize()


_sections: dict[str, Section] = {}


def register(key: str, title: str, *, tables: tuple[str, ...], labels: dict[str, str] | None = None,
             order: int = 100):
    """Decorator: ``@register("netwerkprofiel", "Netwerkprofiel", tables=("network_profile",))``."""
    def decorator(collect):
        _sections[key] = Section(key=key, title=title, collect=collect, tables=tuple(tables),
                                 labels=dict(labels or {}), order=order)
        return collect
    return decorator


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))

