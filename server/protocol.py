"""The SPARQL 1.1 Protocol endpoint (/sparql), the Graph Store HTTP Protocol (/rdf-graphs) and VoID.

Read-only unless an update token is configured; updates then need `Authorization: Bearer TOKEN`.
SERVICE clauses (which make the store fetch URLs) are refused unless their endpoint is allowed (the query
workers check); updates may have neither SERVICE nor LOAD.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, redirect, request, url_for

from kg import events_graph, sparql_text, vocab
from kg.sparql_store import SparqlStore
from kg.store import Stats, Store, StoreError
from server.outbound import outbound_targets
from server.querypool import Answer, PoolBusy, QueryFailed, QueryPool, QueryTimeout

T = TypeVar("T")

bp = Blueprint("protocol", __name__)

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
# ?format= shortcuts for download links
FORMAT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json",
                "trig": "application/trig", "nquads": "application/n-quads"}


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def store() -> Store | SparqlStore:
    return current_app.config["GEOKG_STORE"]


def error_response(exc: ProtocolError) -> Response:
    return Response(exc.message + "\n", status=exc.status, mimetype="text/plain", headers=exc.headers)



@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept, Authorization"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
    response.headers.setdefault("Vary", "Accept")
    return response


# ------------------------------------------------------------------------------------------ request parsing
def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"more than one {name}= parameter")
    return values[0] if values else None


def _utf8_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"unsupported charset {charset}: send UTF-8")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "request body is not valid UTF-8") from None


def _parse_operation() -> tuple[str | None, str | None, list[str], list[str]]:
    """(query, update, default-graph-uris, named-graph-uris) from a GET or POST request."""
    args = request.args
    if request.method in ("GET", "HEAD"):
        if "update" in args:
            raise ProtocolError(400, "updates must be sent with POST")
        return (_one(args.getlist("query"), "query"), None, args.getlist("default-graph-uri"),
                args.getlist("named-graph-uri"))
    mimetype = request.mimetype
    if not mimetype:
        raise ProtocolError(400, "missing Content-Type: use application/x-www-form-urlencoded, "
                                 "application/sparql-query or application/sparql-update")
    if mimetype == "application/x-www-form-urlencoded":
        _utf8_body()
        form = request.form
        query, update = _one(form.getlist("query"), "query"), _one(form.getlist("update"), "update")
        if query is not None and update is not None:
            raise ProtocolError(400, "give either query= or update=, not both")
        if query is None and update is None:
            raise ProtocolError(400, "missing query= or update= parameter")
        if update is not None:
            return None, update, form.getlist("using-graph-uri"), form.getlist("using-named-graph-uri")
        return (query, None, form.getlist("default-graph-uri") + args.getlist("default-graph-uri"),
                form.getlist("named-graph-uri") + args.getlist("named-graph-uri"))
    if mimetype == "application/sparql-query":
        return _utf8_body(), None, args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    if mimetype == "application/sparql-update":
        return None, _utf8_body(), args.getlist("using-graph-uri"), args.getlist("using-named-graph-uri")
    raise ProtocolError(415, f"unsupported Content-Type {mimetype}")


def _graph_nodes(iris: list[str]) -> list[ox.NamedNode]:
    try:
        return [ox.NamedNode(sparql_text.iri(i)[1:-1]) for i in iris]
    except ValueError as exc:
        raise ProtocolError(400, str(exc)) from None


# ------------------------------------------------------------------------------------------ queries
def run_query(query: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None
              ) -> Response:
    """Evaluate in a worker process (time limit, row cap, SERVICE allow-list) and answer in the negotiated format."""
    graphs = [n.value for n in _graph_nodes(default_graphs or [])]
    named = [n.value for n in _graph_nodes(named_graphs or [])]
    results_media, graph_media = negotiate("results"), negotiate("graph")
    pool: QueryPool = current_app.config["GEOKG_POOL"]
    answer = pooled(query, graphs, named, results_media or DEFAULT_RESULTS, graph_media or DEFAULT_GRAPH)
    wanted = graph_media if answer.media in GRAPH_TYPES else results_media
    if wanted is None and _explicit_accept():
        raise ProtocolError(406, f"cannot produce {request.headers.get('Accept') or request.args.get('format')} "
                                 "for this query")
    headers = {"X-GeoKG-Row-Limit": str(pool.max_rows)}
    if answer.truncated:
        headers["X-GeoKG-Truncated"] = "true"
        headers["Warning"] = f'199 geokg "result cut at {pool.max_rows} rows (the row limit)"'
    if request.args.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="result.{_suffix(answer.media)}"'
    content_type = f"{answer.media}; charset=utf-8" if answer.media.startswith("text/") else answer.media
    return Response(answer.body, content_type=content_type, headers=headers)


DEFAULT_RESULTS = "application/sparql-results+json"
DEFAULT_GRAPH = "text/turtle"


def pooled(query: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
           results_media: str = DEFAULT_RESULTS, graph_media: str = DEFAULT_GRAPH, wait: float | None = None) -> Answer:
    """`query` answered by a query worker (see QueryPool.execute); what stops it as a ProtocolError: 503 when every
    worker stayed busy, 504 past the time limit."""
    pool: QueryPool = current_app.config["GEOKG_POOL"]
    with _stopped_as_protocol_errors():
        return pool.execute(query, default_graphs or [], named_graphs or [], results_media, graph_media, wait)


def indexed(method: str, wait: float | None = None, **kwargs: object) -> Any:
    """The search index's SearchIndex.<method>(**kwargs), read by a query worker as a query is (a time limit, a
    bounded number at once; what stops it as a ProtocolError, as in `pooled`)."""
    index = store().index
    if index is None:
        raise ProtocolError(503, "this server has no search index (its store was opened read-only)")
    pool: QueryPool = current_app.config["GEOKG_POOL"]
    with _stopped_as_protocol_errors():
        return pool.read_index(str(index.path), method, wait, **kwargs)


@contextmanager
def _stopped_as_protocol_errors() -> Iterator[None]:
    """What stops a worker's answer, as the ProtocolError to answer: 503 when every worker stayed busy, 504 past the
    time limit, the worker's status when the query failed."""
    try:
        yield
    except QueryTimeout as exc:
        raise ProtocolError(504, str(exc)) from None
    except PoolBusy as exc:
        raise ProtocolError(503, f"{exc}; retry shortly", {"Retry-After": "5"}) from None
    except QueryFailed as exc:
        raise ProtocolError(exc.status, exc.message) from None


def _explicit_accept() -> bool:
    if request.args.get("format"):
        return True
    accept = request.headers.get("Accept", "")
    return bool(accept) and "*/*" not in accept and "text/html" not in accept


def negotiate(kind: str) -> str | None:
    """The media type of `kind` ('results' or 'graph') the client asks for; None if it asks for none of them."""
    types = RESULT_TYPES if kind == "results" else GRAPH_TYPES
    wanted = request.args.get("format")
    if wanted:
        media = FORMAT_NAMES.get(wanted, wanted)
        if media not in set(RESULT_TYPES) | set(GRAPH_TYPES):
            raise ProtocolError(406, f"unknown format {wanted}; use one of {', '.join(FORMAT_NAMES)}")
        return media if media in types else None
    if not _explicit_accept():
        return DEFAULT_RESULTS if kind == "results" else DEFAULT_GRAPH
    return request.accept_mimetypes.best_match(list(types), default=None)


def _suffix(media: str) -> str:
    return {"application/sparql-results+json": "srj", "application/json": "json", "application/sparql-results+xml":
            "srx", "application/xml": "xml", "text/csv": "csv", "text/tab-separated-values": "tsv",
            "text/turtle": "ttl", "application/n-triples": "nt", "application/rdf+xml": "rdf",
            "application/ld+json": "jsonld", "application/trig": "trig", "application/n-quads": "nq",
            "text/plain": "nt"}[media]


# ------------------------------------------------------------------------------------------ updates
def require_token(given: str | None = None) -> None:
    """Allow a write only with the configured update token: from `given` or the Bearer Authorization header."""
    token = current_app.config.get("GEOKG_UPDATE_TOKEN")
    if not token:
        raise ProtocolError(403, "this endpoint is read-only: start the server with an update token to allow writes")
    if not given:  # the scheme's name is case-insensitive (RFC 7235)
        scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
        given = credentials.strip() if scheme.lower() == "bearer" else None
    if not given:
        raise ProtocolError(401, "writes need the update token ('Authorization: Bearer TOKEN')",
                            {"WWW-Authenticate": 'Bearer realm="geokg"'})
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise ProtocolError(403, "wrong update token")


def written() -> None:
    """Tell the query workers that the store changed, and the compactor that a write came."""
    pool = current_app.config.get("GEOKG_POOL")
    if pool is not None:
        pool.bump()
    compactor = current_app.config.get("GEOKG_COMPACTOR")
    if compactor is not None:
        compactor.written()


def run_update(update: str, using_graphs: list[str]) -> None:
    require_token()
    try:
        fetched = outbound_targets(update, update=True)
    except ValueError as exc:
        raise ProtocolError(400, f"the update mentions LOAD or SERVICE and cannot be parsed to check them: {exc}"
                            ) from None
    if fetched:
        raise ProtocolError(400, "LOAD and SERVICE are not allowed: they would make the server fetch URLs")
    if using_graphs:
        raise ProtocolError(400, "using-graph-uri / using-named-graph-uri are not supported; "
                                 "name graphs inside the update (WITH, USING, GRAPH)")
    try:
        store().update(update)
    except ValueError as exc:
        raise ProtocolError(400, f"malformed update: {exc}") from None
    except StoreError as exc:
        raise ProtocolError(502, str(exc)) from None
    finally:
        written()


# ------------------------------------------------------------------------------------------ routes
@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    query, update, graphs, named = _parse_operation()
    if update is not None:
        if request.method != "POST":
            raise ProtocolError(400, "updates must be sent with POST")
        run_update(update, graphs + named)
        return Response("update executed\n", status=200, mimetype="text/plain")
    if query is None:
        if "text/html" in request.headers.get("Accept", "") and not request.args:
            return redirect(url_for("pages.query_page"))
        return service_description()
    return run_query(query, graphs, named)


def service_description() -> Response:
    endpoint = url_for("protocol.sparql", _external=True)
    writable = bool(current_app.config.get("GEOKG_UPDATE_TOKEN"))
    formats = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
               "N-Triples", "RDF_XML", "JSON-LD", "TriG"]
    stats = dataset_stats().result(SLOW)  # every client probing the endpoint asks: not made to wait for counts
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix fmt: <http://www.w3.org/ns/formats/> .",
        "",
        f"<{endpoint}> a sd:Service ;",
        f"    sd:endpoint <{endpoint}> ;",
        "    sd:supportedLanguage sd:SPARQL11Query" + (" , sd:SPARQL11Update" if writable else "") + " ;",
        "    sd:feature sd:UnionDefaultGraph ;",
        "    sd:resultFormat " + " , ".join(f"fmt:{f}" for f in formats) + " ;",
        "    sd:defaultDataset [ a sd:Dataset ;",
        "        sd:defaultGraph [ a sd:Graph" + (f" ; void:triples {stats.triples}" if stats else "") + " ] ;",
        f"        sd:namedGraph [ a sd:NamedGraph ; sd:name <{vocab.REFERENCE_GRAPH}> ] ,",
        f"                      [ a sd:NamedGraph ; sd:name <{vocab.ONTOLOGY_GRAPH}> ] ] .",
    ]
    text = "\n".join(lines) + "\n"
    media = negotiate("graph") or DEFAULT_GRAPH
    if media != "text/turtle":
        triples_ = ox.parse(text.encode(), ox.RdfFormat.TURTLE)
        body = ox.serialize((q.triple for q in triples_), None, GRAPH_TYPES[media])
        return Response(body, mimetype=media)
    return Response(text, mimetype="text/turtle")


SLOW = 1.0  # seconds: a value that took longer to compute is refreshed in the background after a write


@dataclass
class _Cached:
    lock: threading.Lock = field(default_factory=threading.Lock)
    value: Any = None
    known: bool = False  # a value (of some generation) has been computed
    generation: int | None = None
    seconds: float = 0.0
    running: threading.Event | None = None  # the background computation under way: set when it ends
    error: Exception | None = None  # why the first computation failed, for the request waiting for it


@dataclass(frozen=True)
class Pending(Generic[T]):
    """A cached value, known or being computed on a thread (see per_generation)."""

    cached: _Cached
    running: threading.Event | None  # the computation of a first value, when there is none yet

    def result(self, wait: float) -> T | None:
        """The value, waiting at most `wait` seconds for a first one; None if it is not ready by then. The first
        computation's error is raised here."""
        if self.running is not None and not self.cached.known:
            self.running.wait(wait)
            if self.cached.error is not None and not self.cached.known:
                raise self.cached.error
        return self.cached.value


def per_generation(name: str, compute: Callable[[], T]) -> Pending[T]:
    """`compute()` for the store's current generation (the server bumps it at every write), cached; the
    caller asks the returned handle for the value, saying how long it may wait.

    When the cached value is of an older generation and took more than SLOW seconds to compute, it is
    served as it is while a thread computes the new one: counting a large store takes tens of seconds,
    and during an ingest through the server every write would otherwise make the next visitor wait.
    The first value is computed on a thread too, once, however many requests want it; so a page can
    start several, wait for each as long as it can, and say which are not ready instead of keeping its
    visitor waiting for counts (20 s at 100,000 articles)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pool = app.config.get("GEOKG_POOL")
    generation = pool.generation if pool is not None else None
    cached: _Cached = app.config.setdefault(f"GEOKG_CACHED_{name}", _Cached())
    if cached.known and cached.generation == generation:
        return Pending(cached, None)
    if cached.known and cached.seconds <= SLOW:
        _refresh(app, cached, generation, compute)
        return Pending(cached, None)
    with cached.lock:
        running = cached.running
        if running is None:
            running = cached.running = threading.Event()
            threading.Thread(target=_in_background, args=(app, cached, generation, compute, running),
                             daemon=True).start()
    return Pending(cached, running)


def _refresh(app: Flask, cached: _Cached, generation: int | None, compute: Callable[[], object]) -> None:
    with app.app_context():
        started = time.monotonic()
        value = compute()
    cached.value, cached.generation, cached.seconds = value, generation, time.monotonic() - started
    cached.known = True


def _in_background(app: Flask, cached: _Cached, generation: int | None, compute: Callable[[], object],
                   done: threading.Event) -> None:
    try:
        cached.error = None
        _refresh(app, cached, generation, compute)
    except Exception as exc:  # raised in the request waiting for a first value; else the old one stays
        cached.error = exc
        app.logger.error("computing a cached value failed: %s", exc)
    finally:
        with cached.lock:
            cached.running = None
        done.set()


def dataset_stats() -> Pending[Stats]:
    """The store's counts, once per store generation: counting millions of triples takes seconds, and the
    service description is fetched by every client that probes the endpoint (see per_generation)."""
    return per_generation("stats", lambda: store().stats())


@bp.route("/.well-known/void")
def void() -> Response:
    endpoint = url_for("protocol.sparql", _external=True)
    dump = url_for("pages.export", format="nquads", _external=True)
    lines = [
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        f"@prefix gkg: <{vocab.GKG}> .",
        "",
        f"<{url_for('protocol.void', _external=True)}#geokg> a void:Dataset ;",
        '    dcterms:title "GeoKG: geopolitical knowledge graph from news articles"@en ;',
        f"    void:sparqlEndpoint <{endpoint}> ;",
        f"    void:dataDump <{dump}> ;",
        f"    void:vocabulary <{vocab.GKG}> , <{vocab.SCHEMA}> , <{vocab.PROV}> , <{vocab.SKOS}> , <{vocab.NIF}> ;",
        f"    void:uriSpace \"{vocab.RES}\" ;",
    ]
    stats = dataset_stats().result(SLOW)  # the statistics are left out while a large store is being counted
    if stats is not None:
        lines.append(f"    void:triples {stats.triples} ;")
        parts = [f"[ void:class gkg:{c} ; void:entities {n} ]" for c, n in sorted({**stats.entities,
                                                                                     **stats.events}.items())]
        parts.append(f"[ void:class gkg:Article ; void:entities {stats.articles} ]")
        lines.append("    void:classPartition " + " ,\n        ".join(parts) + " ;")
    lines[-1] = lines[-1].removesuffix(" ;") + " ."
    return Response("\n".join(lines) + "\n", mimetype="text/turtle")


# ------------------------------------------------------------------------------------------ graph store protocol
def _target_graph() -> ox.NamedNode | None:
    """None for ?default, the named graph for ?graph=IRI."""
    graph = request.args.getlist("graph")
    if "default" in request.args:
        if graph:
            raise ProtocolError(400, "give either ?default or ?graph=IRI")
        return None
    if len(graph) != 1:
        raise ProtocolError(400, "give ?graph=IRI (one) or ?default")
    return _graph_nodes(graph)[0]


@bp.route("/rdf-graphs", methods=["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"])
def graph_store() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204)
    graph = _target_graph()
    s = store()
    if request.method == "HEAD":
        exists = graph is None or s.has_graph(graph.value)
        return Response(status=200 if exists else 404)
    if request.method == "GET":
        media = negotiate("graph")
        if media is None:
            raise ProtocolError(406, f"cannot produce {request.headers.get('Accept')}; available: "
                                     + ", ".join(GRAPH_TYPES))
        if graph is None:
            triples = (q.triple for q in s.quads() if q.graph_name.value != vocab.GRAPH + "state")
        else:
            if not s.has_graph(graph.value):
                raise ProtocolError(404, f"no graph {graph.value}")
            triples = (q.triple for q in s.quads(graph=graph))
        return Response(ox.serialize(triples, None, GRAPH_TYPES[media]), mimetype=media)
    require_token()
    if graph is None:
        raise ProtocolError(400, "the default graph is the read-only union of all graphs; name a graph")
    if graph.value in events_graph.MANAGED:
        raise ProtocolError(403, f"{graph.value} is managed by GeoKG itself (geokg init, geokg fuse)")
    if request.method == "DELETE":
        if not s.remove_graph(graph.value):
            raise ProtocolError(404, f"no graph {graph.value}")
        written()
        return Response(status=204)
    media = request.mimetype
    if media not in GRAPH_TYPES:
        raise ProtocolError(415, f"unsupported Content-Type {media or '(none)'}; send one of " + ", ".join(GRAPH_TYPES))
    try:
        triples = [q.triple for q in ox.parse(request.get_data(), GRAPH_TYPES[media])]
    except SyntaxError as exc:
        raise ProtocolError(400, f"cannot parse the request body as {media}: {exc}") from None
    if request.method == "PUT" and request.headers.get("If-None-Match") == "*":  # only if new: `geokg ingest`
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        if not s.add_article(graph.value, quads):
            raise ProtocolError(412, f"{graph.value} is stored already, or an article with the same URL is")
        written()
        return Response(status=201)
    existed = s.has_graph(graph.value)
    if request.method == "PUT":  # the old graph and the new one are swapped in one transaction
        s.replace_graph(graph.value, triples)
    else:  # the events graph follows what the triples add to an article's reports
        with events_graph.refusing(s, [graph.value]):
            s.add_graph([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
    written()
    return Response(status=204 if existed else 201)
