"""One way to fail: the domain errors every service raises, and the Dutch error pages (HTML) or JSON errors
under /api that every failure becomes.

A service raises ``DomainError("Dutch sentence", field="name")`` when a rule is broken and ``NotFound``
when the object does not exist or is not the caller's. A view that re-shows a form catches DomainError and
hands it to ``show_on_form`` (the message lands on the named field, or above the form) and answers 422; a
view that does not catch it still gives the person the sentence, on a 422 page, and NotFound a 404 page.
"""
import logging

from flask import g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

log = logging.getLogger("wijkmakers.errors")


class DomainError(ValueError):
    """A business rule was broken. ``message`` is Dutch and shown as is; ``field`` names the form field it
    belongs to, when there is one."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or is not the caller's: the answer is 404, the same for both, so that
    nobody can probe for other people's records."""

    status = 404

    def __init__(self, message: str | None = None, field: str | None = None):
        super().__init__(message or MESSAGES[404][1], field)


def form_page(template: str, **context):
    """A page with a form: 200 when asked for, 422 when a sent form is shown again with its errors."""
    return render_template(template, **context), 422 if request.method == "POST" else 200


def show_on_form(form, exc: DomainError) -> None:
    """Put the error where the person looks: under the named field, or in the form's own error list."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, exc.message] if isinstance(field.errors, list) else [exc.message]
    else:
        form.form_errors.append(exc.message)

MESSAGES = {
    422: ("Dat lukt niet", "Dit verzoek kan niet worden uitgevoerd."),
    400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt. Ga terug en probeer het opnieuw."),
    401: ("Inloggen nodig", "Log in om deze pagina te bekijken."),
    403: ("Geen toegang", "Je hebt geen toegang tot deze pagina. Denk je dat dit niet klopt? "
                          "Neem contact op met de organisatie van Wijkmakers."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Controleer het adres of ga naar de startpagina."),
    405: ("Niet toegestaan", "Deze handeling is op deze pagina niet mogelijk."),
    410: ("Link verlopen", "Deze link is verlopen of al gebruikt."),
    413: ("Bestand te groot", "Het bestand is te groot. Stuur een kleiner bestand (maximaal 5 MB)."),
    429: ("Te veel pogingen", "Je hebt het te vaak achter elkaar geprobeerd. Wacht even en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Probeer het later opnieuw; "
                              "blijft het misgaan, meld het dan bij de organisatie."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None):
    title, text = MESSAGES.get(status, MESSAGES[500])
    text = message or text
    if _wants_json():
        return jsonify(error={"status": status, "title": title, "message": text}), status
    return render_template("errors/error.html", status=status, title=title, text=text), status


def _http_error(exc, status: int):
    """The Dutch page or JSON for an HTTP error, keeping the exception's own headers (``Allow`` on a 405,
    ``Retry-After`` on a 429, ``WWW-Authenticate`` on a 401) but not its content type."""
    body, code = render_error(status)
    headers = [(name, value) for name, value in (exc.get_headers() if hasattr(exc, "get_headers") else [])
               if name.lower() != "content-type"]
    return body, code, headers


def register_error_handlers(app) -> None:
    for status in (400, 401, 403, 404, 405, 410, 413, 429):
        app.register_error_handler(status, lambda exc, status=status: _http_error(exc, status))

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        return render_error(exc.status, exc.message if exc.status != 404 else None)

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return render_error(400, "Het formulier is verlopen. Laad de pagina opnieuw en verstuur het nog eens.")

    @app.errorhandler(500)
    def _server_error(exc):
        log.error("request_id=%s unhandled error on %s: %r", g.get("request_id", "-"), request.path,
                  getattr(exc, "original_exception", exc))
        return render_error(500)
