"""Ingestion: files and directories of articles -> extraction (in parallel with --jobs) -> the store.

Every article's graph is in the store whole or not at all: batches are bulk-loaded and then marked
complete; unmarked (crash-interrupted) graphs are removed when the store is next opened. Articles
already in the store (same content hash, or same URL) are skipped, so an interrupted run, re-run,
finishes the rest.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import extract, index_source, mapping, reference
from kg.article import SUFFIXES, Article, ArticleError, read
from kg.index_source import IndexRows
from kg.processes import exit_with_parent
from kg.remote import ServerSink
from kg.sparql_store import SparqlStore
from kg.store import BULK_BYTES, ArticleGraph, Store

BATCH = 32  # articles per extraction batch (the embedded store's writes gather many: BULK_BYTES)


@dataclass
class Summary:
    articles: int = 0
    skipped: int = 0
    entities: int = 0
    events: int = 0
    triples: int = 0
    failed: list[str] = field(default_factory=list)
    stored: bool = True  # False: extracted to N-Quads, no store involved

    def count(self, x: Extracted, sign: int = 1) -> None:
        """Count the article in (or, with sign -1, out of) the summary."""
        self.articles += sign
        self.entities += sign * x.entities
        self.events += sign * x.events
        self.triples += sign * x.triples

    def add(self, other: Summary) -> None:
        """Count another summary's articles and failures in this one (a shard's, extracted elsewhere)."""
        self.articles += other.articles
        self.skipped += other.skipped
        self.entities += other.entities
        self.events += other.events
        self.triples += other.triples
        self.failed += other.failed

    def line(self) -> str:
        if self.stored:
            text = (f"{self.articles} article(s) ingested, {self.skipped} already present; "
                    f"{self.entities} entities, {self.events} events, {self.triples} triples added")
        else:
            text = (f"{self.articles} article(s) extracted; "
                    f"{self.entities} entities, {self.events} events, {self.triples} triples written")
            if self.skipped:
                text += f"; {self.skipped} article(s) in shards written before"
        if self.failed:
            text += f"; {len(self.failed)} failed"
        return text

    def report(self, limit: int = 20) -> str:
        """The summary line, then why each failed article failed."""
        lines = [self.line()]
        lines += [f"  failed: {reason}" for reason in self.failed[:limit]]
        if len(self.failed) > limit:
            lines.append(f"  ... and {len(self.failed) - limit} more failures (each was reported above)")
        return "\n".join(lines)


@dataclass(frozen=True)
class Extracted:
    """One article's graph with counts for the summary: as quads in this process, or as N-Quads bytes
    (cheap to send) when it comes from an extraction process, then with its rows in the search index if it is for
    the embedded store (taken from the quads there, so that the storing process need not read them back)."""

    article: Article
    entities: int
    events: int
    graph: list[ox.Quad] | None = None
    nquads: bytes | None = None
    index: IndexRows | None = None

    def quads(self) -> list[ox.Quad]:
        if self.graph is not None:
            return self.graph
        return list(ox.parse(self.nquads or b"", ox.RdfFormat.N_QUADS))

    @property
    def triples(self) -> int:
        return len(self.graph) if self.graph is not None else (self.nquads or b"").count(b"\n")

    def as_nquads(self) -> bytes:
        return self.nquads if self.nquads is not None else ox.serialize(self.graph or [], None, ox.RdfFormat.N_QUADS)

    def for_loading(self) -> ArticleGraph:
        if self.nquads is not None:
            return ArticleGraph(self.article.iri, self.nquads, self.index)
        return ArticleGraph.of(self.quads())


def files(paths: list[Path]) -> Iterator[Path | ArticleError]:
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                yield ArticleError(f"{path}: no article files ({', '.join(sorted(SUFFIXES))}) in this directory")
            yield from found
        elif path.is_file():
            yield path
        elif path.exists():  # a FIFO or a device would block the ingest, or never end
            yield ArticleError(f"{path}: not a regular file or directory")
        else:
            yield ArticleError(f"{path}: no such file or directory")


class Progress:
    """Articles done, rate and ETA (by bytes of input read) on standard error, when it is a terminal."""

    def __init__(self, total_bytes: int, show: Callable[[str], None] | None) -> None:
        self.total, self.show, self.started = max(total_bytes, 1), show, time.monotonic()
        self.bytes = 0
        self.articles = 0

    def read(self, bytes_read: int) -> None:
        self.bytes += bytes_read

    def update(self, articles: int) -> None:
        self.articles += articles
        if self.show is None:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        share = min(self.bytes / self.total, 1.0)
        eta = elapsed * (1 - share) / share if share > 0 else None
        bar = "#" * int(share * 30)
        self.show(f"[{bar:<30}] {share:4.0%} {self.articles} articles, {self.articles / elapsed:.1f}/s, "
                  f"ETA {'?' if eta is None else f'{int(eta // 60)}m{int(eta % 60):02d}s'}")


def articles(found: list[Path | ArticleError], progress: Progress | None = None) -> Iterator[Article | ArticleError]:
    """The articles in the files that `files` found (and its errors), in order."""
    for item in found:
        if isinstance(item, ArticleError):
            yield item
            continue
        yield from read(item, progress.read if progress is not None else None)


def extract_batch(batch: list[Article], as_bytes: bool = False, index_rows: bool = False) -> list[Extracted]:
    """Extract a batch of articles; `as_bytes` returns the graphs as N-Quads (for other processes), with their
    search index rows if `index_rows` (for the embedded store's bulk loads)."""
    ref = reference.load()
    out = []
    for x in extract.extract_many(batch):
        events = mapping.merge_events(x.events)
        quads = list(mapping.article_quads(x, ref, events))
        counts = (len({m.iri for m in x.mentions}), len(events))
        if as_bytes:
            out.append(Extracted(x.article, *counts, nquads=ox.serialize(quads, None, ox.RdfFormat.N_QUADS),
                                 index=index_source.from_quads(x.article.iri, quads) if index_rows else None))
        else:
            out.append(Extracted(x.article, *counts, graph=quads))
    return out


def warm_up() -> None:
    """Load what extraction needs (the spaCy pipeline, the gazetteer and the reference knowledge, each cached once per
    process) before the first batch."""
    extract.extract(Article(title="warm up", content="warm up\nRussia."))


def _start_extraction_process(parent: int) -> None:
    """An extraction process ends with the ingest that started it (else a killed ingest left them waiting for
    work), and loads the pipeline before its first batch."""
    exit_with_parent(parent)
    warm_up()


def batched(items: Iterable[Article | ArticleError], size: int, skip: Callable[[Article], bool],
            on_error: Callable[[ArticleError], None], on_skip: Callable[[Article], None]) -> Iterator[list[Article]]:
    """The articles of `items` in lists of `size` (the last may be shorter), in order. Errors go to `on_error`;
    an article that came earlier (same IRI or URL) or that `skip` rejects goes to `on_skip`."""
    seen: set[str] = set()  # article IRIs and URLs of this run: a repeat is skipped before it reaches the store
    batch: list[Article] = []
    for item in items:
        if isinstance(item, ArticleError):
            on_error(item)
        elif item.iri in seen or item.url in seen or skip(item):
            on_skip(item)
        else:
            seen.add(item.iri)
            if item.url:
                seen.add(item.url)
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def extracted(items: Iterator[Article | ArticleError], jobs: int, skip: Callable[[Article], bool],
              on_error: Callable[[ArticleError], None],
              on_skip: Callable[[Article], None], index_rows: bool = False) -> Iterator[list[Extracted]]:
    """Batches of extracted articles, extraction spread over `jobs` processes (results in input order), those of
    the processes with their search index rows if `index_rows`."""
    batches = batched(items, BATCH, skip, on_error, on_skip)
    if jobs <= 1:
        for batch in batches:
            yield extract_batch(batch)
        return
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn"),
                                initializer=_start_extraction_process, initargs=(os.getpid(),)) as pool:
        in_flight: list[cf.Future[list[Extracted]]] = []
        for batch in batches:
            in_flight.append(pool.submit(extract_batch, batch, True, index_rows))
            while len(in_flight) >= 2 * jobs:
                yield in_flight.pop(0).result()
        for future in in_flight:
            yield future.result()


def ingest(store: Store | SparqlStore | ServerSink, paths: list[Path], progress: Callable[[str], None] | None = None,
           jobs: int = 1, load_bytes: int = BULK_BYTES) -> Summary:
    """Ingest every article under `paths`: extraction here (or in `jobs` processes), writes on a writer thread
    (into the embedded store in bulk loads of about `load_bytes` of N-Quads)."""
    store.init(reference.load())
    summary = Summary()
    found = list(files(paths))
    bar = Progress(sum(p.stat().st_size for p in found if isinstance(p, Path)), progress)

    def failed(err: ArticleError) -> None:
        summary.failed.append(str(err))
        print(f"error: {err}", file=sys.stderr)

    def skipped(_: Article) -> None:
        summary.skipped += 1

    def present(a: Article) -> bool:
        return store.stored_article(a.iri, a.url) is not None

    with Writer(_writer_for(store, load_bytes)) as writer:
        for batch in extracted(articles(found, bar), jobs, present, failed, skipped, isinstance(store, Store)):
            writer.put(batch)
            for x in batch:
                summary.count(x)
            bar.update(articles=len(batch))
    for x in writer.present:
        summary.count(x, -1)
        summary.skipped += 1
    return summary


Batches = Iterator[list[Extracted]]
# Writes the batches; returns the articles it found stored already when it wrote them.
Write = Callable[[Batches], list[Extracted]]


def _writer_for(store: Store | SparqlStore | ServerSink, load_bytes: int) -> Write:
    def embedded(batches: Batches) -> list[Extracted]:  # gathered into large bulk loads (see BULK_BYTES)
        assert isinstance(store, Store)
        store.load_all((x.for_loading() for batch in batches for x in batch), load_bytes)
        return []  # this process is the store's only writer: what `present` did not find is not there

    def server(batches: Batches) -> list[Extracted]:  # one PUT (one transaction on the server) per article
        assert isinstance(store, ServerSink)
        return [x for batch in batches for x in batch if not store.add_article(x.article.iri, x.quads())]

    def remote(batches: Batches) -> list[Extracted]:  # one SPARQL Update request per batch
        assert isinstance(store, SparqlStore)
        for batch in batches:
            store.add_articles([x.quads() for x in batch])
        return []

    return embedded if isinstance(store, Store) else server if isinstance(store, ServerSink) else remote


class Writer:
    """Writes batches on a thread of its own while the caller goes on extracting: bulk loading and
    HTTP requests run without Python's global lock. `write` consumes the stream of batches put here;
    at most `depth` batches wait. The writer's error, if any, is raised in the caller at the next
    `put` or at the end; what was written before it stays written. At the end, `present` holds the articles
    that the store held already when they were written."""

    def __init__(self, write: Write, depth: int = 2) -> None:
        self.write = write
        self.queue: queue.Queue[list[Extracted] | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.present: list[Extracted] = []
        self.thread = threading.Thread(target=self._run, name="geokg-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        batches = iter(self.queue.get, None)
        try:
            self.present = self.write(batches)
        except BaseException as exc:  # handed to the caller's thread
            self.error = exc
            for _ in batches:  # go on taking batches, so that the caller never waits on a full queue
                pass

    def put(self, batch: list[Extracted]) -> None:
        self._raise()
        self.queue.put(batch)

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.queue.put(None)
        self.thread.join()
        if exc[0] is None:
            self._raise()


def extract_to(out: BinaryIO, paths: list[Path], jobs: int = 1) -> Summary:
    """N-Quads of every article's graph to `out`, without a store (for batch engines and bulk loading)."""
    summary = Summary(stored=False)

    def failed(err: ArticleError) -> None:
        summary.failed.append(str(err))
        print(f"error: {err}", file=sys.stderr)

    for batch in extracted(articles(list(files(paths))), jobs, lambda _: False, failed, lambda _: None):
        for x in batch:
            out.write(x.as_nquads())
            summary.count(x)
    return summary
