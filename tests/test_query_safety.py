"""Hostile queries: a time limit that frees the CPU, a row cap, bounded concurrency, no outbound SERVICE calls."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from kg.store import Store
from server import create_app
from server.querypool import QueryPool

from .conftest import SEEDS, build_store

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


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "PREFIX x: <{url}#> SELECT * WHERE {{ ?s ?p ?o . SERVICE <{url}> {{ ?a ?b ?c }} }} # SERVICE",
])
def test_service_never_connects_out(client: FlaskClient, template: str) -> None:
    listener = Listener()
    try:
        r = client.get("/sparql", query_string={"query": template.format(url=listener.url)})
        time.sleep(0.5)
        assert r.status_code == 400 and "not allowed" in r.get_data(as_text=True)
        assert listener.hits == 0
    finally:
        listener.close()


def test_service_word_in_a_string_is_not_a_service_call(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": 'SELECT ("SERVICE <http://x/>" AS ?s) WHERE {}'})
    assert r.status_code == 200


def test_allow_listed_service_endpoint_is_called(store: Store, pool: QueryPool) -> None:
    listener = Listener()
    try:
        client = create_app(store, pool, service_allow=[listener.url]).test_client()
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        r = client.get("/sparql", query_string={"query": query})
        assert r.status_code in (400, 504)  # the listener is no SPARQL endpoint
        assert listener.hits >= 1
    finally:
        listener.close()


def test_updates_that_fetch_urls_are_refused(store: Store, pool: QueryPool) -> None:
    client = create_app(store, pool, update_token="t").test_client()
    listener = Listener()
    try:
        for update in (f"LOAD <{listener.url}>", f"load silent <{listener.url}> into graph <urn:g>",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"):
            r = client.post("/sparql", data={"update": update}, headers={"Authorization": "Bearer t"})
            assert r.status_code == 400, update
        time.sleep(0.3)
        assert listener.hits == 0
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
