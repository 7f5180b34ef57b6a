"""Production refuses a short SECRET_KEY: one Dutch line, no traceback, a non-zero exit (issue 16, item 8)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wijkmakers.config import MIN_SECRET_KEY_LENGTH, ConfigError, check_production_settings

ROOT = Path(__file__).resolve().parents[2]


def start_wsgi(tmp_path, **env) -> subprocess.CompletedProcess:
    """Import wsgi.py as gunicorn would, in a process of its own."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "WIJKMAKERS_ENV")}
    environment.update(WIJKMAKERS_INSTANCE=str(tmp_path / "instance"),
                       DATABASE_URL=f"sqlite:///{tmp_path / 'start.sqlite'}", LOG_LEVEL="WARNING", **env)
    return subprocess.run([sys.executable, "-c", "import wsgi; print('gestart')"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("key", ["x", "bench-secret", "a" * (MIN_SECRET_KEY_LENGTH - 1),
                                 "   " + "b" * (MIN_SECRET_KEY_LENGTH - 1) + "  "])
def test_production_refuses_a_short_secret_key(tmp_path, key):
    result = start_wsgi(tmp_path, WIJKMAKERS_ENV="production", SECRET_KEY=key)
    assert result.returncode != 0
    assert "gestart" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "SECRET_KEY is te kort" in lines[0] and f"minstens {MIN_SECRET_KEY_LENGTH}" in lines[0]
    assert len(key.strip()) < 5 or key.strip() not in lines[0]  # the key itself is never printed


def test_production_without_a_secret_key_says_so_in_one_line(tmp_path):
    result = start_wsgi(tmp_path, WIJKMAKERS_ENV="production")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "SECRET_KEY ontbreekt" in result.stderr


def test_production_starts_with_a_long_secret_key(tmp_path):
    result = start_wsgi(tmp_path, WIJKMAKERS_ENV="production", SECRET_KEY="k" * MIN_SECRET_KEY_LENGTH)
    assert result.returncode == 0, result.stderr
    assert "gestart" in result.stdout


def test_development_and_the_benchmark_keep_short_keys(tmp_path):
    # benchmarks/run.py starts the portal with SECRET_KEY="bench-secret" and no WIJKMAKERS_ENV.
    result = start_wsgi(tmp_path, SECRET_KEY="bench-secret")
    assert result.returncode == 0, result.stderr


def test_overrides_are_checked_too():
    check_production_settings({"ENV_NAME": "development", "SECRET_KEY": "kort"})
    check_production_settings({"ENV_NAME": "production", "SECRET_KEY": "z" * 40})
    with pytest.raises(ConfigError):
        check_production_settings({"ENV_NAME": "production", "SECRET_KEY": "kort"})
