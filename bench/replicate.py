"""A store of k × n articles from one of n, for the growth probe at sizes that take hours to extract.

The article graphs of a store ingested by GeoKG are copied k-1 more times with their article IRIs
renamed (every node and graph name under the article's IRI: spans, events, assertions, sources), so
the copy has the size and shape of a corpus k times larger: the same entities, each mentioned k times
as often. Extraction cost per article is measured by the ingest stage; this measures what the store
does at the larger size: bulk writes into a growing store, and query latency.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg import canonical_rows, vocab
from kg.store import ArticleGraph, Store

PREFIX = vocab.ARTICLE.encode()


def spool_articles(store: Store, spool: BinaryIO) -> list[tuple[str, int, int]]:
    """Write every article graph of the store as N-Quads to `spool`; returns (graph IRI, offset, length) each."""
    index = []
    for iri in list(store.articles()):
        g = ox.NamedNode(iri)
        nquads = ox.serialize(store.ox.quads_for_pattern(None, None, None, g), None, ox.RdfFormat.N_QUADS)
        index.append((iri, spool.tell(), len(nquads)))
        spool.write(nquads)
    spool.flush()
    return index


def renamed(spool: BinaryIO, index: list[tuple[str, int, int]], k: int) -> Iterator[ArticleGraph]:
    """The spooled article graphs with their IRIs renamed for copy `k`, read one at a time (their search index
    rows read back from the store once loaded)."""
    for iri, offset, length in index:
        spool.seek(offset)
        yield ArticleGraph(iri.replace(vocab.ARTICLE, f"{vocab.ARTICLE}r{k}-", 1),
                           spool.read(length).replace(PREFIX, PREFIX + f"r{k}-".encode()), None)


def replicate(source: Path, target: Path, times: int) -> dict:
    """Copy the store at `source` to `target` and add its articles `times - 1` more times, renamed.
    Returns the seconds each added copy took to write (they show whether writes slow down as it grows).
    The source's article graphs are spooled to a file beside `target`, not held in memory."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    store = Store(target)
    seconds = []
    with tempfile.TemporaryFile(dir=target.parent) as spool:
        index = spool_articles(store, spool)
        for k in range(1, times):
            started = time.perf_counter()
            store.load_all(renamed(spool, index, k))  # in bulk loads of the size ingestion uses
            store.ox.flush()
            seconds.append(time.perf_counter() - started)
    articles = sum(1 for _ in store.articles())
    store.close()
    return {"articles": articles, "copies": times, "copy_seconds": seconds}


def _renamed_events(nquads: bytes, k: int) -> bytes:
    """Events graph N-Quads for copy `k`: its reports (under their articles' IRIs) and canonical events renamed, its
    index keys (under EVENT + "key/") not, so that copy k's events are filed beside the original's."""
    tag = f"r{k}-".encode()
    event = b"<" + vocab.EVENT.encode()
    return (nquads.replace(PREFIX, PREFIX + tag).replace(event, event + tag)
            .replace(event + tag + b"key/", event + b"key/"))


def _renamed_event(iri: str, k: int) -> str:
    """A canonical event's IRI in copy `k` (as `_renamed_events` renames it)."""
    return iri.replace(vocab.EVENT, f"{vocab.EVENT}r{k}-", 1)


def replicate_fused(source: Path, target: Path, times: int, load_bytes: int = 1 << 27) -> dict:
    """Copy the fused store at `source` to `target` with its article graphs and events graph `times - 1` more times,
    renamed, bulk-loaded into the Oxigraph store directly: a store of the size and shape of a corpus `times` larger
    on the same days (each event copied, filed under the same index keys), for the latency of reads at that size.
    GeoKG's write path is bypassed (no fusion, no counts); the search index gets each copy's canonical events, renamed
    (kg.canonical_rows: for their lists), not its articles' rows."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    store = Store(target)
    events = ox.NamedNode(vocab.EVENTS_GRAPH)
    rows = list(canonical_rows.read(store.query))
    seconds = []
    with tempfile.TemporaryFile(dir=target.parent) as spool:
        index = spool_articles(store, spool)
        offset = spool.tell()
        spool.write(ox.serialize(store.ox.quads_for_pattern(None, None, None, events), None, ox.RdfFormat.N_QUADS))
        length = spool.tell() - offset
        for k in range(1, times):
            started = time.perf_counter()
            batch: list[bytes] = []
            size = 0
            for graph in renamed(spool, index, k):
                batch.append(graph.nquads)
                size += len(graph.nquads)
                if size >= load_bytes:
                    store.ox.bulk_load(b"".join(batch), ox.RdfFormat.N_QUADS)
                    batch, size = [], 0
            spool.seek(offset)
            store.ox.bulk_load(b"".join([*batch, _renamed_events(spool.read(length), k)]), ox.RdfFormat.N_QUADS)
            store.ox.flush()
            if store.index is not None:
                store.index.events_written({(iri := _renamed_event(r.iri, k)): dataclasses.replace(r, iri=iri)
                                            for r in rows})
            seconds.append(time.perf_counter() - started)
    articles = sum(1 for _ in store.articles())
    store.close()
    return {"articles": articles, "copies": times, "copy_seconds": seconds}
