"""GeoKG's web server: a SPARQL 1.1 endpoint and a small UI over the store (Flask, served by waitress)."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from kg.store import Store
from server.compaction import Compactor
from server.querypool import QueryPool


def create_app(store: Store, pool: QueryPool, update_token: str | None = None,
               compactor: Compactor | None = None) -> Flask:
    """The WSGI app over `store`; HTTP SPARQL queries run in `pool`'s worker processes (with its SERVICE
    allow-list); `compactor` is told of every write."""
    from server import canonical_events, listings, pages, protocol

    app = Flask(__name__)
    app.config["GEOKG_STORE"] = store
    app.config["GEOKG_POOL"] = pool
    app.config["GEOKG_COMPACTOR"] = compactor
    app.config["GEOKG_UPDATE_TOKEN"] = update_token or None
    app.config["MAX_CONTENT_LENGTH"] = 32 * 1024 * 1024
    app.json.sort_keys = False
    app.register_blueprint(protocol.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(listings.bp)
    app.register_blueprint(canonical_events.bp)
    app.register_error_handler(protocol.ProtocolError, protocol.error_response)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_template("error.html", code=exc.code, name=exc.name, message=exc.description), exc.code

    @app.errorhandler(ValueError)
    def bad_value(exc: ValueError):
        return render_template("error.html", code=400, name="Bad request", message=str(exc)), 400

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
        return response

    return app
