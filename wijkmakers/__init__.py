"""Wijkmakers portal: the learning and activity portal of the wijkacademie of Groningen."""
import importlib
import logging
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import check_production_settings, load_config
from .extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
        instance_path=os.environ.get("WIJKMAKERS_INSTANCE", os.path.join(PROJECT_ROOT, "instance")),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    app.config["CONTENT_DIR"] = os.path.join(PROJECT_ROOT, "content", "modules")
    if overrides:
        app.config.update(overrides)
    check_production_settings(app.config)
    if app.config.get("TRUSTED_PROXIES"):
        # The client's address from X-Forwarded-For, trusting exactly this many proxies' hops.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["TRUSTED_PROXIES"]), x_proto=0, x_host=0)

    from .core import forms  # noqa: F401 - its CSRF field widget applies to every form
    from .core.urls import init_url_converters

    _configure_logging(app)
    _init_extensions(app)
    init_url_converters(app)
    _register_blueprints(app)
    _register_cli(app)
    _connect_subscribers()
    _register_personal_data()

    from .core import errors, requestlog, timeutil
    from .core.permissions import enforce_login
    from .core.security import init_security_headers
    from .core.templating import init_templating

    requestlog.init_request_logging(app)
    init_security_headers(app)
    enforce_login(app, login_manager)
    errors.register_error_handlers(app)
    timeutil.register_filters(app)
    init_templating(app)
    return app


def _configure_logging(app: Flask) -> None:
    from .core import logredact

    logredact.install()  # no e-mail addresses and no tokens in any log record
    level = getattr(logging, str(app.config.get("LOG_LEVEL", "INFO")).upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("wijkmakers").setLevel(level)
    # WeasyPrint narrates every rendering step at INFO; keep its warnings only.
    logging.getLogger("weasyprint").setLevel(max(level, logging.WARNING))
    logging.getLogger("fontTools").setLevel(max(level, logging.WARNING))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers and a writer work at once; foreign keys are off by default in SQLite.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _init_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A writer waits for the lock instead of failing at once (busy timeout, in seconds).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    from .core.limitstore import init_limit_storage

    init_limit_storage(app)  # the log-in limits' counters, with an in-memory fallback
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te bekijken."
    login_manager.login_message_category = "info"

    from .auth.services import session_user

    # The session and the remember-me cookie hold "id:version" (User.get_id): a session made before the
    # person logged out, changed their password or was blocked loads nobody, on every server.
    login_manager.user_loader(session_user)


# Feature packages, lowest first (ARCHITECTURE.md). Each may have views.py (a blueprint ``bp``), cli.py
# (click groups listed in ``COMMANDS``) and subscribers.py (signal receivers, connected on import); models
# are loaded through wijkmakers.models.
FEATURES = ("core", "notifications", "auth", "organisations", "activities", "learning", "certificates",
            "partners", "network", "people", "reporting", "home", "api", "backup", "demo")


def _feature_module(feature: str, name: str):
    try:
        return importlib.import_module(f"{__name__}.{feature}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name in (f"{__name__}.{feature}", f"{__name__}.{feature}.{name}"):
            return None
        raise


def _register_blueprints(app: Flask) -> None:
    from . import models  # noqa: F401 - every table known to SQLAlchemy and Alembic

    for feature in FEATURES:
        views = _feature_module(feature, "views")
        if views is not None:
            app.register_blueprint(views.bp)


def _connect_subscribers() -> None:
    # Importing a subscribers module connects its receivers (blinker keeps them for the process), so a
    # feature's reaction to another's signal cannot depend on which views happen to be imported.
    for feature in FEATURES:
        _feature_module(feature, "subscribers")


def _register_personal_data() -> None:
    # Each feature's personal_data.py registers, on import, what it holds about a person
    # (core/personal_data.py); the export of people.export reads that register.
    for feature in FEATURES:
        _feature_module(feature, "personal_data")


def _register_cli(app: Flask) -> None:
    for feature in FEATURES:
        cli = _feature_module(feature, "cli")
        for group in getattr(cli, "COMMANDS", ()):
            app.cli.add_command(group)
