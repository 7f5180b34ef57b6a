"""Log-in limits (auth/throttle.py): a growing delay per account+address pair instead of a hard block, a cap
per account and per address, IPv6 per /64, the client's address behind trusted proxies, hashed keys.
Time moves with the suite's clock (no sleeps)."""
import re

import pytest

from wijkmakers.auth.throttle import LoginThrottle, client_network, login_throttle
from wijkmakers.core.limitstore import limit_storage

from ..factories import PASSWORD

EMAIL = "eigenaar@example.org"


def attempt(client, password, address="10.0.0.1", email=EMAIL, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/inloggen", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def fail(client, address="10.0.0.1", email=EMAIL, **kwargs):
    response = attempt(client, "verkeerd-wachtwoord", address, email, **kwargs)
    assert response.status_code == 422, response.status_code
    return response


def refused(response, seconds=None):
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Te veel pogingen" in html and "probeer het dan opnieuw" in html
    if seconds is not None:
        assert response.headers["Retry-After"] == str(seconds)
    return html


def test_delay_starts_after_the_free_failures_and_doubles_up_to_the_maximum(app):
    throttle = login_throttle()
    delays = [throttle.delay_for(n, free=3) for n in range(1, 14)]
    assert delays == [0, 0, 0, 5, 10, 20, 40, 80, 160, 320, 640, 900, 900]
    assert throttle.delay_for(500, free=3) == 900


def test_the_delay_grows_and_the_right_password_works_once_it_is_over(client, make, suite_clock):
    make.user(email=EMAIL)
    for _ in range(3):
        fail(client)  # free
    fail(client)  # the fourth starts a delay of 5 s
    html = refused(attempt(client, PASSWORD), seconds=5)
    assert "Wacht 5 seconden" in html
    # the time to try again, in Groningen (the suite's clock is 10:00 there)
    assert re.search(r"tot 10:00:\d\d\)", html)
    suite_clock.shift(6)
    fail(client)  # fifth failure: 10 s
    refused(attempt(client, PASSWORD), seconds=10)
    suite_clock.shift(11)
    fail(client)  # sixth: 20 s
    refused(attempt(client, "nog-een-gok"), seconds=20)
    suite_clock.shift(21)
    assert attempt(client, PASSWORD).status_code == 302


def test_a_long_delay_is_announced_in_minutes(client, make, suite_clock):
    make.user(email=EMAIL)
    for _ in range(3 + 5):
        fail(client)
        suite_clock.shift(1000)  # past each delay
    fail(client)  # the ninth failure starts 160 s
    html = refused(attempt(client, PASSWORD), seconds=160)
    assert "Wacht 3 minuten" in html


def test_the_right_password_from_another_address_still_works(client, make, suite_clock):
    make.user(email=EMAIL)
    for _ in range(8):
        fail(client, "203.0.113.66")
        suite_clock.shift(1000)
    fail(client, "203.0.113.66")
    refused(attempt(client, PASSWORD, "203.0.113.66"))
    # the stranger's failures do not keep the owner out
    assert attempt(client, PASSWORD, "198.51.100.10").status_code == 302


def test_a_successful_log_in_clears_the_pairs_failures(client, make):
    make.user(email=EMAIL)
    for _ in range(3):
        fail(client)
    assert attempt(client, PASSWORD).status_code == 302
    client.post("/uitloggen")
    for _ in range(3):
        fail(client)  # free again
    assert attempt(client, PASSWORD).status_code == 302


def test_failures_across_many_addresses_leave_no_free_failures_but_never_block_a_new_address(client, make):
    make.user(email=EMAIL)
    for i in range(10):  # one failure each from ten addresses: within the account's cap
        fail(client, f"10.1.0.{i}")
    assert attempt(client, PASSWORD, "10.1.0.0").status_code == 302
    client.post("/uitloggen")
    fail(client, "10.1.0.50")  # past the account's cap: the first failure already starts a delay
    refused(attempt(client, PASSWORD, "10.1.0.50"), seconds=5)
    # the owner, from an address without failures, gets in
    assert attempt(client, PASSWORD, "192.0.2.44").status_code == 302


def test_other_accounts_are_not_affected(client, make):
    make.user(email=EMAIL)
    make.user(email="ander@example.org")
    for _ in range(4):
        fail(client)
    refused(attempt(client, PASSWORD))
    assert attempt(client, PASSWORD, email="ander@example.org").status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "3 per 15 minutes"}])
def test_the_address_cap_counts_ipv6_per_64(client, make, suite_clock):
    make.user(email=EMAIL)
    for i, address in enumerate(("2001:db8:1:2::a", "2001:db8:1:2::b", "2001:db8:1:2:ffff::1")):
        fail(client, address, email=f"gok{i}@example.org")
    html = refused(attempt(client, PASSWORD, "2001:db8:1:2::c"))
    assert "internetadres" in html
    assert attempt(client, PASSWORD, "2001:db8:1:3::c").status_code == 302  # another /64
    client.post("/uitloggen")
    suite_clock.shift(15 * 60 + 1)  # the window is over
    assert attempt(client, PASSWORD, "2001:db8:1:2::c").status_code == 302


def test_the_pair_counts_ipv6_per_64_and_ipv4_mapped_as_ipv4(client, make):
    make.user(email=EMAIL)
    for i in range(4):
        fail(client, f"2001:db8:5:6::{i + 1}")
    refused(attempt(client, PASSWORD, "2001:db8:5:6:abcd::9"))
    assert client_network("2001:db8:5:6:abcd::9") == "2001:db8:5:6::/64"
    assert client_network("::ffff:192.0.2.7") == client_network("192.0.2.7") == "192.0.2.7"
    assert client_network("geen-adres") == "geen-adres"


@pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "2 per 15 minutes"}])
def test_without_trusted_proxies_forwarded_for_is_ignored(client, make):
    make.user(email=EMAIL)
    fail(client, "10.9.9.9", email="a@example.org", forwarded="198.51.100.1")
    fail(client, "10.9.9.9", email="b@example.org", forwarded="198.51.100.2")
    refused(attempt(client, PASSWORD, "10.9.9.9", forwarded="198.51.100.3"))


@pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "2 per 15 minutes", "TRUSTED_PROXIES": 1}])
def test_behind_one_trusted_proxy_each_client_is_counted_apart(client, make):
    make.user(email=EMAIL)
    fail(client, "10.9.9.9", email="a@example.org", forwarded="198.51.100.1")
    fail(client, "10.9.9.9", email="b@example.org", forwarded="198.51.100.1")
    refused(attempt(client, PASSWORD, "10.9.9.9", forwarded="198.51.100.1"))
    # typos of one client behind the proxy do not keep the others out
    assert attempt(client, PASSWORD, "10.9.9.9", forwarded="198.51.100.2").status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "2 per 15 minutes", "TRUSTED_PROXIES": 2}])
def test_two_trusted_hops_take_the_address_the_outer_proxy_saw(client, make):
    make.user(email=EMAIL)
    # client -> proxy 10.0.0.2 -> proxy 10.9.9.9 -> app; the first entry is whatever the client claimed
    fail(client, "10.9.9.9", email="a@example.org", forwarded="6.6.6.1, 198.51.100.7, 10.0.0.2")
    fail(client, "10.9.9.9", email="b@example.org", forwarded="6.6.6.2, 198.51.100.7, 10.0.0.2")
    refused(attempt(client, PASSWORD, "10.9.9.9", forwarded="6.6.6.3, 198.51.100.7, 10.0.0.2"))
    assert attempt(client, PASSWORD, "10.9.9.9", forwarded="6.6.6.1, 198.51.100.8, 10.0.0.2").status_code == 302


def test_keys_hold_no_e_mail_address_and_no_ip_address(client, make):
    make.user(email=EMAIL)
    for address in ("203.0.113.9", "2001:db8:77::1"):
        for _ in range(5):
            attempt(client, "fout", address)
    keys = list(limit_storage().memory.storage)
    assert keys and all(key.startswith("wm-login:") for key in keys)
    text = " ".join(keys).lower()
    for secret in ("eigenaar", "example.org", "203.0.113", "2001:db8", "203-0-113"):
        assert secret not in text


def test_keys_depend_on_the_secret_key():
    one = LoginThrottle(None, "geheim-1")._keys(EMAIL, "192.0.2.1")
    two = LoginThrottle(None, "geheim-2")._keys(EMAIL, "192.0.2.1")
    assert one["pair"] != two["pair"] and len(one["pair"]) == len("wm-login:pair:") + 32


def test_get_requests_and_disabled_limits_are_not_counted(app, client, make):
    make.user(email=EMAIL)
    for _ in range(10):
        assert client.get("/inloggen").status_code == 200
    app.config["RATELIMIT_ENABLED"] = False
    for _ in range(6):
        fail(client)
    assert attempt(client, PASSWORD).status_code == 302
