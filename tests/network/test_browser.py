"""The network pages in headless Chromium: no serious accessibility violation (axe-core), no sideways
scrolling on a 390px phone, and the contact flow through the real forms (CSRF on).

The portal runs here on loopback with the demo academy and the demo network; the browser runs in a
child process (browser_checks.py), because Sync Playwright allows one instance per process and other
modules keep theirs open for the whole session."""
import json
import os
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from wijkmakers import PROJECT_ROOT, create_app
from wijkmakers.core.timeutil import utcnow
from wijkmakers.demo.data import load_demo
from wijkmakers.extensions import db

from ..browser.conftest import CHROMIUM
from ..conftest import _test_config, fresh_database_url


@pytest.fixture(scope="module")
def network_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pytest.importorskip("axe_playwright_python")
    url = fresh_database_url(tmp_path_factory, "netbrowser")
    app = create_app(_test_config(url, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False, TESTING=False))
    with app.app_context():
        db.create_all()
        now = utcnow()
        load_demo(app.config["CONTENT_DIR"], now=now)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_network_pages_in_a_real_browser(network_server):
    result = subprocess.run([sys.executable, "-m", "tests.network.browser_checks", network_server, CHROMIUM],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    problems = json.loads(result.stdout.strip().splitlines()[-1])["problems"]
    assert not problems, "\n".join(problems)
