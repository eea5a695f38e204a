"""A store kept in any SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB, Neptune, ...).

`--store URL` (or GEOKG_STORE=URL) names the server's query endpoint; the update endpoint and the
Graph Store endpoint default to Oxigraph's layout next to it and can be given explicitly:

    GEOKG_STORE=http://localhost:7878/query
    GEOKG_UPDATE_URL=http://localhost:7878/update     GEOKG_GSP_URL=http://localhost:7878/store
    GEOKG_STORE_USER / GEOKG_STORE_PASSWORD            (HTTP basic credentials, optional)

Queries go through SPARQLWrapper and come back as pyoxigraph result objects, so every command works
the same on both kinds of store. Writes are SPARQL Update requests: a batch of article graphs is one
INSERT DATA (one transaction on servers that have transactions). The server's default graph must be
the union of its named graphs (Oxigraph: `--union-default-graph`; Fuseki: `tdb2:unionDefaultGraph`;
Virtuoso and GraphDB: by default).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

import ontology
from kg import sparql_text, vocab
from kg.reference import Reference
from kg.store import STATE_GRAPH, VERSION, Stats, StoreError, reference_version, stats_of

INSERT_BATCH = 20_000  # quads per INSERT DATA request for big graphs (the reference knowledge)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class SparqlStore:
    """The Store interface over the SPARQL 1.1 Protocol."""

    def __init__(self, query_url: str, update_url: str | None = None, user: str | None = None,
                 password: str | None = None, read_only: bool = False) -> None:
        self.path = query_url
        base = query_url.rsplit("/", 1)[0]
        self.update_url = update_url or os.environ.get("GEOKG_UPDATE_URL") or base + "/update"
        self.user = user or os.environ.get("GEOKG_STORE_USER")
        self.password = password or os.environ.get("GEOKG_STORE_PASSWORD")
        self.read_only = read_only
        try:
            self._ask("ASK {}")
        except StoreError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {query_url}: {exc}") from None

    # ------------------------------------------------------------------ transport
    def _wrapper(self, url: str) -> SPARQLWrapper:
        w = SPARQLWrapper(url, agent="geokg")
        w.setMethod(POST)
        w.setTimeout(300)
        if self.user:
            w.setCredentials(self.user, self.password or "")
        return w

    def _send_query(self, sparql: str, accept: str,
                    dataset: tuple[list[str], list[str]] = ([], [])) -> bytes:
        w = self._wrapper(self.path)
        w.setQuery(sparql)
        for g in dataset[0]:
            w.addDefaultGraph(g)
        for g in dataset[1]:
            w.addNamedGraph(g)
        w.addCustomHttpHeader("Accept", accept)
        w.setReturnFormat("json" if "json" in accept else "n3")
        try:
            return w.query().response.read()
        except SPARQLWrapperException as exc:
            message = str(exc).split("\n")[0]
            if "QueryBadFormed" in type(exc).__name__ or "400" in str(exc):
                raise ValueError(f"invalid SPARQL: {message}") from None
            raise StoreError(f"{self.path}: {message}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")
        w = self._wrapper(self.update_url)
        w.setQuery(sparql)
        try:
            w.query()
        except (SPARQLWrapperException, OSError) as exc:
            raise StoreError(f"update at {self.update_url} failed: {str(exc).splitlines()[0]}") from None

    def _ask(self, sparql: str) -> bool:
        return bool(ox.parse_query_results(self._send_query(sparql, "application/sparql-results+json"),
                                           ox.QueryResultsFormat.JSON))

    # ------------------------------------------------------------------ the Store interface
    def query(self, sparql: str, default_graph: list[ox.NamedNode] | None = None,
              named_graphs: list[ox.NamedNode] | None = None, use_default_graph_as_union: bool = True):
        """Results as pyoxigraph objects, as Store.query gives them (optionally over an explicit dataset)."""
        dataset = ([g.value for g in default_graph or []], [g.value for g in named_graphs or []])
        if sparql_text.query_form(sparql) in ("CONSTRUCT", "DESCRIBE"):
            data = self._send_query(sparql, "application/n-triples", dataset)
            return [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
        return ox.parse_query_results(self._send_query(sparql, "application/sparql-results+json", dataset),
                                      ox.QueryResultsFormat.JSON)

    def quads(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
              obj: ox.NamedNode | None = None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        if isinstance(subject, ox.BlankNode) or isinstance(obj, ox.BlankNode):
            return  # blank node labels are local to each response
        terms = {"s": subject, "p": predicate, "o": obj, "g": graph}
        pattern = " ".join(f"<{t.value}>" if t is not None else f"?{k}" for k, t in terms.items() if k != "g")
        g = f"<{graph.value}>" if graph is not None else "?g"
        rows = self.query(f"SELECT * WHERE {{ GRAPH {g} {{ {pattern} }} }}")
        for row in rows:
            yield ox.Quad(subject or row["s"], predicate or row["p"], obj or row["o"], graph or row["g"])

    def stored_version(self) -> str | None:
        rows = list(self.query(f"SELECT ?v WHERE {{ GRAPH <{STATE_GRAPH.value}> {{ "
                               f"<{vocab.REFERENCE_GRAPH}> <{VERSION.value}> ?v }} }}"))
        return rows[0]["v"].value if rows else None

    def init(self, reference: Reference) -> bool:
        version = reference_version()
        if self.stored_version() == version:
            return False
        onto, ref = ox.NamedNode(vocab.ONTOLOGY_GRAPH), ox.NamedNode(vocab.REFERENCE_GRAPH)
        self.update(f"DROP SILENT GRAPH <{onto.value}> ; DROP SILENT GRAPH <{ref.value}> ; "
                    f"DELETE WHERE {{ GRAPH <{STATE_GRAPH.value}> {{ <{ref.value}> <{VERSION.value}> ?v }} }}")
        self.add_graph([ox.Quad(t.subject, t.predicate, t.object, onto) for t in ontology.ontology_triples()])
        self.add_graph(reference.quads())
        self.add_graph([ox.Quad(ref, VERSION, ox.Literal(version), STATE_GRAPH)])
        return True

    def has_graph(self, iri: str) -> bool:
        return self._ask(f"ASK {{ GRAPH {sparql_text.iri(iri)} {{ ?s ?p ?o }} }}")

    def add_graph(self, quads: Iterable[ox.Quad]) -> int:
        """INSERT DATA, in requests of at most INSERT_BATCH quads (one request: one transaction)."""
        batch = list(quads)
        for i in range(0, len(batch), INSERT_BATCH):
            by_graph: dict[ox.NamedNode, list[ox.Triple]] = {}
            for q in batch[i:i + INSERT_BATCH]:
                by_graph.setdefault(q.graph_name, []).append(q.triple)
            blocks = [f"GRAPH <{g.value}> {{\n{ox.serialize(ts, None, ox.RdfFormat.N_TRIPLES).decode()}}}"
                      for g, ts in by_graph.items()]
            self.update("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
        return len(batch)

    def replace_graph(self, iri: str, triples: list[ox.Triple]) -> None:
        body = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES).decode("utf-8")
        g = sparql_text.iri(iri)
        self.update(f"DROP SILENT GRAPH {g} ; INSERT DATA {{ GRAPH {g} {{ {body} }} }}")

    def add_articles(self, graphs: list[list[ox.Quad]]) -> int:
        return self.add_graph([q for g in graphs for q in g])

    def remove_graph(self, iri: str) -> bool:
        if iri in (vocab.REFERENCE_GRAPH, vocab.ONTOLOGY_GRAPH) or not self.has_graph(iri):
            return False
        self.update(f"DROP GRAPH {sparql_text.iri(iri)}")
        return True

    def articles(self) -> Iterator[str]:
        for row in self.query(f"SELECT ?a WHERE {{ GRAPH ?a {{ ?a a <{vocab.GKG}Article> }} }} ORDER BY ?a"):
            yield row["a"].value

    def stats(self) -> Stats:
        return stats_of(self)

    def close(self) -> None:
        pass
