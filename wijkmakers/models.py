"""Imports every feature's models so that metadata (and Alembic autogenerate) sees all tables."""
import importlib

from .core.audit import AuditEvent  # noqa: F401

for _feature in ("auth", "organisations", "partners", "learning", "activities", "certificates", "network", "people",
                 "notifications", "reporting", "api"):
    try:
        importlib.import_module(f"{__package__}.{_feature}.models")
    except ModuleNotFoundError as exc:  # a feature without tables
        if exc.name != f"{__package__}.{_feature}.models":
            raise
