"""`geokg load`: N-Quads shards of article graphs (what `geokg extract` writes) into a store.

Into the embedded store they are bulk-loaded (Store.load_all: large loads, marked "loading" until done, so that an
interrupted one is removed when the store is next opened); into a SPARQL server each article graph is POSTed through
the Graph Store Protocol (SparqlStore.post_graph), kg.events_graph.ARTICLES_PER_FUSION at a time, each such group's
unfused marks written before it and removed by its fusion (kg.events_graph.fuse) after it. Either way an article
that the store holds already (the same graph IRI, i.e. text, or the same URL), or that an earlier shard of the run
gave, is skipped: loading a shard twice changes nothing. The store gets the ontology and the reference knowledge
first (`init`); the article graphs carry their own timeline entries, and the embedded store keeps its counts across
the loads. The articles' events are fused into canonical events as they are loaded, unless the store does not fuse
(`geokg load --no-fuse`: the marks stay for `geokg fuse`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import fsspec
import pyoxigraph as ox
from fsspec import AbstractFileSystem
from fsspec.implementations.local import LocalFileSystem

from kg import events_graph, reference, reports, shards, vocab
from kg.ingest import Progress, Summary
from kg.sparql_store import SparqlStore
from kg.store import BULK_BYTES, ArticleGraph, Store, article_url


class ShardError(ValueError):
    """A shard cannot be read or holds something else than article graphs; the message names it."""


@dataclass
class LoadSummary(Summary):
    shards: int = 0

    def line(self) -> str:
        text = (f"{self.articles} article(s) loaded from {self.shards} shard(s), {self.skipped} already present; "
                f"{self.triples} triples added")
        return text + (f"; {len(self.failed)} failed" if self.failed else "")


def shard_files(sources: list[str]) -> Iterator[tuple[AbstractFileSystem, str] | ShardError]:
    """The shard files that `sources` name (paths or fsspec URLs): files as given, directories' *.nq files sorted."""
    for source in sources:
        fs, path = fsspec.core.url_to_fs(source)
        if fs.isdir(path):
            found = sorted(p for p in fs.find(path) if p.endswith(shards.SUFFIX)
                           and not p.rpartition("/")[2].startswith("."))
            if not found:
                yield ShardError(f"{source}: no N-Quads shards (*{shards.SUFFIX}) in this directory")
            yield from ((fs, p) for p in found)
        elif fs.isfile(path):
            yield fs, path
        else:
            yield ShardError(f"{source}: no such file or directory")


def article_graphs(data: bytes, origin: str) -> tuple[list[list[ox.Quad]], list[str]]:
    """The article graphs of a shard, each a list of quads, in order; and the other graphs' IRIs, which are not
    loaded (the reference knowledge and the ontology come from `init`)."""
    graphs: dict[str, list[ox.Quad]] = {}
    try:
        for q in ox.parse(data, ox.RdfFormat.N_QUADS):
            if isinstance(q.graph_name, ox.DefaultGraph):
                raise ShardError(f"{origin}: a triple outside any named graph ({q.triple}): not an article graph")
            graphs.setdefault(q.graph_name.value, []).append(q)
    except SyntaxError as exc:
        raise ShardError(f"{origin}: not N-Quads: {exc}") from None
    other = [g for g in graphs if not g.startswith(vocab.ARTICLE)]
    return [quads for g, quads in graphs.items() if g.startswith(vocab.ARTICLE)], other


def load_shards(store: Store | SparqlStore, sources: list[str], progress: Callable[[str], None] | None = None,
                load_bytes: int = BULK_BYTES) -> LoadSummary:
    """Load the article graphs of the shards that `sources` name into `store` (see the module's text)."""
    store.init(reference.load())
    summary = LoadSummary()
    found = list(shard_files(sources))
    bar = Progress(sum(item[0].size(item[1]) for item in found if not isinstance(item, ShardError)), progress)
    seen: set[str] = set()  # graph IRIs and URLs of this run

    def failed(err: ShardError) -> None:
        summary.failed.append(str(err))
        print(f"error: {err}", file=sys.stderr)

    def graphs() -> Iterator[list[ox.Quad]]:
        for item in found:
            if isinstance(item, ShardError):
                failed(item)
                continue
            fs, path = item
            origin = path if isinstance(fs, LocalFileSystem) else fs.unstrip_protocol(path)
            try:
                data = fs.cat_file(path)
                bar.read(len(data))
                kept, other = article_graphs(data, origin)
            except ShardError as exc:
                failed(exc)
                continue
            except OSError as exc:
                failed(ShardError(f"{origin}: cannot read: {exc}"))
                continue
            if other:
                failed(ShardError(f"{origin}: {len(other)} graph(s) that are no article's left out, e.g. <{other[0]}> "
                                  "(`geokg init` loads the ontology and the reference knowledge)"))
            summary.shards += 1
            for quads in kept:
                iri, url = quads[0].graph_name.value, article_url(quads)
                if iri in seen or url in seen or store.stored_article(iri, url) is not None:
                    summary.skipped += 1
                    continue
                seen.update(x for x in (iri, url) if x)
                summary.articles += 1
                summary.triples += len(quads)
                yield quads
            bar.update(len(kept))

    if isinstance(store, Store):
        store.load_all((ArticleGraph.of(g) for g in graphs()), load_bytes)
    else:
        group: list[list[ox.Quad]] = []
        for quads in graphs():
            group.append(quads)
            if len(group) >= events_graph.ARTICLES_PER_FUSION:
                _post(store, group)
                group = []
        _post(store, group)
    return summary


def _post(store: SparqlStore, group: list[list[ox.Quad]]) -> None:
    """POST these article graphs (and index them for search), marked unfused first, then fuse them (if the store
    fuses)."""
    if not group:
        return
    iris = [quads[0].graph_name.value for quads in group]
    store.add_graph([events_graph.unfused(iri) for iri in iris])
    store.post_graphs(list(zip(iris, group, strict=True)))
    if store.fusing:
        events_graph.fuse(store, reports.reports_in(q for quads in group for q in quads), iris)
