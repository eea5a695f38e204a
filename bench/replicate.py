"""A store of k × n articles from one of n, for the growth probe at sizes that take hours to extract.

The article graphs of a store ingested by GeoKG are copied k-1 more times with their article IRIs
renamed (every node and graph name under the article's IRI: spans, events, assertions, sources), so
the copy has the size and shape of a corpus k times larger: the same entities, each mentioned k times
as often. Extraction cost per article is measured by the ingest stage; this measures what the store
does at the larger size: bulk writes into a growing store, and query latency.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pyoxigraph as ox

from kg import vocab
from kg.store import Store

PREFIX = vocab.ARTICLE.encode()


def article_nquads(store: Store) -> list[tuple[str, bytes]]:
    """Every article graph of the store as (graph IRI, N-Quads)."""
    out = []
    for iri in list(store.articles()):
        g = ox.NamedNode(iri)
        out.append((iri, ox.serialize(store.ox.quads_for_pattern(None, None, None, g), None, ox.RdfFormat.N_QUADS)))
    return out


def replicate(source: Path, target: Path, times: int) -> dict:
    """Copy the store at `source` to `target` and add its articles `times - 1` more times, renamed.
    Returns the seconds each added copy took to write (they show whether writes slow down as it grows)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    store = Store(target)
    graphs = article_nquads(store)
    seconds = []
    for k in range(1, times):
        started = time.perf_counter()
        renamed = [(iri.replace(vocab.ARTICLE, f"{vocab.ARTICLE}r{k}-", 1),
                    nquads.replace(PREFIX, PREFIX + f"r{k}-".encode())) for iri, nquads in graphs]
        store.load_all(renamed)  # in bulk loads of the size ingestion uses
        store.ox.flush()
        seconds.append(time.perf_counter() - started)
    articles = sum(1 for _ in store.articles())
    store.close()
    return {"articles": articles, "copies": times, "copy_seconds": seconds}
