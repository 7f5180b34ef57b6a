"""Security response headers. The Content-Security-Policy forbids inline scripts and styles, so
templates keep all JavaScript and CSS in static files."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
# An SVG (charts) styles itself with an internal <style> element and never runs scripts.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def init_security_headers(app) -> None:
    production = app.config.get("ENV_NAME") == "production"

    @app.after_request
    def _headers(response):
        headers = response.headers
        svg = response.mimetype == "image/svg+xml"
        headers.setdefault("Content-Security-Policy", SVG_CSP if svg else CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY" if not svg else "SAMEORIGIN")
        headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
