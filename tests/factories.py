"""Small factories that build valid rows with sensible defaults; every call commits."""
import itertools
from datetime import date, datetime, timedelta

from werkzeug.security import generate_password_hash

from wijkmakers.activities.models import Activity
from wijkmakers.auth.models import KIND_PROFESSIONAL, User, UserRole
from wijkmakers.core.timeutil import utcnow
from wijkmakers.extensions import db
from wijkmakers.organisations.models import Organisation

PASSWORD = "correct-horse-battery"
# Cheap hash parameters for tests; production uses Werkzeug's scrypt defaults.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


class Factories:
    def user(self, roles=("deelnemer",), email=None, name=None, password=True, commit=True, **fields) -> User:
        n = next(_seq)
        fields.setdefault("kind", KIND_PROFESSIONAL)
        user = User(email=email if email is not None else f"persoon{n}@example.org",
                    name=name or f"Persoon {n}", password_hash=_PASSWORD_HASH if password else None,
                    email_confirmed_at=utcnow(), **fields)
        user.roles = [UserRole(role=r) for r in roles]
        db.session.add(user)
        if commit:
            db.session.commit()
        return user

    def organisation(self, name=None, type="welzijn", partner_since=date(2022, 1, 1), partner_until=None,
                     **fields) -> Organisation:
        org = Organisation(name=name or f"Organisatie {next(_seq)}", type=type, partner_since=partner_since,
                           partner_until=partner_until, **fields)
        db.session.add(org)
        db.session.commit()
        return org

    def activity(self, kind="wijkwandeling", title=None, starts_at=None, capacity=16, **fields) -> Activity:
        starts_at = starts_at or (utcnow() + timedelta(days=14)).replace(microsecond=0)
        fields.setdefault("ends_at", starts_at + timedelta(hours=2))
        fields.setdefault("signup_deadline", starts_at - timedelta(hours=12))
        activity = Activity(kind=kind, title=title or f"Activiteit {next(_seq)}", starts_at=starts_at,
                            capacity=capacity, **fields)
        db.session.add(activity)
        db.session.commit()
        return activity


def naive(dt: datetime) -> datetime:
    return dt.replace(tzinfo=None)
