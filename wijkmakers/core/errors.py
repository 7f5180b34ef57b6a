"""Dutch error pages (HTML) and JSON errors under /api."""
import logging

from flask import g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

log = logging.getLogger("wijkmakers.errors")

MESSAGES = {
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


def register_error_handlers(app) -> None:
    for status in (400, 401, 403, 404, 405, 410, 413, 429):
        app.register_error_handler(status, lambda exc, status=status: render_error(status))

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return render_error(400, "Het formulier is verlopen. Laad de pagina opnieuw en verstuur het nog eens.")

    @app.errorhandler(500)
    def _server_error(exc):
        log.error("request_id=%s unhandled error on %s: %r", g.get("request_id", "-"), request.path,
                  getattr(exc, "original_exception", exc))
        return render_error(500)
