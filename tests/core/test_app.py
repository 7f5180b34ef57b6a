import os
import subprocess
import sys
from pathlib import Path

import pytest

from wijkmakers import create_app
from wijkmakers.config import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "rate_limit_storage": "ok"}


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz")
    assert len(response.headers["X-Request-ID"]) >= 8
    response = client.get("/healthz", headers={"X-Request-ID": "abcdef123456"})
    assert response.headers["X-Request-ID"] == "abcdef123456"


def test_request_is_logged_with_its_id(client, caplog):
    caplog.set_level("INFO", logger="wijkmakers.request")
    client.get("/healthz", headers={"X-Request-ID": "logcheck1234"})
    assert any("request_id=logcheck1234" in r.getMessage() and "status=200" in r.getMessage()
               for r in caplog.records)


def test_dutch_404_page(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Pagina niet gevonden" in html and 'lang="nl"' in html


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKMAKERS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("WIJKMAKERS_INSTANCE", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKMAKERS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("WIJKMAKERS_INSTANCE", str(tmp_path))
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["SESSION_COOKIE_HTTPONLY"]


def test_development_secret_key_is_generated_once(monkeypatch, tmp_path):
    monkeypatch.delenv("WIJKMAKERS_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("WIJKMAKERS_INSTANCE", str(tmp_path))
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_default_database_is_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WIJKMAKERS_INSTANCE", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'wijkmakers.sqlite'}"


def test_sqlite_pragmas(app):
    from sqlalchemy import text

    from wijkmakers.extensions import db
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_csrf_is_enforced_when_enabled(database_url, make, app):
    from ..conftest import _test_config
    strict = create_app(_test_config(database_url, WTF_CSRF_ENABLED=True))
    client = strict.test_client()
    response = client.post("/inloggen", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "formulier is verlopen" in response.get_data(as_text=True)


def test_security_headers_without_unsafe_inline(client):
    response = client.get("/inloggen")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_hsts_in_production(monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKMAKERS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("WIJKMAKERS_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    app = create_app()
    response = app.test_client().get("/healthz")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_static_files_are_public(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200 and b"--brand" in response.data


def test_the_wsgi_app_starts_in_a_fresh_interpreter(tmp_path):
    """As gunicorn and `flask run` load it: nothing imported beforehand (the tests import every model first,
    which once hid a start-up crash)."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}", WIJKMAKERS_INSTANCE=str(tmp_path))
    code = "from wsgi import app; assert app.url_map.bind('x').match('/healthz')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_feature_subscriber_is_connected_by_the_factory(tmp_path):
    """Receivers are connected because the factory imports each feature's subscribers module, not because
    some view happens to import it: checked in a fresh process that only builds the app."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    import wijkmakers

    features = sorted(path.parent.name for path in Path(wijkmakers.__file__).parent.glob("*/subscribers.py"))
    assert {"activities", "certificates"} <= set(features)
    script = (
        "import inspect, json, sys, blinker\n"
        "from wijkmakers import create_app\n"
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.sqlite', 'SECRET_KEY': 'x'}})\n"
        "out = {}\n"
        f"for feature in {features!r}:\n"
        "    module = sys.modules.get(f'wijkmakers.{feature}.subscribers')\n"
        "    if module is None:\n"
        "        out[feature] = 'not imported'; continue\n"
        "    receivers = {f for _, f in inspect.getmembers(module, inspect.isfunction)\n"
        "                 if f.__module__ == module.__name__ and not f.__name__.startswith('_')}\n"
        "    signals = [s for _, s in inspect.getmembers(module) if isinstance(s, blinker.Signal)]\n"
        "    connected = {r for s in signals for r in s.receivers_for(blinker.ANY)}\n"
        "    out[feature] = 'ok' if receivers and receivers <= connected else 'not connected'\n"
        "print(json.dumps(out))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=Path(wijkmakers.__file__).parents[1], env={**__import__("os").environ,
                                                                           "WIJKMAKERS_INSTANCE": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {feature: "ok" for feature in features}
