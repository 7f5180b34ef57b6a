"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi <command>`."""
from wijkmakers import create_app

app = create_app()
