"""SPARQL queries in worker processes that can be killed: a real time limit, a row cap, bounded concurrency.

pyoxigraph cannot cancel a running query and ignores signals while it runs, so every HTTP query is
evaluated by one of a fixed set of worker processes, each with its own read-only view of the store: a
snapshot of the embedded store (opening its live files beside the server's writes is undefined behaviour
in RocksDB), or the remote endpoint.
A SERVICE clause may call an endpoint of the allow-list only (checked by the worker, which parses the query);
without an allow-list, the workers of the embedded store cannot open network connections at all.
A query that overruns its time limit, or whose worker's resident memory passes the limit, gets its
worker killed (freeing the CPU and memory at once) and replaced. (An address-space limit, tried first,
counts what RocksDB and the allocator reserve rather than use: workers of a large store died at random
on queries that needed little memory.)
When every worker is busy, a request waits briefly for one, then is refused (the caller answers 503).
After each write the server bumps the store generation; the first query after it gets a new snapshot,
which workers open in turn, and a snapshot no worker has open any more is removed.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg import sparql_text
from kg.processes import can_forbid_network, forbid_network
from kg.results import serialize_solutions
from kg.search_index import SearchIndex
from kg.store import Store, StoreError, drop_snapshot
from server.outbound import outbound_targets

RESULT_FORMATS = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/trig": ox.RdfFormat.TRIG, "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
WATCH_INTERVAL = 0.05  # seconds between checks of a busy worker's memory


class QueryTimeout(Exception):
    """The query ran longer than the time limit; its worker was killed."""


class PoolBusy(Exception):
    """Every worker stayed busy for the whole wait."""


class QueryFailed(Exception):
    """The query could not be answered; `status` is the HTTP status to give (picklable across the pipe)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status, self.message = status, message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Task:
    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    results_media: str  # media type for SELECT/ASK results
    graph_media: str  # media type for CONSTRUCT/DESCRIBE results
    view: str  # what the worker opens: a snapshot's directory or the remote endpoint's URL


# What a worker may be asked to read from the search index (kg.search_index): these methods of SearchIndex.
INDEX_READS = frozenset({"search_entities", "search_articles", "events", "articles", "counterparts", "resolve",
                         "labels", "canonical_events"})


@dataclass(frozen=True)
class IndexTask:
    """A read of the search index at `path` by a worker: SearchIndex.<method>(**kwargs), one of INDEX_READS."""

    path: str
    method: str
    kwargs: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Answer:
    media: str
    body: bytes
    rows: int
    truncated: bool


# ------------------------------------------------------------------------------------------ worker side
def _execute(store: ox.Store, task: Task, max_rows: int) -> Answer:
    kwargs: dict[str, object] = {}
    if task.default_graphs or task.named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in task.default_graphs]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in task.named_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    result = store.query(task.query, **kwargs)
    if isinstance(result, ox.QueryBoolean):
        fmt = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
               "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[RESULT_FORMATS[task.results_media]]
        return Answer(task.results_media, result.serialize(format=fmt), 1, False)
    if isinstance(result, ox.QuerySolutions):
        variables = sparql_text.star_order(task.query, [v.value for v in result.variables])
        rows: list[list[object]] = []
        for solution in result:
            if len(rows) == max_rows:
                return Answer(task.results_media, serialize_solutions(
                    variables, rows, RESULT_FORMATS[task.results_media]), len(rows), True)
            rows.append([solution[v] for v in variables])
        return Answer(task.results_media, serialize_solutions(variables, rows, RESULT_FORMATS[task.results_media]),
                      len(rows), False)
    triples = []
    truncated = False
    for t in result:
        if len(triples) == max_rows:
            truncated = True
            break
        triples.append(t)
    return Answer(task.graph_media, ox.serialize(triples, None, GRAPH_FORMATS[task.graph_media]), len(triples),
                  truncated)


def _read_index(indexes: dict[str, SearchIndex], task: IndexTask) -> object:
    if task.method not in INDEX_READS:
        raise QueryFailed(400, f"no such read of the search index: {task.method}")
    index = indexes.get(task.path)
    if index is None:
        try:
            index = indexes[task.path] = SearchIndex(task.path, read_only=True)
        except sqlite3.Error as exc:
            raise QueryFailed(503, f"the search index cannot be read: {exc}") from None
    try:
        return getattr(index, task.method)(**dict(task.kwargs))
    except sqlite3.Error as exc:
        raise QueryFailed(503, f"the search index cannot be read: {exc}") from None


def _open(view: str):
    """A read-only view of the store: a snapshot of the embedded store, or the remote SPARQL endpoint."""
    if view.startswith(("http://", "https://")):
        from kg.sparql_store import SparqlStore

        return SparqlStore(view, read_only=True)
    return ox.Store.read_only(view)


def _refuse_outbound(query: str, service_allow: frozenset[str]) -> None:
    """QueryFailed (400) if the query has a SERVICE clause whose endpoint is not on the allow-list, or cannot be
    parsed to tell."""
    try:
        targets = outbound_targets(query)
    except ValueError as exc:
        raise QueryFailed(400, "the query mentions SERVICE and cannot be parsed to check its endpoints against the "
                               f"allow-list: {exc}") from None
    for target in targets:
        if target not in service_allow:
            raise QueryFailed(400, f"SERVICE {f'<{target}>' if target else 'with a variable or a relative IRI'} is "
                                   "not allowed: this server only queries endpoints on its allow-list (geokg serve "
                                   "--service-allow URL)")


def _worker(conn: Connection, max_rows: int, service_allow: frozenset[str], offline: bool) -> None:
    if offline:  # the second line of defence, should a SERVICE clause get past _refuse_outbound
        with contextlib.suppress(OSError):  # a kernel that refuses the filter: `geokg serve` warns at start
            forbid_network()
    store = None
    view = None
    indexes: dict[str, SearchIndex] = {}
    while True:
        try:
            task: Task | IndexTask | None = conn.recv()
        except EOFError:
            return
        if task is None:  # close the view: its snapshot is old, and its files can then be removed
            store = view = None
            continue
        try:
            if isinstance(task, IndexTask):
                conn.send(_read_index(indexes, task))
                continue
            _refuse_outbound(task.query, service_allow)
            if store is None or task.view != view:
                store = None  # closes the old view first
                store = _open(task.view)
                view = task.view
            conn.send(_execute(store, task, max_rows))
        except QueryFailed as exc:
            conn.send(exc)
        except SyntaxError as exc:
            conn.send(QueryFailed(400, sparql_text.explain_syntax_error(task.query, str(exc))))
        except Exception as exc:  # an evaluation error is the query's, reported to its sender
            conn.send(QueryFailed(400, f"query failed: {exc}"))


# ------------------------------------------------------------------------------------------ server side
class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, max_rows: int, service_allow: frozenset[str],
                 offline: bool) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, max_rows, service_allow, offline), daemon=True,
                                   name="geokg-query-worker")
        self.process.start()
        child.close()
        self.view: str | None = None  # what it was last told to open

    def resident_bytes(self) -> int:
        """The worker's resident memory (Linux /proc; 0 where that is not available)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * PAGE_SIZE
        except (OSError, ValueError, IndexError):
            return 0

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    def __init__(self, store: Store | str, workers: int = 2, timeout: float = 30.0, max_rows: int = 10_000,
                 wait: float = 5.0, memory_limit: int = 4 << 30, service_allow: Iterable[str] = ()) -> None:
        """`store`: the embedded store (workers read snapshots of it) or a remote endpoint's URL. SERVICE clauses
        may call the endpoints of `service_allow` only; without any, the workers of the embedded store cannot
        open network connections at all (where `forbid_network` can); those of a remote store must query it."""
        self.store, self.timeout, self.max_rows, self.wait = store, timeout, max_rows, wait
        self.memory_limit = memory_limit
        self.service_allow = frozenset(service_allow)
        self.offline = not self.service_allow and not isinstance(store, str) and can_forbid_network()
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self._snapshots: dict[int, str] = {}  # paths of the embedded store's snapshots, by generation
        for _ in range(workers):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        w = _Worker(self._ctx, self.max_rows, self.service_allow, self.offline)
        with self._lock:
            self._all.append(w)
        return w

    @property
    def generation(self) -> int:
        return self._generation

    def bump(self) -> None:
        """The store was written: the next query reads a new snapshot. The idle workers close theirs now, so
        that it is removed and its files with it (a compaction replaces them; a snapshot kept through a long
        ingest would hold the whole store as it was)."""
        with self._lock:
            self._generation += 1
        idle = []
        while True:
            try:
                idle.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in idle:
            self._release_old_view(worker)
            self._idle.put(worker)
        self._drop_unused_snapshots()

    def _release_old_view(self, worker: _Worker) -> None:
        """Tell the (idle) worker to close its view if it is a snapshot of an older generation."""
        with self._lock:
            current = self._snapshots.get(self._generation)
        if isinstance(self.store, str) or worker.view is None or worker.view == current:
            return
        worker.view = None
        with contextlib.suppress(OSError):  # it died: the next query finds out and replaces it
            worker.conn.send(None)

    def _assign_view(self, worker: _Worker) -> str:
        """What the worker opens for the current generation; the embedded store's snapshot is made once."""
        if isinstance(self.store, str):
            worker.view = self.store
            return worker.view
        with self._lock:
            if self._generation not in self._snapshots:
                try:
                    self._snapshots[self._generation] = str(self.store.snapshot())
                except StoreError as exc:
                    raise QueryFailed(503, f"the store cannot be read now: {exc}") from None
            worker.view = self._snapshots[self._generation]
            return worker.view

    def _drop_unused_snapshots(self) -> None:
        with self._lock:
            kept = {w.view for w in self._all}
            for generation, path in list(self._snapshots.items()):
                if generation != self._generation and path not in kept:
                    drop_snapshot(self._snapshots.pop(generation))

    def execute(self, query: str, default_graphs: list[str], named_graphs: list[str], results_media: str,
                graph_media: str, wait: float | None = None) -> Answer:
        """The answer of a worker; when every worker is busy, it waits `wait` seconds for one (the pool's by
        default), then raises PoolBusy."""
        worker = self._take(wait)
        try:
            view = self._assign_view(worker)
        except QueryFailed:
            self._idle.put(worker)
            raise
        answer = self._run(worker, Task(query, tuple(default_graphs), tuple(named_graphs), results_media,
                                        graph_media, view))
        assert isinstance(answer, Answer)
        return answer

    def read_index(self, path: str, method: str, wait: float | None = None, **kwargs: object) -> object:
        """SearchIndex(path).<method>(**kwargs) in a worker, under the same time limit, memory limit and bound on
        concurrency as queries (see `execute`)."""
        return self._run(self._take(wait), IndexTask(path, method, tuple(sorted(kwargs.items()))))

    def _take(self, wait: float | None) -> _Worker:
        try:
            return self._idle.get(timeout=self.wait if wait is None else wait)
        except queue.Empty:
            raise PoolBusy(f"all {len(self._all)} query workers are busy") from None

    def _run(self, worker: _Worker, task: Task | IndexTask) -> object:
        healthy = False  # else the worker is replaced: stopped, dead, or holding too much memory
        try:
            before = worker.resident_bytes()  # what earlier queries left (allocator, caches): not this query's
            worker.conn.send(task)
            deadline = time.monotonic() + self.timeout
            while not worker.conn.poll(max(0.0, min(WATCH_INTERVAL, deadline - time.monotonic()))):
                if time.monotonic() >= deadline:
                    raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped")
                if self.memory_limit and worker.resident_bytes() - before > self.memory_limit:
                    raise QueryFailed(503, "the query needed more memory than a query may use "
                                           f"({self.memory_limit / 2**30:g} GiB); try a smaller query")
            reply = worker.conn.recv()
            # a worker that kept more than the limit after answering is replaced for the next query
            healthy = not (self.memory_limit and worker.resident_bytes() > self.memory_limit)
        except (EOFError, OSError, BrokenPipeError):
            raise QueryFailed(503, "the query worker died; try again, or a smaller query") from None
        finally:
            if healthy:
                self._release_old_view(worker)  # a write came while it answered
                self._idle.put(worker)
            else:
                self._replace(worker)
            self._drop_unused_snapshots()
        if isinstance(reply, QueryFailed):
            raise reply
        return reply

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.remove(worker)
        self._idle.put(self._spawn())

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for w in workers:
            w.kill()
        with self._lock:
            snapshots, self._snapshots = list(self._snapshots.values()), {}
        for path in snapshots:
            drop_snapshot(path)
