"""Export: the whole dataset, one named graph, or one entity's concise bounded description, in five formats."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import pyoxigraph as ox

from kg import vocab
from kg.sparql_store import SparqlStore
from kg.store import STATE_GRAPH, Store

FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
DATASET_FORMATS = {"trig", "nquads", "jsonld"}
SUFFIX = {"turtle": ".ttl", "trig": ".trig", "nquads": ".nq", "ntriples": ".nt", "jsonld": ".jsonld"}


class ExportError(ValueError):
    pass


def _user_quads(store: Store | SparqlStore, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
    """Every quad except GeoKG's own bookkeeping graph."""
    for q in store.quads(graph=graph):
        if q.graph_name != STATE_GRAPH:
            yield q


def _as_triples(quads: Iterator[ox.Quad]) -> Iterator[ox.Triple]:
    for q in quads:
        yield ox.Triple(q.subject, q.predicate, q.object)


def concise_bounded_description(store: Store | SparqlStore, iri: str) -> list[ox.Triple]:
    """Statements about the entity (in every graph), blank-node closure, and the reified statements about it."""
    seen: set[ox.Triple] = set()
    out: list[ox.Triple] = []
    todo: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri)]
    visited: set[object] = set()
    reified = ox.NamedNode(vocab.RDF + "subject")
    while todo:
        node = todo.pop()
        if node in visited:
            continue
        visited.add(node)
        for q in store.quads(node):
            if q.graph_name == STATE_GRAPH:
                continue
            t = ox.Triple(q.subject, q.predicate, q.object)
            if t not in seen:
                seen.add(t)
                out.append(t)
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
        if isinstance(node, ox.NamedNode) and node.value == iri:
            todo += [q.subject for q in store.quads(None, reified, node)]
    return out


def export(store: Store | SparqlStore, output: IO[bytes], fmt: str = "turtle", graph: str | None = None,
           entity: str | None = None) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rdf_format = FORMATS[fmt]
    prefixes = dict(vocab.PREFIXES) if fmt in ("turtle", "trig") else None
    if entity is not None:
        triples = concise_bounded_description(store, entity)
        if not triples:
            raise ExportError(f"nothing is known about {entity}")
        _serialize(triples, output, rdf_format, prefixes)
        return
    if graph is not None:
        if not store.has_graph(graph):
            raise ExportError(f"no graph {graph} in the store ('geokg stats' lists the articles)")
        quads = _user_quads(store, ox.NamedNode(graph))
        data = _as_triples(quads) if fmt not in DATASET_FORMATS else quads
    else:
        quads = _user_quads(store)
        data = quads if fmt in DATASET_FORMATS else _as_triples(quads)
    try:
        _serialize(data, output, rdf_format, prefixes)
    finally:
        data.close()  # on failure, drop the store iterator in the thread that made it


def _serialize(data, output: IO[bytes], rdf_format: ox.RdfFormat, prefixes: dict[str, str] | None) -> None:
    if prefixes:
        ox.serialize(data, output, rdf_format, prefixes=prefixes)
    else:
        ox.serialize(data, output, rdf_format)
