"""The same command-line behaviour on the embedded store and on a real SPARQL 1.1 server (oxigraph serve)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg import vocab
from kg.cli import main
from kg.stores import open_store
from server.examples import EXAMPLES

from .conftest import DATA, SEED_ARTICLE, SEEDS, answer
from .live_server import free_port, oxigraph_server, wait_until_up

VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql}
DirsAllowed = ., {d}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
[HTTPServer]
ServerPort = {http}
ServerRoot = {d}
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@contextmanager
def virtuoso_server(directory: Path) -> Iterator[str]:
    """Debian's Virtuoso in a temporary directory, SPARQL updates allowed on /sparql; yields the endpoint URL."""
    if not VIRTUOSO:
        pytest.skip("Virtuoso (Debian package virtuoso-opensource-7-bin) is not installed")
    directory.mkdir(parents=True)
    sql, http = free_port(), free_port()
    (directory / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=directory, sql=sql, http=http))
    proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(directory / "virtuoso.ini")],
                            cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        wait_until_up(url + "?query=ASK%7B%7D", proc)
        subprocess.run([shutil.which("isql-vt") or "isql-vt", str(sql), "dba", "dba",
                        'exec=GRANT SPARQL_UPDATE TO "SPARQL";'], check=True, capture_output=True, timeout=60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def remote_server(kind: str, directory: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if kind == "oxigraph-server":
        with oxigraph_server(directory) as url:
            yield url
    else:
        with virtuoso_server(directory) as url:
            monkeypatch.setenv("GEOKG_UPDATE_URL", url)  # Virtuoso takes updates on its query endpoint
            yield url


@pytest.fixture(params=["embedded", "oxigraph-server", "virtuoso"])
def location(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "embedded":
        yield str(tmp_path / "store")
    else:
        with remote_server(request.param, tmp_path / "server", monkeypatch) as url:
            yield url


@pytest.fixture(params=["oxigraph-server", "virtuoso"])
def remote_location(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with remote_server(request.param, tmp_path / "server", monkeypatch) as url:
        yield url


def geokg(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_query_export_remove(location: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = geokg(capsys, "ingest", "--store", location, str(SEED_ARTICLE))
    assert code == 0 and "1 article(s) ingested" in out
    code, out, _ = geokg(capsys, "ingest", "--store", location, str(SEED_ARTICLE))
    assert "0 article(s) ingested, 1 already present" in out
    q = ("PREFIX gkg: <https://w3id.org/geokg/ontology#> SELECT DISTINCT ?asset WHERE { ?t a gkg:ArmsTransfer ; "
         "gkg:asset ?asset }")
    code, out, _ = geokg(capsys, "query", "--store", location, q)
    assert code == 0 and "https://w3id.org/geokg/resource/asset/pantsir-s1" in out and "(1 row)" in out
    code, out, _ = geokg(capsys, "stats", "--store", location)
    assert re.search(r"^articles +1$", out, re.M) and re.search(r"^State +203$", out, re.M)
    code, out, _ = geokg(capsys, "export", "--store", location, "--format", "nquads")
    quads = list(ox.parse(out.encode(), ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert {"https://w3id.org/geokg/graph/reference", "https://w3id.org/geokg/graph/ontology"} < graphs
    article = next(g for g in graphs if "/article/" in g)
    code, out, _ = geokg(capsys, "export", "--store", location, "--entity",
                         "https://w3id.org/geokg/resource/base/tartus-naval-base", "--format", "ntriples")
    assert "<https://w3id.org/geokg/ontology#hostState> <https://w3id.org/geokg/resource/state/SYR>" in out
    assert geokg(capsys, "remove", "--store", location, article)[0] == 0
    assert re.search(r"^articles +0$", geokg(capsys, "stats", "--store", location)[1], re.M)


def test_article_graph_is_the_same_on_both_stores(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   location: str) -> None:
    reference_dir = str(tmp_path / "reference-store")
    geokg(capsys, "ingest", "--store", reference_dir, str(SEED_ARTICLE))
    geokg(capsys, "ingest", "--store", location, str(SEED_ARTICLE))
    dumps = []
    for where in (reference_dir, location):
        iri = next(iter(geokg(capsys, "query", "--store", where, "--format", "tsv",
                                      "SELECT ?a WHERE { ?a a <https://w3id.org/geokg/ontology#Article> }")[1]
               .splitlines()[1:])).strip("<>")
        out = geokg(capsys, "export", "--store", where, "--graph", iri, "--format", "ntriples")[1]
        dumps.append(set(out.splitlines()))
    assert dumps[0] == dumps[1]


def test_init_builds_the_timeline_index_of_a_store_written_without_it(location: str,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Stores written before the timeline index existed get it from `geokg init` (SPARQL Update), exactly as
    ingestion writes it: the same entries in the same graphs, dated and undated articles alike."""
    from kg.store import STATE_GRAPH, VERSION
    from kg.stores import open_store

    assert geokg(capsys, "ingest", "--store", location, str(SEED_ARTICLE), str(DATA / "articles"))[0] == 0
    query = vocab.SPARQL_PREFIXES + """SELECT ?t ?p ?e ?g WHERE {
        VALUES ?p { gkg:timelineMention gkg:timelineEvent } GRAPH ?g { ?t ?p ?e } }"""

    def entries() -> set[tuple[str, ...]]:
        store = open_store(location)
        try:
            return {tuple(r[v].value for v in ("t", "p", "e", "g")) for r in store.query(query)}
        finally:
            store.close()

    written = entries()
    periods = {t.rsplit("/", 1)[-1] for t, *_ in written}
    assert "undated" in periods and "2022-10-20" in periods and len({g for *_, g in written}) == 12
    store = open_store(location)
    store.update(vocab.SPARQL_PREFIXES + f"""
        DELETE {{ GRAPH ?g {{ ?t ?p ?e }} }} WHERE {{ VALUES ?p {{ gkg:timelineMention gkg:timelineEvent }}
                                                  GRAPH ?g {{ ?t ?p ?e }} }} ;
        DELETE WHERE {{ GRAPH <{STATE_GRAPH.value}> {{ ?s <{VERSION.value}> ?v }} }}""")
    store.close()
    assert not entries()
    code, out, _ = geokg(capsys, "init", "--store", location)
    assert code == 0 and "brought up to date" in out
    assert entries() == written
    assert "already up to date" in geokg(capsys, "init", "--store", location)[1]


def test_init_renames_the_iris_an_earlier_scheme_minted(location: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """IRI scheme 1 dropped letters such as 'Ł' and 'ı' ('ask-air-base'); `geokg init` on a store written
    then reloads the reference knowledge and renames those IRIs in the articles' graphs, in subject and
    object position alike, so that they link to it again."""
    from kg.store import STATE_GRAPH, VERSION
    from kg.stores import open_store

    text = tmp_path / "lask.txt"
    text.write_text("Drones at Lask\n\nBinali Yildirim said Turkey sent Bayraktar TB2 drones to the Lask Air Base "
                    "in Poland.\n", encoding="utf-8")
    assert geokg(capsys, "ingest", "--store", location, str(text))[0] == 0
    new, old = (f"https://w3id.org/geokg/resource/{k}" for k in ("base/lask-air-base", "base/ask-air-base"))
    person = "https://w3id.org/geokg/resource/person/binali-yildirim"

    def uses(iri: str) -> int:
        store = open_store(location)
        try:
            return int(next(iter(store.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{
                {{ ?s ?p <{iri}> }} UNION {{ <{iri}> ?p ?o }} }} FILTER(?g != <{vocab.REFERENCE_GRAPH}>) }}"""
                                             )))["n"].value)
        finally:
            store.close()

    in_articles = uses(new)
    assert in_articles >= 3 and uses(person) >= 3 and uses(old) == 0
    store = open_store(location)  # as scheme 1 wrote it: the old IRI in the articles, an older reference version
    store.update(f"""DELETE {{ GRAPH ?g {{ ?s ?p <{new}> }} }} INSERT {{ GRAPH ?g {{ ?s ?p <{old}> }} }}
                     WHERE {{ GRAPH ?g {{ ?s ?p <{new}> }} FILTER(?g != <{vocab.REFERENCE_GRAPH}>) }} ;
                     DELETE {{ GRAPH ?g {{ <{new}> ?p ?o }} }} INSERT {{ GRAPH ?g {{ <{old}> ?p ?o }} }}
                     WHERE {{ GRAPH ?g {{ <{new}> ?p ?o }} FILTER(?g != <{vocab.REFERENCE_GRAPH}>) }} ;
                     INSERT DATA {{ GRAPH <{vocab.GRAPH}extra> {{ <{old}> <urn:p> "o" }} }} ;
                     DELETE WHERE {{ GRAPH <{STATE_GRAPH.value}> {{
                       <{vocab.REFERENCE_GRAPH}> <{VERSION.value}> ?v }} }}""")
    store.close()
    assert uses(old) == in_articles + 1 and uses(new) == 0
    code, out, _ = geokg(capsys, "init", "--store", location)
    assert code == 0 and "brought up to date" in out
    assert uses(old) == 0 and uses(new) == in_articles + 1 and uses(person) >= 3


def test_errors_are_one_line(location: str, capsys: pytest.CaptureFixture[str]) -> None:
    geokg(capsys, "init", "--store", location)
    code, _, err = geokg(capsys, "query", "--store", location, "SELECT WHERE {")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unreachable_endpoint_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = geokg(capsys, "stats", "--store", f"http://127.0.0.1:{free_port()}/query")
    assert code == 2 and "cannot reach the SPARQL endpoint" in err


def test_web_ui_and_endpoint_on_a_remote_store(remote_location: str, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.sparql_store import SparqlStore
    from server import create_app, views
    from server.examples import EXAMPLES
    from server.querypool import QueryPool

    url = remote_location
    assert geokg(capsys, "ingest", "--store", url, str(SEED_ARTICLE))[0] == 0
    store = SparqlStore(url)
    pool = QueryPool(url, workers=1, timeout=20)
    try:
        client = create_app(store, pool, update_token="t").test_client()
        assert "Russia sends advanced air defence systems to Syria" in client.get("/").get_data(as_text=True)
        assert client.get("/api/search?q=tartus&class=MilitaryBase").get_json()[0]["label"] == "Tartus naval base"
        page = client.get("/resource/base/tartus-naval-base").get_data(as_text=True)
        assert "Tartus naval base" in page and "Syria" in page
        for cls in views.CORE_CLASSES:
            assert client.get(f"/browse/{cls}").status_code == 200
        graph = client.get("/api/neighbourhood?iri=https://w3id.org/geokg/resource/state/SYR").get_json()
        assert "https://w3id.org/geokg/resource/state/RUS" in {n["id"] for n in graph["nodes"]}
        assert all(n["id"].startswith("http") for n in graph["nodes"])
        (article,) = store.articles()
        page = client.get(f"/article/{article.rsplit('/', 1)[-1]}").get_data(as_text=True)
        assert "Pantsir-S1" in page and "Arms transfer" in page
        for example in EXAMPLES:  # the gallery works on this server
            r = client.get("/sparql", query_string={"query": vocab.SPARQL_PREFIXES + example.query})
            assert r.status_code == 200, (example.title, r.get_data(as_text=True))
        r = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s a "
                                                         "<https://w3id.org/geokg/ontology#ArmsTransfer> }"})
        assert r.status_code == 200 and len(r.get_json()["results"]["bindings"]) == 2
        auth = {"Authorization": "Bearer t"}
        r = client.post("/sparql", data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> 'v' } }"},
                        headers=auth)
        assert r.status_code == 200
        assert client.get("/sparql", query_string={"query": "ASK { <urn:s> <urn:p> 'v' }"}).get_json()["boolean"]
        r = client.put("/rdf-graphs?graph=urn:h", data=b"<urn:a> <urn:b> <urn:c> .",
                       content_type="application/n-triples", headers=auth)
        assert r.status_code == 201
        assert client.get("/rdf-graphs?graph=urn:h", headers={"Accept": "application/n-triples"}).data.strip() \
            == b"<urn:a> <urn:b> <urn:c> ."
        assert client.delete("/rdf-graphs?graph=urn:h", headers=auth).status_code == 204
        r = client.post("/add", data={"title": "Iran sends drones to Russia", "token": "t",
                                      "text": "Iran has sent Shahed-136 drones to Russia, officials said."})
        assert r.status_code == 303
        assert "Arms transfer: Iran → Russia" in client.get(r.headers["Location"]).get_data(as_text=True)
        r = client.get("/export?format=turtle")
        assert r.status_code == 200 and len(list(ox.parse(r.data, ox.RdfFormat.TURTLE))) > 10000
    finally:
        pool.close()


def _example_rows(location: str, query: str) -> list[tuple[str | None, ...]]:
    """The rows, sorted; coordinates in WKT rounded to 4 decimals (Virtuoso stores geometries in single
    precision: POINT(54.55 24.25) comes back as POINT(54.549999237061 24.25), and 37.0 as 37)."""
    def value(term: Any) -> str:
        if term.value.startswith("POINT("):
            return re.sub(r"-?\d+(?:\.\d+)?", lambda m: f"{float(m.group()):.4f}", term.value)
        return term.value

    return sorted(answer(open_store(location, read_only=True), query, value), key=str)


def test_every_gallery_example_gives_the_same_rows_on_every_store(tmp_path: Path, location: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The gallery's queries use subqueries and joins that are tuned for Oxigraph; on a remote server they
    must still answer, and the same."""
    embedded = str(tmp_path / "embedded")
    for where in {embedded, location}:
        assert geokg(capsys, "ingest", "--store", where, str(SEEDS))[0] == 0
    for example in EXAMPLES:
        expected = _example_rows(embedded, example.query)
        assert _example_rows(location, example.query) == expected, example.title
