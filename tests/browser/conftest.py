"""Browser fixtures live in tests/conftest.py (one Playwright per process); helpers re-exported here."""
from ..conftest import CHROMIUM, PHONE, log_in  # noqa: F401
