"""Organisations people come from: partner organisations (a partnership is a period) and others.

Below every feature: learning and activities record the organisation of a participation, partners manage
partnerships and their contacts, reporting counts by type.
"""
from datetime import date, datetime

from sqlalchemy import String, and_, or_
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db

ORGANISATION_TYPES = {
    "woningcorporatie": "Woningcorporatie",
    "welzijn": "Welzijnsorganisatie",
    "ggz": "GGZ",
    "politie": "Politie",
    "bewonersorganisatie": "Bewonersorganisatie",
    "gemeente": "Gemeente",
    "energiecooperatie": "Energiecoöperatie",
    "onderwijs": "Onderwijs",
    "wijkbedrijf": "Wijkbedrijf",
    "overig": "Overig",
}


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    type: Mapped[str] = mapped_column(String(30), default="overig")
    # Partnership is a period, so "partners in year Y" is a query, not a flag.
    partner_since: Mapped[date | None]
    partner_until: Mapped[date | None]
    website: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def type_label(self) -> str:
        return ORGANISATION_TYPES.get(self.type, self.type)

    def is_partner_on(self, day: date) -> bool:
        return (self.partner_since is not None and self.partner_since <= day
                and (self.partner_until is None or self.partner_until >= day))

    @classmethod
    def partner_in_year_clause(cls, year: int):
        """SQL condition: a partner at some moment in calendar year ``year``."""
        return cls.partner_in_period_clause(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def partner_in_period_clause(cls, first_day, last_day):
        """SQL condition: a partner on some day from ``first_day`` to ``last_day`` (dates or bind parameters)."""
        return and_(
            cls.partner_since.is_not(None),
            cls.partner_since <= last_day,
            or_(cls.partner_until.is_(None), cls.partner_until >= first_day),
        )
