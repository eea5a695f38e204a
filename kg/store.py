"""The embedded store: Oxigraph (pyoxigraph) on disk, one named graph per article.

Graphs: each article's IRI names the graph of its statements; the reference knowledge and the
ontology have graphs of their own. SPARQL sees the union of all graphs as the default graph.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import logging
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import platformdirs
import pyoxigraph as ox

import ontology
from kg import canonical_rows, events_graph, fusion, index_source, reports, sparql_text, timeline, update_graphs, vocab
from kg.canonical_rows import EventRow
from kg.index_source import IndexRows
from kg.reference import REFERENCE_DIR, Reference
from kg.report_shelf import SHELF_FILE, ReportShelf
from kg.search_index import INDEX_FILE, SearchIndex

log = logging.getLogger(__name__)

STATE_GRAPH = ox.NamedNode(vocab.STATE_GRAPH)
VERSION = ox.NamedNode(vocab.GKG + "contentHash")
# In the state graph, (article, LOADING, true) says that the article's graph is being bulk-loaded:
# if the mark is still there when the store is opened, the load was interrupted.
LOADING = ox.NamedNode(vocab.GKG + "loading")
TRUE = ox.Literal("true", datatype=ox.NamedNode(vocab.XSD + "boolean"))
# An article graph's statement of its article's URL: <article> schema:url "URL"^^xsd:anyURI.
URL = vocab.schema("url")
# In the state graph: every article stored has its timeline entries (kg.timeline), old ones included.
TIMELINE_BUILT = ox.Quad(timeline.INDEX, VERSION, ox.Literal("1"), STATE_GRAPH)
# N-Quads bytes per bulk load. Each bulk load adds files that RocksDB then compacts into the whole
# store, so many small loads get slower as the store grows (loads of 32 articles: 11 s per 1,000
# articles into an empty store, 24 s at 20,000 articles) while large ones stay flat (loads of 512
# articles: 9-10 s per 1,000 articles all the way; bench/RESULTS.md). 128 MB holds about 470 articles.
BULK_BYTES = 128 * 2**20
# What a store keeps counted (see Store.counts): quads, articles (graphs that say they are one) and the
# events of each class in the article graphs.
EVENT_CLASSES = ("ArmsTransfer", "Deployment", "MilitaryOperation", "Statement")
KEPT = ("quads", "articles", *EVENT_CLASSES)
# Prints the counts of the store at argv[1] as JSON: its quads, and the rows of the query argv[2] (TYPED);
# Store.count_apart runs it as a process of its own.
COUNT_APART = ("import json, sys, pyoxigraph as ox; s = ox.Store.read_only(sys.argv[1]); "
               "print(json.dumps([len(s), [[r[0].value, r[1].value] for r in s.query(sys.argv[2])]]))")


# The counts of a store that GeoKG closed, with the state of its files then (see Store._save_count).
COUNT_FILE = "geokg-count.json"
# How many quads the store held when it was last optimized (see Store.optimize).
OPTIMIZED_FILE = "geokg-optimized.json"
# Share of a store's quads written since it was last optimized from which `geokg ingest` suggests optimizing.
# Suggested (or run, with --optimize) no earlier, compacting costs each quad a bounded number of rewrites
# whatever the store's size, as the store must grow by a quarter between two compactions.
OPTIMIZE_SHARE = 0.25
# Stores smaller than this answer quickly either way: ingest does not suggest optimizing them.
OPTIMIZE_WORTH_QUADS = 1_000_000


# SPARQL counting the articles and the events of each class (?c, ?n) in the named graphs. Each is counted
# once per graph that types it: one for what GeoKG writes, where an article's events are in its graph only
# (a count of distinct events, over the union of graphs, took 1.6 s at 100,000 articles against 0.5 s, and
# cannot be kept up to date graph by graph). See Store._sizes for the same count in given graphs.
TYPED = (f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ VALUES ?c {{ "
         f"{' '.join(f'<{vocab.GKG}{c}>' for c in ('Article', *EVENT_CLASSES))} }} GRAPH ?g {{ ?e a ?c }} "
         f"FILTER(?c != <{vocab.GKG}Article> || ?e = ?g) }} GROUP BY ?c")


def _typed_counts(quads: int, query: Callable[[str], Iterable[ox.QuerySolution]]) -> dict[str, int]:
    """The kept counts from the number of quads and TYPED run by `query`."""
    return _counts(quads, ((r["c"].value, r["n"].value) for r in query(TYPED)))


def _counts(quads: int, rows: Iterable[tuple[str, str]]) -> dict[str, int]:
    """The kept counts from the number of quads and the rows of TYPED."""
    counts = dict.fromkeys(KEPT, 0) | {"quads": quads}
    for cls, n in rows:
        local = cls.rsplit("#", 1)[-1]
        counts["articles" if local == "Article" else local] += int(n)
    return counts


def _files(path: Path) -> list[list[str | int]]:
    """RocksDB's files in the store directory, as [name, size, modification time]. RocksDB never changes a
    file in place: tables are written once, the write-ahead log and the manifest are appended to, CURRENT
    is replaced; and every opening for writing starts a new log and manifest. So while these three stay the
    same for every file, so does the data. Left out: RocksDB's info logs (LOG*), GeoKG's own files (geokg-*)
    and the snapshot directories."""
    found = []
    for entry in os.scandir(path):
        if entry.is_file(follow_symlinks=False) and not entry.name.startswith(("LOG", "geokg-")):
            st = entry.stat(follow_symlinks=False)
            found.append([entry.name, st.st_size, st.st_mtime_ns])
    return sorted(found)


def _logs(path: Path) -> list[str]:
    """The names of the store's write-ahead log files."""
    return sorted(e.name for e in os.scandir(path) if e.name.endswith(".log") and e.is_file(follow_symlinks=False))


def _saved_count(path: Path) -> dict | None:
    """The counts saved when GeoKG last closed the store ({"quads": N, "articles": N, ..., "files": ...}), if
    the store's files have not changed since."""
    try:
        saved = json.loads((path / COUNT_FILE).read_text(encoding="utf-8"))
        if saved["files"] == _files(path) and all(isinstance(saved[k], int) for k in KEPT):
            return saved
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


# Snapshots of the store at PATH are directories PATH/.snapshot-PID-RANDOM (see Store.snapshot).
SNAPSHOT_PREFIX = ".snapshot-"
SNAPSHOT_TRYING = 10.0  # seconds a read-only open tries to snapshot the store (see Store._read_only_snapshot)


def store_exists(path: str | os.PathLike[str]) -> bool:
    """Whether a store (RocksDB's files) is in the directory."""
    return (Path(path) / "CURRENT").exists()


def drop_snapshot(path: str | os.PathLike[str]) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class ArticleGraph(NamedTuple):
    """A new article graph as bulk loads take it: its IRI, its N-Quads, and its rows in the search index if taken
    from its quads while they were in hand (by the extraction process that made them, in ingestion), so that the
    storing process need not read them back (None: read back)."""

    iri: str
    nquads: bytes
    index: IndexRows | None

    @staticmethod
    def of(quads: list[ox.Quad]) -> ArticleGraph:
        iri = quads[0].graph_name.value
        return ArticleGraph(iri, ox.serialize(quads, None, ox.RdfFormat.N_QUADS), index_source.from_quads(iri, quads))


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why and what to do."""


def default_location() -> str:
    return os.environ.get("GEOKG_STORE") or str(Path(platformdirs.user_data_dir("geokg")) / "store")


def reference_version() -> str:
    """Hash of the ontology, shapes and reference tables, and of the IRI scheme: the reference graphs are
    reloaded when it changes."""
    h = hashlib.sha256(vocab.IRI_SCHEME.encode())
    for path in [ontology.ONTOLOGY_FILE, *sorted(REFERENCE_DIR.glob("*.psv"))]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class Stats:
    triples: int
    articles: int
    entities: dict[str, int]
    events: dict[str, int]

    @staticmethod
    def of(counts: dict[str, int], store: Store) -> Stats:
        """From the counts (KEPT), with the entities of `store` counted (any store with `query`)."""
        return Stats(counts["quads"], counts["articles"], entity_counts(store),
                     {c: counts[c] for c in EVENT_CLASSES if counts[c]})


class Store:
    """An Oxigraph store in a directory."""

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False, fuse: bool = True) -> None:
        self.path = Path(path)
        # Whether articles are fused into the events graph as they are stored (kg.events_graph); if not, they are
        # marked, and fused by `geokg fuse` or the next `geokg init`.
        self.fusing = fuse
        self.fusion_lock = threading.Lock()
        self.seen = reports.Seen()
        self._drop_copy: weakref.finalize | None = None
        # The counts (KEPT), once counted, kept up to date across this object's writes (see `counts`).
        self._write_lock, self._count_lock = threading.Lock(), threading.Lock()
        self._counts: dict[str, int] | None = None
        self._since: dict[str, int] | None = None  # while a count runs: what the writes since its snapshot changed
        self._lost = False  # while a count runs: a write changed unknown counts
        self._saved: dict[str, int] | None = None  # read-only: the counts saved for the files it reads
        saved = _saved_count(self.path)  # read before opening: opening for writing changes the files
        new = not store_exists(self.path)  # no store there yet: a new one has no quads to count
        try:
            if read_only:
                if new:
                    raise StoreError(f"no GeoKG store in {self.path}: run 'geokg init' or 'geokg ingest' first")
                if os.access(self.path, os.W_OK):
                    copy = self._read_only_snapshot()
                    self._drop_copy = weakref.finalize(self, drop_snapshot, copy)  # also at exit, unless closed
                    self.ox = ox.Store.read_only(str(copy))
                else:  # no snapshot can be made (another user's store, a read-only mount): read the live files
                    self.ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.ox = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(f"store {self.path} is in use by another process (a running geokg ingest or "
                                 "serve): wait for it to finish, or stop it") from None
            raise StoreError(f"cannot open store {self.path}: {exc}") from None
        self.read_only = read_only
        # the search index beside the store (kg.search_index), kept up to date by this object's writes
        self.index = None if read_only else SearchIndex(self.path / INDEX_FILE)
        if not read_only:  # the reports fusion reads, kept for the next process too (kg.report_shelf)
            self.seen.shelf = ReportShelf(self.path / SHELF_FILE)
        kept = {k: saved[k] for k in KEPT} if saved is not None else None
        if read_only:  # counts saved for the files the snapshot was made from (they did not change meanwhile)
            self._saved = kept if _saved_count(self.path) == saved else None
        else:
            (self.path / COUNT_FILE).unlink(missing_ok=True)  # a process that ends without close() saves none
            self._counts = kept if kept is not None else dict.fromkeys(KEPT, 0) if new else None
            self.recover()
            self.drop_orphan_snapshots()

    # ------------------------------------------------------------------ reference knowledge
    def stored_version(self) -> str | None:
        for q in self.ox.quads_for_pattern(ox.NamedNode(vocab.REFERENCE_GRAPH), VERSION, None, STATE_GRAPH):
            return q.object.value
        return None

    def init(self, reference: Reference) -> bool:
        """Load (or reload, if the files changed) the ontology and the reference graphs, and add the timeline
        index to articles stored before it existed. True if it wrote anything."""
        return finish_init(self, reference, self._load_reference(reference), self._build_timeline)

    def _load_reference(self, reference: Reference) -> bool:
        version = reference_version()
        if self.stored_version() == version:
            return False
        if self.read_only:
            raise StoreError(f"store {self.path} has no (or outdated) reference knowledge; run 'geokg init'")
        onto_graph = ox.NamedNode(vocab.ONTOLOGY_GRAPH)
        ref_graph = ox.NamedNode(vocab.REFERENCE_GRAPH)
        quads = [ox.Quad(t.subject, t.predicate, t.object, onto_graph) for t in ontology.ontology_triples()]
        quads += list(reference.quads())
        with self._counting({onto_graph, ref_graph, STATE_GRAPH} | {q.graph_name for q in quads}):
            for g in (onto_graph, ref_graph):
                if self.ox.contains_named_graph(g):
                    self.ox.remove_graph(g)
            self.ox.remove(ox.Quad(ref_graph, VERSION, ox.Literal(self.stored_version() or ""), STATE_GRAPH))
            quads.append(ox.Quad(ref_graph, VERSION, ox.Literal(version), STATE_GRAPH))
            self.ox.extend(quads)
        self.ox.flush()
        return True

    def _build_timeline(self) -> bool:
        if self.read_only and TIMELINE_BUILT not in self.ox:
            raise StoreError(f"store {self.path} has no timeline index yet; run 'geokg init'")
        return build_timeline(self)

    # ------------------------------------------------------------------ articles
    def has_graph(self, iri: str) -> bool:
        return self.ox.contains_named_graph(ox.NamedNode(iri))

    def stored_article(self, iri: str, url: str | None) -> str | None:
        """The IRI of the article stored under this graph IRI (the hash of its text) or, if given, this URL: the
        rules by which an article is stored once."""
        if self.has_graph(iri):
            return iri
        if url is not None:  # one index look-up: the same ASK in SPARQL cost 0.5 ms an article
            for q in self.ox.quads_for_pattern(None, URL, ox.Literal(url, datatype=vocab.xsd("anyURI")), None):
                if q.subject == q.graph_name:
                    return q.subject.value
        return None

    def add_article(self, iri: str, quads: list[ox.Quad]) -> bool:
        """Add an article's graph in one transaction unless the store holds the article (`stored_article`),
        checked under the lock that every write holds: of two requests sending the same article at once, one
        stores it. True if it was added."""
        with self._counting([ox.NamedNode(iri), STATE_GRAPH]):
            if self.stored_article(iri, article_url(quads)) is not None:
                return False
            self._extend([*quads, events_graph.unfused(iri)])
        self._reindex([iri])
        events_graph.fuse_article(self, iri, quads)
        return True

    def add_graph(self, quads: Iterable[ox.Quad]) -> int:
        """Add quads in one transaction (all or nothing). Returns how many were given."""
        batch = list(quads)
        graphs = {q.graph_name for q in batch}
        with self._counting(graphs):
            self._extend(batch)
        self._reindex(sorted(g.value for g in graphs if isinstance(g, ox.NamedNode)))
        return len(batch)

    def _reindex(self, graphs: list[str], removed: bool = False, rows: dict[str, IndexRows] | None = None) -> None:
        """Bring the search index up to these graphs written (with their `rows` if in hand) or removed."""
        if self.index is not None:
            self.index.written(self.query, graphs, removed, rows)

    def _extend(self, batch: list[ox.Quad]) -> None:
        try:
            self.ox.extend(batch)
        except OSError as exc:
            raise StoreError(f"writing to {self.path} failed, nothing was written: {exc}") from None

    def add_articles(self, graphs: list[list[ox.Quad]]) -> int:
        """Add many new article graphs fast (see `load_all`). Returns how many quads were given."""
        self.load_all(ArticleGraph.of(graph) for graph in graphs if graph)
        return sum(len(g) for g in graphs)

    def load_all(self, items: Iterable[ArticleGraph], limit: int = BULK_BYTES) -> None:
        """Bulk-load new article graphs in loads of about `limit` bytes."""
        group: list[ArticleGraph] = []
        size = 0
        for item in items:
            group.append(item)
            size += len(item.nquads)
            if size >= limit:
                self.load_articles(group)
                group, size = [], 0
        if group:
            self.load_articles(group)

    def load_articles(self, items: list[ArticleGraph]) -> None:
        """Bulk-load new article graphs: mark them as loading,
        load them with their fusion (kg.events_graph.plan: the events graph's new quads in the same bulk load, those
        it loses removed after), remove the marks. A store that does not fuse marks them unfused instead.

        Bulk loading is not transactional; a crash in the middle leaves the marks, and `recover`
        removes the marked graphs (and has the events graph rebuilt) when the store is next opened for writing. The
        load itself runs without Python's global lock, so another thread can go on extracting meanwhile."""
        marks = [ox.Quad(ox.NamedNode(x.iri), LOADING, TRUE, STATE_GRAPH) for x in items]
        with self.fusion_lock:
            new: list[reports.Report] = []
            if self.fusing:
                new, labels = reports.reports_in_nquads((x.iri, x.nquads) for x in items)
                change = events_graph.plan(self, new, labels)
                removed, added = change.removed, change.added
            else:
                removed, added = [], []
            try:
                with self._counting([STATE_GRAPH, *(ox.NamedNode(x.iri) for x in items)],
                                    moved=len(added) - len(removed)):
                    self.ox.extend(marks if self.fusing else [*marks, *(events_graph.unfused(x.iri) for x in items)])
                    self.ox.bulk_load(b"".join([*(x.nquads for x in items),
                                                ox.serialize(added, None, ox.RdfFormat.N_QUADS)]),
                                      ox.RdfFormat.N_QUADS)
                    for quad in removed + marks:
                        self.ox.remove(quad)
            except (OSError, SyntaxError) as exc:
                raise StoreError(f"writing to {self.path} failed: {exc}; run the same ingest again") from None
            self.seen.add(new)
            if self.fusing and self.index is not None:  # under the lock: a later fusion's rows come after these
                self.index.events_written(change.rows)
        self._reindex([x.iri for x in items], rows={x.iri: x.index for x in items if x.index is not None})

    def recover(self) -> list[str]:
        """Remove the article graphs whose bulk load a crash interrupted. Returns their IRIs."""
        broken = [q.subject for q in self.ox.quads_for_pattern(None, LOADING, None, STATE_GRAPH)]
        if broken:
            self.seen.forget(g.value for g in broken)  # kept only after a load ends; forgotten all the same
            with self._counting([STATE_GRAPH, *broken]):
                for graph in broken:
                    if self.ox.contains_named_graph(graph):
                        self.ox.remove_graph(graph)
                    self.ox.remove(ox.Quad(graph, LOADING, TRUE, STATE_GRAPH))
                    self.ox.remove(events_graph.unfused(graph.value))
                # the load may have written part of its fusion: the events graph is rebuilt by the next `init`
                for mark in list(self.ox.quads_for_pattern(events_graph.EVENTS, events_graph.VERSION, None,
                                                           STATE_GRAPH)):
                    self.ox.remove(mark)
            self._reindex([g.value for g in broken], removed=True)
        return [g.value for g in broken]

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (one transaction). The events graph follows the article graphs it names
        (kg.update_graphs, kg.events_graph.refusing). It may change any graph: the search index takes the articles
        added and removed at once, and is rebuilt whole at the next `init`."""
        with events_graph.refusing(self, update_graphs.written_graphs(sparql)):
            try:
                with self._counting(None):
                    self.ox.update(sparql)
            except SyntaxError as exc:
                raise ValueError(f"invalid SPARQL Update: {exc}") from None
            finally:
                if self.index is not None:
                    sync_index(self, self.index)
                    self.index.mark_stale()

    def replace_graph(self, iri: str, triples: list[ox.Triple]) -> None:
        """The graph's content becomes `triples`, in one transaction; the events graph follows it
        (kg.events_graph.refusing)."""
        g = ox.NamedNode(iri)
        with events_graph.refusing(self, [iri]):
            with self._counting([g]):
                if not self.ox.contains_named_graph(g):
                    self._extend([ox.Quad(t.subject, t.predicate, t.object, g) for t in triples])
                    self.ox.add_graph(g)
                else:
                    body = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES).decode("utf-8")
                    self.ox.update(f"DROP GRAPH <{iri}> ; INSERT DATA {{ GRAPH <{iri}> {{ {body} }} }}")
            self._reindex([iri])

    def remove_graph(self, iri: str) -> bool:
        """Remove an article's (or another) graph, with its reports' place in the events graph (kg.events_graph)."""
        if iri in events_graph.MANAGED:
            return False
        return events_graph.remove(self, iri)

    def change_events(self, removed: list[ox.Quad], added: list[ox.Quad], drop: str | None = None,
                      rows: dict[str, EventRow | None] | None = None) -> None:
        """In one transaction: drop the graph `drop` (if given), remove the quads `removed` and add `added` (of the
        events and state graphs); then the search index takes the `rows` of the events changed. The caller read
        them under the fusion lock: `removed` are in the store, `added` are not, so the kept counts move by their
        numbers."""
        if not removed and not added and drop is None:
            return
        parts = [f"DROP GRAPH {sparql_text.iri(drop)}"] if drop is not None else []
        parts += [f"DELETE DATA {{ {sparql_text.graph_blocks(removed)} }}"] if removed else []
        parts += [f"INSERT DATA {{ {sparql_text.graph_blocks(added)} }}"] if added else []
        try:
            with self._counting([ox.NamedNode(drop)] if drop is not None else [], moved=len(added) - len(removed)):
                self.ox.update(" ;\n".join(parts))
        except OSError as exc:
            raise StoreError(f"writing to {self.path} failed, nothing was written: {exc}") from None
        if drop is not None:
            self._reindex([drop], removed=True)
        if self.index is not None and rows:
            self.index.events_written(rows)

    def replace_events(self, described: Iterable[list[ox.Quad]], version: ox.Quad, per_write: int = 100_000) -> None:
        """Replace the events graph with the events `described` (each one's quads), clear every unfused mark and note
        `version` (in the state graph; written last: a rebuild stopped midway is done again by the next `geokg
        init`); then their rows replace the search index's."""
        rows: list[EventRow] = []
        quads = canonical_rows.flattened(described, rows)
        events = ox.NamedNode(vocab.EVENTS_GRAPH)
        with self._counting([events, STATE_GRAPH]):
            for q in self.ox.quads_for_pattern(events, version.predicate, None, STATE_GRAPH):
                self.ox.remove(q)
            if self.ox.contains_named_graph(events):
                self.ox.remove_graph(events)
            for mark in list(self.ox.quads_for_pattern(None, events_graph.UNFUSED, None, STATE_GRAPH)):
                self.ox.remove(mark)
            for batch in in_batches(quads, per_write):
                self._extend(batch)
            self._extend([version])
        if self.index is not None:
            self.index.events_replaced(rows)

    def articles(self) -> Iterator[str]:
        q = f"SELECT ?a WHERE {{ GRAPH ?a {{ ?a a <{vocab.GKG}Article> }} }} ORDER BY ?a"
        for row in self.query(q):
            yield row["a"].value

    # ------------------------------------------------------------------ queries
    def query(self, sparql: str):
        try:
            return self.ox.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise ValueError(f"invalid SPARQL: {exc}") from None

    def quads(self, subject: ox.NamedNode | None = None, predicate: ox.NamedNode | None = None,
              obj: ox.NamedNode | ox.Literal | None = None, graph: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
        return self.ox.quads_for_pattern(subject, predicate, obj, graph)

    def stats(self) -> Stats:
        return Stats.of(self.counts(), self)

    def triple_count(self) -> int:
        return self.counts()["quads"]

    def counts(self) -> dict[str, int]:
        """The number of quads (pyoxigraph's len()), of articles and of events of each class (see TYPED):
        saved by the last close() if the store's files have not changed since, else counted apart the first
        time (19 s at 100,000 articles); then kept up to date across this object's writes, which count the
        graphs they touch before and after (six SPARQL counts per 500 graphs). A store has one writer
        (RocksDB's lock), so nothing else changes it; a SPARQL Update, which may touch any graph, makes it
        count again. A read-only store (the CLI's) uses saved counts or counts in its own process: it may
        have no room for a snapshot."""
        if self.read_only:
            if self._saved is not None:
                return dict(self._saved)
            return _typed_counts(len(self.ox), self.ox.query)
        with self._count_lock:
            with self._write_lock:
                if self._counts is not None:
                    return dict(self._counts)
                snapshot = self.snapshot()  # no write between it and the start of what writes add
                self._since, self._lost = dict.fromkeys(KEPT, 0), False
            try:
                counted = self.count_apart(snapshot)
            except BaseException:
                with self._write_lock:
                    self._since = None
                raise
            with self._write_lock:  # no write between taking what the writes changed and keeping the sum
                since, lost, self._since = self._since or dict.fromkeys(KEPT, 0), self._lost, None
                total = {k: counted[k] + since[k] for k in KEPT}
                if not lost:
                    self._counts = dict(total)
            return total  # when lost: as of the snapshot, with what the writes known since changed

    @contextmanager
    def _counting(self, graphs: Iterable[ox.NamedNode | ox.DefaultGraph] | None, moved: int = 0) -> Iterator[None]:
        """Keep the counts (see `counts`) across a write to `graphs` and of `moved` more quads elsewhere (which the
        caller counted), or, where they are not known (None) or the write fails, forget them."""
        with self._write_lock:
            if self._counts is None and self._since is None:
                yield
                return
            touched = set(graphs) if graphs is not None else set()
            before = self._sizes(touched)
            try:
                yield
            except BaseException:
                graphs = None
                raise
            finally:
                if graphs is None:
                    self._counts, self._lost = None, True
                else:
                    after = self._sizes(touched)
                    for kept in (k for k in (self._counts, self._since) if k is not None):
                        for key in KEPT:
                            kept[key] += after[key] - before[key]
                        kept["quads"] += moved

    def _sizes(self, graphs: set[ox.NamedNode | ox.DefaultGraph], per_query: int = 500) -> dict[str, int]:
        """The counts (KEPT) of `graphs`, as TYPED counts them, by SPARQL per 500 named graphs: iterating the
        quads in Python made an object of each (4.7 s for a bulk load's 470 article graphs, against 0.2 s).
        Articles and events are counted one class per query, which Oxigraph answers by a look-up per graph
        (0.1 s for 1,000 graphs at 100,000 articles); with the classes in VALUES, as TYPED has them, it read
        every typed node of the store instead (39 s per 500 graphs)."""
        named = sorted(str(g) for g in graphs if isinstance(g, ox.NamedNode))  # <IRI>: checked by pyoxigraph
        sizes = _counts(sum(1 for g in graphs if not isinstance(g, ox.NamedNode)
                            for _ in self.ox.quads_for_pattern(None, None, None, g)), [])
        patterns = {"quads": "?s ?p ?o", "articles": f"?g a <{vocab.GKG}Article>",
                    **{c: f"?e a <{vocab.GKG}{c}>" for c in EVENT_CLASSES}}
        for i in range(0, len(named), per_query):
            values = f"VALUES ?g {{ {' '.join(named[i:i + per_query])} }}"
            for key, pattern in patterns.items():
                query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {values} GRAPH ?g {{ {pattern} }} }}"
                sizes[key] += int(next(iter(self.ox.query(query)))["n"].value)
        return sizes

    def count_apart(self, snapshot: Path) -> dict[str, int]:
        """The counts (KEPT), counted by a process of its own in `snapshot` (removed after). pyoxigraph's len()
        holds Python's global lock while it counts (18 s on a 100,000-article store), which stops every other
        thread of this process; a SPARQL COUNT releases the lock but takes 49 s."""
        try:
            run = subprocess.run([sys.executable, "-c", COUNT_APART, str(snapshot), TYPED],
                                 capture_output=True, text=True)
        finally:
            drop_snapshot(snapshot)
        if run.returncode != 0:
            reason = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1]
            raise StoreError(f"counting the triples of {self.path} failed: {reason}")
        quads, rows = json.loads(run.stdout)
        return _counts(quads, rows)

    def snapshot(self) -> Path:
        """A copy of the store as it is now, for other processes to read: a RocksDB checkpoint (hard links to
        the store's files, made in milliseconds) in a directory inside the store's, which the caller removes
        with `drop_snapshot`. Another process must not open the live store read-only while this one writes
        it: RocksDB calls that undefined behaviour, and such a reader failed on a file that a compaction had
        just removed. Nothing writes a snapshot. (Inside, not beside: hard links need the same file system,
        and RocksDB copies every file where they fail — as beside a store directory that is a mount point.
        RocksDB leaves directories it does not know alone.)"""
        return Store._snapshot_of(self.ox, self.path)

    @staticmethod
    def _snapshot_of(store: ox.Store, path: Path) -> Path:
        target = path / f"{SNAPSHOT_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            store.backup(str(target))
        except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB's, e.g. the store's files are gone
            drop_snapshot(target)
            raise StoreError(f"cannot snapshot {path}: {exc}") from None
        return target

    def drop_orphan_snapshots(self) -> None:
        """Remove the snapshots left by processes that ended without removing them (killed)."""
        for path in self.path.glob(f"{SNAPSHOT_PREFIX}*"):
            pid = path.name.removeprefix(SNAPSHOT_PREFIX).split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                drop_snapshot(path)

    def _read_only_snapshot(self) -> Path:
        """A snapshot to read instead of the live files, which a running server or ingest may be writing. The
        live files are opened for a moment only, to make it; a file that a compaction removes meanwhile
        fails that moment, which is tried again (on a small store under back-to-back bulk loads three in
        four tries failed)."""
        deadline = time.monotonic() + SNAPSHOT_TRYING
        while True:
            try:
                return self._snapshot_with_log()
            except (OSError, RuntimeError, StoreError) as exc:  # RuntimeError: RocksDB's "Corruption"
                if time.monotonic() > deadline:
                    raise StoreError(f"cannot read store {self.path} (is another process writing it hard?): "
                                     f"{exc}") from None
            time.sleep(0.02)

    def _snapshot_with_log(self) -> Path:
        """A checkpoint made through a read-only opening holds the tables only, not the write-ahead log, so it
        lacked every write not yet flushed to a table: a running server's latest writes, or what another
        program wrote before it closed the store. The log files are copied into it; opening the snapshot
        replays those its tables do not hold yet. Whatever a flush does meanwhile, the snapshot holds the
        store as it was at some moment while it was made: a log listed before the opening and flushed since
        has its writes in the tables the opening saw, or is copied; writes to a log started after the
        listing are later than that moment. A log removed before it is copied fails the copy, which the
        caller tries again. (Making the snapshot again whenever a new log had been started kept a reader
        beside back-to-back bulk loads from ever reading.)"""
        logs = _logs(self.path)
        snapshot = Store._snapshot_of(ox.Store.read_only(str(self.path)), self.path)
        try:
            for name in logs:
                shutil.copyfile(self.path / name, snapshot / name)
        except BaseException:
            drop_snapshot(snapshot)
            raise
        return snapshot

    def optimize(self) -> None:
        """Compact the store's files (RocksDB's full compaction) and note how many quads it then held.

        Bulk loads leave a store in many overlapping files that every read looks through, until later writes
        compact them: on a store just ingested, the example queries answered in 1.5-2.5 times their time on
        the same data loaded in one go (bench/RESULTS.md). Compacting rewrites the whole store (1.5-3 s per
        million quads here; the largest level needs its size again in free disk space meanwhile). Reads and
        writes go on meanwhile (a server's); what is written then counts as not yet optimized."""
        quads = self.counts()["quads"]
        self.ox.optimize()
        tmp = self.path / (OPTIMIZED_FILE + ".tmp")
        try:  # replaced whole: another process may read it meanwhile
            tmp.write_text(json.dumps({"quads": quads}), encoding="utf-8")
            tmp.replace(self.path / OPTIMIZED_FILE)
        except OSError as exc:  # compacted all the same; ingest will suggest it again
            log.warning("could not note the optimization of %s: %s", self.path, exc)

    def unoptimized_share(self) -> float:
        """The share of the store's quads written since it was last optimized (all of them if never)."""
        quads = self.counts()["quads"]
        try:
            before = int(json.loads((self.path / OPTIMIZED_FILE).read_text(encoding="utf-8"))["quads"])
        except (OSError, ValueError, KeyError, TypeError):
            before = 0
        return max(0.0, (quads - before) / quads) if quads else 0.0

    def close(self) -> None:
        """Close the store; a count kept up to date is saved for the next opening (see `_save_count`). Writes
        wait meanwhile (and then fail): none may come between the count and the state of the files saved
        with it."""
        with self._write_lock:
            counts = None if self.read_only else self._counts
            if not self.read_only:
                self.ox.flush()
            del self.ox
            if self.index is not None:
                self.index.close()
            if self.seen.shelf is not None:
                self.seen.shelf.close()
            if self._drop_copy is not None:
                self._drop_copy()
            if counts is not None and self._closed():
                self._save_count(counts)

    def _closed(self, wait: float = 2.0) -> bool:
        """Whether RocksDB has closed the store, waiting up to `wait` seconds. Something else in this process
        may still hold it (a query another thread is reading), and then a compaction running on would
        change the files after they were noted (it did, at a server's stop on the 100,000-article store). An
        opening succeeds only once the store is closed (RocksDB's lock); closed at once, it leaves the
        files as they are for good (RocksDB stops and waits for its background work when it closes)."""
        gc.collect()
        deadline = time.monotonic() + wait
        while True:
            try:
                probe = ox.Store(str(self.path))
            except (OSError, RuntimeError):
                if time.monotonic() > deadline:
                    log.info("not saving the triple count of %s: the store is still open in this process", self.path)
                    return False
                time.sleep(0.05)
                continue
            del probe
            return True

    def _save_count(self, counts: dict[str, int]) -> None:
        """Save the counts beside the store with the state of its files (`_files`), so that the next opening
        need not count (19 s at 100,000 articles). Any later write — GeoKG's or another program's — changes
        the files, and the saved counts are then ignored; GeoKG removes them when it opens the store for
        writing, so that a process that ends without closing leaves none. Called once RocksDB has closed
        (`_closed`): its files no longer change."""
        tmp = self.path / (COUNT_FILE + ".tmp")
        try:
            tmp.write_text(json.dumps({**counts, "files": _files(self.path)}), encoding="utf-8")
            tmp.replace(self.path / COUNT_FILE)
        except OSError as exc:  # the next opening counts again
            log.warning("could not save the triple count of %s: %s", self.path, exc)


def in_batches(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """The quads in lists of `size` (the last one shorter)."""
    left = iter(quads)
    while batch := list(itertools.islice(left, size)):
        yield batch


def article_url(quads: Iterable[ox.Quad]) -> str | None:
    """The URL that an article's graph gives its article, if any."""
    return next((q.object.value for q in quads if q.predicate == URL and q.subject == q.graph_name), None)


def rename_old_iris(store: Store, reference: Reference) -> list[str]:
    """Rename, in every graph, the IRIs of reference entities as an earlier IRI scheme minted them
    (vocab.scheme_1_slug) to the current ones, so that articles stored before link to the reloaded reference
    knowledge. Any store with `quads` and `update`. Returns the old IRIs renamed."""
    renamed = []
    for e in reference.entities.values():
        head, _, tail = e.iri.rpartition("/")
        if tail != vocab.slug(e.label) or (old := f"{head}/{vocab.scheme_1_slug(e.label)}") == e.iri:
            continue
        node = ox.NamedNode(old)
        if next(iter(store.quads(None, None, node)), None) is None and next(iter(store.quads(node)), None) is None:
            continue
        o, n = f"<{old}>", f"<{e.iri}>"  # minted by vocab.resource: no characters to escape
        store.update(f"DELETE {{ GRAPH ?g {{ ?s ?p {o} }} }} INSERT {{ GRAPH ?g {{ ?s ?p {n} }} }} "
                     f"WHERE {{ GRAPH ?g {{ ?s ?p {o} }} }} ; "
                     f"DELETE {{ GRAPH ?g {{ {o} ?p ?v }} }} INSERT {{ GRAPH ?g {{ {n} ?p ?v }} }} "
                     f"WHERE {{ GRAPH ?g {{ {o} ?p ?v }} }}")
        renamed.append(old)
    return renamed


def build_timeline(store: Store) -> bool:
    """Add the timeline index to the articles stored before it existed, once (the mark in the state graph
    makes that cheap to check). Any store with `quads`, `articles`, `query` and `add_graph`. True if it wrote."""
    if TIMELINE_BUILT in store.quads(timeline.INDEX, VERSION, None, STATE_GRAPH):
        return False
    timeline.rebuild(list(store.articles()), store.query, store.add_graph)
    store.add_graph([TIMELINE_BUILT])
    return True


def fusion_version() -> str:
    """The version of the events graph: of fusion's rules and of the reference knowledge they read."""
    return hashlib.sha256(f"{fusion.RULES_VERSION}\n{reference_version()}".encode()).hexdigest()


def build_events(store: Store) -> bool:
    """Bring the events graph up to date, unless the store does not fuse: rebuilt if it was made by other rules or
    reference knowledge (or never), else the articles marked unfused are fused. Any store with kg.events_graph's
    interface and `fusing`. True if it wrote."""
    if not store.fusing:
        return False
    version = fusion_version()
    if not events_graph.is_current(store, version):
        events_graph.rebuild(store, version)
        return True
    left = events_graph.pending(store)
    if left:
        events_graph.fuse_stored(store, left)
    return bool(left)


def finish_init(store: Store, reference: Reference, loaded: bool, build: Callable[[], bool]) -> bool:
    """What `init` does once the reference knowledge is (re)loaded (`loaded`), on any store with `index`, `query`,
    `update` and `articles`: rename the IRIs an earlier scheme minted, add the timeline index (`build`), bring the
    events graph up to date (`build_events`), and bring the search index up to the store. True if it wrote
    anything."""
    if loaded and rename_old_iris(store, reference) and store.index is not None:
        store.index.mark_stale()
    built = build() | build_events(store)
    if store.index is not None:
        sync_index(store, store.index)
    return built or loaded


def sync_index(store: Store, index: SearchIndex) -> None:
    """Index the articles the store holds and the index lacks, and the reference knowledge if it changed; drop from
    the index the articles the store no longer holds (any store with `query` and `articles`)."""
    index.sync(store.query, store.articles(), reference_version())


def stats_of(store: Store) -> Stats:
    """Counts of triples, articles, entities by class and events by class, by SPARQL (any store with `query`:
    a remote store's)."""
    triples = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value)
    return Stats.of(_typed_counts(triples, store.query), store)


def entity_counts(store: Store) -> dict[str, int]:
    """The number of distinct entities of each core class (any store with `query`)."""
    # each class of the ontology with the core class it falls under, so that only those types are read
    # (matching every typed node against the class hierarchy took over a minute at 100,000 articles)
    classes = {(cls, core) for cls, supers in ontology.superclasses().items()
               for core in ontology.CORE_TYPES if core in supers} | {(c, c) for c in ontology.CORE_TYPES}
    pairs = " ".join(f"(gkg:{cls} gkg:{core})" for cls, core in sorted(classes))
    query = (f"PREFIX gkg: <{vocab.GKG}> SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {{ "
             f"VALUES (?t ?c) {{ {pairs} }} ?e a ?t }} GROUP BY ?c")
    return {row["c"].value.rsplit("#", 1)[-1]: int(row["n"].value) for row in store.query(query)}
