"""The log-in limits on a real Redis (a throw-away redis-server on a free loopback port): counters shared by
two app servers; when Redis goes away, in-memory limits with a logged warning, never a 500, and /healthz
says "degraded"; Redis is used again once it is back. The tests without a server run everywhere."""
import shutil
import socket
import subprocess
import sys
import threading

import pytest
import redis

from wijkmakers import create_app
from wijkmakers.config import ConfigError, load_config
from wijkmakers.core.limitstore import FallbackStorage
from wijkmakers.extensions import db

from ..conftest import _test_config
from ..factories import PASSWORD

EMAIL = "gedeeld@example.org"
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """redis-server in the foreground, without persistence; ready when it says so on stdout."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory), "--daemonize", "no"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ready, output = threading.Event(), []

        def drain(stream):
            for line in stream:  # keep reading so the pipe never fills up
                output.append(line)
                if "Ready to accept connections" in line:
                    ready.set()
            ready.set()

        threading.Thread(target=drain, args=(self.process.stdout,), daemon=True).start()
        if not ready.wait(20) or self.process.poll() is not None:
            self.stop()
            raise RuntimeError("redis-server did not start:\n" + "".join(output[-20:]))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port)


@pytest.fixture
def redis_server(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server); shared limits not tested")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(request):
    if "redis_server" in request.fixturenames:
        return {"RATELIMIT_STORAGE_URI": request.getfixturevalue("redis_server").url}
    return {}


def attempt(client, password, address, email=EMAIL):
    return client.post("/inloggen", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _dispose(application) -> None:
    # A second app has its own engine; its connections would outlive the test (and count as "other
    # connections" for the backup tests on the same PostgreSQL database).
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_app_servers_share_the_counters(redis_server, app, client, make, database_url, request):
    make.user(email=EMAIL)
    other_app = create_app(_test_config(database_url, RATELIMIT_STORAGE_URI=redis_server.url))
    request.addfinalizer(lambda: _dispose(other_app))
    other = other_app.test_client()
    for _ in range(2):
        assert attempt(client, "fout", "203.0.113.5").status_code == 422
        assert attempt(other, "fout", "203.0.113.5").status_code == 422
    # the fourth failure (on the second server) started a delay that the first server honours
    refused = attempt(client, PASSWORD, "203.0.113.5")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "5"
    assert attempt(other, PASSWORD, "203.0.113.5").status_code == 429
    # another address still gets in, on either server
    assert attempt(other, PASSWORD, "198.51.100.20").status_code == 302
    keys = [key.decode() for key in redis_server.client().keys("*")]
    login_keys = [key for key in keys if "wm-login:" in key]
    assert len(login_keys) >= 4
    assert not any(part in key for key in keys for part in ("gedeeld", "example.org", "203.0.113", "198.51"))


def test_a_redis_outage_falls_back_to_memory_and_healthz_says_degraded(redis_server, app, client, make, caplog,
                                                                        suite_clock):
    caplog.set_level("WARNING", logger="wijkmakers.ratelimit")
    make.user(email=EMAIL)
    assert client.get("/healthz").get_json()["rate_limit_storage"] == "ok"
    assert attempt(client, "fout", "203.0.113.6").status_code == 422
    redis_server.stop()

    assert attempt(client, PASSWORD, "203.0.113.7").status_code == 302  # no 500
    client.post("/uitloggen")
    assert any("rate limit storage unreachable" in r.getMessage() for r in caplog.records)
    health = client.get("/healthz")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "degraded" and body["database"] == "ok"
    assert body["rate_limit_storage"] == "degraded" and "rate_limit_storage" in body["degraded"]
    # the limits go on in memory
    for _ in range(4):
        assert attempt(client, "fout", "203.0.113.8").status_code == 422
    assert attempt(client, PASSWORD, "203.0.113.8").status_code == 429
    # Flask-Limiter's limits (password reset) fall back too
    assert client.post("/wachtwoord-vergeten", data={"email": EMAIL}).status_code == 302

    # Redis back: used again once the retry time has passed
    redis_server.start()
    assert client.get("/healthz").get_json()["status"] == "degraded"  # not retried yet
    suite_clock.shift(31)
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "rate_limit_storage": "ok"}
    assert attempt(client, "fout", "203.0.113.9").status_code == 422
    assert any("wm-login:" in key.decode() for key in redis_server.client().keys("*"))


def test_an_unreachable_redis_from_the_start_never_answers_500(app, make, database_url, caplog, request):
    caplog.set_level("WARNING", logger="wijkmakers.ratelimit")
    make.user(email=EMAIL)
    down = create_app(_test_config(database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0"))
    request.addfinalizer(lambda: _dispose(down))
    client = down.test_client()
    assert attempt(client, "fout", "203.0.113.10").status_code == 422
    assert attempt(client, PASSWORD, "203.0.113.10").status_code == 302
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "degraded"
    warnings = [r for r in caplog.records if "rate limit storage unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once per outage, not per request


def test_a_redis_setting_without_the_redis_package_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setitem(sys.modules, "redis", None)  # as if the package were not installed
    with pytest.raises(ConfigError, match="requirements-redis.txt"):
        load_config(str(tmp_path))
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    assert load_config(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "memory://"


class FlakyStorage:
    base_exceptions = ConnectionError

    def __init__(self):
        self.up, self.calls = False, 0

    def incr(self, key, expiry, amount=1):
        self.calls += 1
        if not self.up:
            raise ConnectionError("down")
        return 99

    def check(self):
        return self.up


def test_the_fallback_retries_the_shared_storage_after_30_seconds():
    now = [1000.0]
    storage = FallbackStorage("memory://", retry_seconds=30, clock=lambda: now[0])
    storage.primary = flaky = FlakyStorage()
    assert storage.incr("k", 60) == 1 and storage.degraded  # memory answered
    assert storage.incr("k", 60) == 2 and flaky.calls == 1  # not retried within 30 s
    flaky.up = True
    now[0] += 29
    assert storage.status() == "degraded" and storage.incr("k", 60) == 3
    now[0] += 2
    assert storage.incr("k", 60) == 99 and not storage.degraded
    assert storage.status() == "ok"
