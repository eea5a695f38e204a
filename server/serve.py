"""`geokg serve`: the app on a production WSGI server (waitress)."""

from __future__ import annotations

import logging

import waitress

from kg import reference
from kg.store import Store
from server import create_app
from server.querypool import QueryPool

log = logging.getLogger("geokg.serve")


def serve(location: str, host: str = "127.0.0.1", port: int = 8080, threads: int = 8,
          update_token: str | None = None, query_workers: int = 2, query_timeout: float = 30.0,
          max_rows: int = 10_000, queue_wait: float = 5.0, service_allow: list[str] | None = None) -> None:
    store = Store(location)
    store.init(reference.load())
    store.ox.flush()
    pool = QueryPool(location, workers=query_workers, timeout=query_timeout, max_rows=max_rows, wait=queue_wait)
    app = create_app(store, pool, update_token, service_allow)
    mode = "read-write (update token set)" if update_token else "read-only"
    print(f"GeoKG serving {location} on http://{host}:{port}/ ({mode}); SPARQL endpoint http://{host}:{port}/sparql",
          flush=True)
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="geokg", channel_timeout=60,
                       connection_limit=200, _quiet=True)
    finally:
        pool.close()
        store.close()
