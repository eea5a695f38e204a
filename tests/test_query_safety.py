"""Hostile queries: a time limit that frees the CPU, a row cap, bounded concurrency, no outbound SERVICE calls."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from kg.processes import can_forbid_network
from kg.store import Store
from server import create_app
from server.querypool import QueryPool

from .conftest import ROOT, SEEDS, build_store, seccomp_mode

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s ?p ?o }"
HUNGRY = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d"  # sorting needs every row in memory


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = Store(build_store(tmp_path_factory.mktemp("safety") / "store", SEEDS))
    yield s
    s.close()


@pytest.fixture()
def pool(store: Store) -> Iterator[QueryPool]:
    p = QueryPool(store, workers=1, timeout=1.5, max_rows=100, wait=0.5)
    yield p
    p.close()


@pytest.fixture()
def client(store: Store, pool: QueryPool) -> FlaskClient:
    return create_app(store, pool).test_client()


def test_time_limit_stops_the_query_and_frees_the_worker(client: FlaskClient, pool: QueryPool) -> None:
    (worker,) = pool._all
    started = time.monotonic()
    r = client.get("/sparql", query_string={"query": EXPENSIVE})
    assert r.status_code == 504 and "longer than 1.5 s" in r.get_data(as_text=True)
    assert time.monotonic() - started < 10
    assert not worker.process.is_alive()  # killed: the CPU is free again
    assert client.get("/sparql", query_string={"query": CHEAP}).get_json()["boolean"] is True


def test_memory_limit_stops_the_query_and_frees_the_worker(store: Store) -> None:
    """The limit is on the worker's resident memory, checked while the query runs (not on address space)."""
    pool = QueryPool(store, workers=1, timeout=60, max_rows=100, memory_limit=300 << 20)
    try:
        client = create_app(store, pool).test_client()
        (worker,) = pool._all
        started = time.monotonic()
        r = client.get("/sparql", query_string={"query": HUNGRY})
        assert r.status_code == 503 and "needed more memory than a query may use" in r.get_data(as_text=True)
        assert time.monotonic() - started < 50  # stopped by the memory limit, well before the time limit
        assert not worker.process.is_alive()
        assert client.get("/sparql", query_string={"query": CHEAP}).get_json()["boolean"] is True
    finally:
        pool.close()


def test_row_cap_is_stated(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200 and r.headers["X-GeoKG-Truncated"] == "true"
    assert r.headers["X-GeoKG-Row-Limit"] == "100" and "row limit" in r.headers["Warning"]
    assert len(r.get_json()["results"]["bindings"]) == 100
    r = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                   headers={"Accept": "application/n-triples"})
    assert r.headers["X-GeoKG-Truncated"] == "true" and len(r.get_data(as_text=True).strip().splitlines()) == 100
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert "X-GeoKG-Truncated" not in r.headers


def test_busy_workers_give_503_with_retry_after(client: FlaskClient) -> None:
    slow = threading.Thread(target=lambda: client.get("/sparql", query_string={"query": EXPENSIVE}))
    slow.start()
    time.sleep(0.3)
    r = client.get("/sparql", query_string={"query": CHEAP})
    slow.join()
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"


def test_search_runs_in_a_query_worker_and_does_not_wait_for_one(client: FlaskClient) -> None:
    """A search reads the search index in a query worker, as a query does, so that searches cannot keep the server's
    threads from the other pages (16 clients searching with SPARQL slowed every page to seconds); when every worker
    is busy it is refused at once, instead of holding a thread while it waits."""
    found = client.get("/api/search", query_string={"q": "tartus", "class": "MilitaryBase"}).get_json()
    assert found[0]["label"] == "Tartus naval base"
    slow = threading.Thread(target=lambda: client.get("/sparql", query_string={"query": EXPENSIVE}))
    slow.start()
    time.sleep(0.3)
    started = time.monotonic()
    r = client.get("/api/search", query_string={"q": "Sy"})
    assert r.status_code == 503 and r.headers["Retry-After"] == "5" and "busy" in r.get_data(as_text=True)
    page = client.get("/search", query_string={"q": "Sy"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert '<p class="error" role="alert">all 1 query workers are busy' in page.get_data(as_text=True)
    assert time.monotonic() - started < 0.9  # waiting for a worker would take the pool's 0.5 s, twice
    assert client.get("/browse/State").status_code == 200  # the other pages answer meanwhile
    slow.join()


def test_a_slow_search_is_stopped_at_the_time_limit(store: Store) -> None:
    """A search whose worker does not answer in time (stopped here: an index read takes milliseconds) is ended at
    the time limit, its worker killed and replaced, and the page says so."""
    pool = QueryPool(store, workers=1, timeout=0.5)
    try:
        client = create_app(store, pool).test_client()
        assert client.get("/api/search", query_string={"q": "Sy"}).status_code == 200  # the worker is up
        for path in ("/api/search", "/search"):
            (worker,) = pool._all
            os.kill(worker.process.pid, signal.SIGSTOP)
            r = client.get(path, query_string={"q": "Sy"})
            assert r.status_code == 504 and "ran longer than 0.5 s and was stopped" in r.get_data(as_text=True)
            assert not worker.process.is_alive()
        pool.timeout = 30
        assert client.get("/api/search", query_string={"q": "Sy"}).get_json()[0]["label"] == "Syria"
    finally:
        pool.close()


class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.hits = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


# SERVICE as the grammar allows to write it; {base} is the listener's root, {url} an endpoint under it
SERVICE_FORMS = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "PREFIX x: <{url}#> SELECT * WHERE {{ ?s ?p ?o . SERVICE <{url}> {{ ?a ?b ?c }} }} # SERVICE",
    "SELECT * WHERE {{ SERVICE<{url}>{{ ?s ?p ?o }} }}",  # no space: passed the regular expression
    "PREFIX e: <{base}> ASK {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",  # a prefixed name: passed it too
    "BASE <{base}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<{url}> {{ ?s ?p ?o }} }}",  # `<2)SERVICE#>` reads as an IRI to a pattern
    "SELECT * WHERE {{ # comment\rSERVICE <{url}> {{ ?s ?p ?o }} }}",  # a carriage return ends a comment
    'SELECT * WHERE {{ #\\u000A BIND("""\nSERVICE <{url}> {{ ?s ?p ?o }} #""" AS ?x)\n}}',  # an escape in a comment
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o }} ORDER BY (EXISTS {{ SERVICE <{url}> {{ }} }})",
    "SELECT * WHERE {{ SERVICE <{url}> {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",  # rdflib cannot parse it: refused
]


@pytest.mark.parametrize("template", SERVICE_FORMS)
def test_service_never_connects_out(client: FlaskClient, template: str) -> None:
    listener = Listener()
    try:
        query = template.format(url=listener.url, base=listener.url.removesuffix("sparql"))
        r = client.get("/sparql", query_string={"query": query})
        time.sleep(0.5)
        assert r.status_code == 400 and re.search("not allowed|cannot be parsed", r.get_data(as_text=True))
        assert listener.hits == 0
    finally:
        listener.close()


@pytest.mark.parametrize("query", [
    'SELECT ("SERVICE <http://x/>" AS ?s) WHERE {}', "SELECT * WHERE { ?s a <http://schema.org/Service> } LIMIT 1",
    "PREFIX schema: <http://schema.org/> SELECT * WHERE { ?s a schema:Service } # no SERVICE here"])
def test_the_word_service_elsewhere_is_not_a_service_call(client: FlaskClient, query: str) -> None:
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_allow_listed_service_endpoint_is_called(store: Store) -> None:
    listener = Listener()
    pool = QueryPool(store, workers=1, timeout=5, service_allow=[listener.url])
    try:
        client = create_app(store, pool).test_client()
        base = listener.url.removesuffix("sparql")
        prefixed = f"PREFIX e: <{base}> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}"
        r = client.get("/sparql", query_string={"query": prefixed})
        assert r.status_code in (400, 504) and "not allowed" not in r.get_data(as_text=True)  # no SPARQL endpoint
        assert listener.hits >= 1
        other = f"SELECT * WHERE {{ SERVICE <{listener.url}/other> {{ ?s ?p ?o }} }}"
        r = client.get("/sparql", query_string={"query": other})
        assert r.status_code == 400 and "/other> is not allowed" in r.get_data(as_text=True)
    finally:
        pool.close()
        listener.close()


@pytest.mark.skipif(not can_forbid_network(), reason="forbid_network is for Linux on x86-64 and AArch64")
def test_query_workers_cannot_connect_anywhere_unless_an_endpoint_is_allowed(store: Store, pool: QueryPool) -> None:
    """The second line of defence: a query worker is cut off from the network by a seccomp filter, unless the
    allow-list names an endpoint for it to call."""
    allowing = QueryPool(store, workers=1, service_allow=["http://127.0.0.1:9/sparql"])
    try:
        for p, mode in ((pool, "2"), (allowing, "0")):
            assert create_app(store, p).test_client().get("/sparql", query_string={"query": CHEAP}).status_code == 200
            assert [seccomp_mode(w.process.pid) for w in p._all] == [mode]  # the worker has started: its filter is on
    finally:
        allowing.close()


@pytest.mark.skipif(not can_forbid_network(), reason="forbid_network is for Linux on x86-64 and AArch64")
def test_a_process_without_network_cannot_reach_a_listener_through_pyoxigraph() -> None:
    """What the seccomp filter stops: pyoxigraph's own HTTP client (Rust) calling a SERVICE endpoint or LOADing a
    URL, and Python's sockets; local sockets still work."""
    listener = Listener()
    try:
        script = (
            "import socket, sys, pyoxigraph as ox; from kg.processes import forbid_network; forbid_network(); "
            "socket.socketpair(); store = ox.Store(); url = sys.argv[1]\n"
            "for attempt in (lambda: list(store.query(f'SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}')),\n"
            "                lambda: store.update(f'LOAD <{url}>'),\n"
            "                lambda: socket.create_connection(('127.0.0.1', int(url.split(':')[2].split('/')[0])))):\n"
            "    try:\n        attempt()\n        print('connected')\n"
            "    except OSError as exc:\n        print(type(exc).__name__, exc)\n")
        run = subprocess.run([sys.executable, "-c", script, listener.url], capture_output=True, text=True,
                             cwd=ROOT, timeout=60)
        time.sleep(0.3)
        assert run.returncode == 0, run.stderr
        assert run.stdout.count("PermissionError") == 3 and "connected" not in run.stdout, run.stdout
        assert listener.hits == 0
    finally:
        listener.close()


def test_updates_that_fetch_urls_are_refused(store: Store, pool: QueryPool) -> None:
    client = create_app(store, pool, update_token="t").test_client()
    listener = Listener()
    url, base = listener.url, listener.url.removesuffix("sparql")
    try:
        for update in (f"LOAD <{url}>", f"load silent <{url}> into graph <urn:g>", f"LOAD<{url}>",
                       f"PREFIX e: <{base}> LOAD e:sparql", f"BASE <{base}> LOAD <sparql>",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE<{url}>{{ ?s ?p ?o }} }}",
                       f"PREFIX e: <{base}> INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; "
                       "DELETE { ?s ?p ?o } WHERE { SERVICE e:sparql { ?s ?p ?o } }",
                       f"DELETE {{ ?s ?p ?o }} WHERE {{ FILTER(1<2)SERVICE#>\n<{url}> {{ ?s ?p ?o }} }}"):
            r = client.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer t"})
            assert r.status_code == 400 and "not allowed" in r.get_data(as_text=True), update
        time.sleep(0.3)
        assert listener.hits == 0
        assert not client.get("/sparql", query_string={"query": "ASK { <urn:a> ?p ?o }"}).get_json()["boolean"]
        r = client.post("/sparql", data={"update": 'INSERT DATA { <urn:a> <urn:b> "a download service" }'},
                        headers={"Authorization": "Bearer t"})
        assert r.status_code == 200  # the words elsewhere are no LOAD or SERVICE
        client.post("/sparql", data={"update": "DELETE WHERE { <urn:a> ?p ?o }"}, headers={"Authorization": "Bearer t"})
    finally:
        listener.close()



def test_memory_limit_counts_what_the_query_adds_and_bloated_workers_are_replaced(store: Store) -> None:
    """Memory a worker kept from earlier queries is not held against the next query; a worker that keeps
    more than the limit after answering is replaced."""
    pool = QueryPool(store, workers=1, timeout=60, max_rows=100)
    try:
        client = create_app(store, pool).test_client()
        assert client.get("/sparql", query_string={"query": CHEAP}).get_json()["boolean"] is True  # store opened
        (worker,) = pool._all
        pool.memory_limit = worker.resident_bytes() // 2  # the worker already holds twice the limit
        assert client.get("/sparql", query_string={"query": CHEAP}).get_json()["boolean"] is True
        (fresh,) = pool._all
        assert fresh is not worker and not worker.process.is_alive()
    finally:
        pool.close()
