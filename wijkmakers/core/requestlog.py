"""One log line per request, tagged with a request id that is also sent back to the client."""
import logging
import time
import uuid

from flask import g, request

log = logging.getLogger("wijkmakers.request")


def init_request_logging(app) -> None:
    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response):
        started = g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        log.info(
            "request_id=%s method=%s path=%s status=%s duration_ms=%.1f",
            g.get("request_id", "-"), request.method, request.path, response.status_code, elapsed_ms,
        )
        return response
