"""Settings, read from the environment only (12-factor)."""
import importlib.util
import os
import secrets
from datetime import timedelta
from pathlib import Path

# A session key shorter than this lets an attacker guess it and forge sessions: production refuses it.
MIN_SECRET_KEY_LENGTH = 32


# Short socket timeouts for the rate limit storage: a Redis that does not answer must not hold up requests.
REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class ConfigError(RuntimeError):
    """The environment does not allow the app to start safely."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'wijkmakers.sqlite'}"
    # Hosting platforms often hand out postgres:// URLs; we use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def check_production_settings(config: dict) -> None:
    """Refuse to run in production with settings that are not safe there (one Dutch line, for wsgi.py)."""
    if config.get("ENV_NAME") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if len(str(key)) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is te kort ({len(str(key))} tekens): gebruik in productie minstens "
            f"{MIN_SECRET_KEY_LENGTH} willekeurige tekens, bijvoorbeeld uit "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'."
        )


def _secret_key(instance_path: Path, production: bool) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if production:
        raise ConfigError(
            "SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY op een lange willekeurige "
            "waarde voordat het portaal in productie start (WIJKMAKERS_ENV=production)."
        )
    # Development: generate once and keep it, so sessions survive a restart.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _rate_limit_storage_uri() -> str:
    uri = os.environ.get("RATELIMIT_STORAGE_URI", "memory://").strip() or "memory://"
    if uri.startswith("redis") and importlib.util.find_spec("redis") is None:
        raise ConfigError(
            "RATELIMIT_STORAGE_URI wijst naar Redis, maar het pakket redis ontbreekt: installeer het met "
            "pip install -r requirements-redis.txt."
        )
    return uri


# How long figures and public pages may be reused, in seconds (0 switches one off). Only set when given,
# so each feature's own default applies otherwise (and tests, which run without caches).
CACHE_SETTINGS = ("PUBLIC_PAGE_CACHE_SECONDS", "DASHBOARD_CACHE_SECONDS", "REPORTING_CACHE_SECONDS",
                  "REPORTING_FINGERPRINT_SECONDS")


def load_config(instance_path: str) -> dict:
    path = Path(instance_path)
    production = os.environ.get("WIJKMAKERS_ENV", "development").lower() == "production"
    caches = {key: float(os.environ[key]) for key in CACHE_SETTINGS if os.environ.get(key)}
    storage_uri = _rate_limit_storage_uri()
    return caches | {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": _secret_key(path, production),
        "SQLALCHEMY_DATABASE_URI": _database_url(path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # "Ingelogd blijven" lasts at most 30 days, and ends sooner with the session version (log-out, ...).
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL"),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "10")),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Wijkmakers <noreply@wijkmakers.example>"
        ),
        "RATELIMIT_STORAGE_URI": storage_uri,
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": False,
        # A Redis outage: Flask-Limiter's limits go on in memory instead of answering 500 (the log-in limits
        # have their own fallback, core/limitstore.py).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": dict(REDIS_OPTIONS) if storage_uri.startswith("redis") else {},
        "RATE_LIMIT_RETRY_SECONDS": 30,
        # Log-in limits (auth/throttle.py): failures per account across addresses and per address, then a
        # growing delay per account+address pair after the free failures.
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "100 per 15 minutes"),
        "LOGIN_FREE_FAILURES": int(os.environ.get("LOGIN_FREE_FAILURES", "3")),
        "LOGIN_DELAY_SECONDS": int(os.environ.get("LOGIN_DELAY_SECONDS", "5")),
        "LOGIN_MAX_DELAY_SECONDS": int(os.environ.get("LOGIN_MAX_DELAY_SECONDS", "900")),
        # Reverse proxies in front of the app that set X-Forwarded-For (0: none, use the socket's address).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "PASSWORD_RESET_HOURS": 2,
        # Uploaded staff lists (names, addresses) are deleted this many days after the upload by
        # `flask partners purge-imports` (run it daily; see README).
        "STAFF_IMPORT_RETENTION_DAYS": int(os.environ.get("STAFF_IMPORT_RETENTION_DAYS", "7")),
        "WTF_CSRF_TIME_LIMIT": None,
        # WTForms' own messages (an invalid choice, a number that is not one) in Dutch from its catalogue,
        # not through Flask-Babel, which the portal does not use (core/forms.py sets the locale).
        "WTF_I18N_ENABLED": False,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
    }
