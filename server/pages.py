"""The web UI: home, search, browse, entity and article pages (Linked Data), query editor, export, add article
(the event and article listings are in server.listings).

Pages render on the server (Jinja2 escapes everything that came from articles or users); JavaScript
only adds the editor and its result views, autocomplete, the neighbourhood graph and the maps.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from markupsafe import Markup, escape

import ontology
from kg import extract, mapping, reference, vocab
from kg.article import ArticleError, from_record, is_web_url
from kg.export import FORMATS, SUFFIX, concise_bounded_description, export
from kg.search_index import MARK_END, MARK_START, EventFilter
from kg.sparql_text import with_prefixes
from server import canonical_events, listings, views
from server.examples import EXAMPLES, example_by_slug
from server.protocol import (
    GRAPH_TYPES,
    SLOW,
    ProtocolError,
    dataset_stats,
    indexed,
    per_generation,
    require_token,
    store,
    written,
)

bp = Blueprint("pages", __name__)

NODE_MODULES = Path(os.environ.get("GEOKG_NODE_MODULES", Path(__file__).resolve().parent.parent / "node_modules"))
# Files of the npm packages the pages use; nothing else under node_modules is served.
VENDOR = {
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    "topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    "countries-110m.json": "world-atlas/countries-110m.json",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
}
CLASS_TITLES = {"State": "States", "Person": "People", "Organization": "Organizations",
                "MilitaryAsset": "Military assets", "MilitaryBase": "Military bases", "Place": "Places"}
ENTITY_EVENTS = 10  # events per page of an entity's page
RDF_SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples",
                ".rdf": "application/rdf+xml"}


# ------------------------------------------------------------------------------------------ template helpers
def local_url(iri: str | None) -> str | None:
    """Where an IRI of the graph is shown in this UI (None for IRIs outside it)."""
    if not iri:
        return None
    if iri.startswith(vocab.RES):
        return url_for("pages.resource", path=iri[len(vocab.RES):])
    if iri.startswith(vocab.ARTICLE):
        article, _, fragment = iri[len(vocab.ARTICLE):].partition("#")
        return url_for("pages.article_page", key=article) + (f"#{fragment}" if fragment else "")
    return None


def link(iri: str | None, label: str | None = None) -> Markup:
    if not iri:
        return Markup("")
    text = label or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    target = local_url(iri)
    if target:
        return Markup('<a href="{}">{}</a>').format(target, text)
    if is_web_url(iri):  # never javascript:, data: and the like, whatever was stored
        return Markup('<a href="{}" rel="nofollow noopener">{}</a>').format(iri, text)
    return Markup("{}").format(text)


def highlight(text: str, mentions: list[tuple[int, int, str, str, str]]) -> Markup:
    """The article text with each linked mention wrapped in a link; everything escaped."""
    parts: list[Markup] = []
    pos = 0
    for begin, end, iri, label, cls in mentions:
        if begin < pos or end > len(text):
            continue
        target = local_url(iri) or (iri if is_web_url(iri) else None)
        if target is None:
            continue
        parts.append(escape(text[pos:begin]))
        parts.append(Markup('<a class="mention t-{}" href="{}" title="{}">{}</a>').format(
            cls, target, f"{label} ({cls})", text[begin:end]))
        pos = end
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def excerpt(text: str) -> Markup:
    """A search index excerpt with its matches in <mark>; everything escaped."""
    parts: list[Markup] = []
    for i, piece in enumerate(text.replace(MARK_END, MARK_START).split(MARK_START)):
        parts.append(Markup("<mark>{}</mark>").format(piece) if i % 2 else escape(piece))
    return Markup("").join(parts)


def page_url(number: int, name: str = "page") -> str:
    """This page's URL with its arguments, showing page `number` (of the list paged by the argument `name`)."""
    args = request.args.to_dict(flat=False)
    args[name] = [str(number)]
    return url_for(request.endpoint or "pages.home", **(request.view_args or {}), **args)


def term_label(local: str | None) -> str:
    """The ontology's label of a class or individual of GeoKG's namespace ("AirStrike" -> "Air strike")."""
    return ontology.class_labels().get(local or "", local or "")


@bp.app_context_processor
def helpers() -> dict[str, object]:
    return {"link": link, "local_url": local_url, "class_titles": CLASS_TITLES, "excerpt": excerpt,
            "page_url": page_url, "term_label": term_label,
            "writable": bool(current_app.config.get("GEOKG_UPDATE_TOKEN"))}


# ------------------------------------------------------------------------------------------ pages
@bp.route("/")
def home() -> str:
    # Each cached apart, so that each is of one generation when refreshed in the background (per_generation).
    # The two counts read the whole store (20 s at 100,000 articles): both start at once on their threads,
    # the page waits a second for them, then says they are being counted and reloads itself.
    deadline = time.monotonic() + SLOW

    def left() -> float:
        return max(deadline - time.monotonic(), 0)

    stats, top = dataset_stats(), per_generation("top", lambda: views.most_mentioned(store()))
    articles = per_generation("latest", lambda: indexed("articles", offset=0, limit=20)).result(SLOW)
    return render_template("home.html", articles=articles, top=top.result(left()), stats=stats.result(left()))


def _search(method: str, **kwargs: object) -> Any:
    """A search of the search index, run by a query worker as any query is (a time limit, a bounded number at
    once), not on the server's threads (16 clients searching at once kept them from every other page). When
    every worker is busy it does not wait for one, holding a thread: 503 at once."""
    return indexed(method, wait=0, **kwargs)


def _core_class(cls: str | None) -> str | None:
    if cls is not None and cls not in views.CORE_CLASSES:
        raise ProtocolError(400, f"unknown class {cls}")
    return cls


@bp.route("/search")
def search() -> tuple[str, int, dict[str, str]] | str:
    q = request.args.get("q", "").strip()
    try:
        cls = _core_class(request.args.get("class") or None)
    except ProtocolError as exc:
        abort(exc.status, exc.message)
    found: dict[str, Any] = {"entities": [], "events": [], "event_count": 0, "articles": []}
    try:
        found["entities"] = _search("search_entities", text=q, core=cls, limit=50)
        if cls is None and q:
            found["events"], found["event_count"] = _search("events", f=EventFilter(text=q), limit=10)
            found["articles"] = _search("search_articles", text=q, limit=20)
    except ProtocolError as exc:
        return render_template("search.html", q=q, cls=cls, error=exc.message, **found), exc.status, exc.headers
    return render_template("search.html", q=q, cls=cls, error=None, **found)


@bp.route("/api/search")
def api_search() -> Response:
    rows = _search("search_entities", text=request.args.get("q", ""),
                   core=_core_class(request.args.get("class") or None), limit=12)
    return jsonify([{"iri": r["iri"], "label": r["label"], "class": r["core"], "type": term_label(str(r["class"])),
                     "url": local_url(str(r["iri"]))} for r in rows])


@bp.route("/api/terms")
def api_terms() -> Response:
    """The classes and properties the query editor completes (views.vocabulary_terms), once per store generation."""
    return jsonify(per_generation("terms", lambda: views.vocabulary_terms(store())).result(10))


@bp.route("/browse/<cls>")
def browse(cls: str) -> Response | str:
    if cls in ontology.event_classes():
        return redirect(url_for("listings.events", **({"class": cls} if cls != "Event" else {})))
    if cls == "Article":
        return redirect(url_for("listings.articles"))
    if cls not in views.CORE_CLASSES:
        abort(404)
    try:
        page = max(int(request.args.get("page", "1")), 1)
    except ValueError:
        abort(400, "page must be a number")
    rows, total = views.browse(store(), cls, page)
    return render_template("browse.html", cls=cls, rows=rows, total=total, page=page, size=50)


@bp.route("/query")
def query_page() -> str:
    """The editor, opening the query of `?query=` or of the example `?example=SLUG` (else the first example's), run
    at once with `run=1`; the editor's script also opens `#query=...` (YASGUI's share links)."""
    query, run = request.args.get("query"), request.args.get("run") == "1"
    if query is None and (name := request.args.get("example")):
        example = example_by_slug(name)
        if example is None:
            abort(404, f"no example {name}")
        query = with_prefixes(example.query, vocab.PREFIXES)
    return render_template("query.html", examples=EXAMPLES, prefixes=vocab.PREFIXES, initial=query, run=run,
                           shown=query if query is not None else with_prefixes(EXAMPLES[0].query, vocab.PREFIXES),
                           example_queries={e.slug: with_prefixes(e.query, vocab.PREFIXES) for e in EXAMPLES})


def _wants_rdf(path: str) -> tuple[str, str | None]:
    """(path without an RDF suffix, media type wanted or None for HTML)."""
    for suffix, media in RDF_SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], media
    best = request.accept_mimetypes.best_match(["text/html", *GRAPH_TYPES], default="text/html")
    if request.accept_mimetypes.accept_html and request.accept_mimetypes["text/html"] >= \
            request.accept_mimetypes[best]:
        return path, None
    return path, None if best == "text/html" else best


@bp.route("/resource/<path:path>")
def resource(path: str) -> Response | str:
    path, media = _wants_rdf(path)
    iri = vocab.RES + path
    if media is not None:
        triples = concise_bounded_description(store(), iri)
        if not triples:
            abort(404)
        return Response(ox.serialize(triples, None, GRAPH_TYPES[media]), mimetype=media)
    data = views.entity(store(), iri)
    if data is None:
        abort(404)
    q = listings.event_query(request.args, involving=iri)
    events: tuple[list[dict[str, object]], int] = ([], 0)
    counterparts: list[dict[str, object]] = []
    error = None
    canonical: list[dict[str, object]] = []
    try:  # the page is shown without them when every query worker stays busy
        events = listings.list_events(q, size=ENTITY_EVENTS)
        counterparts = indexed("counterparts", iri=iri, limit=10)
        canonical = canonical_events.of_entity(iri)
    except ProtocolError as exc:
        error = exc.message
    others = {k: v for k, v in q.form.items() if k != "role"}
    events_url = url_for("listings.events", **{q.form.get("role", "entity"): iri}, **others)
    points = [{**asdict(p), "url": local_url(p.iri)} for p in data.points]
    return render_template("entity.html", e=data, q=q, events=events[0], event_count=events[1], size=ENTITY_EVENTS,
                           counterparts=counterparts, error=error, classes=listings.class_options(),
                           canonical=canonical, events_url=events_url, points=points,
                           rdf_links=_rdf_links(url_for("pages.resource", path=path)))


@bp.route("/api/neighbourhood")
def api_neighbourhood() -> Response:
    iri = request.args.get("iri", "")
    try:
        counterparts = indexed("counterparts", iri=iri, limit=40)
        return jsonify(views.neighbourhood(store(), iri, counterparts))
    except ValueError as exc:
        raise ProtocolError(400, str(exc)) from None


@bp.route("/article/<key>")
def article_page(key: str) -> Response | str:
    key, media = _wants_rdf(key)
    iri = vocab.ARTICLE + key
    if media is not None:
        if not store().has_graph(iri):
            abort(404)
        triples = (q.triple for q in store().quads(graph=ox.NamedNode(iri)))
        return Response(ox.serialize(triples, None, GRAPH_TYPES[media]), mimetype=media)
    data = views.article(store(), iri)
    if data is None:
        abort(404)
    return render_template("article.html", a=data, text=highlight(data.text, data.mentions),
                           rdf_links=_rdf_links(url_for("pages.article_page", key=key)))


def _rdf_links(base: str) -> list[tuple[str, str]]:
    return [("Turtle", base + ".ttl"), ("JSON-LD", base + ".jsonld"), ("N-Triples", base + ".nt"),
            ("RDF/XML", base + ".rdf")]


@bp.route("/ontology")
def ontology_page() -> Response:
    g = ox.NamedNode(vocab.ONTOLOGY_GRAPH)
    triples = (q.triple for q in store().quads(graph=g))
    return Response(ox.serialize(triples, None, ox.RdfFormat.TURTLE, prefixes=dict(vocab.PREFIXES)),
                    mimetype="text/turtle")


# ------------------------------------------------------------------------------------------ export
def _stream(write) -> Iterator[bytes]:
    """Run `write(file)` in a thread and yield what it writes, so large exports never sit in memory.

    If the client goes away, the reader closes the pipe and the writer stops at its next write."""
    read_fd, write_fd = os.pipe()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with os.fdopen(write_fd, "wb", buffering=1 << 16) as w:
                write(w)
        except BrokenPipeError:
            pass  # the client stopped reading
        except BaseException as exc:  # reported to the client below
            errors.append(exc)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        with os.fdopen(read_fd, "rb") as r:
            while chunk := r.read(1 << 16):
                yield chunk
    finally:
        thread.join()
    if errors:
        raise errors[0]


@bp.route("/export", endpoint="export")
def export_download() -> Response:
    fmt = request.args.get("format", "turtle")
    graph = request.args.get("graph") or None
    entity = request.args.get("entity") or None
    if fmt not in FORMATS:
        abort(400, f"unknown format {fmt}; choose one of {', '.join(FORMATS)}")
    s = store()
    if graph is not None and not s.has_graph(graph):
        abort(404, f"no graph {graph}")
    if entity is not None and not views.has_entity_data(s, entity):
        abort(404, f"nothing is known about {entity}")
    media = {"turtle": "text/turtle", "trig": "application/trig", "nquads": "application/n-quads",
             "ntriples": "application/n-triples", "jsonld": "application/ld+json"}[fmt]
    name = "geokg" if not (graph or entity) else (graph or entity or "").rstrip("/").rsplit("/", 1)[-1]
    headers = {"Content-Disposition": f'attachment; filename="{_safe_name(name)}{SUFFIX[fmt]}"'}

    return Response(_stream(lambda f: export(s, f, fmt, graph=graph, entity=entity)), mimetype=media,
                    headers=headers)


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)[:80] or "geokg"


# ------------------------------------------------------------------------------------------ adding articles
@bp.route("/add", methods=["GET", "POST"])
def add_article() -> Response | str:
    if request.method == "GET":
        return render_template("add.html", form={}, error=None)
    form = request.form
    try:
        require_token(form.get("token") or None)
    except ProtocolError as exc:
        return render_template("add.html", form=form, error=exc.message), exc.status
    record = {"title": form.get("title", ""), "text": form.get("text", ""), "date": form.get("date") or None,
              "url": form.get("url") or None, "publisher": form.get("publisher") or None}
    try:
        art = from_record(record, "form")
    except ArticleError as exc:
        return render_template("add.html", form=form, error=str(exc).removeprefix("form: ")), 400
    s = store()
    if s.stored_article(art.iri, art.url) is None:  # else nothing to extract
        quads = list(mapping.article_quads(extract.extract(art), reference.load()))
        if s.add_article(art.iri, quads):  # checked again in the write: the same article may have come meanwhile
            written()
    stored = s.stored_article(art.iri, art.url) or art.iri  # this one, or the one stored with its URL
    return redirect(url_for("pages.article_page", key=stored[len(vocab.ARTICLE):]), code=303)


@bp.route("/vendor/<name>")
def vendor(name: str) -> Response:
    if name not in VENDOR:
        abort(404)
    rel = VENDOR[name]
    directory = NODE_MODULES / os.path.dirname(rel)
    if not (directory / os.path.basename(rel)).exists():
        abort(503, f"front-end package file {rel} is missing: run 'make install' (npm ci)")
    response = send_from_directory(directory, os.path.basename(rel), max_age=86400)
    return response


@bp.route("/vendor/images/<name>")
def vendor_images(name: str) -> Response:
    return send_from_directory(NODE_MODULES / "leaflet" / "dist" / "images", name, max_age=86400)


@bp.app_template_filter("date")
def format_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value[:10]).strftime("%-d %B %Y")
    except ValueError:
        return value
