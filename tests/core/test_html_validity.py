"""The W3C Nu HTML checker (vnu.jar) finds no errors on the main pages of every role.

The demo academy is loaded (so lists are long, and pages with one form per row have many rows); each demo
login, and an anonymous visitor, opens the pages of their menu and the pages those link to (one address of
each shape: /activiteiten/12 and /activiteiten/13 are one shape). All pages go to one vnu run (one JVM).
`make test` installs vnu.jar into .tools/ (npm package vnu-jar); CI installs Java. Without Java or the jar
the test is skipped locally, and fails in CI."""
import json
import os
import re
import shutil
import subprocess  # noqa: S404 - runs the checker on files this test wrote
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from wijkmakers import PROJECT_ROOT
from wijkmakers.auth.models import User
from wijkmakers.core.templating import NAV_ITEMS, PUBLIC
from wijkmakers.demo.data import DEMO_DOMAIN, load_demo
from wijkmakers.extensions import db

from ..conftest import TEST_NOW, login, logout

VNU_JAR = os.environ.get("VNU_JAR") or os.path.join(PROJECT_ROOT, ".tools", "node_modules", "vnu-jar", "build",
                                                   "dist", "vnu.jar")
DEMO_LOGINS = ("deelnemer", "trainee", "mentor", "begeleider", "organisator", "partner", "coordinator",
               "beheerder")
PUBLIC_PAGES = ("/", "/agenda", "/inloggen", "/wachtwoord-vergeten", "/toegankelijkheid", "/privacy",
                "/certificaat", "/api/v1/docs")
# Files, feeds and actions: not pages.
NOT_A_PAGE = re.compile(r"\.(pdf|csv|xlsx|ics|json|zip|txt)$|/(pdf|zip|download|export|exporteren|uitloggen)\b")
MAX_PAGES_PER_LOGIN = 30


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}  # forms render their CSRF field, as in production


def _checker() -> list[str]:
    java = shutil.which("java")
    if java and os.path.exists(VNU_JAR):
        # One short run: the quick JIT tier and the serial collector halve its CPU time.
        return [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", VNU_JAR]
    reason = (f"the Nu HTML checker needs Java and {VNU_JAR} (make test installs the jar with npm; "
              "apt-get install default-jre-headless)")
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _shape(path: str) -> str:
    return re.sub(r"/[0-9]+(?=/|$)", "/N", path)


def _links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(("/static/", "/api/v1/openapi")) or NOT_A_PAGE.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _crawl(client, start: list[str], seen: set[str]) -> dict[str, str]:
    """URL -> HTML of the start pages (the person's menu) and the pages they link to, one of each shape not
    yet ``seen`` (for another login)."""
    pages, queue = {}, list(start)
    depth = {url: 0 for url in start}
    while queue and len(pages) < MAX_PAGES_PER_LOGIN:
        url = queue.pop(0)
        shape = _shape(url.split("?")[0]) + ("?" if "?" in url else "")
        if depth[url] and shape in seen:
            continue
        seen.add(shape)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            assert response.status_code < 500, f"{url} answered {response.status_code}"
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        if depth[url] < 1:
            for link in _links(html):
                if link not in depth:
                    depth[link] = depth[url] + 1
                    queue.append(link)
    return pages


def _menu(app, roles: set[str]) -> list[str]:
    from flask import url_for

    with app.test_request_context():
        return [url_for(endpoint) for endpoint, _label, allowed in NAV_ITEMS
                if allowed is None or allowed == PUBLIC or roles.intersection(allowed)]


def test_main_pages_of_every_role_are_valid_html(app, client, tmp_path):
    checker = _checker()
    load_demo(app.config["CONTENT_DIR"], now=TEST_NOW)
    seen: set[str] = set()
    rendered = {"anoniem": _crawl(client, list(PUBLIC_PAGES), seen)}
    for key in DEMO_LOGINS:
        user = db.session.scalar(select(User).where(User.email == f"{key}@{DEMO_DOMAIN}"))
        login(client, user)
        rendered[key] = _crawl(client, _menu(app, set(user.role_keys)), seen)
        logout(client)
    files = {}
    for who, pages in rendered.items():
        for n, (url, html) in enumerate(pages.items()):
            path = tmp_path / f"{who}-{n:03d}.html"
            path.write_text(html, encoding="utf-8")
            files[str(path)] = f"{who} {url}"
    assert len(files) > 60
    result = subprocess.run([*checker, "--format", "json", "--errors-only", *files],  # noqa: S603
                            capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}:{m.get('lastLine')}: "
              f"{m.get('message')} [{m.get('extract', '').strip()[:120]}]"
              for m in messages if m.get("type") == "error"]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors[:80])
