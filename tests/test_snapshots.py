"""Other processes read the embedded store through snapshots (RocksDB checkpoints), never its live files:
RocksDB calls opening them read-only beside a writer undefined behaviour (a count failed in CI on a file
that a compaction had just removed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import ArticleGraph, Store, drop_snapshot
from server.querypool import QueryPool

from .conftest import quad

JSON = "application/sparql-results+json"
WRITTEN = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:w:')) }"


def test_a_snapshot_keeps_the_store_as_it_was(store: Store) -> None:
    store.add_graph([quad("urn:w:1", 1)])
    snapshot = store.snapshot()
    try:
        store.add_graph([quad("urn:w:2", 2)])
        seen = ox.Store.read_only(str(snapshot))
        assert quad("urn:w:1", 1) in seen and quad("urn:w:2", 2) not in seen
        del seen
    finally:
        drop_snapshot(snapshot)
    assert not snapshot.exists() and snapshot.parent == store.path


def test_snapshots_left_by_ended_processes_are_removed_when_the_store_is_opened(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True).stdout.strip()
    mine = store.snapshot()
    orphan = store.snapshot()
    orphan = orphan.rename(orphan.with_name(orphan.name.replace(f"-{os.getpid()}-", f"-{ended}-")))
    store.close()
    store = Store(tmp_path / "store")
    assert mine.exists() and not orphan.exists()
    store.close()


LOADS = 40  # each bulk load adds files to RocksDB's first level, which compacts every few


def bulk_loads(store: Store, errors: list[Exception], then: Callable[[], None] = lambda: None,
               pause: float = 0.0) -> None:
    try:
        for n in range(LOADS):
            nquads = ox.serialize([quad(f"urn:w:{n}", i) for i in range(200)], None, ox.RdfFormat.N_QUADS)
            store.load_articles([ArticleGraph(f"urn:w:{n}", nquads, None)])
            then()
            time.sleep(pause)
    except Exception as exc:  # reported by the test
        errors.append(exc)


def test_a_store_whose_directory_is_not_writable_is_read_in_place(seed_store: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Another user's store, or one on a read-only mount: no snapshot can be made beside it."""
    writable = os.access
    monkeypatch.setattr("kg.store.os.access", lambda path, mode: False if Path(path) == seed_store
                        else writable(path, mode))
    store = Store(seed_store, read_only=True)
    assert len(list(store.articles())) == 1 and not list(seed_store.glob(".snapshot-*"))
    assert store.stats().triples == len(store.ox) > 1000
    store.close()


def test_read_only_opens_see_writes_not_yet_flushed(tmp_path: Path) -> None:
    """Writes that are still in the write-ahead log only: a running server's latest, or those of another
    program that closed the store without flushing it."""
    path = tmp_path / "store"
    store = Store(path)
    store.add_graph([quad("urn:g:1", n) for n in range(5)])  # no flush: in the log and in memory
    beside = ("import sys; from kg.store import Store; s = Store(sys.argv[1], read_only=True); "
              "print(s.triple_count(), len(list(s.quads())))")
    run = subprocess.run([sys.executable, "-c", beside, str(path)], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["5", "5"]
    store.close()
    other = ox.Store(str(path))
    other.add(quad("urn:g:2", 1))
    del other  # closed without a flush
    reader = Store(path, read_only=True)
    assert reader.triple_count() == len(list(reader.quads())) == 6
    reader.close()


def test_read_only_opens_read_a_snapshot_while_bulk_loads_and_compactions_go_on(seed_store: Path,
                                                                                 tmp_path: Path) -> None:
    """What `geokg query`, `export`, `stats` and `validate` do beside a running server or ingest."""
    shutil.copytree(seed_store, tmp_path / "store")
    store = Store(tmp_path / "store")
    errors: list[Exception] = []
    # an ingest extracts between loads; back-to-back loads on a store this small compact all the time, and
    # the reader's opens of the live files then keep failing until they stop (it tries for 10 s)
    writer = threading.Thread(target=bulk_loads, args=(store, errors), kwargs={"pause": 0.05})
    try:
        writer.start()
        counts = [0]
        while writer.is_alive():
            reader = Store(tmp_path / "store", read_only=True)
            assert len(list((tmp_path / "store").glob(".snapshot-*"))) == 1
            counts.append(int(next(iter(reader.query(WRITTEN)))["n"].value))
            reader.close()
            assert counts[-1] >= counts[-2] and not list((tmp_path / "store").glob(".snapshot-*"))
        writer.join()
        assert not errors
    finally:
        writer.join()
        store.close()


def test_a_snapshot_is_removed_once_no_worker_reads_it(seed_store: Path, tmp_path: Path) -> None:
    """Idle workers close an old snapshot at the next write: kept through a long ingest, it would hold the
    files of the whole store as it was, which compactions replace."""
    shutil.copytree(seed_store, tmp_path / "store")
    store = Store(tmp_path / "store")
    pool = QueryPool(store, workers=2, timeout=20)
    try:
        def snapshots() -> int:
            return len(list((tmp_path / "store").glob(".snapshot-*")))

        for _ in range(3):  # both workers, one snapshot
            assert pool.execute("ASK { ?s ?p ?o }", [], [], JSON, "text/turtle").body
        assert snapshots() == 1
        store.add_graph([quad("urn:w:1", 1)])
        pool.bump()
        assert snapshots() == 0
        answer = pool.execute("ASK { GRAPH <urn:w:1> { ?s ?p ?o } }", [], [], JSON, "text/turtle")
        assert json.loads(answer.body)["boolean"] and snapshots() == 1
    finally:
        pool.close()
        store.close()
    assert snapshots() == 0


def test_queries_see_each_write_while_bulk_loads_and_compactions_go_on(seed_store: Path, tmp_path: Path) -> None:
    shutil.copytree(seed_store, tmp_path / "store")
    store = Store(tmp_path / "store")
    pool = QueryPool(store, workers=2, timeout=20)
    errors: list[Exception] = []

    def written() -> int:
        answer = pool.execute(WRITTEN, [], [], JSON, "text/turtle")
        return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])

    writer = threading.Thread(target=bulk_loads, args=(store, errors, pool.bump))
    try:
        writer.start()
        counts = [0]
        while writer.is_alive():
            counts.append(written())
            assert counts[-1] >= counts[-2]  # each query reads a later (or the same) state
            assert len(list(store.path.glob(".snapshot-*"))) <= 2  # the busy worker's and the current one
        writer.join()
        assert not errors and written() == LOADS and len(counts) > 5
    finally:
        writer.join()
        pool.close()
        store.close()
    assert not list((tmp_path / "store").glob(".snapshot-*"))
