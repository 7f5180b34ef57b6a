"""``/inloggen?next=``: after a correct log-in only a path on this site, judged after the normalisation the
browser (and Werkzeug's redirect) applies, never another host and never a 500 (issue 16, item 7)."""
from urllib.parse import unquote

import pytest

from wijkmakers.core.redirects import local_path

from ..factories import PASSWORD

# Raw query-string values, exactly as an attacker would put them in a link.
ATTACKS = [
    "//evil.example",
    "///evil.example",
    "////evil.example/x",
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D/evil.example",
    "/%0D%0A/evil.example",
    "%09//evil.example",
    "%0A//evil.example",
    "%20//evil.example",
    "//%09/evil.example",
    "/%09%09/evil.example",
    "/%00/evil.example",
    "/%7F/evil.example",
    "/%C2%85/evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "%5C/evil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "https://evil.example",
    "https:/evil.example",
    "https:evil.example",
    "HTTP://evil.example",
    "http:%09//evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt%3Aalert(1)",
    "%09javascript:alert(1)",
    "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
    "evil.example",
    "@evil.example",
    ".//evil.example",
    "/agenda%0A",
    "%20/agenda",
    "/agenda%20",
    "/" + "a" * 2100,
]

SAFE = [("/agenda", "/agenda"), ("/activiteiten/3?tab=aanmeldingen", "/activiteiten/3?tab=aanmeldingen"),
        ("/mijn-gegevens%23deel", "/mijn-gegevens#deel"), ("/zoeken%3Fq%3Dwijk", "/zoeken?q=wijk")]


def browser_target(location: str) -> str:
    """What a browser makes of a Location header (WHATWG URL parsing, the parts that change the host)."""
    location = location.strip("".join(chr(c) for c in range(0x21)))
    location = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return location


def log_in_with_next(app, make, raw_next: str):
    user = make.user()
    client = app.test_client()  # a fresh visitor each time: a logged-in one is sent home before `next`
    return client.post("/inloggen", query_string=f"next={raw_next}",
                       data={"email": user.email, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.0.7.1"})


@pytest.mark.parametrize("raw", ATTACKS)
def test_log_in_never_redirects_off_site(app, make, raw):
    response = log_in_with_next(app, make, raw)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert location == "/"
    target = browser_target(location)
    assert target.startswith("/") and not target.startswith("//")


@pytest.mark.parametrize("raw,expected", SAFE)
def test_log_in_follows_a_local_next(app, make, raw, expected):
    response = log_in_with_next(app, make, raw)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("raw", ATTACKS)
def test_local_path_refuses_the_attacks(raw):
    assert local_path(unquote(raw)) is None


def test_local_path_keeps_local_paths():
    for raw, expected in SAFE:
        assert local_path(unquote(raw)) == expected
    assert local_path(None) is None and local_path("") is None
    # Characters that are not controls are left to the IRI encoding and stay on this site.
    assert local_path("/wijk/Selwerd\u2028x") == "/wijk/Selwerd\u2028x"
