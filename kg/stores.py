"""Which store a location names: a directory (embedded Oxigraph) or a SPARQL endpoint URL."""

from __future__ import annotations

from kg.sparql_store import SparqlStore, is_url
from kg.store import Store


def open_store(location: str, read_only: bool = False, fuse: bool = True) -> Store | SparqlStore:
    """The store at `location`; `fuse`: fuse articles into the events graph as they are stored (kg.events_graph)."""
    if is_url(location):
        return SparqlStore(location, read_only=read_only, fuse=fuse)
    return Store(location, read_only=read_only, fuse=fuse)
