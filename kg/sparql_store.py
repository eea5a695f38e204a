"""A store kept in any SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB, Neptune, ...).

`--store URL` (or GEOKG_STORE=URL) names the server's query endpoint; the update endpoint and the
Graph Store endpoint default to Oxigraph's layout next to it and can be given explicitly:

    GEOKG_STORE=http://localhost:7878/query
    GEOKG_UPDATE_URL=http://localhost:7878/update     GEOKG_GSP_URL=http://localhost:7878/store
    GEOKG_STORE_USER / GEOKG_STORE_PASSWORD            (HTTP basic credentials, optional)

(The Graph Store endpoint, which `geokg load` writes through, is Virtuoso's …/sparql-graph-crud, Fuseki's
…/DATASET/data and GraphDB's …/repositories/REPO/rdf-graphs/service.)

Queries go through SPARQLWrapper and come back as pyoxigraph result objects, so every command works
the same on both kinds of store. Writes are SPARQL Update requests: a batch of article graphs is one
INSERT DATA (one transaction on servers that have transactions). The server's default graph must be
the union of its named graphs (Oxigraph: `--union-default-graph`; Fuseki: `tdb2:unionDefaultGraph`;
Virtuoso and GraphDB: by default).
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

import platformdirs
import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

import ontology
from kg import canonical_rows, events_graph, reports, sparql_text, update_graphs, vocab
from kg.canonical_rows import EventRow
from kg.reference import Reference
from kg.search_index import SearchIndex
from kg.store import (
    STATE_GRAPH,
    URL,
    VERSION,
    Stats,
    StoreError,
    article_url,
    build_timeline,
    finish_init,
    in_batches,
    reference_version,
    stats_of,
    sync_index,
)

# Quads per INSERT DATA request: Virtuoso refuses much longer update texts. An article graph is never
# split across requests (it has about a thousand quads); only the reference knowledge is.
INSERT_BATCH = 2_000


def _label(term):
    """Blank node labels that start with a letter (Virtuoso rejects labels that start with a digit)."""
    return ox.BlankNode("b" + term.value) if isinstance(term, ox.BlankNode) else term


def _solutions(data: bytes):
    """SPARQL JSON results as pyoxigraph objects; blank node labels that are not valid labels
    (Virtuoso writes "nodeID://b10001") are rewritten into valid ones."""
    if b'"bnode"' in data:
        doc = json.loads(data)
        for binding in doc.get("results", {}).get("bindings", []):
            for value in binding.values():
                if value.get("type") == "bnode":
                    value["value"] = re.sub(r"\W", "_", value["value"])
        data = json.dumps(doc).encode("utf-8")
    return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class SparqlStore:
    """The Store interface over the SPARQL 1.1 Protocol."""

    def __init__(self, query_url: str, update_url: str | None = None, user: str | None = None,
                 password: str | None = None, read_only: bool = False, fuse: bool = True) -> None:
        self.path = query_url
        self.fusing = fuse  # as Store.fusing
        self.fusion_lock = threading.Lock()
        self.seen = reports.Seen()  # as Store.seen
        base = query_url.rsplit("/", 1)[0]
        self.update_url = update_url or os.environ.get("GEOKG_UPDATE_URL") or base + "/update"
        self.gsp_url = os.environ.get("GEOKG_GSP_URL") or base + "/store"
        self.user = user or os.environ.get("GEOKG_STORE_USER")
        self.password = password or os.environ.get("GEOKG_STORE_PASSWORD")
        self.read_only = read_only
        self._write_lock = threading.Lock()
        try:
            self._ask("ASK {}")
        except StoreError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {query_url}: {exc}") from None
        # the search index (kg.search_index) of this server's articles, in the user's cache directory; kept up to
        # date by this object's writes and brought up to the server's articles by `init`
        self.index = None if read_only else SearchIndex(
            SearchIndex.for_url(query_url, Path(platformdirs.user_cache_dir("geokg"))))

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
            message = _server_message(exc)
            if "QueryBadFormed" in type(exc).__name__ or "400" in str(exc):
                raise ValueError(f"invalid SPARQL: {message}") from None
            raise StoreError(f"{self.path}: {message}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update. The events graph follows the article graphs it names (as Store.update). It may
        change any graph: the search index takes the articles added and removed at once, and is rebuilt whole at
        the next `init`."""
        with events_graph.refusing(self, update_graphs.written_graphs(sparql)):
            try:
                self._update(sparql)
            finally:
                if self.index is not None:
                    sync_index(self, self.index)
                    self.index.mark_stale()

    def _update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")
        w = self._wrapper(self.update_url)
        w.setQuery(sparql)
        try:
            w.query()
        except (SPARQLWrapperException, OSError) as exc:
            raise StoreError(f"update at {self.update_url} failed: {str(exc).splitlines()[0]}") from None

    def _ask(self, sparql: str, dataset: tuple[list[str], list[str]] = ([], [])) -> bool:
        result = _solutions(self._send_query(sparql, "application/sparql-results+json", dataset))
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        # Virtuoso answers ASK in JSON as a table with one variable (__ask_retval): no row, or 0, is false
        rows = list(result)
        value = rows[0][result.variables[0]] if rows and result.variables else None
        return bool(rows) and (value is None or value.value not in ("0", "false"))

    # ------------------------------------------------------------------ the Store interface
    def query(self, sparql: str, default_graph: list[ox.NamedNode] | None = None,
              named_graphs: list[ox.NamedNode] | None = None, use_default_graph_as_union: bool = True):
        """Results as pyoxigraph objects, as Store.query gives them (optionally over an explicit dataset)."""
        dataset = ([g.value for g in default_graph or []], [g.value for g in named_graphs or []])
        form = sparql_text.query_form(sparql)
        if form == "ASK":
            answer = self._ask(sparql, dataset)
            return ox.parse_query_results((f'{{"head": {{}}, "boolean": {str(answer).lower()}}}').encode(),
                                          ox.QueryResultsFormat.JSON)
        if form in ("CONSTRUCT", "DESCRIBE"):
            data = self._send_query(sparql, "application/n-triples", dataset)
            return [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
        return _solutions(self._send_query(sparql, "application/sparql-results+json", dataset))

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
        return finish_init(self, reference, self._load_reference(reference), lambda: build_timeline(self))

    def _load_reference(self, reference: Reference) -> bool:
        version = reference_version()
        if self.stored_version() == version:
            return False
        onto, ref = ox.NamedNode(vocab.ONTOLOGY_GRAPH), ox.NamedNode(vocab.REFERENCE_GRAPH)
        self._update(f"DROP SILENT GRAPH <{onto.value}> ; DROP SILENT GRAPH <{ref.value}> ; "
                    f"DELETE WHERE {{ GRAPH <{STATE_GRAPH.value}> {{ <{ref.value}> <{VERSION.value}> ?v }} }}")
        self.add_graph([ox.Quad(t.subject, t.predicate, t.object, onto) for t in ontology.ontology_triples()])
        self.add_graph(reference.quads())
        self.add_graph([ox.Quad(ref, VERSION, ox.Literal(version), STATE_GRAPH)])
        return True

    def has_graph(self, iri: str) -> bool:
        return self._ask(f"ASK {{ GRAPH {sparql_text.iri(iri)} {{ ?s ?p ?o }} }}")

    def stored_article(self, iri: str, url: str | None) -> str | None:
        """As Store.stored_article."""
        if self.has_graph(iri):
            return iri
        if url is None:
            return None
        rows = list(self.query(f"SELECT ?a WHERE {{ GRAPH ?a {{ ?a <{URL.value}> {sparql_text.literal(url)}"
                               f"^^<{vocab.XSD}anyURI> }} }} LIMIT 1"))
        return rows[0]["a"].value if rows else None

    def add_article(self, iri: str, quads: list[ox.Quad]) -> bool:
        """As Store.add_article, under a lock of this process: other clients of the server may write between the
        check and the write."""
        with self._write_lock:
            if self.stored_article(iri, article_url(quads)) is not None:
                return False
            self.add_graph([*quads, events_graph.unfused(iri)])
        events_graph.fuse_article(self, iri, quads)
        return True

    def add_graph(self, quads: Iterable[ox.Quad]) -> int:
        """INSERT DATA, in requests of at most INSERT_BATCH quads (one request: one transaction)."""
        batch = list(quads)
        if any(isinstance(t, ox.BlankNode) for q in batch for t in (q.subject, q.object)):
            self._insert(batch)  # one request, so that blank nodes keep their identity (the ontology's lists)
        else:
            for i in range(0, len(batch), INSERT_BATCH):
                self._insert(batch[i:i + INSERT_BATCH])
        self._reindex(sorted({q.graph_name.value for q in batch if isinstance(q.graph_name, ox.NamedNode)}))
        return len(batch)

    def _reindex(self, graphs: list[str], removed: bool = False) -> None:
        """Bring the search index up to these graphs written or removed."""
        if self.index is not None:
            self.index.written(self.query, graphs, removed)

    def _insert(self, quads: list[ox.Quad]) -> None:
        blocks = sparql_text.graph_blocks(ox.Quad(_label(q.subject), q.predicate, _label(q.object), q.graph_name)
                                          for q in quads)
        if "_:" in blocks:  # blank nodes: a template (some servers, e.g. Virtuoso, refuse them in INSERT DATA)
            self._update(f"INSERT {{\n{blocks}\n}} WHERE {{}}")
        else:
            self._update(f"INSERT DATA {{\n{blocks}\n}}")

    def post_graph(self, iri: str, quads: list[ox.Quad]) -> None:
        """Add the quads of the graph `iri` with a Graph Store Protocol POST of its triples (N-Triples) to
        `?graph=IRI` at the Graph Store endpoint: one request, one transaction on the server, without the length
        limits of update texts."""
        if self.read_only:
            raise StoreError("this store was opened read-only")
        body = ox.serialize((ox.Triple(_label(q.subject), q.predicate, _label(q.object)) for q in quads), None,
                            ox.RdfFormat.N_TRIPLES)
        target = f"{self.gsp_url}?{urllib.parse.urlencode({'graph': iri})}"
        headers = {"Content-Type": "application/n-triples", "User-Agent": "geokg"}
        if self.user:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        try:
            with urllib.request.urlopen(urllib.request.Request(target, data=body, method="POST", headers=headers),
                                        timeout=300) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read().decode("utf-8", "replace").split())[:200]
            raise StoreError(f"POST to the Graph Store {self.gsp_url} failed: {exc.code} {exc.reason}: {detail} "
                             "(GEOKG_GSP_URL names the server's Graph Store endpoint)") from None
        except OSError as exc:
            raise StoreError(f"POST to the Graph Store {self.gsp_url} failed: {exc}") from None

    def post_graphs(self, graphs: list[tuple[str, list[ox.Quad]]]) -> None:
        """`post_graph` each (IRI, quads), then bring the search index up to them."""
        for iri, quads in graphs:
            self.post_graph(iri, quads)
        self._reindex([iri for iri, _ in graphs])

    def replace_graph(self, iri: str, triples: list[ox.Triple]) -> None:
        """As Store.replace_graph."""
        body = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES).decode("utf-8")
        g = sparql_text.iri(iri)
        with events_graph.refusing(self, [iri]):
            self._update(f"DROP SILENT GRAPH {g} ; INSERT DATA {{ GRAPH {g} {{ {body} }} }}")
            self._reindex([iri])

    def add_articles(self, graphs: list[list[ox.Quad]]) -> int:
        """Whole article graphs (each with its unfused mark) per request (each request one transaction on the server),
        then their fusion."""
        group: list[ox.Quad] = []
        for graph in graphs:
            if group and len(group) + len(graph) > INSERT_BATCH:
                self._insert(group)
                group = []
            group += [*graph, events_graph.unfused(graph[0].graph_name.value)] if graph else []
        if group:
            self._insert(group)
        self._reindex([g[0].graph_name.value for g in graphs if g])
        if self.fusing:
            events_graph.fuse(self, reports.reports_in(q for g in graphs for q in g),
                              [g[0].graph_name.value for g in graphs if g])
        return sum(len(g) for g in graphs)

    def remove_graph(self, iri: str) -> bool:
        """As Store.remove_graph."""
        if iri in events_graph.MANAGED:
            return False
        return events_graph.remove(self, iri)

    def change_events(self, removed: list[ox.Quad], added: list[ox.Quad], drop: str | None = None,
                      rows: dict[str, EventRow | None] | None = None) -> None:
        """As Store.change_events, in requests of at most INSERT_BATCH quads (one transaction each on servers that
        have transactions): the graph dropped first, then the removals, then the additions. Each DELETE DATA names
        one graph: given several, Virtuoso deletes from the last one only."""
        if drop is not None:
            self._update(f"DROP SILENT GRAPH {sparql_text.iri(drop)}")  # Virtuoso wants SILENT for graphs not CREATEd
            self._reindex([drop], removed=True)
        for graph in sorted({q.graph_name.value for q in removed}):
            mine = [q for q in removed if q.graph_name.value == graph]
            for i in range(0, len(mine), INSERT_BATCH):
                self._update(f"DELETE DATA {{ {sparql_text.graph_blocks(mine[i:i + INSERT_BATCH])} }}")
        self.add_graph(added)
        if self.index is not None and rows:
            self.index.events_written(rows)

    def replace_events(self, described: Iterable[list[ox.Quad]], version: ox.Quad) -> None:
        """As Store.replace_events."""
        rows: list[EventRow] = []
        quads = canonical_rows.flattened(described, rows)
        state, events = STATE_GRAPH.value, vocab.EVENTS_GRAPH
        self._update(f"DELETE WHERE {{ GRAPH <{state}> {{ <{events}> <{VERSION.value}> ?v }} }} ; "
                    f"DROP SILENT GRAPH <{events}> ; "
                    f"DELETE WHERE {{ GRAPH <{state}> {{ ?a <{events_graph.UNFUSED.value}> ?t }} }}")
        for batch in in_batches(quads, INSERT_BATCH):
            self._insert(batch)
        self.add_graph([version])
        if self.index is not None:
            self.index.events_replaced(rows)

    def articles(self) -> Iterator[str]:
        for row in self.query(f"SELECT ?a WHERE {{ GRAPH ?a {{ ?a a <{vocab.GKG}Article> }} }} ORDER BY ?a"):
            yield row["a"].value

    def stats(self) -> Stats:
        return stats_of(self)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()


def _server_message(exc: SPARQLWrapperException) -> str:
    """The first line of what the server said in its error response (its parser's message: "the prefix foo: is not
    declared"), else SPARQLWrapper's own first line. SPARQLWrapper keeps the response only as the repr of its bytes
    after "Response:" in the message."""
    head, _, body = str(exc).partition("\n\nResponse:\n")
    try:
        said = ast.literal_eval(body).decode("utf-8", "replace") if body else ""
    except (ValueError, SyntaxError, AttributeError):
        said = ""
    line = next((x.strip() for x in said.splitlines() if x.strip()), "")
    return line[:500] if line else head.split("\n")[0]
