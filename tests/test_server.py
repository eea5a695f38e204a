"""Flask test-client tests for every route and content type of the SPARQL endpoint and the UI."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg import extract, mapping, reference, vocab
from kg.article import Article
from kg.ingest import ingest
from kg.search_index import EventFilter
from kg.store import EVENT_CLASSES, Store, StoreError, stats_of
from server import create_app, views
from server.querypool import QueryPool

from .conftest import DATA, SEEDS, answer

TOKEN = "s3cret-token"
SYRIA = "/resource/state/SYR"
TARTUS = "/resource/base/tartus-naval-base"
XSS_TITLE = 'Leak <script>alert("x")</script> & Co'


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    root = tmp_path_factory.mktemp("server")
    hostile = root / "hostile.json"
    hostile.write_text(json.dumps({"title": XSS_TITLE, "date": "2024-02-01", "publisher": "<b>Evil</b> Press",
                                   "text": "Russia sends S-400 systems to Syria. <img src=x onerror=alert(1)> "
                                           "Officials said \"}\" and <script>document.write(1)</script>."}))
    s = Store(root / "store")
    ingest(s, [SEEDS, DATA / "articles", hostile])
    yield s
    s.close()


@pytest.fixture(scope="module")
def pool(store: Store) -> Iterator[QueryPool]:
    p = QueryPool(store, workers=2, timeout=20, max_rows=1000)
    yield p
    p.close()


@pytest.fixture()
def client(store: Store, pool: QueryPool) -> FlaskClient:
    return create_app(store, pool, update_token=TOKEN).test_client()


@pytest.fixture()
def readonly(store: Store, pool: QueryPool) -> FlaskClient:
    return create_app(store, pool).test_client()


def article_key(store: Store, title_part: str) -> str:
    rows = store.query("PREFIX schema: <http://schema.org/> SELECT ?a ?t WHERE { GRAPH ?a { ?a schema:headline ?t } }")
    return next(r["a"].value for r in rows if title_part in r["t"].value).rsplit("/", 1)[-1]


# ------------------------------------------------------------------------------------------ UI pages
def test_home(client: FlaskClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.content_type
    body = r.get_data(as_text=True)
    assert "States" in body and "Russia sends advanced air defence systems to Syria" in body
    assert "Most mentioned" in body and 'href="/resource/state/RUS"' in body
    assert " · &lt;b&gt;Evil&lt;/b&gt; Press</span>" in body  # the publisher's name beside its article, escaped


def test_search_page_and_autocomplete(client: FlaskClient) -> None:
    body = client.get("/search?q=Tartus").get_data(as_text=True)
    assert f'href="{TARTUS}"' in body and 'href="/resource/place/tartus"' in body
    items = client.get("/api/search?q=tartus&class=MilitaryBase").get_json()
    assert items[0] == {"iri": "https://w3id.org/geokg/resource/base/tartus-naval-base", "label": "Tartus naval base",
                        "class": "MilitaryBase", "type": "Naval base", "url": TARTUS}
    assert client.get("/api/search?q=SA-22").get_json()[0]["label"] == "Pantsir-S1"
    assert client.get("/api/search?q=x&class=Nope").status_code == 400
    assert client.get("/search?q=x&class=Nope").status_code == 400


@pytest.mark.parametrize("q", ['"', "\\", '\\"', "a\nb", "}", '") } UNION { ?e ?p ?o } #', "ü", "Дамаск", "'",
                               "%", "\x00", "<script>"])
def test_search_escapes_user_input(client: FlaskClient, q: str) -> None:
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code == 200
    assert all(q.strip().lower() in item["label"].lower() or item["label"] for item in r.get_json())
    assert len(r.get_json()) <= 12
    assert client.get("/search", query_string={"q": q}).status_code == 200


def test_injected_pattern_does_not_widen_search(client: FlaskClient) -> None:
    assert client.get("/api/search", query_string={"q": '") } UNION { ?e ?p ?o } #'}).get_json() == []


def test_browse_with_paging(client: FlaskClient) -> None:
    body = client.get("/browse/State").get_data(as_text=True)
    assert "Afghanistan" in body and "next →" in body and "page 1 of" in body
    assert "Zimbabwe" in client.get("/browse/State?page=5").get_data(as_text=True)
    assert client.get("/browse/Nope").status_code == 404
    assert client.get("/browse/State?page=abc").status_code == 400


def test_entity_page(client: FlaskClient) -> None:
    body = client.get(SYRIA).get_data(as_text=True)
    assert "<h1>Syria</h1>" in body and "Syrian Arab Republic" in body
    assert "Arms transfer: Russia → Syria" in body  # events with their sentence and article
    assert "SA-22 system, known as Pantsir-S1" in body
    assert 'id="graph"' in body and 'id="map"' in body and "http://www.wikidata.org/entity/Q858" in body
    assert client.get("/resource/state/NOPE").status_code == 404


@pytest.mark.parametrize("limit", [1, 3, 200])
def test_entity_lists_the_latest_articles_and_events_as_a_full_sort_would(store: Store, limit: int) -> None:
    """The timeline index picks the same latest articles as sorting all of them (the slow way) does; the search index
    lists the same latest events."""
    rus = "<https://w3id.org/geokg/resource/state/RUS>"
    every = [(r["date"].value if r["date"] else "", r["a"].value) for r in store.query(vocab.SPARQL_PREFIXES + f"""
        SELECT ?a ?date WHERE {{ ?a gkg:mentions {rus} OPTIONAL {{ ?a schema:datePublished ?date }} }}""")]
    articles, total = views._latest_articles(store, rus, limit)
    assert total == len(every) > 3
    assert [r["date"] or "" for r in articles] == sorted((d for d, _ in every), reverse=True)[:limit]
    _assert_latest_events_as_a_full_sort_would(store, rus, limit)


def _assert_latest_events_as_a_full_sort_would(store: Store, entity: str, limit: int) -> None:
    """The first `limit` events the index lists with the entity in any role are dated (by their date, else their
    article's) as the newest `limit` of all of them, newest first; the count is of all of them (the reports in the
    article graphs: the canonical events of the events graph are no article's)."""
    roles = " ".join(f"gkg:{r}" for r in vocab.EVENT_ROLES)
    dated = {r["ev"].value: (r["date"] or r["published"]).value if (r["date"] or r["published"]) else ""
             for r in store.query(vocab.SPARQL_PREFIXES + f"""SELECT ?ev ?date ?published WHERE {{
                VALUES ?role {{ {roles} }} GRAPH ?a {{ ?ev ?role {entity} OPTIONAL {{ ?ev gkg:date ?date }}
                OPTIONAL {{ ?a schema:datePublished ?published }} }} FILTER(?a != <{vocab.EVENTS_GRAPH}>) }}""")}
    assert store.index is not None
    listed, total = store.index.events(EventFilter(roles=(("entity", entity[1:-1]),)), 0, limit)
    assert total == len(dated) > 3 and all(r["label"] and r["title"] for r in listed)
    shown = [str(r["sort"]) for r in listed]
    assert shown == sorted(dated.values(), reverse=True)[:limit]
    assert {str(r["iri"]) for r in listed} <= set(dated) and len({r["iri"] for r in listed}) == len(listed)


def test_latest_events_among_equally_dated_ones_are_those_a_full_sort_picks(tmp_path: Path) -> None:
    """Twelve articles of one day, each with a transfer of 2019 and an undated deployment: pages of the listing cut
    inside a period (a day, then a year), and go on where the previous page stopped."""
    feed = tmp_path / "tied.jsonl"
    feed.write_text("".join(json.dumps({
        "title": f"Deliveries {i}", "date": "2020-05-01",
        "text": f"Russia delivered {i + 2} S-400 air defence systems to Turkey in 2019. "
                f"Russia deployed {i + 100} troops to Syria."}) + "\n" for i in range(12)))
    store = Store(tmp_path / "store")
    try:
        ingest(store, [feed])
        for limit in (1, 5, 12, 13, 17, 30):
            _assert_latest_events_as_a_full_sort_would(store, "<https://w3id.org/geokg/resource/state/RUS>", limit)
        assert store.index is not None
        every = EventFilter(roles=(("entity", "https://w3id.org/geokg/resource/state/RUS"),))
        pages = [r["iri"] for offset in range(0, 24, 5) for r in store.index.events(every, offset, 5)[0]]
        assert len(pages) == len(set(pages)) == 24
    finally:
        store.close()


def test_entity_facts_are_grouped_with_their_sources(store: Store, client: FlaskClient) -> None:
    rus = "<https://w3id.org/geokg/resource/state/RUS>"
    facts = views._statements(store, f"{rus} ?p ?o", "?p ?o", "FILTER(isIRI(?o))")
    assert len({(f["p"], f["o"]) for f in facts}) == len(facts)
    by_object = {f["ol"]: f for f in facts if f["pl"] == "operates"}
    assert (by_object["Tartus naval base"]["reference"], by_object["Tartus naval base"]["articles"]) == (True, 1)
    assert (by_object["S-400"]["reference"], by_object["S-400"]["articles"]) == (True, 0)
    assert str(by_object["Tartus naval base"]["article"]).startswith(vocab.ARTICLE)  # an article, not the reference
    assert by_object["S-400"]["article"] is None
    body = client.get("/resource/state/RUS").get_data(as_text=True)
    assert "reference" in body and "from article" in body


@pytest.mark.parametrize(("suffix", "accept", "media", "fmt"), [
    (".ttl", None, "text/turtle", ox.RdfFormat.TURTLE),
    (".jsonld", None, "application/ld+json", ox.RdfFormat.JSON_LD),
    (".nt", None, "application/n-triples", ox.RdfFormat.N_TRIPLES),
    (".rdf", None, "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("", "text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("", "application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_entity_dereferences_as_rdf(client: FlaskClient, suffix: str, accept: str | None, media: str,
                                    fmt: ox.RdfFormat) -> None:
    r = client.get(TARTUS + suffix, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.mimetype == media
    triples = list(ox.parse(r.data, fmt))
    assert any(q.subject.value.endswith("tartus-naval-base") for q in triples)


def test_article_page_highlights_and_lists_extractions(client: FlaskClient, store: Store) -> None:
    key = article_key(store, "Russia sends advanced air defence")
    body = client.get(f"/article/{key}").get_data(as_text=True)
    assert '<a class="mention t-Person" href="/resource/person/bashar-al-assad"' in body
    assert "Arms transfer: Russia → Syria: Pantsir-S1, 2013" in body
    assert "the Russian source which is close to the Russian navy" in body
    assert "leaderOf" in body
    assert "PLA Support Base" not in body  # no publisher: nothing else stands in for it
    r = client.get(f"/article/{key}.ttl")
    assert r.mimetype == "text/turtle" and len(list(ox.parse(r.data, ox.RdfFormat.TURTLE))) > 500
    assert client.get("/article/deadbeef").status_code == 404


def test_untrusted_text_is_escaped_everywhere(client: FlaskClient, store: Store) -> None:
    key = article_key(store, "Leak")
    pages = ["/", f"/article/{key}", "/search?q=Leak", SYRIA, "/resource/organization/evil-press"]
    for page in pages:
        body = client.get(page).get_data(as_text=True)
        assert "<script>alert" not in body and "<script>document" not in body, page
        assert "<img src=x" not in body and "<b>Evil</b>" not in body, page
    assert "Leak &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in client.get("/").get_data(as_text=True)
    assert "Content-Security-Policy" in client.get("/").headers


def test_only_http_urls_become_links(client: FlaskClient) -> None:
    """An article stored with a javascript: URL (by an older version, or written over SPARQL) and a mention linked to
    a javascript: IRI: shown, never as links."""
    article = Article(title="Russia and Syria", content="Russia and Syria\n\nRussia sent S-400 systems to Syria.",
                      url="javascript:alert(9)//")
    graph = list(mapping.article_quads(extract.extract(article), reference.load()))
    g = ox.NamedNode(article.iri)
    span = ox.NamedNode(article.iri + "#hostile-span")
    graph += [ox.Quad(span, ox.NamedNode(vocab.ITSRDF + "taIdentRef"), ox.NamedNode("javascript:alert(1)"), g),
              ox.Quad(span, ox.NamedNode(vocab.NIF + "beginIndex"), ox.Literal(0), g),
              ox.Quad(span, ox.NamedNode(vocab.NIF + "endIndex"), ox.Literal(6), g)]
    body = ox.serialize((q.triple for q in graph), None, ox.RdfFormat.N_TRIPLES)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    target = f"/rdf-graphs?graph={article.iri}"
    assert client.put(target, data=body, content_type="application/n-triples", headers=auth).status_code == 201
    try:
        page = client.get("/article/" + article.iri.rsplit("/", 1)[-1]).get_data(as_text=True)
        assert "javascript:" not in page and " · source</p>" in page
        assert '<a class="mention t-UNMemberState" href="/resource/state/SYR"' in page  # the other mentions stay links
    finally:
        assert client.delete(target, headers=auth).status_code == 204


def test_query_page_has_editor_and_examples(client: FlaskClient) -> None:
    body = client.get("/query").get_data(as_text=True)
    assert "/vendor/yasgui.min.js" in body and body.count('class="example"') >= 10
    assert '"gkg": "https://w3id.org/geokg/ontology#"' in body


@pytest.mark.skipif(not (Path(__file__).resolve().parent.parent / "node_modules" / "@zazuko").exists(),
                    reason="npm packages not installed")
def test_vendor_files_are_served_locally(client: FlaskClient) -> None:
    for name in ("yasgui.min.js", "yasgui.min.css", "cytoscape.min.js", "leaflet.js", "countries-110m.json"):
        assert client.get(f"/vendor/{name}").status_code == 200, name
    assert client.get("/vendor/package.json").status_code == 404
    assert client.get("/vendor/..%2Fpackage.json").status_code == 404


# ------------------------------------------------------------------------------------------ export
@pytest.mark.parametrize(("fmt", "rdf"), [("turtle", ox.RdfFormat.TURTLE), ("trig", ox.RdfFormat.TRIG),
                                          ("nquads", ox.RdfFormat.N_QUADS), ("ntriples", ox.RdfFormat.N_TRIPLES),
                                          ("jsonld", ox.RdfFormat.JSON_LD)])
def test_export_downloads(client: FlaskClient, store: Store, fmt: str, rdf: ox.RdfFormat) -> None:
    r = client.get(f"/export?format={fmt}")
    assert r.status_code == 200 and r.is_streamed and "attachment" in r.headers["Content-Disposition"]
    assert len(list(ox.parse(r.data, rdf))) > 10000
    key = article_key(store, "Russia sends advanced air defence")
    r = client.get(f"/export?format={fmt}&graph=https://w3id.org/geokg/article/{key}")
    assert r.status_code == 200 and 500 < len(list(ox.parse(r.data, rdf))) < 2000


def test_export_entity_and_errors(client: FlaskClient) -> None:
    r = client.get("/export?format=turtle&entity=https://w3id.org/geokg/resource/state/SYR")
    assert r.status_code == 200 and b"Syrian Arab Republic" in r.data
    assert client.get("/export?format=pdf").status_code == 400
    assert client.get("/export?graph=https://example.org/none").status_code == 404
    assert client.get("/export?entity=https://example.org/none").status_code == 404


# ------------------------------------------------------------------------------------------ SPARQL protocol
SELECT = "SELECT ?x WHERE { VALUES ?x { 1 2 } }"


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json")])
def test_select_content_negotiation(client: FlaskClient, accept: str, media: str) -> None:
    for r in (client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept}),
              client.post("/sparql", data={"query": SELECT}, headers={"Accept": accept}),
              client.post("/sparql", data=SELECT, content_type="application/sparql-query", headers={"Accept": accept})):
        assert r.status_code == 200 and r.mimetype == media
        assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_select_star_names_the_variables_in_the_query_order(client: FlaskClient) -> None:
    """Oxigraph sorts them by name (?o ?p ?s)."""
    q = "SELECT * WHERE { ?s ?p ?o } LIMIT 2"
    assert client.get("/sparql", query_string={"query": q}).get_json()["head"]["vars"] == ["s", "p", "o"]
    r = client.get("/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+xml"})
    assert [v.split('"')[1] for v in r.get_data(as_text=True).split("<variable ")[1:]] == ["s", "p", "o"]
    for accept, header in (("text/csv", "s,p,o"), ("text/tab-separated-values", "?s\t?p\t?o")):
        r = client.get("/sparql", query_string={"query": q}, headers={"Accept": accept})
        assert r.get_data(as_text=True).splitlines()[0] == header
    explicit = "SELECT ?o ?s WHERE { { SELECT * WHERE { ?s ?p ?o } } } LIMIT 1"  # its own order, kept
    assert client.get("/sparql", query_string={"query": explicit}).get_json()["head"]["vars"] == ["o", "s"]


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", ox.RdfFormat.TURTLE),
                                             ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                             ("application/rdf+xml", ox.RdfFormat.RDF_XML),
                                             ("application/ld+json", ox.RdfFormat.JSON_LD),
                                             ("application/trig", ox.RdfFormat.TRIG)])
def test_construct_and_describe_content_negotiation(client: FlaskClient, accept: str, fmt: ox.RdfFormat) -> None:
    for q in ("CONSTRUCT { <urn:a> <urn:b> 'c' } WHERE {}",
              "DESCRIBE <https://w3id.org/geokg/resource/state/SYR>"):
        r = client.get("/sparql", query_string={"query": q}, headers={"Accept": accept})
        assert r.status_code == 200 and r.mimetype == accept
        assert list(ox.parse(r.data, fmt))


def test_ask_and_union_default_graph(client: FlaskClient) -> None:
    q = "ASK { ?a a <https://w3id.org/geokg/ontology#ArmsTransfer> }"
    assert client.get("/sparql", query_string={"query": q}).get_json()["boolean"] is True
    r = client.get("/sparql", query_string={"query": q, "default-graph-uri": "urn:empty"})
    assert r.get_json()["boolean"] is False


def test_format_parameter_and_download(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": SELECT, "format": "csv", "download": "1"})
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    assert client.get("/sparql", query_string={"query": SELECT, "format": "turtle"}).status_code == 406


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"method": "GET", "query_string": {"query": "SELECT WHERE {"}}, 400),
    ({"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ({"method": "GET", "query_string": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
    ({"method": "POST", "data": "ASK {}"}, 400),
    ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415),
    ({"method": "POST", "data": {"default-graph-uri": "urn:x"}}, 400),
    ({"method": "PUT", "query_string": {"query": "ASK {}"}}, 405),
    ({"method": "GET", "query_string": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}, 400),
    ({"method": "GET", "query_string": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
])
def test_protocol_errors(client: FlaskClient, kwargs: dict, status: int) -> None:
    r = client.open("/sparql", **kwargs)
    assert r.status_code == status
    if status != 405:
        assert r.mimetype == "text/plain" and r.get_data(as_text=True).strip()


def test_head_answers_as_get_does_without_a_body(client: FlaskClient) -> None:
    get = client.get("/sparql", query_string={"query": "ASK {}"})
    head = client.head("/sparql", query_string={"query": "ASK {}"})
    assert (head.status_code, head.mimetype) == (get.status_code, get.mimetype)
    assert get.status_code == 200 and head.data == b"" and get.get_json()["boolean"] is True


def test_service_description_and_void(client: FlaskClient) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    body = r.get_data(as_text=True)
    assert "sd:Service" in body and "sd:SPARQL11Update" in body and "void:triples" in body
    assert client.get("/sparql", headers={"Accept": "text/html"}).status_code == 302
    r = client.get("/.well-known/void")
    assert r.mimetype == "text/turtle" and list(ox.parse(r.data, ox.RdfFormat.TURTLE))
    assert "void:classPartition" in r.get_data(as_text=True)


def test_updates_need_the_token(client: FlaskClient, readonly: FlaskClient) -> None:
    update = 'INSERT DATA { GRAPH <urn:test:g> { <urn:test:s> <urn:test:p> "v" } }'
    ask = {"query": "ASK { GRAPH <urn:test:g> { <urn:test:s> ?p ?o } }"}
    assert client.post("/sparql", data={"update": update}).status_code == 401
    assert client.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert readonly.post("/sparql", data={"update": update},
                         headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 403
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post("/sparql", data=update, content_type="application/sparql-update", headers=auth)
    assert r.status_code == 200
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True
    assert client.post("/sparql", data={"update": "LOAD <http://127.0.0.1:9/x>"}, headers=auth).status_code == 400
    assert client.post("/sparql", data={"update": "CLEAR XYZ"}, headers=auth).status_code == 400
    assert client.post("/sparql", data={"update": "DROP GRAPH <urn:test:g>"}, headers=auth).status_code == 200
    for scheme in ("bearer", "BEARER", "BeArEr"):  # the scheme's name is case-insensitive (RFC 7235)
        r = client.post("/sparql", data={"update": update}, headers={"Authorization": f"{scheme} {TOKEN}"})
        assert r.status_code == 200, scheme
    assert client.post("/sparql", data={"update": "DROP GRAPH <urn:test:g>"}, headers=auth).status_code == 200


def test_graph_store_protocol(client: FlaskClient) -> None:
    r = client.get("/rdf-graphs?graph=https://w3id.org/geokg/graph/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and len(list(ox.parse(r.data, ox.RdfFormat.TURTLE))) > 300
    assert client.get("/rdf-graphs?graph=urn:none").status_code == 404
    body = b"<urn:s> <urn:p> <urn:o> ."
    assert client.put("/rdf-graphs?graph=urn:gsp", data=body, content_type="application/n-triples").status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = client.put("/rdf-graphs?graph=urn:gsp", data=body, content_type="application/n-triples", headers=auth)
    assert r.status_code == 201
    r = client.post("/rdf-graphs?graph=urn:gsp", data=b"<urn:s> <urn:p> <urn:o2> .",
                    content_type="application/n-triples", headers=auth)
    assert r.status_code == 204
    assert len(list(ox.parse(client.get("/rdf-graphs?graph=urn:gsp", headers={"Accept": "application/n-triples"})
                             .data, ox.RdfFormat.N_TRIPLES))) == 2
    assert client.put("/rdf-graphs?graph=urn:gsp", data=b"not turtle <", content_type="text/turtle",
                      headers=auth).status_code == 400
    assert client.delete("/rdf-graphs?graph=https://w3id.org/geokg/graph/reference", headers=auth).status_code == 403
    assert client.delete("/rdf-graphs?graph=urn:gsp").status_code == 401
    assert client.delete("/rdf-graphs?graph=urn:gsp", headers=auth).status_code == 204
    assert client.get("/rdf-graphs?graph=urn:gsp").status_code == 404


# ------------------------------------------------------------------------------------------ adding articles
def test_add_article_needs_the_token(client: FlaskClient, readonly: FlaskClient) -> None:
    form = {"title": "Iran sends drones to Russia", "date": "2022-10-20",
            "text": "Iran has sent Shahed-136 drones to Russia, officials said.", "publisher": "Reuters"}
    assert client.get("/add").status_code == 200
    r = client.post("/add", data=form)
    assert r.status_code == 401 and "writes need the update token" in r.get_data(as_text=True)
    assert readonly.post("/add", data={**form, "token": TOKEN}).status_code == 403
    r = client.post("/add", data={**form, "token": TOKEN})
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Arms transfer: Iran → Russia: Shahed-136" in page
    r = client.post("/add", data={**form, "title": "", "token": TOKEN})
    assert r.status_code == 400 and "missing &#39;title&#39;" in r.get_data(as_text=True)
    r = client.post("/add", data={**form, "url": "javascript:alert(9)//", "token": TOKEN})
    assert r.status_code == 400 and "must be an http:// or https:// URL" in r.get_data(as_text=True)


def test_home_is_cached_until_the_next_write(client: FlaskClient, store: Store) -> None:
    def latest_and_count() -> tuple[str, str]:
        body = client.get("/").get_data(as_text=True)
        return (re.search(r'<li><a href="/article/[^"]+">([^<]+)</a>', body).group(1),
                re.search(r"triples from (\d+) article", body).group(1))

    first, count = latest_and_count()
    assert int(count) == store.stats().articles > 10 and first != "Cuba receives Russian helicopters"
    form = {"title": "Cuba receives Russian helicopters", "date": "2026-11-20", "token": TOKEN,
            "text": "Russia delivered Mi-8 helicopters to Cuba, officials said."}
    assert client.post("/add", data=form).status_code == 303
    assert latest_and_count() == ("Cuba receives Russian helicopters", str(int(count) + 1))


def test_slow_cached_values_are_refreshed_in_the_background(store: Store, pool: QueryPool) -> None:
    """After a write, a value that is slow to compute (the store's counts) is served as it was while a
    thread computes the new one; a fast one is recomputed at once."""
    from server import protocol

    app = create_app(store, pool)
    calls: list[int] = []

    def slow() -> int:
        calls.append(pool.generation)
        time.sleep(protocol.SLOW + 0.2)
        return pool.generation

    with app.app_context():
        assert protocol.per_generation("slow", slow).result(10) == pool.generation  # the first time, computed at once
        before = pool.generation
        pool.bump()
        started = time.monotonic()
        assert protocol.per_generation("slow", slow).result(10) == before  # the old value, at once
        assert protocol.per_generation("slow", slow).result(10) == before  # still refreshing: not started twice
        assert time.monotonic() - started < protocol.SLOW
        deadline = time.monotonic() + 10
        while protocol.per_generation("slow", slow).result(10) != pool.generation and time.monotonic() < deadline:
            time.sleep(0.1)
        assert protocol.per_generation("slow", slow).result(10) == pool.generation and calls == [before, before + 1]
        assert protocol.per_generation("fast", lambda: pool.generation).result(10) == pool.generation


@pytest.mark.parametrize("index", range(16))
def test_every_gallery_query_runs_and_stays_small(store: Store, index: int) -> None:
    """A join on an unbound variable (an OPTIONAL label) once made a gallery query return every label."""
    from server.examples import EXAMPLES

    assert len(EXAMPLES) == 16
    rows = list(store.query(vocab.SPARQL_PREFIXES + EXAMPLES[index].query))
    assert len(rows) < 1000, EXAMPLES[index].title


def _example(title: str) -> str:
    from server.examples import EXAMPLES

    return next(e.query for e in EXAMPLES if e.title == title)


def test_air_defence_example_answers_as_the_plain_join_does(store: Store) -> None:
    """The gallery's "Air defence suppliers" finds the distinct parties before labelling them (ten times
    faster at 10,000 articles); its answer is the one the plain join gives."""
    plain = """SELECT DISTINCT ?supplier ?recipient ?system ?nato WHERE {
      ?t a gkg:ArmsTransfer ; gkg:supplier/rdfs:label ?supplier ; gkg:recipient/rdfs:label ?recipient ; gkg:asset ?a .
      ?a a gkg:AirDefenceSystem ; rdfs:label ?system . OPTIONAL { ?a gkg:natoReportingName ?nato } }"""
    rows = sorted(answer(store, _example("Air defence suppliers")), key=str)
    assert rows == sorted(answer(store, plain), key=str) and any("Pantsir-S1" in str(r) for r in rows)


def test_first_value_is_computed_once_on_a_thread_and_waited_for_at_most_as_asked(store: Store,
                                                                                  pool: QueryPool) -> None:
    from server import protocol

    app = create_app(store, pool)
    release, calls = threading.Event(), []

    def counts() -> str:
        calls.append(1)
        if not release.wait(10):
            raise TimeoutError("never released")
        return "counted"

    def broken() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("store unreachable")
        return "counted"

    with app.app_context():
        started = time.monotonic()
        assert protocol.per_generation("counts", counts).result(0.2) is None  # not ready: the page says so
        assert protocol.per_generation("counts", counts).result(0) is None
        assert 0.2 <= time.monotonic() - started < 2 and calls == [1]  # one computation, not one per request
        release.set()
        assert protocol.per_generation("counts", counts).result(10) == "counted" and calls == [1]
        calls.clear()
        with pytest.raises(ValueError, match="store unreachable"):  # the waiting request gets the error
            protocol.per_generation("broken", broken).result(10)
        assert protocol.per_generation("broken", broken).result(10) == "counted" and len(calls) == 2  # tried again


def test_pages_do_not_wait_for_the_counts_of_a_large_store(store: Store, pool: QueryPool,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The home page, the service description and VoID wait a second for the store's counts, then go without
    them (the home page says so and reloads itself); they have them once counted."""
    release = threading.Event()
    counted = store.stats()

    def slow_stats() -> object:
        release.wait(10)
        return counted

    monkeypatch.setattr(store, "stats", slow_stats)
    client = create_app(store, pool).test_client()
    started = time.monotonic()
    body = client.get("/").get_data(as_text=True)
    assert time.monotonic() - started < 5
    assert "Counting what is in the graph" in body and '<meta http-equiv="refresh" content="5">' in body
    assert "Russia sends advanced air defence systems to Syria" in body  # the articles did not wait
    for path in ("/sparql", "/.well-known/void"):
        r = client.get(path, headers={"Accept": "text/turtle"})
        assert r.status_code == 200 and "void:triples" not in r.get_data(as_text=True)
        assert list(ox.parse(r.get_data(), ox.RdfFormat.TURTLE))  # still well-formed
    assert time.monotonic() - started < 10
    release.set()
    deadline = time.monotonic() + 10
    while "Counting what is in the graph" in body and time.monotonic() < deadline:
        time.sleep(0.05)
        body = client.get("/").get_data(as_text=True)
    assert f"{counted.triples} triples from {counted.articles} article(s)" in body and "http-equiv" not in body
    assert f"void:triples {counted.triples}" in client.get("/.well-known/void").get_data(as_text=True)


def test_triples_are_counted_by_another_process_as_written(store: Store, tmp_path: Path) -> None:
    """The server counts the embedded store's triples in a process of its own (pyoxigraph's len() holds the
    global lock while it counts), in a snapshot it removes after; it sees writes not yet flushed, and a store
    gone is a StoreError."""
    held = set(store.path.glob(".snapshot-*"))  # the query workers' snapshots
    before = store.count_apart(store.snapshot())
    assert before["quads"] == len(store.ox) > 1000
    by_sparql = stats_of(store)
    assert (before["articles"], {c: n for c in EVENT_CLASSES if (n := before[c])}) == \
        (by_sparql.articles, by_sparql.events) and before["articles"] > 10 and len(by_sparql.events) == 4
    extra = ox.Quad(ox.NamedNode("urn:count:s"), ox.NamedNode("urn:count:p"), ox.Literal("x"),
                    ox.NamedNode("urn:count"))
    store.add_graph([extra])
    try:
        assert store.count_apart(store.snapshot()) == {**before, "quads": before["quads"] + 1}
        assert before["quads"] + 1 == len(store.ox)
    finally:
        store.remove_graph("urn:count")
    assert set(store.path.glob(".snapshot-*")) == held
    gone = Store(tmp_path / "gone")
    shutil.rmtree(gone.path)
    with pytest.raises(StoreError, match=r"cannot snapshot .*gone"):
        gone.count_apart(gone.snapshot())
    assert not list(tmp_path.glob("*/.snapshot-*"))


# The gallery's "latest 200" listings pick the newest rows before reading their details (listing every row
# took one to two minutes at 100,000 articles). Each with the plain join it must answer as, and its date column.
LATEST = {
    "Latest arms transfers": ("""SELECT ?supplier ?recipient ?asset ?date ?reportedBy ?article WHERE {
      GRAPH ?article { ?t a gkg:ArmsTransfer . OPTIONAL { ?t gkg:date ?date }
                       OPTIONAL { ?t gkg:reportedBy/rdfs:label ?reportedBy } }
      OPTIONAL { GRAPH ?article { ?t gkg:supplier ?s } ?s rdfs:label ?supplier }
      OPTIONAL { GRAPH ?article { ?t gkg:recipient ?r } ?r rdfs:label ?recipient }
      OPTIONAL { GRAPH ?article { ?t gkg:asset ?a } ?a rdfs:label ?asset } }""", 3),
    "Anonymous sources": ("""SELECT ?event ?source ?date ?sentence WHERE {
      ?e gkg:reportedBy ?src ; rdfs:label ?event ; gkg:sentence/nif:anchorOf ?sentence . ?src rdfs:label ?source .
      FILTER NOT EXISTS { ?src prov:actedOnBehalfOf ?named . ?named a gkg:Person }
      FILTER(REGEX(?source, "official|source|diplomat|people (familiar|briefed)", "i"))
      OPTIONAL { ?e gkg:date ?date } }""", 2),
    "Latest operations against armed groups": ("""SELECT ?actor ?target ?location ?date ?qualifier ?article WHERE {
      GRAPH ?article { ?op a gkg:MilitaryOperation ; gkg:target ?t . OPTIONAL { ?op gkg:date ?date }
                       OPTIONAL { ?op gkg:dateQualifier ?qualifier } }
      ?t a gkg:ArmedGroup ; rdfs:label ?target .
      OPTIONAL { GRAPH ?article { ?op gkg:actor ?a } ?a rdfs:label ?actor }
      OPTIONAL { GRAPH ?article { ?op gkg:location ?l } ?l rdfs:label ?location } }""", 3),
    "Latest statements": ("""SELECT ?speaker ?date ?title ?sentence ?article WHERE {
      GRAPH ?article { ?s a gkg:Statement ; gkg:speaker ?p ; gkg:sentence/nif:anchorOf ?sentence .
                       OPTIONAL { ?s gkg:date ?date } ?article schema:headline ?title . }
      ?p rdfs:label ?speaker . }""", 1),
}


@pytest.mark.parametrize("title", sorted(LATEST))
def test_latest_listings_are_the_plain_join_newest_first(store: Store, title: str) -> None:
    plain, date = LATEST[title]
    example = _example(title)
    every = answer(store, plain)
    rows = answer(store, example)
    # the union of graphs repeats a new entity's label once per article naming it: each row is listed once
    assert len(every) >= 2 and sorted(rows, key=str) == sorted(set(every), key=str)
    dates = [r[date] for r in rows if r[date] is not None]
    assert dates and dates == sorted(dates, reverse=True)
    newest = answer(store, example.replace("LIMIT 200", "LIMIT 1"))
    assert newest and {r[date] for r in newest} == {dates[0]}


def test_latest_arms_transfers_include_the_seed_articles_transfer(store: Store) -> None:
    rows = answer(store, _example("Latest arms transfers"))
    assert any(r[:2] == ("Russia", "Syria") and r[3] == "2013" for r in rows)


def test_leaders_in_the_news_counts_each_office_holders_articles(store: Store) -> None:
    plain = """SELECT ?leader ?office ?of (COUNT(DISTINCT ?article) AS ?articles) WHERE {
      GRAPH ?article { ?article gkg:mentions ?p } ?p rdfs:label ?leader ; gkg:holds ?tenure .
      ?tenure gkg:office/rdfs:label ?office ; gkg:officeOf/rdfs:label ?of } GROUP BY ?leader ?office ?of"""
    rows = answer(store, _example("Leaders in the news"))
    assert len(rows) >= 2 and sorted(rows, key=str) == sorted(answer(store, plain), key=str)
    assert [int(r[3]) for r in rows] == sorted((int(r[3]) for r in rows), reverse=True)
    assert any(r[0] == "Bashar al-Assad" for r in rows)


def test_bases_abroad_lists_each_base_once_though_articles_repeat_it(store: Store) -> None:
    """The union of the graphs repeats a statement once per article that makes it."""
    plain = """SELECT ?operator ?base ?host ?location ?b WHERE {
      ?op gkg:operates ?b . ?b gkg:hostState ?h . FILTER(?op != ?h) ?op a/rdfs:subClassOf* gkg:State .
      ?op rdfs:label ?operator . ?b rdfs:label ?base . ?h rdfs:label ?host .
      OPTIONAL { ?b geo:hasGeometry/geo:asWKT ?location } }"""
    every = answer(store, plain)
    rows = answer(store, _example("Bases abroad"))
    assert len(rows) == len(set(rows)) and set(rows) == set(every)
    assert len(every) > len(rows)  # the repeats the example no longer shows
    assert any(r[0] == "Russia" and r[1] == "Tartus naval base" for r in rows)
