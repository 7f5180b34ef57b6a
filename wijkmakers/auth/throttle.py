"""Log-in limits that protect without locking the owner out.

Three counters of failed log-ins, kept in the limit store (``core/limitstore.py``: Redis when configured, in
memory while Redis is down):

- per account + address pair: ``LOGIN_FREE_FAILURES`` failures are free, then each failure starts a delay
  (``LOGIN_DELAY_SECONDS``, doubling up to ``LOGIN_MAX_DELAY_SECONDS``) during which that pair's attempts get
  a 429 saying when to try again. Other addresses are not affected, so a stranger cannot keep the owner out.
  A successful log-in clears the pair.
- per account, across addresses (``LOGIN_LIMIT_PER_ACCOUNT``): once exceeded, no failures are free any more:
  every address's first failure already starts its delay. An address without failures can still log in.
- per address (``LOGIN_LIMIT_PER_ADDRESS``): past it, every log-in attempt from that address gets a 429 until
  the window ends.

Addresses are the client's (``TRUSTED_PROXIES`` turns on ProxyFix); IPv6 addresses count per /64. Keys are
HMACs under the secret key: no e-mail address or IP address is stored in the limit store.
"""
import hashlib
import hmac
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import wraps

from flask import current_app, g, render_template, request
from flask_login import current_user
from limits import parse

from ..core.limitstore import limit_storage
from ..core.timeutil import LOCAL_TZ

EXTENSION_KEY = "wijkmakers.login_throttle"
PAIR_MEMORY_SECONDS = 24 * 3600  # how long a pair's failures are remembered without a success


def client_network(address: str | None) -> str:
    """The unit an address is counted in: an IPv4 address, or the /64 network of an IPv6 address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "-").strip()
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


@dataclass(frozen=True)
class Blocked:
    until: float  # epoch seconds
    reason: str  # "pair" or "address"

    def seconds_left(self, now: float) -> int:
        return max(1, math.ceil(self.until - now))


class LoginThrottle:
    def __init__(self, storage, secret: str | bytes, *, free_failures: int = 3, first_delay: int = 5,
                 max_delay: int = 900, account_limit: str = "10 per 15 minutes",
                 address_limit: str = "100 per 15 minutes", clock: Callable[[], float] = time.time):
        self.storage = storage
        self.secret = secret.encode() if isinstance(secret, str) else secret
        self.free_failures = free_failures
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.account_limit = parse(account_limit)
        self.address_limit = parse(address_limit)
        self.clock = clock

    def _key(self, kind: str, *parts: str) -> str:
        digest = hmac.new(self.secret, "\x1f".join((kind, *parts)).encode(), hashlib.sha256).hexdigest()
        return f"wm-login:{kind}:{digest[:32]}"

    def _keys(self, email: str, address: str | None) -> dict[str, str]:
        email, network = normalise_email(email), client_network(address)
        return {"pair": self._key("pair", email, network), "lock": self._key("lock", email, network),
                "account": self._key("account", email), "address": self._key("address", network)}

    def delay_for(self, failures: int, free: int) -> int:
        """Seconds of delay after the pair's ``failures``-th failure (0 while failures are free)."""
        if failures <= free:
            return 0
        return min(self.max_delay, self.first_delay * 2 ** min(failures - free - 1, 30))

    def check(self, email: str, address: str | None) -> Blocked | None:
        """Whether a log-in attempt for this account from this address must wait, and until when."""
        keys = self._keys(email, address)
        if self.storage.get(keys["lock"]) > 0:
            return Blocked(self.storage.get_expiry(keys["lock"]), "pair")
        if self.storage.get(keys["address"]) >= self.address_limit.amount:
            return Blocked(self.storage.get_expiry(keys["address"]), "address")
        return None

    def failed(self, email: str, address: str | None) -> int:
        """Count a failed log-in; answers the delay (seconds) it starts for the pair, 0 for none."""
        keys = self._keys(email, address)
        self.storage.incr(keys["address"], self.address_limit.get_expiry())
        account_failures = self.storage.incr(keys["account"], self.account_limit.get_expiry())
        pair_failures = self.storage.incr(keys["pair"], PAIR_MEMORY_SECONDS)
        free = 0 if account_failures > self.account_limit.amount else self.free_failures
        delay = self.delay_for(pair_failures, free)
        if delay:
            self.storage.clear(keys["lock"])
            self.storage.incr(keys["lock"], delay)
        return delay

    def succeeded(self, email: str, address: str | None) -> None:
        keys = self._keys(email, address)
        self.storage.clear(keys["pair"])
        self.storage.clear(keys["lock"])


def login_throttle() -> LoginThrottle:
    app = current_app._get_current_object()
    throttle = app.extensions.get(EXTENSION_KEY)
    if throttle is None:
        config = app.config
        throttle = LoginThrottle(
            limit_storage(), config["SECRET_KEY"],
            free_failures=int(config.get("LOGIN_FREE_FAILURES", 3)),
            first_delay=int(config.get("LOGIN_DELAY_SECONDS", 5)),
            max_delay=int(config.get("LOGIN_MAX_DELAY_SECONDS", 900)),
            account_limit=config.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
            address_limit=config.get("LOGIN_LIMIT_PER_ADDRESS", "100 per 15 minutes"))
        app.extensions[EXTENSION_KEY] = throttle
    return throttle


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return "1 seconde" if seconds == 1 else f"{seconds} seconden"
    minutes = math.ceil(seconds / 60)
    return "1 minuut" if minutes == 1 else f"{minutes} minuten"


def too_many_message(blocked: Blocked, now: float) -> str:
    seconds = blocked.seconds_left(now)
    at = datetime.fromtimestamp(blocked.until, timezone.utc).astimezone(LOCAL_TZ).strftime("%H:%M:%S")
    who = ("vanaf dit adres voor dit account" if blocked.reason == "pair" else "vanaf dit internetadres")
    return (f"Te veel pogingen {who}. Wacht {_wait_text(seconds)} (tot {at}) en probeer het dan opnieuw. "
            "Wachtwoord vergeten? Vraag dan hieronder een nieuw wachtwoord aan.")


def _too_many(blocked: Blocked, now: float):
    from .forms import LoginForm

    form = LoginForm()
    form.form_errors.append(too_many_message(blocked, now))
    headers = {"Retry-After": str(blocked.seconds_left(now))}
    return render_template("auth/login.html", form=form), 429, headers


def guard_login(view):
    """Wraps the log-in view: refuses a POST while its pair or address must wait; afterwards counts a failure
    (the view sets ``g.login_failed``) or clears the pair on success."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if request.method != "POST" or not current_app.config.get("RATELIMIT_ENABLED", True):
            return view(*args, **kwargs)
        throttle = login_throttle()
        email, address = request.form.get("email"), request.remote_addr
        blocked = throttle.check(email, address)
        if blocked is not None:
            return _too_many(blocked, throttle.clock())
        response = view(*args, **kwargs)
        if g.get("login_failed"):
            throttle.failed(email, address)
        elif current_user.is_authenticated:
            throttle.succeeded(email, address)
        return response

    return guarded
