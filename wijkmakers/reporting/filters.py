"""The choices of the statistics pages, the exports and the API, read from the query string.

Unknown values never reach a query: ``parse_filters`` leaves them out and names each one in a Dutch
message (param -> message); the pages show those as a notice, the API answers 400 and the export files
are refused (``export_filters``: a file must never silently count something other than was asked).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..auth.models import KIND_LABELS, NEIGHBOURHOODS
from ..core.errors import DomainError
from ..organisations.models import ORGANISATION_TYPES

# -- choices -------------------------------------------------------------------------------------
MEASURE_PRESENT = "aanwezig"
MEASURE_REGISTERED = "aangemeld"
MEASURES = {MEASURE_PRESENT: "Aanwezig geweest", MEASURE_REGISTERED: "Aangemeld"}

COUNT_PERSONS = "personen"
COUNT_PARTICIPATIONS = "deelnames"
COUNTS = {COUNT_PERSONS: "Unieke personen", COUNT_PARTICIPATIONS: "Deelnames"}

PARTNER_YES = "partner"
PARTNER_OTHER = "overig"
PARTNER_NONE = "geen"
PARTNER_CHOICES = {PARTNER_YES: "Partnerorganisatie (in dat jaar)",
                   PARTNER_OTHER: "Andere organisatie (geen partner in dat jaar)",
                   PARTNER_NONE: "Zonder organisatie"}

ORG_NONE = "geen"
ORG_TYPE_CHOICES = {**ORGANISATION_TYPES, ORG_NONE: "Zonder organisatie"}
PERSON_KINDS = dict(KIND_LABELS)


@dataclass(frozen=True)
class Filters:
    measure: str = MEASURE_PRESENT
    count: str = COUNT_PERSONS
    neighbourhood: str | None = None
    organisation_type: str | None = None
    participant_kind: str | None = None
    partner: str | None = None
    year: int | None = None  # the year of the monthly chart (and the walk list); None: current year

    @property
    def persons(self) -> bool:
        return self.count == COUNT_PERSONS

    @property
    def present(self) -> bool:
        return self.measure == MEASURE_PRESENT

    @property
    def narrows_people(self) -> bool:
        return any((self.neighbourhood, self.organisation_type, self.participant_kind, self.partner))

    def as_args(self, include_year: bool = True) -> dict[str, str]:
        """The query parameters that reproduce these filters (for links and export URLs)."""
        args = {"meting": self.measure, "telling": self.count}
        for key, value in (("wijk", self.neighbourhood), ("organisatietype", self.organisation_type),
                           ("soort", self.participant_kind), ("partner", self.partner)):
            if value:
                args[key] = value
        if include_year and self.year:
            args["jaar"] = str(self.year)
        return args

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) pairs in Dutch, for the page, the PDF and the export files."""
        return [
            ("Meting", MEASURES[self.measure]),
            ("Telling", COUNTS[self.count]),
            ("Woonwijk deelnemer", self.neighbourhood or "alle"),
            ("Type organisatie", ORG_TYPE_CHOICES.get(self.organisation_type, "alle")
             if self.organisation_type else "alle"),
            ("Bewoner of professional", PERSON_KINDS.get(self.participant_kind, "allebei")
             if self.participant_kind else "allebei"),
            ("Partner", PARTNER_CHOICES.get(self.partner, "alle") if self.partner else "alle"),
        ]


def replace_year(filters: Filters, year: int | None) -> Filters:
    return replace(filters, year=year)


def within_years(filters: Filters, years: list[int], errors: dict[str, str]) -> Filters:
    """The filters without a chosen year that has no figures; that year gets a Dutch message in ``errors``."""
    if filters.year and filters.year not in years:
        errors["jaar"] = (f"Voor {filters.year} zijn er geen cijfers. Kies een jaar van {years[0]} "
                          f"tot en met {years[-1]}.")
        return replace_year(filters, None)
    return filters


def export_filters(args) -> Filters:
    """The filters of an export file; a value that is not understood refuses the export (a Dutch 422)."""
    filters, errors = parse_filters(args)
    if errors:
        raise DomainError("Deze export is niet gemaakt, want niet alle keuzes in het adres zijn bruikbaar. "
                          + " ".join(errors.values()))
    return filters


def parse_filters(args) -> tuple[Filters, dict[str, str]]:
    """Filters from query parameters. Unknown values are left out and reported in ``errors``
    (param -> Dutch message): the pages show them as a notice, the API answers 400."""
    errors: dict[str, str] = {}

    def pick(name: str, allowed, default=None):
        raw = (args.get(name) or "").strip()
        if not raw:
            return default
        if raw in allowed:
            return raw
        errors[name] = f"Onbekende waarde '{raw[:40]}' voor '{name}'. Kies uit: {', '.join(allowed)}."
        return default

    year = None
    raw_year = (args.get("jaar") or "").strip()
    if raw_year:
        if re.fullmatch(r"[0-9]{4}", raw_year) and 1990 <= int(raw_year) <= 2100:
            year = int(raw_year)
        else:
            errors["jaar"] = f"'{raw_year[:10]}' is geen jaartal. Gebruik vier cijfers, zoals 2024."
    filters = Filters(
        measure=pick("meting", MEASURES, MEASURE_PRESENT),
        count=pick("telling", COUNTS, COUNT_PERSONS),
        neighbourhood=pick("wijk", NEIGHBOURHOODS),
        organisation_type=pick("organisatietype", ORG_TYPE_CHOICES),
        participant_kind=pick("soort", PERSON_KINDS),
        partner=pick("partner", PARTNER_CHOICES),
        year=year,
    )
    return filters, errors
