"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER = "portaal"
SMTP_PASSWORD = "Geheim-wachtwoord-42"


class Mailbox:
    """aiosmtpd handler: stores every accepted message; can refuse recipients."""

    def __init__(self, refuse: set[str] | None = None):
        self.envelopes = []
        self.refuse = refuse or set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        with self.lock:
            self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        with self.lock:
            return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    @property
    def recipients(self) -> list[str]:
        with self.lock:
            return [r for e in self.envelopes for r in e.rcpt_tos]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_login(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == SMTP_USER
          and auth_data.password.decode() == SMTP_PASSWORD)
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


class SmtpServer:
    """Start and stop a loopback SMTP server on a fixed port (so the app's config stays valid)."""

    def __init__(self, port: int):
        self.port = port
        self.controller = None
        self.mailbox = Mailbox()

    def start(self, authenticate: bool = False, refuse: set[str] | None = None) -> Mailbox:
        self.stop()
        self.mailbox = Mailbox(refuse)
        extra = {"authenticator": check_login, "auth_require_tls": False} if authenticate else {}
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **extra)
        self.controller.start()
        return self.mailbox

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def app_config(smtp_port):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port, "MAIL_TIMEOUT": 5,
            "MAIL_DEFAULT_SENDER": "Wijkmakers <noreply@wijkmakers.example>"}


@pytest.fixture
def smtp(smtp_port):
    """The server, not started: call smtp.start() (or leave it down to test failures)."""
    server = SmtpServer(smtp_port)
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp):
    """A running server; its received messages."""
    return smtp.start()
