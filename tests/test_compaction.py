"""The server compacts its embedded store on its own once writes stop (server.compaction), on a real store."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.ingest import ingest
from kg.store import OPTIMIZED_FILE, Store
from server import create_app
from server.compaction import Compactor
from server.querypool import QueryPool

from .conftest import SEEDS, answer

TOKEN = "t0ken"
IDLE = 2.0  # seconds without a write before the compactor looks


def wait_for(condition: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[Store, QueryPool, Compactor, FlaskClient]]:
    store = Store(tmp_path / "store")
    ingest(store, [SEEDS])
    pool = QueryPool(store, workers=1, timeout=20)
    compactor = Compactor(store, IDLE, pool.bump)
    yield store, pool, compactor, create_app(store, pool, TOKEN, compactor=compactor).test_client()
    compactor.close()
    pool.close()
    store.close()


def put(client: FlaskClient, graph: str, triples: int) -> None:
    body = "".join(f'<urn:geokg:s{i}> <urn:geokg:p> "{graph} {i}" .\n' for i in range(triples))
    r = client.put(f"/rdf-graphs?graph={graph}", data=body.encode(), content_type="application/n-triples",
                   headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code in (201, 204), r.get_data(as_text=True)


def test_the_server_compacts_its_store_once_writes_stop(served: tuple[Store, QueryPool, Compactor, FlaskClient]
                                                        ) -> None:
    store, pool, compactor, client = served
    # A store never compacted is compacted once the server has been idle for IDLE seconds.
    wait_for(lambda: compactor.compactions == 1)
    assert store.unoptimized_share() == 0.0
    assert json.loads((store.path / OPTIMIZED_FILE).read_text())["quads"] == store.triple_count()
    generation = pool.generation  # bumped after the compaction: the workers read the compacted files
    # Writes that keep coming put it off, however much they add: here 4 % of the store ten times, a graph at a
    # time (29 % of the store then).
    per_write = store.triple_count() * 4 // 100
    for n in range(10):
        put(client, f"urn:geokg:bulk{n}", per_write)
        last_write = time.monotonic()
        time.sleep(0.2)
        assert compactor.compactions == 1
    wait_for(lambda: compactor.compactions == 2)
    assert time.monotonic() - last_write >= IDLE and store.unoptimized_share() == 0.0
    assert pool.generation > generation + 10  # ten writes, then the compaction
    # Everything written is there, through the query workers (a new snapshot) and the store.
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:geokg:p> ?o }"
    r = client.get("/sparql", query_string={"query": count}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.get_json()["results"]["bindings"][0]["n"]["value"] == str(10 * per_write)
    assert answer(store, count) == [(str(10 * per_write),)]
    # A write of less than a quarter of the store: looked at once the writes stop, not compacted.
    checks = compactor.checks
    put(client, "urn:geokg:small", 10)
    wait_for(lambda: compactor.checks > checks)
    assert compactor.compactions == 2 and 0 < store.unoptimized_share() < 0.25
