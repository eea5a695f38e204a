"""Property-based tests: the extractor never raises, the endpoint never answers 5xx, Turtle export round-trips."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import article, extract
from kg.export import export
from kg.store import Store
from server import create_app
from server.querypool import QueryPool

from .conftest import SEEDS, build_store

NEWSY = st.sampled_from(["Russia", "Syria", "sends", "S-400", "to", "Assad", "'s", ",", ".", "said", "in", "2013",
                         "the", "Moscow", "base", "naval", "Tartus", "by", "known as", "\n", "\"", "US", "against",
                         "since September 2014", "according to", "officials", "and"])
TEXT = st.one_of(st.text(max_size=400), st.lists(NEWSY, max_size=60).map(" ".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_extractor_never_raises(text: str) -> None:
    x = extract.extract(article.Article(title="t", content="t\n" + text))
    for m in x.mentions:
        assert 0 <= m.start < m.end <= len(x.article.content)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    store = Store(build_store(tmp_path_factory.mktemp("fuzz") / "store", SEEDS))
    pool = QueryPool(store, workers=2, timeout=5, max_rows=100, wait=10)
    yield create_app(store, pool, update_token="t").test_client()
    pool.close()
    store.close()


QUERY_BITS = st.sampled_from(["SELECT", "*", "?s", "WHERE", "{", "}", "?p", "?o", ".", "ASK", "CONSTRUCT",
                              "FILTER(", ")", "\"", "<urn:x>", "LIMIT 3", "GRAPH", "OPTIONAL", "UNION", "SERVICE",
                              "PREFIX", "a:", "<", ">", "'", "\\", "BIND(", "AS", "COUNT(*)", "DESCRIBE"])
QUERIES = st.one_of(st.text(max_size=200), st.lists(QUERY_BITS, max_size=25).map(" ".join))
PARAMS = st.dictionaries(st.sampled_from(["query", "update", "default-graph-uri", "named-graph-uri", "format",
                                          "download", "graph", "q", "class", "page"]),
                         st.text(max_size=40), max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES, params=PARAMS, accept=st.sampled_from(["*/*", "text/csv", "application/x-nope", "",
                                                             "text/turtle", "application/sparql-results+xml"]))
def test_endpoint_never_answers_5xx(client: FlaskClient, query: str, params: dict[str, str], accept: str) -> None:
    for r in (client.get("/sparql", query_string={"query": query, **{k: v for k, v in params.items() if k != "query"}},
                         headers={"Accept": accept}),
              client.post("/sparql", data={"query": query}, headers={"Accept": accept}),
              client.post("/sparql", data=query.encode("utf-8", "surrogatepass"),
                          content_type="application/sparql-query"),
              client.get("/api/search", query_string=params), client.get("/search", query_string=params),
              client.get("/export", query_string=params), client.get("/rdf-graphs", query_string=params)):
        assert r.status_code < 500 or r.status_code in (503, 504), (r.status_code, r.get_data(as_text=True)[:300])


IRIS = st.builds(lambda s: "https://example.org/" + s, st.text(alphabet=st.characters(
    categories=["L", "N"], include_characters="-._~"), min_size=1, max_size=12))
LITERALS = st.one_of(
    st.builds(ox.Literal, st.text(max_size=30)),
    st.builds(lambda t, lang: ox.Literal(t, language=lang), st.text(max_size=30), st.sampled_from(["en", "de", "ar"])),
    st.builds(lambda n: ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
              st.integers()),
)
TRIPLES = st.lists(st.tuples(IRIS, IRIS, st.one_of(IRIS.map(ox.NamedNode), LITERALS)), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TRIPLES)
def test_exported_turtle_reparses_to_the_same_graph(tmp_path_factory: pytest.TempPathFactory, triples: list) -> None:
    store = Store(tmp_path_factory.mktemp("rt") / "store")
    g = ox.NamedNode("https://example.org/graph")
    store.add_graph([ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, g) for s, p, o in triples])
    buf = io.BytesIO()
    export(store, buf, "turtle")
    stored = {q.triple for q in store.ox.quads_for_pattern(None, None, None, g)}
    store.close()
    assert {q.triple for q in ox.parse(buf.getvalue(), ox.RdfFormat.TURTLE)} == stored
