"""The dashboard memory: answers are reused for a while per key and database, or never when switched off."""
import time_machine

from wijkmakers.core.cache import forget_all, remember


def _counter():
    calls = []
    return calls, lambda: calls.append(1) or len(calls)


def test_an_answer_is_reused_until_it_is_too_old(app):
    forget_all()
    calls, compute = _counter()
    with time_machine.travel(0, tick=False) as traveller:
        assert remember("figures", compute, seconds=30) == 1
        assert remember("figures", compute, seconds=30) == 1
        assert remember("other", compute, seconds=30) == 2
        traveller.shift(31)
        assert remember("figures", compute, seconds=30) == 3
    forget_all()


def test_tests_compute_every_time_by_default(app):
    calls, compute = _counter()
    assert remember("figures", compute) == 1
    assert remember("figures", compute) == 2


def test_cache_ages_come_from_the_environment_only_when_given(monkeypatch, tmp_path):
    from wijkmakers.config import load_config
    monkeypatch.setenv("PUBLIC_PAGE_CACHE_SECONDS", "0")
    monkeypatch.delenv("DASHBOARD_CACHE_SECONDS", raising=False)
    config = load_config(str(tmp_path))
    assert config["PUBLIC_PAGE_CACHE_SECONDS"] == 0
    assert "DASHBOARD_CACHE_SECONDS" not in config
