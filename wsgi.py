"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi <command>`."""
import sys

from wijkmakers import create_app
from wijkmakers.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # One line that says what to fix, no traceback: a setting is wrong, not the code.
    print(f"Wijkmakers start niet: {exc}", file=sys.stderr)
    sys.exit(3)
