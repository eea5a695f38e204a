"""`geokg serve`: the app on a production WSGI server (waitress)."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import waitress

from kg import reference
from kg.processes import forbid_network
from kg.remote import write_note
from kg.store import Store
from kg.stores import open_store
from server import create_app
from server.compaction import Compactor
from server.querypool import QueryPool

log = logging.getLogger("geokg.serve")


def _forbid_network() -> None:
    """The server process, once listening, opens no connection: an update's SERVICE or LOAD, should one get past
    the check of run_update, fails (the ban is inherited by the query workers started later)."""
    try:
        forbid_network()
    except OSError as exc:
        print(f"warning: {exc}; SERVICE and LOAD are refused by parsing queries and updates only", file=sys.stderr,
              flush=True)


def serve(location: str, host: str = "127.0.0.1", port: int = 8080, threads: int = 8,
          update_token: str | None = None, query_workers: int = 2, query_timeout: float = 30.0,
          max_rows: int = 10_000, queue_wait: float = 5.0, query_memory: int = 4 << 30,
          service_allow: list[str] | None = None, optimize_idle: float = 60.0) -> None:
    store = open_store(location)
    store.init(reference.load())
    pool = QueryPool(store if isinstance(store, Store) else location, workers=query_workers,
                     timeout=query_timeout, max_rows=max_rows, wait=queue_wait, memory_limit=query_memory,
                     service_allow=service_allow or ())
    compactor = Compactor(store, optimize_idle, pool.bump) if isinstance(store, Store) and optimize_idle else None
    app = create_app(store, pool, update_token, compactor)
    note = None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the clean-up below on `kill`
    try:
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident="geokg",
                                        channel_timeout=60, connection_limit=200)
        if isinstance(store, Store) and not service_allow:  # its workers query no endpoint: none may (QueryPool)
            _forbid_network()
        note = (write_note(Path(location), f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}")
                if isinstance(store, Store) else None)
        mode = "read-write (update token set)" if update_token else "read-only"
        print(f"GeoKG serving {location} on http://{host}:{port}/ ({mode}); SPARQL endpoint "
              f"http://{host}:{port}/sparql", flush=True)
        server.run()
    finally:
        if note is not None:
            note.unlink(missing_ok=True)
        if compactor is not None:
            compactor.close()
        pool.close()
        store.close()
